using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.Criteria;

namespace NtmWorkflow.Web.Features.Reports;

/// <summary>
/// How a completed task kept its deadline, as one-stop-shop statistics count it (Decree 61/2018, Circular
/// 01/2018/TT-VPCP): before the day it was due (trước hạn), on that day by the deadline (đúng hạn), or after (quá hạn).
/// </summary>
public enum Timeliness
{
    /// <summary>The task had no deadline.</summary>
    NoDeadline,

    /// <summary>Trước hạn: completed on a day before the day it was due.</summary>
    Early,

    /// <summary>Đúng hạn: completed on the day it was due, by the deadline.</summary>
    OnTime,

    /// <summary>Quá hạn: completed after the deadline.</summary>
    Late,
}

/// <summary>
/// A user task as it was completed: written by the workflow store in the same transaction as the completion, so the
/// on-time figures of units and steps need no walk through the history. The unit is that of the task's first
/// candidate group (<c>commune:00700</c>, <c>department:08/nong-nghiep</c>, …) when it names one.
/// </summary>
public sealed class CompletedTaskRow
{
    public Guid TaskId { get; set; }

    public Guid InstanceId { get; set; }

    public required string ProcessId { get; set; }

    public required string ElementId { get; set; }

    public string? Name { get; set; }

    public string? ProvinceCode { get; set; }

    public Guid? DossierId { get; set; }

    public string? CommuneCode { get; set; }

    public string? UnitKey { get; set; }

    public string? CompletedBy { get; set; }

    public DateTimeOffset Created { get; set; }

    public DateTimeOffset? Due { get; set; }

    public DateTimeOffset Completed { get; set; }

    public Timeliness Timeliness { get; set; }

    /// <summary>How a task completed at <paramref name="completed"/> kept the deadline <paramref name="due"/> (days in Vietnam time).</summary>
    public static Timeliness Of(DateTimeOffset? due, DateTimeOffset completed) => due switch
    {
        null => Timeliness.NoDeadline,
        { } d when completed > d => Timeliness.Late,
        { } d when completed.VietnamDate() < d.VietnamDate() => Timeliness.Early,
        _ => Timeliness.OnTime,
    };
}

/// <summary>
/// A province's target for a year (chỉ tiêu): how many communes to recognise at a tier, e.g. "+7 NTM communes" (Kon Tum
/// 2023), with the document that sets it. Entered by the coordination office or an administrator.
/// </summary>
public sealed class ProgrammeTargetRow
{
    public required string ProvinceCode { get; set; }

    public int Year { get; set; }

    public RecognitionTier Tier { get; set; }

    public int Count { get; set; }

    /// <summary>The resolution or plan that sets the target (e.g. "Nghị quyết 15/NQ-HĐND").</summary>
    public string? Source { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

/// <summary>Writes <see cref="CompletedTaskRow"/>s for the user tasks a save of the workflow store completes.</summary>
public static class CompletedTasks
{
    /// <summary>
    /// The tasks of <paramref name="removed"/> that <paramref name="history"/> records as completed, with their completion
    /// (a task cancelled with its instance, or interrupted by a boundary event, was not done and counts for no unit).
    /// </summary>
    public static IReadOnlyList<(Engine.Runtime.TaskView Task, Engine.Runtime.WorkflowEvent Completion)> Of(IReadOnlyList<Engine.Runtime.TaskView> removed,
        IReadOnlyList<Engine.Runtime.WorkflowEvent> history)
    {
        ArgumentNullException.ThrowIfNull(removed);
        ArgumentNullException.ThrowIfNull(history);
        if (removed.Count == 0)
        {
            return [];
        }

        var completions = history.Where(h => h.Event == "taskCompleted" && h.Detail is not null)
            .GroupBy(h => h.Detail!, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Last(), StringComparer.OrdinalIgnoreCase);
        return [.. removed.Where(t => completions.ContainsKey(t.Id.ToString())).Select(t => (t, completions[t.Id.ToString()]))];
    }

    /// <summary>
    /// Adds a row for each completed task (<see cref="Of"/>), with the instance's dossier as the save read it (null when
    /// the instance serves none).
    /// </summary>
    public static async Task AddAsync(Persistence.AppDbContext db, Engine.Runtime.StoredInstance instance,
        IReadOnlyList<(Engine.Runtime.TaskView Task, Engine.Runtime.WorkflowEvent Completion)> completed, Inbox.DossierColumns? dossier, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(completed);
        if (completed.Count == 0)
        {
            return;
        }

        var province = instance.ProvinceCode ?? dossier?.ProvinceCode
                       ?? await db.WorkflowInstances.AsNoTracking().Where(i => i.Id == instance.Id).Select(i => i.ProvinceCode).SingleOrDefaultAsync(ct);
        foreach (var (task, completion) in completed)
        {
            var unit = task.CandidateGroups.Select(Organisation.CandidateGroups.Parse).FirstOrDefault(p => p is not null)?.Unit.ToString();
            db.CompletedTasks.Add(new CompletedTaskRow
            {
                TaskId = task.Id, InstanceId = instance.Id, ProcessId = instance.ProcessId, ElementId = task.ElementId, Name = task.Name,
                ProvinceCode = province, DossierId = dossier?.DossierId, CommuneCode = dossier?.CommuneCode, UnitKey = unit,
                CompletedBy = completion.Actor ?? task.Assignee, Created = task.Created, Due = task.Due, Completed = completion.Time,
                Timeliness = CompletedTaskRow.Of(task.Due, completion.Time),
            });
        }
    }
}
