namespace NtmWorkflow.Web.Features.Designer;

/// <summary>
/// An administrator's unpublished edit of a process (one per process): the BPMN as the designer saved it, which
/// published version it started from, and who saved it last. Publishing turns it into a version and removes it.
/// </summary>
public sealed class WorkflowDraftRow
{
    public int Id { get; set; }

    public required string ProcessId { get; set; }

    public required string Bpmn { get; set; }

    /// <summary>The published version the draft was opened from; null for a process never published.</summary>
    public int? BasedOnVersion { get; set; }

    public required string UpdatedBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
