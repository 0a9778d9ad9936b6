using System.Xml.Linq;

namespace NtmWorkflow.Testing;

/// <summary>
/// Changes to a BPMN model as an administrator makes them in the designer, for the tests of a new version: a step
/// renamed everywhere its id is named (flows, boundary events, the drawing), a user task added after a step (drawn).
/// </summary>
public static class WorkflowEdits
{
    private static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    private static readonly XNamespace Camunda = "http://camunda.org/schema/1.0/bpmn";
    private static readonly XNamespace BpmnDi = "http://www.omg.org/spec/BPMN/20100524/DI";
    private static readonly XNamespace Dc = "http://www.omg.org/spec/DD/20100524/DC";
    private static readonly XNamespace Di = "http://www.omg.org/spec/DD/20100524/DI";

    public static string RenameStep(string bpmn, string from, string to)
    {
        var document = XDocument.Parse(bpmn);
        foreach (var attribute in document.Descendants().Attributes()
                     .Where(a => a.Value == from && a.Name.LocalName is "id" or "sourceRef" or "targetRef" or "attachedToRef" or "bpmnElement"))
        {
            attribute.Value = to;
        }

        return document.ToString();
    }

    /// <summary>A user task <paramref name="id"/> on the one flow leaving <paramref name="after"/>, before where that flow led.</summary>
    public static string AddStepAfter(string bpmn, string after, string id, string name, string? candidateGroups = null)
    {
        var document = XDocument.Parse(bpmn);
        var process = document.Root!.Element(Bpmn + "process")!;
        var leave = process.Elements(Bpmn + "sequenceFlow").Single(f => (string?)f.Attribute("sourceRef") == after);
        var next = (string)leave.Attribute("targetRef")!;
        leave.SetAttributeValue("targetRef", id);
        var step = new XElement(Bpmn + "userTask", new XAttribute("id", id), new XAttribute("name", name));
        if (candidateGroups is not null)
        {
            step.SetAttributeValue(Camunda + "candidateGroups", candidateGroups);
        }

        var flow = "f_" + id;
        leave.AddAfterSelf(step, new XElement(Bpmn + "sequenceFlow", new XAttribute("id", flow), new XAttribute("sourceRef", id), new XAttribute("targetRef", next)));
        if (document.Root!.Descendants(BpmnDi + "BPMNPlane").SingleOrDefault() is { } plane)
        {
            plane.Add(
                new XElement(BpmnDi + "BPMNShape", new XAttribute("id", id + "_di"), new XAttribute("bpmnElement", id),
                    new XElement(Dc + "Bounds", new XAttribute("x", 0), new XAttribute("y", 900), new XAttribute("width", 100), new XAttribute("height", 80))),
                new XElement(BpmnDi + "BPMNEdge", new XAttribute("id", flow + "_di"), new XAttribute("bpmnElement", flow),
                    new XElement(Di + "waypoint", new XAttribute("x", 100), new XAttribute("y", 940)),
                    new XElement(Di + "waypoint", new XAttribute("x", 200), new XAttribute("y", 940))));
        }

        return document.ToString();
    }
}
