using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace NtmWorkflow.Web.Features.Designer;

/// <summary>
/// Compares two BPMN documents of a process by element id: the flow elements of the process and its subprocesses
/// (tasks, events, gateways, sequence flows, subprocesses), each with its type, name, attributes, the content of its
/// children (extension properties, timers, conditions, multi-instance) and its incoming and outgoing flows.
/// The diagram's layout (bpmndi) is not compared.
/// </summary>
public static class BpmnDiff
{
    private const string BpmnNamespace = "http://www.omg.org/spec/BPMN/20100524/MODEL";

    private static readonly HashSet<string> NotElements = new(StringComparer.Ordinal)
    {
        "incoming", "outgoing", "laneSet", "documentation", "extensionElements", "ioSpecification", "property", "dataInputAssociation", "dataOutputAssociation",
        "multiInstanceLoopCharacteristics", "standardLoopCharacteristics", "conditionExpression",
    };

    private sealed record Element(string Id, string Type, string? Name, SortedDictionary<string, string> Attributes, SortedSet<string> Incoming, SortedSet<string> Outgoing);

    public static WorkflowDiff Compare(byte[]? published, byte[] model, string processId, int? againstVersion)
    {
        ArgumentNullException.ThrowIfNull(model);
        var before = published is null ? [] : Elements(published, processId);
        var after = Elements(model, processId);
        List<ElementDiff> added = [.. after.Values.Where(e => !before.ContainsKey(e.Id)).OrderBy(e => e.Id, StringComparer.Ordinal).Select(e => new ElementDiff(e.Id, e.Type, e.Name, []))];
        List<ElementDiff> removed = [.. before.Values.Where(e => !after.ContainsKey(e.Id)).OrderBy(e => e.Id, StringComparer.Ordinal).Select(e => new ElementDiff(e.Id, e.Type, e.Name, []))];
        List<ElementDiff> changed = [];
        foreach (var now in after.Values.Where(e => before.ContainsKey(e.Id)).OrderBy(e => e.Id, StringComparer.Ordinal))
        {
            var then = before[now.Id];
            List<ElementChange> changes = [];
            if (then.Type != now.Type)
            {
                changes.Add(new ElementChange("type", then.Type, now.Type));
            }

            if (then.Name != now.Name)
            {
                changes.Add(new ElementChange("name", then.Name, now.Name));
            }

            foreach (var key in then.Attributes.Keys.Union(now.Attributes.Keys).Order(StringComparer.Ordinal))
            {
                var (old, @new) = (then.Attributes.GetValueOrDefault(key), now.Attributes.GetValueOrDefault(key));
                if (old != @new)
                {
                    changes.Add(new ElementChange(key, old, @new));
                }
            }

            if (!then.Incoming.SetEquals(now.Incoming))
            {
                changes.Add(new ElementChange("incoming", string.Join(", ", then.Incoming), string.Join(", ", now.Incoming)));
            }

            if (!then.Outgoing.SetEquals(now.Outgoing))
            {
                changes.Add(new ElementChange("outgoing", string.Join(", ", then.Outgoing), string.Join(", ", now.Outgoing)));
            }

            if (changes.Count > 0)
            {
                changed.Add(new ElementDiff(now.Id, now.Type, now.Name, changes));
            }
        }

        return new WorkflowDiff(againstVersion, added, removed, changed);
    }

    /// <summary>The name of the process in a document the engine has read.</summary>
    public static string? ProcessName(byte[] bpmn, string processId) => (string?)Process(bpmn, processId)?.Attribute("name");

