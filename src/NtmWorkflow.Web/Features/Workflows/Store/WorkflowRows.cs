using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Web.Features.Workflows.Store;

// The engine's instances as database rows: the serialised state (the truth) plus index rows derived
// from it on every save, so due timers, message waiters and open tasks are found by indexed queries.

public sealed class WorkflowInstanceRow
{
    public Guid Id { get; set; }

    public required string ProcessId { get; set; }

    public int Version { get; set; }

    public string? BusinessKey { get; set; }

    public InstanceStatus Status { get; set; }

    /// <summary>Incremented by the engine on every save; a save names the revision it loaded.</summary>
    public long Revision { get; set; }

    public required string State { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    // What the instance monitor lists and filters by (see Features.Monitor), copied out of the state by the
    // store in the save that changes it, so listing needs neither the state nor a join: when it started,
    // whether an incident is open, the earliest due time of its open tasks, its province; the dossier's id
    // and commune once a dossier is linked to it (see Features.Inbox.InboxColumns).

    public DateTimeOffset StartedAt { get; set; }

    public bool HasIncident { get; set; }

    /// <summary>The earliest due time of the open tasks, null when none has one: overdue once it has passed.</summary>
    public DateTimeOffset? NextTaskDue { get; set; }

    public string? ProvinceCode { get; set; }

    public Guid? DossierId { get; set; }

    public string? CommuneCode { get; set; }

    public string? CommuneName { get; set; }
}

public sealed class WorkflowTimerRow
{
    public Guid InstanceId { get; set; }

    public required string TimerId { get; set; }

    public required string ElementId { get; set; }

    public DateTimeOffset Due { get; set; }

    public DateTimeOffset ScheduledAt { get; set; }

    public long Sequence { get; set; }

    /// <summary>The node that claimed the timer to fire it, until <see cref="LockedUntil"/>.</summary>
    public string? LockedBy { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }
}

public sealed class WorkflowSubscriptionRow
{
    public Guid InstanceId { get; set; }

    /// <summary>The subscription's id within its instance.</summary>
    public required string SubscriptionId { get; set; }

    public required string Name { get; set; }

    public bool IsSignal { get; set; }

    public string? BusinessKey { get; set; }

    public DateTimeOffset Created { get; set; }

    public long Sequence { get; set; }
}

public sealed class WorkflowTaskRow
{
    public Guid Id { get; set; }

    public Guid InstanceId { get; set; }

    public required string ElementId { get; set; }

    public string? Name { get; set; }

    public string? Assignee { get; set; }

    /// <summary>JSON array.</summary>
    public required string CandidateUsers { get; set; }

    /// <summary>JSON array.</summary>
    public required string CandidateGroups { get; set; }

    public DateTimeOffset? Due { get; set; }

    /// <summary>
    /// Comma-separated names of the unverified legal parameters the due date rests on, or null: the inbox
    /// marks such deadlines.
    /// </summary>
    public string? DueUnverified { get; set; }

    public DateTimeOffset? FollowUp { get; set; }

    public int Priority { get; set; }

    public string? FormKey { get; set; }

    /// <summary>JSON object of the task's camunda:properties.</summary>
    public required string Properties { get; set; }

    public DateTimeOffset Created { get; set; }

    public int? LoopCounter { get; set; }

    // What the inbox shows and filters by, copied onto the task so listing it needs no join: the
    // instance's business key when the task is made, the dossier's id and commune once the instance is
    // linked to a dossier (see Features.Inbox.InboxColumns).

    /// <summary>The instance's business key (a dossier's code).</summary>
    public string? BusinessKey { get; set; }

    public Guid? DossierId { get; set; }

    public string? CommuneCode { get; set; }

    public string? CommuneName { get; set; }
}

/// <summary>
/// One candidate group of an open task nobody has claimed: the queue the inbox reads a unit's unclaimed tasks
/// from, through an index on the group (a LIKE on the JSON array cannot use one). Written by the store in the
/// save that makes, claims or releases the task; removed with the task by the foreign key.
/// </summary>
public sealed class WorkflowTaskGroupRow
{
    public Guid TaskId { get; set; }

    public required string Group { get; set; }
}

/// <summary>
/// A thrown message an instance received, by its outbox dedup key (unique): written in the save that
/// takes the message, so a redelivery after a crash finds it taken and reaches no second instance.
/// </summary>
public sealed class WorkflowReceivedMessageRow
{
    public required string DedupKey { get; set; }

    public Guid InstanceId { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>The append-only history journal: every activation, completion and cancellation, with time and actor.</summary>
public sealed class WorkflowHistoryRow
{
    public long Id { get; set; }

    public Guid InstanceId { get; set; }

    public DateTimeOffset Time { get; set; }

    public required string Event { get; set; }

    public string? ElementId { get; set; }

    public string? Actor { get; set; }

    public string? Detail { get; set; }
}

/// <summary>One published version of a process: the BPMN document it came from, kept for ever.</summary>
public sealed class WorkflowDefinitionRow
{
    public int Id { get; set; }

    public required string ProcessId { get; set; }

    public int Version { get; set; }

    public string? Name { get; set; }

    /// <summary>SHA-256 of the document, hex.</summary>
    public required string ContentHash { get; set; }

    public required byte[] Bpmn { get; set; }

    /// <summary>Where it came from, e.g. "workflows/ntm-commune-two-tier.bpmn".</summary>
    public required string Source { get; set; }

    public DateTimeOffset DeployedAt { get; set; }

    /// <summary>The administrator who published it in the designer; null for a version deployed from the workflows folder.</summary>
    public string? PublishedBy { get; set; }
}
