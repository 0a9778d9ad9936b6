using System.Text.Json.Nodes;

namespace NtmWorkflow.Engine.Runtime;

/// <summary>Where an instance is in its life.</summary>
public enum InstanceStatus
{
    /// <summary>Tokens remain (it may have open incidents).</summary>
    Running,

    /// <summary>No tokens are left.</summary>
    Completed,

    /// <summary>Ended by a terminate end event or cancelled.</summary>
    Terminated,
}

/// <summary>Something that happened to an instance: the trace and the history journal.</summary>
/// <param name="Time">When, by the engine clock.</param>
/// <param name="Event">instanceStarted, activated, completed, cancelled, taskCreated, taskCompleted, taskCancelled, timerScheduled, timerFired, messageCorrelated, handlerInvoked, incident, instanceMigrated, instanceRelocated, instanceEnded.</param>
/// <param name="ElementId">The BPMN element, or null for instance events.</param>
/// <param name="InstanceId">The instance.</param>
/// <param name="Actor">Who caused it, when a person did.</param>
/// <param name="Detail">A short detail: a task id, a due time, a handler name, an incident message.</param>
public sealed record WorkflowEvent(DateTimeOffset Time, string Event, string? ElementId, Guid InstanceId, string? Actor = null, string? Detail = null);

/// <summary>
/// A message a step leaves for delivery after it is saved (a mail, say): saved with the step, under a
/// key that is unique in the store, so it is enqueued exactly once.
/// </summary>
/// <param name="DedupKey">Instance, element and run number (see <see cref="ServiceTaskContext.DedupKey"/>).</param>
/// <param name="Channel">Who delivers it, e.g. <c>email</c>.</param>
/// <param name="Payload">What the channel needs, as the handler wrote it (JSON by convention).</param>
/// <param name="InstanceId">The instance whose step wrote it.</param>
/// <param name="ElementId">The element whose handler wrote it.</param>
/// <param name="Created">The engine clock's time of the step.</param>
public sealed record OutboxMessage(string DedupKey, string Channel, string Payload, Guid InstanceId, string ElementId, DateTimeOffset Created);

/// <summary>
/// The outbox channels the engine itself delivers: what message and signal throw and end events throw.
/// A sender that finds such a row pending hands it to <see cref="WorkflowEngine.DeliverAsync"/>.
/// </summary>
public static class WorkflowChannels
{
    /// <summary>A thrown message: to the instance that has waited longest (on the business key when given), or a message start event.</summary>
    public const string Message = "workflow-message";

    /// <summary>A thrown signal: to every instance waiting for it.</summary>
    public const string Signal = "workflow-signal";

    /// <summary>Whether the engine delivers messages of the channel.</summary>
    public static bool IsWorkflowChannel(string channel) => channel is Message or Signal;
}

/// <summary>
/// An open user task. <paramref name="DueUnverifiedParameters"/> names the parameters its due date was
/// computed from whose value is not yet verified (empty when none), so a page can mark the deadline.
/// </summary>
public sealed record TaskView(
    Guid Id,
    Guid InstanceId,
    string ElementId,
    string? Name,
    string? Assignee,
    IReadOnlyList<string> CandidateUsers,
    IReadOnlyList<string> CandidateGroups,
    DateTimeOffset? Due,
    DateTimeOffset? FollowUp,
    int Priority,
    string? FormKey,
    IReadOnlyDictionary<string, string> Properties,
    DateTimeOffset Created,
    int? LoopCounter,
    IReadOnlyList<string>? DueUnverifiedParameters = null);

/// <summary>A value a definition reads with <c>param('name')</c>, and whether its source has been verified.</summary>
public sealed record ProcessParameter(JsonNode? Value, bool Verified);

/// <summary>
/// The host's parameters for expressions (legal deadlines and thresholds with their provenance). Called
/// while an expression runs, so it must answer from memory; the instance's variables let it pick a
/// per-province value.
/// </summary>
public interface IProcessParameters
{
    /// <summary>The parameter, or null when there is none of that name.</summary>
    ProcessParameter? Find(string name, IReadOnlyDictionary<string, JsonNode?> variables);
}

/// <summary>A token stopped by a failure, waiting to be retried; <paramref name="Stack"/> holds the failing exception, when there was one.</summary>
public sealed record IncidentView(string Id, string ElementId, string Message, DateTimeOffset Created, string? Stack = null);

/// <summary>A scheduled timer.</summary>
public sealed record TimerView(string Id, string ElementId, DateTimeOffset Due);

/// <summary>An instance as a caller sees it.</summary>
public sealed record InstanceView(
    Guid Id,
    string ProcessId,
    int Version,
    string? BusinessKey,
    InstanceStatus Status,
    DateTimeOffset StartedAt,
    IReadOnlyDictionary<string, JsonNode?> Variables,
    IReadOnlyList<TaskView> OpenTasks,
    IReadOnlyList<IncidentView> Incidents,
    IReadOnlyList<TimerView> Timers)
{
    /// <summary>True while an incident is open.</summary>
    public bool IsFaulted => Incidents.Count > 0;
}

/// <summary>A process the engine can start: id, version, and the SHA-256 of the document it came from.</summary>
public sealed record DeployedProcess(string ProcessId, int Version, string? Name, string ContentHash);

/// <summary>The outcome of deploying a BPMN document.</summary>
public sealed record DeploymentResult(Definitions.ValidationResult Validation, IReadOnlyList<DeployedProcess> Processes);

