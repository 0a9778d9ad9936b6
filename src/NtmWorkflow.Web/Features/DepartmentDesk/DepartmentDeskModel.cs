namespace NtmWorkflow.Web.Features.DepartmentDesk;

/// <summary>
/// A department reviewer's finding on one indicator of an open review, kept until the review is sent: the table
/// lets chị Hoa agree rows across many communes in one go and forward each dossier once all its rows are agreed.
/// </summary>
public sealed class ReviewDraftRow
{
    public Guid TaskId { get; set; }

    public required string IndicatorNumber { get; set; }

    public Guid DossierId { get; set; }

    /// <summary>"agree" (disagreeing needs a reason and goes through the dossier's review page).</summary>
    public required string Finding { get; set; }

    public required string Actor { get; set; }

    public DateTimeOffset At { get; set; }
}

/// <summary>
/// A difficulty (kiến nghị) a department raises with the coordination office, which must answer it within its
/// deadline; the workflow <c>ntm-difficulty</c> carries the task, this row the record.
/// </summary>
public sealed class DifficultyRow
{
    /// <summary>The id of the workflow instance that carries it.</summary>
    public Guid Id { get; set; }

    public required string ProvinceCode { get; set; }

    /// <summary>The unit that raised it (<c>department:08/noi-vu</c>).</summary>
    public required string RaisedByUnit { get; set; }

    public required string RaisedBy { get; set; }

    public DateTimeOffset RaisedAt { get; set; }

    public required string Subject { get; set; }

    public required string Description { get; set; }

    /// <summary>The dossier it concerns, when it concerns one.</summary>
    public Guid? DossierId { get; set; }

    public string? Answer { get; set; }

    public string? AnsweredBy { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }
}
