using System.Globalization;
using System.Xml;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NtmWorkflow.Engine.Expressions;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Engine.Definitions;

/// <summary>
/// Reads BPMN 2.0 XML with Camunda 7 attributes into the immutable model, listing every problem that
/// would stop an executable process from running. Never throws on bad input: a file that is not XML,
/// holds a DTD, is too large or too deep is one <c>file</c> error. External entities are never resolved.
/// </summary>
internal static partial class BpmnReader
{
    public const long MaxFileBytes = 10 * 1024 * 1024;
    public const int MaxDepth = 200;
    public const string BpmnNs = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    public const string CamundaNs = "http://camunda.org/schema/1.0/bpmn";

    private static readonly XNamespace Bpmn = BpmnNs;
    private static readonly XNamespace Camunda = CamundaNs;

    /// <summary>Elements that may sit in a process without being executed (artifacts, data, lanes).</summary>
    private static readonly HashSet<string> Ignored =
    [
        "sequenceFlow", "laneSet", "textAnnotation", "association", "group", "dataObject", "dataObjectReference",
        "dataStoreReference", "documentation", "extensionElements", "ioSpecification", "property", "category",
        // Children of a subprocess that describe the subprocess itself, not its content.
        "incoming", "outgoing", "multiInstanceLoopCharacteristics", "standardLoopCharacteristics", "dataInputAssociation",
        "dataOutputAssociation", "potentialOwner", "humanPerformer", "performer",
    ];

    public static (DefinitionsModel? Model, ValidationResult Result) ReadFile(string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return FileError(Directory.Exists(path) ? "it is a folder, not a file" : "the file does not exist");
            }

            if (info.Length > MaxFileBytes)
            {
                return FileError($"the file is larger than {MaxFileBytes / (1024 * 1024)} MiB");
            }