    private static XElement? Process(byte[] bpmn, string processId)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = DesignerService.MaxBpmnLength * 4L };
        using var reader = XmlReader.Create(new MemoryStream(bpmn), settings);
        return XDocument.Load(reader).Root?.Elements(XName.Get("process", BpmnNamespace)).FirstOrDefault(p => (string?)p.Attribute("id") == processId);
    }

    private static Dictionary<string, Element> Elements(byte[] bpmn, string processId)
    {
        var process = Process(bpmn, processId);
        var elements = new Dictionary<string, Element>(StringComparer.Ordinal);
        if (process is not null)
        {
            Collect(process, elements);
        }

        foreach (var flow in elements.Values.Where(e => e.Type == "sequenceFlow"))
        {
            if (flow.Attributes.TryGetValue("sourceRef", out var source) && elements.TryGetValue(source, out var from))
            {
                from.Outgoing.Add(flow.Id);
            }

            if (flow.Attributes.TryGetValue("targetRef", out var target) && elements.TryGetValue(target, out var to))
            {
                to.Incoming.Add(flow.Id);
            }
        }

        return elements;
    }

    private static void Collect(XElement scope, Dictionary<string, Element> elements)
    {
        foreach (var child in scope.Elements().Where(c => c.Name.NamespaceName == BpmnNamespace && !NotElements.Contains(c.Name.LocalName)))
        {
            if ((string?)child.Attribute("id") is not { Length: > 0 } id)
            {
                continue;
            }

            var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var attribute in child.Attributes().Where(a => !a.IsNamespaceDeclaration && !(a.Name.NamespaceName.Length == 0 && a.Name.LocalName is "id" or "name")))
            {
                attributes[Prefixed(child, attribute.Name)] = attribute.Value;
            }

            var isScope = child.Name.LocalName is "subProcess" or "transaction" or "adHocSubProcess";
            foreach (var content in child.Elements().Where(c => c.Name.LocalName is not ("incoming" or "outgoing") && !(isScope && c.Name.NamespaceName == BpmnNamespace && !NotElements.Contains(c.Name.LocalName))))
            {
                Flatten(content, Prefixed(child, content.Name), attributes);
            }

            elements[id] = new Element(id, child.Name.LocalName, (string?)child.Attribute("name"), attributes, new SortedSet<string>(StringComparer.Ordinal), new SortedSet<string>(StringComparer.Ordinal));
            if (isScope)
            {
                Collect(child, elements);
            }
        }
    }

    /// <summary>Content as path → value: <c>extensionElements/camunda:properties/camunda:property[task]</c> → its value, timers' text, attributes with <c>@</c>.</summary>
    private static void Flatten(XElement element, string path, SortedDictionary<string, string> into)
    {
        var key = (string?)element.Attribute("name") is { } name && element.Name.LocalName is "property" or "inputParameter" or "outputParameter" or "in" or "out"
            ? $"{path}[{name}]"
            : path;
        var unique = key;
        for (var n = 2; into.ContainsKey(unique) || into.Keys.Any(k => k.StartsWith(unique + "@", StringComparison.Ordinal) || k.StartsWith(unique + "/", StringComparison.Ordinal)); n++)
        {
            unique = string.Create(CultureInfo.InvariantCulture, $"{key}#{n}");
        }

        foreach (var attribute in element.Attributes().Where(a => !a.IsNamespaceDeclaration && a.Name.LocalName != "id"))
        {
            into[$"{unique}@{Prefixed(element, attribute.Name)}"] = attribute.Value;
        }

        if (!element.HasElements && element.Value.Trim() is { Length: > 0 } text)
        {
            into[unique] = text;
        }

        foreach (var child in element.Elements())
        {
            Flatten(child, $"{unique}/{Prefixed(element, child.Name)}", into);
        }
    }

    /// <summary>A name as its document writes it (<c>camunda:candidateGroups</c>), whatever the prefix is bound to.</summary>
    private static string Prefixed(XElement context, XName name)
    {
        if (name.NamespaceName.Length == 0 || name.NamespaceName == BpmnNamespace)
        {
            return name.LocalName;
        }

        var prefix = context.GetPrefixOfNamespace(name.Namespace);
        return prefix is null ? name.LocalName : $"{prefix}:{name.LocalName}";
    }
}