/// <summary>Why a workflow operation could not be done.</summary>
public enum WorkflowErrorKind
{
    /// <summary>The process, instance, task or incident named does not exist (or is no longer open).</summary>
    NotFound,

    /// <summary>The operation does not fit the current state: an ended instance, a message nobody waits for.</summary>
    Conflict,

    /// <summary>The request itself cannot work: a process without a none start, a stored version that does not load.</summary>
    Invalid,
}

/// <summary>A workflow operation that cannot be done: no such task, a message nobody waits for, an instance that has ended.</summary>
public sealed class WorkflowException(string message, WorkflowErrorKind kind = WorkflowErrorKind.Invalid, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Why it failed, for hosts that map it (to an HTTP status, say).</summary>
    public WorkflowErrorKind Kind { get; } = kind;
}

/// <summary>
/// Thrown by a service task's handler to raise a BPMN error: an error boundary event on the task (or an
/// enclosing subprocess) with the same code, or without a code, catches it; otherwise it is an incident.
/// </summary>
public sealed class BpmnErrorException(string errorCode, string? message = null) : Exception(message ?? $"BPMN error {errorCode}")
{
    /// <summary>The errorCode a boundary event matches.</summary>
    public string ErrorCode { get; } = errorCode;
}

/// <summary>Another writer saved the instance first; the operation may be retried on fresh state.</summary>
public sealed class WorkflowConcurrencyException(Guid instanceId) : Exception($"Instance {instanceId} was changed by someone else.")
{
    /// <summary>The instance that changed.</summary>
    public Guid InstanceId { get; } = instanceId;
}

/// <summary>What moving one instance to another version of its process does, or why it cannot (<see cref="Refusals"/>).</summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="ProcessId">Its process.</param>
/// <param name="FromVersion">The version it runs.</param>
/// <param name="ToVersion">The version it would run.</param>
/// <param name="Changes">Each token, task, timer and subscription that moves, stays, goes or comes.</param>
/// <param name="Refusals">Why it cannot move, each with its kind and elements (for a caller's own words) and in English; empty when it can.</param>
public sealed record MigrationPreview(Guid InstanceId, string ProcessId, int FromVersion, int ToVersion, IReadOnlyList<MigrationChange> Changes, IReadOnlyList<MigrationRefusal> Refusals)
{
    /// <summary>True when nothing refuses the move.</summary>
    public bool CanMigrate => Refusals.Count == 0;
}

/// <summary>One reason an instance cannot move.</summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="SourceElementId">The element in the running version (for a mapping line: its left side).</param>
/// <param name="TargetElementId">The element in the new version, when there is one.</param>
/// <param name="Detail">The flow a join token came by, the sub-process the target lies in, or the two element types, when there is one.</param>
/// <param name="Message">The reason in English.</param>
public sealed record MigrationRefusal(MigrationRefusalKind Kind, string SourceElementId, string? TargetElementId, string? Detail, string Message)
{
    /// <summary>The reason in English.</summary>
    public override string ToString() => Message;
}

/// <summary>Why a migration refuses an instance.</summary>
public enum MigrationRefusalKind
{
    /// <summary>The mapping names an element the running version does not have.</summary>
    UnknownSourceElement,

    /// <summary>The mapping names an element the new version does not have.</summary>
    UnknownTargetElement,

    /// <summary>An element holding a token or scope has no counterpart in the new version.</summary>
    NoCounterpart,

    /// <summary>The element maps to one of another kind (a user task to a gateway, say).</summary>
    KindDiffers,

    /// <summary>One of the two elements is multi-instance and the other is not.</summary>
    MultiInstanceDiffers,

    /// <summary>The two elements lie in different sub-processes (or one at the process level).</summary>
    ParentDiffers,

    /// <summary>A token waits at a join having come by a flow that does not lead to the mapped join.</summary>
    JoinPathMissing,
}

/// <summary>One change a migration makes.</summary>
/// <param name="Kind">What happens.</param>
/// <param name="SourceElementId">The element in the running version (for a new wait: the element that waits).</param>
/// <param name="TargetElementId">The element in the new version; null for what is cancelled.</param>
/// <param name="Detail">A due time, an assignee or a message name, when there is one.</param>
public sealed record MigrationChange(MigrationChangeKind Kind, string SourceElementId, string? TargetElementId, string? Detail);

/// <summary>What a migration does to one token, task, timer or subscription.</summary>
public enum MigrationChangeKind
{
    /// <summary>A token moves to the mapped element (or stays at the element of the same id).</summary>
    TokenMoved,

    /// <summary>An open task moves with its token, keeping its id, assignee, due date and history.</summary>
    TaskMoved,

    /// <summary>A timer of an event the new version still has there: it keeps its due time.</summary>
    TimerKept,

    /// <summary>A timer of an event the new version no longer has at that element.</summary>
    TimerCancelled,

    /// <summary>A timer of an event the new version adds at that element, scheduled from now.</summary>
    TimerScheduled,

    /// <summary>A wait for a message or signal the new version still has there (under the new version's name).</summary>
    SubscriptionKept,

    /// <summary>A wait for a message or signal the new version no longer has at that element.</summary>
    SubscriptionCancelled,

    /// <summary>A wait for a message or signal the new version adds at that element.</summary>
    SubscriptionCreated,
}
