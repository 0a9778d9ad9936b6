namespace NtmWorkflow.Engine.Definitions;

/// <summary>The kinds of flow node the engine executes.</summary>
internal enum NodeKind
{
    NoneStartEvent,
    MessageStartEvent,
    NoneEndEvent,
    TerminateEndEvent,
    ErrorEndEvent,
    MessageEndEvent,
    SignalEndEvent,
    UserTask,
    ServiceTask,
    SendTask,
    ScriptTask,
    /// <summary>bpmn:task, bpmn:manualTask and a none intermediate throw event: they pass the token on.</summary>
    PassThrough,
    ExclusiveGateway,
    ParallelGateway,
    InclusiveGateway,
    EventBasedGateway,
    TimerCatchEvent,
    MessageCatchEvent,
    SignalCatchEvent,
    MessageThrowEvent,
    SignalThrowEvent,
    TimerBoundaryEvent,
    MessageBoundaryEvent,
    SignalBoundaryEvent,
    ErrorBoundaryEvent,
    SubProcess,
    CallActivity,
}

/// <summary>A parsed, validated, immutable BPMN document: what the runtime executes (no processes when the document is invalid; its parameter uses still checked).</summary>
internal sealed class DefinitionsModel
{
    public required IReadOnlyList<ProcessModel> Processes { get; init; }

    /// <summary>Every <c>param('name')</c> with a literal name, where it stands: checked against the host's parameters on deployment.</summary>
    public IReadOnlyList<ParameterUse> ParameterUses { get; init; } = [];
}

/// <summary>A literal <c>param('name')</c> in an element's expression or script.</summary>
internal sealed record ParameterUse(string? ElementId, string ElementType, int? Line, string Name);

/// <summary>A process or an embedded subprocess: a container of flow nodes with its own start.</summary>
internal class ScopeModel
{
    public List<FlowNode> Nodes { get; } = [];

    public FlowNode? NoneStart => Nodes.FirstOrDefault(n => n.Kind == NodeKind.NoneStartEvent);
}

internal sealed class ProcessModel : ScopeModel
{
    public required string Id { get; init; }

    public string? Name { get; init; }

    public int Version { get; set; } = 1;

    /// <summary>Every flow node in the process, subprocesses included, by id.</summary>
    public Dictionary<string, FlowNode> NodesById { get; } = new(StringComparer.Ordinal);

    public IEnumerable<FlowNode> MessageStarts => Nodes.Where(n => n.Kind == NodeKind.MessageStartEvent);
}

internal sealed class FlowNode : ScopeModel
{
    public required string Id { get; init; }

    public required NodeKind Kind { get; init; }

    public required string ElementType { get; init; }

    public string? Name { get; init; }

    public int? Line { get; init; }

    /// <summary>The scope the node lives in: the process or an enclosing subprocess.</summary>
    public required ScopeModel Parent { get; init; }

    public List<SequenceFlow> Incoming { get; } = [];

    public List<SequenceFlow> Outgoing { get; } = [];

    public List<FlowNode> BoundaryEvents { get; } = [];

    /// <summary>For a boundary event: the activity it is attached to.</summary>
    public FlowNode? AttachedTo { get; set; }

    /// <summary>For a boundary event: whether it cancels the activity (cancelActivity, true by default).</summary>
    public bool CancelActivity { get; init; } = true;

    /// <summary>For a gateway: its default flow.</summary>
    public SequenceFlow? DefaultFlow { get; set; }

    public string? MessageName { get; init; }

    public string? SignalName { get; init; }

    /// <summary>For an error end event, the code it throws; for an error boundary event, the code it catches (null: any).</summary>
    public string? ErrorCode { get; init; }

    public bool IsBoundaryEvent => Kind is NodeKind.TimerBoundaryEvent or NodeKind.MessageBoundaryEvent or NodeKind.SignalBoundaryEvent or NodeKind.ErrorBoundaryEvent;

    /// <summary>Message and signal throw and end events: the engine delivers what they throw, through the outbox.</summary>
    public bool IsThrowEvent => Kind is NodeKind.MessageThrowEvent or NodeKind.SignalThrowEvent or NodeKind.MessageEndEvent or NodeKind.SignalEndEvent;

    public bool IsEndEvent => Kind is NodeKind.NoneEndEvent or NodeKind.TerminateEndEvent or NodeKind.ErrorEndEvent or NodeKind.MessageEndEvent or NodeKind.SignalEndEvent;

    public bool IsCatchEvent => Kind is NodeKind.TimerCatchEvent or NodeKind.MessageCatchEvent or NodeKind.SignalCatchEvent;

    public TimerDefinition? Timer { get; init; }

    public MultiInstance? MultiInstance { get; init; }

    public UserTaskDefinition? UserTask { get; init; }

    /// <summary>For service and send tasks: the handler's name (camunda:topic).</summary>
    public string? Topic { get; init; }

    public string? Script { get; init; }

    /// <summary>For a call activity: the process it starts (calledElement) and, when pinned, its version.</summary>
    public string? CalledElement { get; init; }

    public int? CalledVersion { get; init; }

    /// <summary>For a message throw or end event: the expression of the business key it correlates on (camunda:in businessKey).</summary>
    public string? CorrelationKey { get; init; }

    /// <summary>camunda:in mappings: parent → child variables; for a throw event, the variables it carries.</summary>
    public IReadOnlyList<VariableMapping> InMappings { get; init; } = [];

    /// <summary>camunda:out mappings: child → parent variables.</summary>
    public IReadOnlyList<VariableMapping> OutMappings { get; init; } = [];

    /// <summary>For service and send tasks with camunda:asyncBefore: how often and how far apart a failing handler is retried.</summary>
    public string? RetryCycle { get; init; }

    public string? ResultVariable { get; init; }

    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    public bool IsActivity => Kind is NodeKind.UserTask or NodeKind.ServiceTask or NodeKind.SendTask or NodeKind.ScriptTask
        or NodeKind.PassThrough or NodeKind.SubProcess or NodeKind.CallActivity;

    public override string ToString() => $"{ElementType} {Id}";
}

internal sealed class SequenceFlow
{
    public required string Id { get; init; }

    public required FlowNode Source { get; init; }

    public required FlowNode Target { get; init; }

    /// <summary>The condition's text, as written (usually <c>${ … }</c>); null when unconditional.</summary>
    public string? Condition { get; init; }

    public int? Line { get; init; }
}

internal enum TimerKind
{
    Date,
    Duration,
    Cycle,
}

internal sealed record TimerDefinition(TimerKind Kind, string Text);

/// <summary>One camunda:in or camunda:out: all variables, or a source (variable or expression) copied to a target.</summary>
internal sealed record VariableMapping(bool All, string? Source, string? SourceExpression, string? Target);

internal sealed record MultiInstance(
    bool IsSequential,
    string? Collection,
    string? ElementVariable,
    string? LoopCardinality,
    string? CompletionCondition,
    string? OutputCollection,
    string? OutputElement);

internal sealed record UserTaskDefinition(
    string? Assignee,
    string? CandidateUsers,
    string? CandidateGroups,
    string? DueDate,
    string? FollowUpDate,
    string? Priority,
    string? FormKey);
