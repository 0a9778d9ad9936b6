using System.Text;
using System.Xml.Linq;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Engine.Tests.Definitions;

/// <summary>
/// BPMN diagram interchange (bpmndi) is drawing only: the engine reads a model with it as it reads the same model
/// without, and the shipped workflows keep a shape or edge for every element so the dossier page and the
/// Camunda Modeler can draw them.
/// </summary>
public sealed class DiagramInterchangeTests
{
    private static readonly XNamespace BpmnNs = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    private static readonly XNamespace BpmnDi = "http://www.omg.org/spec/BPMN/20100524/DI";
    private static readonly XNamespace Dc = "http://www.omg.org/spec/DD/20100524/DC";
    private static readonly XNamespace Di = "http://www.omg.org/spec/DD/20100524/DI";

    private const string Body = """
        <bpmn:startEvent id="start" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
        <bpmn:userTask id="review" camunda:candidateGroups="reviewers" />
        <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
        <bpmn:endEvent id="end" />
        """;

    private const string Diagram = """
        <bpmndi:BPMNDiagram id="diagram">
          <bpmndi:BPMNPlane id="plane" bpmnElement="p">
            <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="0" y="22" width="36" height="36" /></bpmndi:BPMNShape>
            <bpmndi:BPMNShape id="review_di" bpmnElement="review"><dc:Bounds x="100" y="0" width="100" height="80" /></bpmndi:BPMNShape>
            <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="264" y="22" width="36" height="36" />
              <bpmndi:BPMNLabel><dc:Bounds x="250" y="60" width="64" height="14" /></bpmndi:BPMNLabel></bpmndi:BPMNShape>
            <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="36" y="40" /><di:waypoint x="100" y="40" /></bpmndi:BPMNEdge>
            <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="200" y="40" /><di:waypoint x="264" y="40" /></bpmndi:BPMNEdge>
          </bpmndi:BPMNPlane>
        </bpmndi:BPMNDiagram>
        """;

    [Fact]
    public async Task A_model_with_a_diagram_deploys_and_runs_as_the_same_model_without()
    {
        var plain = Bpmn.Document(Body);
        var drawn = plain
            .Replace("xmlns:camunda=", """xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda=""", StringComparison.Ordinal)
            .Replace("</bpmn:definitions>", Diagram + "</bpmn:definitions>", StringComparison.Ordinal);
        Assert.Contains("<bpmndi:BPMNShape", drawn, StringComparison.Ordinal);

        var validation = WorkflowEngine.Validate(Encoding.UTF8.GetBytes(drawn));
        Assert.True(validation.Valid, string.Join("\n", validation.Errors));
        Assert.Equal(["p"], validation.Processes);

        var traces = new List<List<string>>();
        foreach (var document in new[] { plain, drawn })
        {
            var trace = new List<WorkflowEvent>();
            var engine = new WorkflowEngine(new InMemoryWorkflowStore(), new WorkflowEngineOptions { OnEvent = trace.Add });
            Assert.True(engine.Deploy(Encoding.UTF8.GetBytes(document)).Validation.Valid);
            var instance = await engine.StartAsync("p", null, null);
            await engine.CompleteTaskAsync(Assert.Single(await engine.ListTasksAsync(instance.Id)).Id, null, null);
            traces.Add([.. trace.Where(e => e.Event is "activated" or "completed").Select(e => $"{e.Event} {e.ElementId}")]);
        }

        Assert.Equal(["activated start", "completed start", "activated review", "completed review", "activated end", "completed end"], traces[0]);
        Assert.Equal(traces[0], traces[1]);
    }

    public static TheoryData<string> ShippedWorkflows() =>
        [.. Directory.GetFiles(Path.Combine(NtmWorkflow.Testing.TestEnvironment.RepositoryRoot, "workflows"), "*.bpmn").Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(ShippedWorkflows))]
    public void Every_element_of_a_shipped_workflow_is_drawn(string file)
    {
        var path = Path.Combine(NtmWorkflow.Testing.TestEnvironment.RepositoryRoot, "workflows", file);
        var validation = WorkflowEngine.ValidateFile(path);
        Assert.True(validation.Valid, string.Join("\n", validation.Errors));

        var document = XDocument.Load(path);
        var process = Assert.Single(document.Root!.Elements(BpmnNs + "process"));
        var plane = Assert.Single(document.Root.Elements(BpmnDi + "BPMNDiagram")).Element(BpmnDi + "BPMNPlane")!;
        Assert.Equal((string?)process.Attribute("id"), (string?)plane.Attribute("bpmnElement"));

        var shapes = plane.Elements(BpmnDi + "BPMNShape").ToDictionary(s => (string)s.Attribute("bpmnElement")!);
        var edges = plane.Elements(BpmnDi + "BPMNEdge").ToDictionary(e => (string)e.Attribute("bpmnElement")!);
        // Elements of embedded subprocesses are drawn on the same plane, inside their subprocess's shape.
        var elements = process.Descendants().Where(e => e.Name.Namespace == BpmnNs && e.Attribute("id") is not null && e.Parent!.Name.LocalName is "process" or "subProcess").ToList();
        var flows = elements.Where(e => e.Name.LocalName == "sequenceFlow").Select(e => (string)e.Attribute("id")!).ToList();
        var nodes = elements.Where(e => e.Name.LocalName != "sequenceFlow").Select(e => (string)e.Attribute("id")!).ToList();

        Assert.Equal(nodes.Order(StringComparer.Ordinal), shapes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(flows.Order(StringComparer.Ordinal), edges.Keys.Order(StringComparer.Ordinal));
        Assert.All(shapes.Values, s => Assert.True((double)s.Element(Dc + "Bounds")!.Attribute("width")! > 0));
        Assert.All(edges.Values, e => Assert.True(e.Elements(Di + "waypoint").Count() >= 2));
    }
}