            // Read at most one byte past the limit: a device or a growing file cannot make us read forever.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxFileBytes)
                {
                    return FileError($"the file is larger than {MaxFileBytes / (1024 * 1024)} MiB");
                }
            }

            bytes = buffer.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            return FileError($"the file cannot be read: {e.Message}");
        }

        return Read(bytes);
    }

    public static (DefinitionsModel? Model, ValidationResult Result) Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length > MaxFileBytes)
        {
            return FileError($"the file is larger than {MaxFileBytes / (1024 * 1024)} MiB");
        }

        XDocument document;
        try
        {
            document = Load(bytes);
        }
        catch (XmlException e) when (e.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            return FileError("the file holds a DTD, which is refused");
        }
        catch (XmlException e)
        {
            return FileError($"the file is not well-formed XML: {e.Message}");
        }
        catch (TooDeepException)
        {
            return FileError($"elements are nested more than {MaxDepth} levels deep");
        }
        catch (Exception e) when (e is System.Text.DecoderFallbackException or ArgumentException or InvalidOperationException)
        {
            return FileError($"the file is not readable XML: {e.Message}");
        }

        try
        {
            return new Builder(document).Build();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A reader bug must still give a verdict, never a crash.
            return (null, new ValidationResult(false, [], [new ValidationError(null, "definitions", null, $"the model could not be read: {e.Message}")]));
        }
    }

    private static (DefinitionsModel?, ValidationResult) FileError(string message) =>
        (null, new ValidationResult(false, [], [new ValidationError(null, "file", null, message)]));

    private static XDocument Load(byte[] bytes)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 1024,
            MaxCharactersInDocument = MaxFileBytes * 4,
            IgnoreProcessingInstructions = true,
        };

        // One streaming pass rejects deep nesting before a tree is built.
        using (var reader = XmlReader.Create(new MemoryStream(bytes), settings))
        {
            while (reader.Read())
            {
                if (reader.Depth > MaxDepth)
                {
                    throw new TooDeepException();
                }
            }
        }

        using var treeReader = XmlReader.Create(new MemoryStream(bytes), settings);
        return XDocument.Load(treeReader, LoadOptions.SetLineInfo);
    }

    private sealed class TooDeepException : Exception;

    /// <summary><c>param('name')</c> or <c>param("name")</c> with a literal name.</summary>
    [GeneratedRegex("""\bparam\(\s*(['"])(?<name>[^'"\r\n]{1,200})\1\s*\)""")]
    private static partial Regex ParameterCall();

    /// <summary>
    /// The literal <c>param('name')</c> calls of a model that <paramref name="parameters"/> does not define, as
    /// validation errors on their elements: a definition that names an unknown legal parameter is refused.
    /// </summary>
    public static List<ValidationError> UnknownParameters(DefinitionsModel model, IProcessParameters parameters)
    {
        var none = new Dictionary<string, System.Text.Json.Nodes.JsonNode?>();
        return [.. model.ParameterUses.Where(u => parameters.Find(u.Name, none) is null)
            .DistinctBy(u => (u.ElementId, u.Name))
            .Select(u => new ValidationError(u.ElementId, u.ElementType, u.Line, $"the parameter '{u.Name}' is not defined (no legal parameter of that name)"))];
    }

    private sealed class Builder(XDocument document)
    {
        private readonly List<ValidationError> _errors = [];
        private readonly List<ParameterUse> _parameterUses = [];
        private readonly Dictionary<string, string> _messages = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _signals = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _errorCodes = new(StringComparer.Ordinal);
        private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

        /// <summary>Elements refused with an error of their own; references to them are not errors again.</summary>
        private readonly HashSet<string> _refused = new(StringComparer.Ordinal);

        /// <summary>Nodes that lost a sequence flow to a refused element: their flow counts are not checked again.</summary>
        private readonly HashSet<string> _dangling = new(StringComparer.Ordinal);

        public (DefinitionsModel?, ValidationResult) Build()
        {
            var root = document.Root!;
            if (root.Name != Bpmn + "definitions")
            {
                var error = new ValidationError(null, "definitions", Line(root), $"the root element is <{root.Name.LocalName}> in namespace '{root.Name.NamespaceName}', not BPMN 2.0 <definitions>");
                return (null, new ValidationResult(false, [], [error]));
            }

            foreach (var message in root.Elements(Bpmn + "message"))
            {
                if (Attr(message, "id") is { } id)
                {
                    _messages[id] = Attr(message, "name") ?? "";
                }
            }

            foreach (var signal in root.Elements(Bpmn + "signal"))
            {
                if (Attr(signal, "id") is { } id)
                {
                    _signals[id] = Attr(signal, "name") ?? "";
                }
            }

            foreach (var error in root.Elements(Bpmn + "error"))
            {
                if (Attr(error, "id") is { } id)
                {
                    _errorCodes[id] = Attr(error, "errorCode") ?? "";
                }
            }

            var processElements = root.Elements(Bpmn + "process").ToList();
            var processIds = processElements.Select(p => Attr(p, "id") ?? "").ToList();
            var processes = new List<ProcessModel>();
            foreach (var element in processElements)
            {
                var executable = Attr(element, "isExecutable");
                if (executable is not null && !string.Equals(executable.Trim(), "true", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                processes.Add(BuildProcess(element));
            }

            if (processes.Count == 0)
            {
                _errors.Add(new ValidationError(Attr(root, "id"), "definitions", Line(root),
                    processElements.Count == 0 ? "the file has no process" : "the file has no executable process (every process has isExecutable=\"false\")"));
            }

            var errors = _errors.OrderBy(e => e.Line ?? 0).ToList();
            var valid = errors.Count == 0;
            // An invalid document has no processes to run, but its param('…') calls are still checked, so one
            // validation names every problem (an unconnected task and a misspelt parameter alike).
            return (new DefinitionsModel { Processes = valid ? processes : [], ParameterUses = _parameterUses }, new ValidationResult(valid, processIds, errors));
        }

        private ProcessModel BuildProcess(XElement element)
        {
            var id = Attr(element, "id");
            if (string.IsNullOrWhiteSpace(id))
            {
                Error(element, null, "a process needs an id");
            }

            var process = new ProcessModel { Id = id ?? "", Name = Attr(element, "name") };
            BuildScope(element, process, process, isSubProcess: false);
            return process;
        }

        private void BuildScope(XElement container, ScopeModel scope, ProcessModel process, bool isSubProcess)
        {
            var nodes = new Dictionary<string, (FlowNode Node, XElement Element)>(StringComparer.Ordinal);
            foreach (var child in container.Elements().Where(e => e.Name.Namespace == Bpmn))
            {
                var localName = child.Name.LocalName;
                if (Ignored.Contains(localName))
                {
                    continue;
                }

                var node = BuildNode(child, scope, process);
                if (node is null)
                {
                    if (Attr(child, "id") is { } refusedId)
                    {
                        _refused.Add(refusedId);
                    }

                    continue;
                }

                scope.Nodes.Add(node);
                nodes[node.Id] = (node, child);
                process.NodesById[node.Id] = node;
            }

            // Sequence flows connect nodes of the same scope.
            var flowIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var flowElement in container.Elements(Bpmn + "sequenceFlow"))
            {
                var flowId = Attr(flowElement, "id");
                if (string.IsNullOrWhiteSpace(flowId))
                {
                    Error(flowElement, null, "a sequence flow needs an id");
                    continue;
                }

                RegisterId(flowElement, flowId);
                flowIds.Add(flowId);
                var sourceRef = Attr(flowElement, "sourceRef");
                var targetRef = Attr(flowElement, "targetRef");
                if (sourceRef is not null && _refused.Contains(sourceRef) || targetRef is not null && _refused.Contains(targetRef))
                {
                    // The refused element has its own error; its flows would only repeat it.
                    _dangling.Add(sourceRef ?? "");
                    _dangling.Add(targetRef ?? "");
                    continue;
                }

                if (sourceRef is null || !nodes.TryGetValue(sourceRef, out var source))
                {
                    Error(flowElement, flowId, sourceRef is null ? "the sequence flow has no sourceRef" : $"sourceRef '{sourceRef}' is not a flow node of the same {(isSubProcess ? "subprocess" : "process")}");
                    continue;
                }

                if (targetRef is null || !nodes.TryGetValue(targetRef, out var target))
                {
                    Error(flowElement, flowId, targetRef is null ? "the sequence flow has no targetRef" : $"targetRef '{targetRef}' is not a flow node of the same {(isSubProcess ? "subprocess" : "process")}");
                    continue;
                }

                var condition = flowElement.Element(Bpmn + "conditionExpression")?.Value.Trim();
                if (string.IsNullOrEmpty(condition))
                {
                    condition = null;
                }
                else
                {
                    CheckExpression(flowElement, flowId, condition, "condition", requireExpression: true);
                }

                var flow = new SequenceFlow { Id = flowId, Source = source.Node, Target = target.Node, Condition = condition, Line = Line(flowElement) };
                source.Node.Outgoing.Add(flow);
                target.Node.Incoming.Add(flow);
            }

            foreach (var (node, element) in nodes.Values)
            {
                ResolveReferences(node, element, nodes, flowIds);
            }

            CheckScope(container, scope, isSubProcess);
        }

        private FlowNode? BuildNode(XElement element, ScopeModel scope, ProcessModel process)
        {
            var localName = element.Name.LocalName;
            var id = Attr(element, "id");
            if (string.IsNullOrWhiteSpace(id))
            {
                Error(element, null, $"the {localName} needs an id");
                return null;
            }

            RegisterId(element, id);
            var definitions = element.Elements().Where(e => e.Name.Namespace == Bpmn && e.Name.LocalName.EndsWith("EventDefinition", StringComparison.Ordinal)).ToList();
            if (definitions.Count > 1)
            {
                Error(element, id, "an event with several event definitions is not supported");
                return null;
            }

            var definition = definitions.FirstOrDefault()?.Name.LocalName;
            var isSubProcess = scope is FlowNode;
            NodeKind? kind = (localName, definition) switch
            {
                ("startEvent", null) => NodeKind.NoneStartEvent,
                ("startEvent", "messageEventDefinition") when !isSubProcess => NodeKind.MessageStartEvent,
                ("endEvent", null) => NodeKind.NoneEndEvent,
                ("endEvent", "terminateEventDefinition") => NodeKind.TerminateEndEvent,
                ("endEvent", "errorEventDefinition") => NodeKind.ErrorEndEvent,
                ("endEvent", "messageEventDefinition") => NodeKind.MessageEndEvent,
                ("endEvent", "signalEventDefinition") => NodeKind.SignalEndEvent,
                ("intermediateCatchEvent", "timerEventDefinition") => NodeKind.TimerCatchEvent,
                ("intermediateCatchEvent", "messageEventDefinition") => NodeKind.MessageCatchEvent,
                ("intermediateCatchEvent", "signalEventDefinition") => NodeKind.SignalCatchEvent,
                ("intermediateThrowEvent", null) => NodeKind.PassThrough,
                ("intermediateThrowEvent", "messageEventDefinition") => NodeKind.MessageThrowEvent,
                ("intermediateThrowEvent", "signalEventDefinition") => NodeKind.SignalThrowEvent,
                ("boundaryEvent", "timerEventDefinition") => NodeKind.TimerBoundaryEvent,
                ("boundaryEvent", "messageEventDefinition") => NodeKind.MessageBoundaryEvent,
                ("boundaryEvent", "signalEventDefinition") => NodeKind.SignalBoundaryEvent,
                ("boundaryEvent", "errorEventDefinition") => NodeKind.ErrorBoundaryEvent,
                ("userTask", _) => NodeKind.UserTask,
                ("serviceTask", _) => NodeKind.ServiceTask,
                ("sendTask", _) => NodeKind.SendTask,
                ("scriptTask", _) => NodeKind.ScriptTask,
                ("task", _) or ("manualTask", _) => NodeKind.PassThrough,
                ("exclusiveGateway", _) => NodeKind.ExclusiveGateway,
                ("parallelGateway", _) => NodeKind.ParallelGateway,
                ("inclusiveGateway", _) => NodeKind.InclusiveGateway,
                ("eventBasedGateway", _) => NodeKind.EventBasedGateway,
                ("subProcess", _) when !IsTrue(Attr(element, "triggeredByEvent")) => NodeKind.SubProcess,
                ("callActivity", _) => NodeKind.CallActivity,
                _ => null,
            };

            if (kind is null)
            {
                var what = definition is null ? $"{localName}" : $"{localName} with {definition}";
                var hint = localName == "subProcess" ? "event subprocesses are not supported" : $"{what} is not supported by the engine";
                Error(element, id, hint);
                return null;
            }

            var messageName = definition == "messageEventDefinition" ? ResolveMessage(element, id, definitions[0]) : null;
            var signalName = definition == "signalEventDefinition" ? ResolveSignal(element, id, definitions[0]) : null;
            var timer = definition == "timerEventDefinition" ? ReadTimer(element, id, definitions[0]) : null;
            var node = new FlowNode
            {
                Id = id,
                Kind = kind.Value,
                ElementType = localName,
                Name = Attr(element, "name"),
                Line = Line(element),
                Parent = scope,
                CancelActivity = !string.Equals(Attr(element, "cancelActivity"), "false", StringComparison.OrdinalIgnoreCase),
                MessageName = messageName,
                SignalName = signalName,
                ErrorCode = definition == "errorEventDefinition" ? ResolveError(element, id, definitions[0], localName == "endEvent") : null,
                Timer = timer,
                MultiInstance = ReadMultiInstance(element, id),
                UserTask = kind == NodeKind.UserTask ? ReadUserTask(element, id) : null,
                Topic = kind is NodeKind.ServiceTask or NodeKind.SendTask ? ReadTopic(element, id, localName) : null,
                Script = kind == NodeKind.ScriptTask ? ReadScript(element, id) : null,
                RetryCycle = kind is NodeKind.ServiceTask or NodeKind.SendTask ? ReadRetryCycle(element, id) : null,
                CalledElement = kind == NodeKind.CallActivity ? ReadCalledElement(element, id) : null,
                CalledVersion = kind == NodeKind.CallActivity ? ReadCalledVersion(element, id) : null,
                InMappings = kind is NodeKind.CallActivity or NodeKind.MessageThrowEvent or NodeKind.MessageEndEvent or NodeKind.SignalThrowEvent or NodeKind.SignalEndEvent
                    ? ReadMappings(element, id, "in")
                    : [],
                CorrelationKey = kind is NodeKind.MessageThrowEvent or NodeKind.MessageEndEvent ? ReadCorrelationKey(element, id) : null,
                OutMappings = kind == NodeKind.CallActivity ? ReadMappings(element, id, "out") : [],
                ResultVariable = CamundaAttr(element, "resultVariable"),
                Properties = ReadProperties(element),
            };

            if (kind == NodeKind.SubProcess)
            {
                BuildScope(element, node, process, isSubProcess: true);
            }

            if (node.IsThrowEvent)
            {
                CheckThrowEvent(element, node);
            }

            return node;
        }

        private void ResolveReferences(FlowNode node, XElement element, Dictionary<string, (FlowNode Node, XElement Element)> nodes, HashSet<string> flowIds)
        {
            if (node.IsBoundaryEvent)
            {
                var attachedRef = Attr(element, "attachedToRef");
                if (attachedRef is not null && _refused.Contains(attachedRef))
                {
                    return;
                }

                if (attachedRef is null || !nodes.TryGetValue(attachedRef, out var attached) || !attached.Node.IsActivity)
                {
                    Error(element, node.Id, attachedRef is null ? "the boundary event is not attached to an activity (attachedToRef)" : $"attachedToRef '{attachedRef}' is not an activity of the same scope");
                }
                else
                {
                    node.AttachedTo = attached.Node;
                    attached.Node.BoundaryEvents.Add(node);
                }
            }

            if (Attr(element, "default") is { } defaultRef)
            {
                var flow = node.Outgoing.FirstOrDefault(f => f.Id == defaultRef);
                if (flow is null)
                {
                    Error(element, node.Id, flowIds.Contains(defaultRef) ? $"default flow '{defaultRef}' does not leave this element" : $"default flow '{defaultRef}' does not exist");
                }
                else if (node.Kind is not (NodeKind.ExclusiveGateway or NodeKind.InclusiveGateway or NodeKind.UserTask or NodeKind.ServiceTask or NodeKind.SendTask or NodeKind.ScriptTask or NodeKind.PassThrough or NodeKind.SubProcess))
                {
                    Error(element, node.Id, "only exclusive and inclusive gateways and activities have a default flow");
                }
                else
                {
                    node.DefaultFlow = flow;
                }
            }
        }

        private void CheckScope(XElement container, ScopeModel scope, bool isSubProcess)
        {
            var scopeId = Attr(container, "id");
            var noneStarts = scope.Nodes.Where(n => n.Kind == NodeKind.NoneStartEvent).ToList();
            if (isSubProcess)
            {
                if (noneStarts.Count == 0)
                {
                    Error(container, scopeId, "the subprocess has no none start event");
                }
            }
            else if (noneStarts.Count == 0 && !scope.Nodes.Any(n => n.Kind == NodeKind.MessageStartEvent))
            {
                Error(container, scopeId, "the process has no start event");
            }

            foreach (var extra in noneStarts.Skip(1))
            {
                Error(extra, $"the {(isSubProcess ? "subprocess" : "process")} has more than one none start event; only one can be the start");
            }

            foreach (var node in scope.Nodes.Where(n => !_dangling.Contains(n.Id)))
            {
                switch (node.Kind)
                {
                    case NodeKind.NoneStartEvent or NodeKind.MessageStartEvent when node.Incoming.Count > 0:
                        Error(node, "a start event cannot have incoming sequence flows");
                        break;
                    case var _ when node.IsEndEvent && node.Outgoing.Count > 0:
                        Error(node, "an end event cannot have outgoing sequence flows");
                        break;
                    case NodeKind.TimerBoundaryEvent or NodeKind.MessageBoundaryEvent or NodeKind.SignalBoundaryEvent or NodeKind.ErrorBoundaryEvent:
                        if (node.Incoming.Count > 0)
                        {
                            Error(node, "a boundary event cannot have incoming sequence flows");
                        }

                        if (node.Outgoing.Count == 0)
                        {
                            Error(node, "the boundary event has no outgoing sequence flow");
                        }

                        break;
                    case NodeKind.EventBasedGateway:
                        if (node.Outgoing.Count < 2)
                        {
                            Error(node, "an event-based gateway needs at least two outgoing sequence flows");
                        }

                        foreach (var flow in node.Outgoing.Where(f => !f.Target.IsCatchEvent || f.Target.Incoming.Count != 1))
                        {
                            Error(flow.Target, "after an event-based gateway comes a timer, message or signal intermediate catch event with no other incoming flow");
                        }

                        break;
                }

                if (node.Incoming.Count == 0 && node.Kind is not (NodeKind.NoneStartEvent or NodeKind.MessageStartEvent) && !node.IsBoundaryEvent)
                {
                    Error(node, "no sequence flow leads here, so it can never run");
                }

                if (node.Kind is NodeKind.ParallelGateway or NodeKind.EventBasedGateway && node.Outgoing.Count == 0)
                {
                    Error(node, "the gateway has no outgoing sequence flow");
                }

                if (node.Kind is NodeKind.ExclusiveGateway or NodeKind.InclusiveGateway && node.Outgoing.Count == 0)
                {
                    Error(node, "the gateway has no outgoing sequence flow");
                }
            }
        }

        private string? ResolveMessage(XElement element, string id, XElement definition)
        {
            var messageRef = Attr(definition, "messageRef");
            if (messageRef is null)
            {
                Error(element, id, "the message event names no message (messageRef)");
                return null;
            }

            if (!_messages.TryGetValue(messageRef, out var name))
            {
                Error(element, id, $"messageRef '{messageRef}' is not a bpmn:message of this file");
                return null;
            }

            if (string.IsNullOrWhiteSpace(name))
            {
                Error(element, id, $"message '{messageRef}' has no name to correlate by");
                return null;
            }

            return name;
        }

        private string? ResolveError(XElement element, string id, XElement definition, bool thrown)
        {
            if (!thrown && Attr(element, "cancelActivity") is { } cancel && !cancel.Trim().Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                Error(element, id, "an error boundary event always interrupts: remove cancelActivity=\"false\"");
            }

            var errorRef = Attr(definition, "errorRef");
            if (errorRef is null)
            {
                if (thrown)
                {
                    Error(element, id, "the error end event names no error (errorRef)");
                }

                return null;
            }

            if (!_errorCodes.TryGetValue(errorRef, out var code) || string.IsNullOrWhiteSpace(code))
            {
                Error(element, id, $"errorRef '{errorRef}' is not a bpmn:error with an errorCode in this file");
                return null;
            }

            return code;
        }

        private string? ResolveSignal(XElement element, string id, XElement definition)
        {
            var signalRef = Attr(definition, "signalRef");
            if (signalRef is null || !_signals.TryGetValue(signalRef, out var name) || string.IsNullOrWhiteSpace(name))
            {
                Error(element, id, signalRef is null ? "the signal event names no signal (signalRef)" : $"signalRef '{signalRef}' is not a named bpmn:signal of this file");
                return null;
            }

            return name;
        }

        private TimerDefinition? ReadTimer(XElement element, string id, XElement definition)
        {
            var parts = new[] { ("timeDate", TimerKind.Date), ("timeDuration", TimerKind.Duration), ("timeCycle", TimerKind.Cycle) }
                .Select(p => (Element: definition.Element(Bpmn + p.Item1), p.Item2))
                .Where(p => p.Element is not null)
                .ToList();
            if (parts.Count != 1)
            {
                Error(element, id, parts.Count == 0 ? "the timer has no timeDate, timeDuration or timeCycle" : "the timer has more than one of timeDate, timeDuration and timeCycle");
                return null;
            }

            var text = parts[0].Element!.Value.Trim();
            var kind = parts[0].Item2;
            if (text.Length == 0)
            {
                Error(element, id, $"the timer's {parts[0].Element!.Name.LocalName} is empty");
                return null;
            }

            if (Expression.ContainsExpression(text))
            {
                CheckExpression(element, id, text, "timer", requireExpression: false);
            }
            else if (IsoTimer.Check(kind, text) is { } problem)
            {
                Error(element, id, problem);
            }

            return new TimerDefinition(kind, text);
        }

        private MultiInstance? ReadMultiInstance(XElement element, string id)
        {
            if (element.Element(Bpmn + "standardLoopCharacteristics") is not null)
            {
                Error(element, id, "standard loops are not supported; use multi-instance");
                return null;
            }

            var mi = element.Element(Bpmn + "multiInstanceLoopCharacteristics");
            if (mi is null)
            {
                return null;
            }

            var collection = CamundaAttr(mi, "collection");
            var cardinality = mi.Element(Bpmn + "loopCardinality")?.Value.Trim();
            var completion = mi.Element(Bpmn + "completionCondition")?.Value.Trim();
            var properties = ReadProperties(element);
            if (string.IsNullOrEmpty(collection) && string.IsNullOrEmpty(cardinality))
            {
                Error(element, id, "the multi-instance has neither camunda:collection nor loopCardinality");
            }

            foreach (var (text, what) in new[] { (collection, "collection"), (cardinality, "loopCardinality"), (completion, "completionCondition") })
            {
                if (!string.IsNullOrEmpty(text) && Expression.ContainsExpression(text))
                {
                    CheckExpression(element, id, text, what, requireExpression: false);
                }
            }

            if (!string.IsNullOrEmpty(completion) && !Expression.ContainsExpression(completion))
            {
                Error(element, id, "completionCondition must be an expression ${…}");
            }

            properties.TryGetValue("outputCollection", out var outputCollection);
            properties.TryGetValue("outputElement", out var outputElement);
            if (outputElement is not null && outputCollection is null)
            {
                Error(element, id, "outputElement is set but outputCollection is not");
            }

            if (outputElement is not null && Expression.ContainsExpression(outputElement))
            {
                CheckExpression(element, id, outputElement, "outputElement", requireExpression: false);
            }

            return new MultiInstance(
                IsTrue(Attr(mi, "isSequential")),
                NullIfEmpty(collection),
                NullIfEmpty(CamundaAttr(mi, "elementVariable")),
                NullIfEmpty(cardinality),
                NullIfEmpty(completion),
                outputCollection,
                outputElement);
        }

        private UserTaskDefinition ReadUserTask(XElement element, string id)
        {
            var definition = new UserTaskDefinition(
                CamundaAttr(element, "assignee"),
                CamundaAttr(element, "candidateUsers"),
                CamundaAttr(element, "candidateGroups"),
                CamundaAttr(element, "dueDate"),
                CamundaAttr(element, "followUpDate"),
                CamundaAttr(element, "priority"),
                CamundaAttr(element, "formKey"));
            foreach (var (text, what) in new[]
                     {
                         (definition.Assignee, "assignee"), (definition.CandidateUsers, "candidateUsers"), (definition.CandidateGroups, "candidateGroups"),
                         (definition.DueDate, "dueDate"), (definition.FollowUpDate, "followUpDate"), (definition.Priority, "priority"),
                     })
            {
                if (text is not null && Expression.ContainsExpression(text))
                {
                    CheckExpression(element, id, text, what, requireExpression: false);
                }
            }

            foreach (var (text, what) in new[] { (definition.DueDate, "dueDate"), (definition.FollowUpDate, "followUpDate") })
            {
                if (!string.IsNullOrEmpty(text) && !Expression.ContainsExpression(text) && !IsoTimer.TryParseDate(text, out _))
                {
                    Error(element, id, $"camunda:{what} '{text}' is neither an ISO 8601 date-time nor an expression ${{…}}");
                }
            }

            if (definition.Priority is { Length: > 0 } priority && !Expression.ContainsExpression(priority) && !int.TryParse(priority, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                Error(element, id, $"camunda:priority '{priority}' is not a whole number");
            }

            return definition;
        }

        private string? ReadTopic(XElement element, string id, string localName)
        {
            foreach (var attribute in new[] { "class", "delegateExpression", "expression" })
            {
                if (CamundaAttr(element, attribute) is not null)
                {
                    Error(element, id, $"camunda:{attribute} is not supported: a {localName} names its handler with camunda:type=\"external\" camunda:topic=\"NAME\"");
                    return null;
                }
            }

            if (element.Element(Bpmn + "extensionElements")?.Element(Camunda + "connector") is not null)
            {
                Error(element, id, $"camunda:connector is not supported: a {localName} names its handler with camunda:type=\"external\" camunda:topic=\"NAME\"");
                return null;
            }

            var type = CamundaAttr(element, "type");
            var topic = CamundaAttr(element, "topic");
            if (type != "external" || string.IsNullOrWhiteSpace(topic))
            {
                Error(element, id, type is not null && type != "external"
                    ? $"camunda:type=\"{type}\" is not supported: use camunda:type=\"external\" camunda:topic=\"NAME\""
                    : $"the {localName} names no handler: add camunda:type=\"external\" camunda:topic=\"NAME\"");
                return null;
            }

            return topic.Trim();
        }

        /// <summary>camunda:failedJobRetryTimeCycle (e.g. R3/PT10M), which Camunda honours only with camunda:asyncBefore="true".</summary>
        private string? ReadRetryCycle(XElement element, string id)
        {
            var cycle = element.Element(Bpmn + "extensionElements")?.Element(Camunda + "failedJobRetryTimeCycle")?.Value.Trim();
            if (string.IsNullOrEmpty(cycle))
            {
                return null;
            }

            if (!IsTrue(CamundaAttr(element, "asyncBefore")) && !IsTrue(CamundaAttr(element, "async")))
            {
                Error(element, id, "camunda:failedJobRetryTimeCycle needs camunda:asyncBefore=\"true\" on the task");
                return null;
            }

            if (!IsoTimer.TryParseCycle(cycle, out var parsed) || parsed.Repetitions is null or < 1 || parsed.Start is not null)
            {
                Error(element, id, $"camunda:failedJobRetryTimeCycle '{cycle}' is not a repeating interval with a count, e.g. R3/PT10M");
                return null;
            }

            return cycle;
        }

        private string? ReadCalledElement(XElement element, string id)
        {
            var called = Attr(element, "calledElement");
            if (string.IsNullOrWhiteSpace(called))
            {
                Error(element, id, "the call activity names no process (calledElement)");
                return null;
            }

            if (Expression.ContainsExpression(called))
            {
                Error(element, id, "calledElement must name a process id; expressions are not supported");
                return null;
            }

            return called.Trim();
        }

        private int? ReadCalledVersion(XElement element, string id)
        {
            var binding = CamundaAttr(element, "calledElementBinding") ?? "latest";
            if (binding == "latest")
            {
                return null;
            }

            if (binding == "version" && int.TryParse(CamundaAttr(element, "calledElementVersion"), NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0)
            {
                return version;
            }

            Error(element, id, binding == "version"
                ? "camunda:calledElementBinding=\"version\" needs camunda:calledElementVersion, a positive whole number"
                : $"camunda:calledElementBinding=\"{binding}\" is not supported: use latest or version");
            return null;
        }

        /// <summary>
        /// A message throw event correlates on the business key of camunda:in businessKey (as Camunda 7 passes a
        /// business key with a signal); without one it goes to whichever instance has waited longest.
        /// </summary>
        private string? ReadCorrelationKey(XElement element, string id)
        {
            var keys = element.Element(Bpmn + "extensionElements")?.Elements(Camunda + "in").Select(e => Attr(e, "businessKey")).OfType<string>().ToList() ?? [];
            if (keys.Count > 1)
            {
                Error(element, id, "more than one camunda:in businessKey: a message correlates on one business key");
            }

            if (keys.Count == 0)
            {
                return null;
            }

            CheckExpression(element, id, keys[0], "camunda:in businessKey", requireExpression: false);
            return keys[0];
        }

        private void CheckThrowEvent(XElement element, FlowNode node)
        {
            // The engine delivers what these events throw; an implementation would be a second, different sender.
            foreach (var attribute in (string[])["class", "expression", "delegateExpression", "type", "topic"])
            {
                if (CamundaAttr(element, attribute) is not null)
                {
                    Error(element, node.Id, $"camunda:{attribute} is not supported on a {node.ElementType} with a {(node.MessageName is null ? "signal" : "message")}: the engine delivers it to the waiting instances itself (use a send task for a handler)");
                    return;
                }
            }

            if (node.SignalName is not null && element.Element(Bpmn + "extensionElements")?.Elements(Camunda + "in").Any(e => Attr(e, "businessKey") is not null) == true)
            {
                Error(element, node.Id, "camunda:in businessKey is not supported on a signal: a signal reaches every instance waiting for it");
            }
        }

        private List<VariableMapping> ReadMappings(XElement element, string id, string direction)
        {
            var mappings = new List<VariableMapping>();
            foreach (var mapping in element.Element(Bpmn + "extensionElements")?.Elements(Camunda + direction) ?? [])
            {
                if (Attr(mapping, "businessKey") is not null)
                {
                    continue; // the child always gets the parent's business key
                }

                var all = string.Equals(Attr(mapping, "variables"), "all", StringComparison.Ordinal);
                var source = Attr(mapping, "source");
                var expression = Attr(mapping, "sourceExpression");
                var target = Attr(mapping, "target");
                if (!all && (string.IsNullOrWhiteSpace(target) || (source is null) == (expression is null)))
                {
                    Error(element, id, $"camunda:{direction} needs variables=\"all\", or a target with exactly one of source and sourceExpression");
                    continue;
                }

                if (expression is not null)
                {
                    CheckExpression(element, id, expression, $"camunda:{direction} sourceExpression", requireExpression: true);
                }

                mappings.Add(new VariableMapping(all, source, expression, target));
            }

            return mappings;
        }

        private string? ReadScript(XElement element, string id)
        {
            var format = Attr(element, "scriptFormat");
            if (format is null || !(format.Equals("javascript", StringComparison.OrdinalIgnoreCase) || format.Equals("js", StringComparison.OrdinalIgnoreCase)
                                    || format.Equals("ecmascript", StringComparison.OrdinalIgnoreCase)))
            {
                Error(element, id, format is null ? "the script task has no scriptFormat (use javascript)" : $"scriptFormat '{format}' is not supported (use javascript)");
                return null;
            }

            if (CamundaAttr(element, "resource") is not null)
            {
                Error(element, id, "external scripts (camunda:resource) are not supported: write the script inline");
                return null;
            }

            var script = element.Element(Bpmn + "script")?.Value;
            if (string.IsNullOrWhiteSpace(script))
            {
                Error(element, id, "the script task has no script");
                return null;
            }

            if (ExpressionEvaluator.CheckScriptSyntax(script) is { } problem)
            {
                Error(element, id, $"the script does not parse: {problem}");
            }

            NoteParameters(element, id, script);
            return script;
        }

        private static Dictionary<string, string> ReadProperties(XElement element)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            var properties = element.Element(Bpmn + "extensionElements")?.Element(Camunda + "properties");
            foreach (var property in properties?.Elements(Camunda + "property") ?? [])
            {
                if (Attr(property, "name") is { } name)
                {
                    result[name] = Attr(property, "value") ?? "";
                }
            }

            return result;
        }

        private void CheckExpression(XElement element, string? id, string text, string what, bool requireExpression)
        {
            if (requireExpression && !Expression.ContainsExpression(text) && text is not ("true" or "false"))
            {
                Error(element, id, $"the {what} '{text}' is not an expression ${{…}}");
                return;
            }

            if (Expression.Check(text) is { } problem)
            {
                Error(element, id, $"the {what} does not parse: {problem}");
                return;
            }

            NoteParameters(element, id, text);
        }

        private void NoteParameters(XElement element, string? id, string code)
        {
            foreach (Match match in ParameterCall().Matches(code))
            {
                _parameterUses.Add(new ParameterUse(id, element.Name.LocalName, Line(element), match.Groups["name"].Value));
            }
        }

        private void RegisterId(XElement element, string id)
        {
            if (!_ids.Add(id))
            {
                Error(element, id, $"the id '{id}' is used more than once");
            }
        }

        private void Error(FlowNode node, string message) => _errors.Add(new ValidationError(node.Id, node.ElementType, node.Line, message));

        private void Error(XElement element, string? id, string message) =>
            _errors.Add(new ValidationError(id, element.Name.LocalName, Line(element), message));

        private static int? Line(XElement element) => element is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : null;

        private static string? Attr(XElement element, string name) => element.Attribute(name)?.Value;

        private static string? CamundaAttr(XElement element, string name) => element.Attribute(Camunda + name)?.Value;

        private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

        private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
