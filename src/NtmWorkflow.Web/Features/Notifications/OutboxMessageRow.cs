namespace NtmWorkflow.Web.Features.Notifications;

public enum OutboxStatus
{
    /// <summary>Waiting to be sent (again, after a failed attempt).</summary>
    Pending,

    /// <summary>Accepted by the mail server or the pickup folder.</summary>
    Sent,

    /// <summary>Every attempt failed: a dead letter, shown to administrators until someone sends it again.</summary>
    Dead,
}

/// <summary>
/// A message waiting for delivery, written in the same transaction as the workflow step that caused it.
/// The dedup key is unique, so a step enqueues its message exactly once; the sender claims rows with a
/// lease, like timers, and delivers at least once.
/// </summary>
public sealed class OutboxMessageRow
{
    public long Id { get; set; }

    /// <summary><c>{instance}/{element}/{run}</c>: which step, and which run of it (the reminder number).</summary>
    public required string DedupKey { get; set; }

    /// <summary>Who delivers it: <c>email</c> (the mail sender), or <c>workflow-message</c> / <c>workflow-signal</c> (the engine).</summary>
    public required string Channel { get; set; }

    /// <summary>The channel's JSON (for email: recipients, subject, bodies, the task link, references to attachments in the document store; for the engine: name, business key, variables).</summary>
    public required string Payload { get; set; }

    public Guid InstanceId { get; set; }

    public required string ElementId { get; set; }

    /// <summary>Derived from the dedup key alone, so a resend after a crash carries the same id.</summary>
    public required string MessageId { get; set; }

    public OutboxStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LockedBy { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public string? LastError { get; set; }
}
