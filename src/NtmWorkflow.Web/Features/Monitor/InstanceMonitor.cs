using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Workflows.Store;
using NtmWorkflow.Web.Infrastructure.Excel;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Monitor;

/// <summary>Where an instance is in its life, as the monitor shows it: a running instance with an open incident is faulted.</summary>
public enum MonitorState
{
    Running,
    Completed,
    Terminated,
    Faulted,
}

/// <summary>What the instance list is narrowed by; a page of it, newest first.</summary>
public sealed record MonitorFilter(
    string? Process = null, int? Version = null, MonitorState? State = null, string? Province = null, string? Commune = null, bool? Incident = null, bool Overdue = false,
    int Page = 1);

public sealed record MonitorItem(
    Guid Id, string ProcessId, int Version, string? BusinessKey, MonitorState State, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt,
    string? ProvinceCode, string? CommuneCode, string? CommuneName, Guid? DossierId, bool HasIncident, DateTimeOffset? NextTaskDue, bool Overdue);

/// <summary>A page of the list, the count of all that match, and the processes to choose from.</summary>
public sealed record MonitorPage(IReadOnlyList<MonitorItem> Items, int Matching, int Page, int Pages, IReadOnlyList<string> Processes);

/// <summary>A message subscription the instance waits on.</summary>
public sealed record MonitorSubscription(string Name, bool IsSignal, string? BusinessKey, DateTimeOffset Created);

/// <summary>Everything the instance page shows; <see cref="View"/> is null when the engine no longer loads its version.</summary>
public sealed record MonitorDetail(
    MonitorItem Instance, InstanceView? View, IReadOnlyList<WorkflowEvent> History, IReadOnlyList<MonitorSubscription> Subscriptions,
    string? DefinitionName, byte[]? Bpmn, bool MayAct, bool MayCancel);

/// <summary>
/// Why the monitor refused: 403 (not theirs to do), 404 (no such instance, task or incident), 400 (no reason written),
/// 409 (it ended). <see cref="Hidden"/> when the instance is not the official's to see at all (or does not exist): a
/// page answers with the status rather than a message about it.
/// </summary>
public sealed class MonitorException(int status, string message, bool hidden = false, string? field = null) : Exception(message)
{
    public int Status { get; } = status;

    public bool Hidden { get; } = hidden;

    /// <summary>The request's field at fault (as the API names it), when one is.</summary>
    public string? Field { get; } = field;
}

/// <summary>
/// Who watches instances: administrators (national: every instance; of a province: its instances) and the coordination
/// office of a province (its instances; it retries incidents and reassigns tasks, only administrators cancel).
/// An instance belongs to the province it names (its dossier's, or its <c>provinceCode</c> variable); one that names
/// none only national administrators see.
/// </summary>
public static class MonitorAccess
{
    public static bool IsNational(Official official)
    {
        ArgumentNullException.ThrowIfNull(official);
        return official.Administers(null);
    }

    /// <summary>The provinces whose instances the official watches (besides all of them, for a national administrator).</summary>
    public static IReadOnlyList<string> Provinces(Official official)
    {
        ArgumentNullException.ThrowIfNull(official);
        return [.. official.Assignments.Where(a => a.Unit.ProvinceCode is not null
                && ((a.Unit.Kind == UnitKey.Province && a.Role == Roles.Administrator) || (a.Unit.Kind == UnitKey.CoordinationOffice && a.Role == Roles.CoordinationOffice)))
            .Select(a => a.Unit.ProvinceCode!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The provinces the official administers, from an administrator's role at any unit of the province (a national
    /// administrator's national role names none: ask <see cref="IsNational"/>). Who cancels and who migrates.
    /// </summary>
    public static IReadOnlyList<string> AdministeredProvinces(Official official)
    {
        ArgumentNullException.ThrowIfNull(official);
        return [.. official.Assignments.Where(a => a.Role == Roles.Administrator && a.Unit.ProvinceCode is not null)
            .Select(a => a.Unit.ProvinceCode!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>Opens the monitor at all.</summary>
    public static bool Concerned(Official official) => IsNational(official) || Provinces(official).Count > 0;

    /// <summary>Sees the instance, retries its incidents and reassigns its tasks.</summary>
    public static bool MayRead(Official official, string? provinceCode) =>
        IsNational(official) || (provinceCode is not null && Provinces(official).Contains(provinceCode, StringComparer.Ordinal));

    /// <summary>Cancels the instance: administrators of its province, national ones.</summary>
    public static bool MayCancel(Official official, string? provinceCode) =>
        IsNational(official) || (provinceCode is not null && AdministeredProvinces(official).Contains(provinceCode, StringComparer.Ordinal));
}

/// <summary>
/// Theo dõi quy trình: lists the workflow instances an official watches from the instance rows' own columns (no state
/// read, no join; see <see cref="WorkflowInstanceRow"/>), shows one with its variables, history, tasks, timers,
/// subscriptions and incidents, and acts on it: retry an incident, reassign a task or cancel the instance, the last two
/// with a written reason, each audited.
/// </summary>
public sealed class InstanceMonitor(AppDbContext db, WorkflowEngine engine, IWorkflowStore store, TimeProvider clock)
{
    public const int PageSize = 25;

    /// <summary>The longest reason kept.</summary>
    public const int ReasonLength = 1000;

    public async Task<MonitorPage> ListAsync(Official official, MonitorFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(official);
        ArgumentNullException.ThrowIfNull(filter);
        var now = clock.GetUtcNow();
        var rows = Matching(official, filter, now);
        var matching = await rows.CountAsync(ct);
        var pages = Math.Max(1, (matching + PageSize - 1) / PageSize);
        var page = Math.Clamp(filter.Page, 1, pages);
        var items = await ItemsAsync(rows, (page - 1) * PageSize, PageSize, now, ct);
        var processes = await db.WorkflowDefinitions.AsNoTracking().Select(d => d.ProcessId).Distinct().ToListAsync(ct);
        return new MonitorPage(items, matching, page, pages, [.. processes.Order(StringComparer.Ordinal)]);
    }

    /// <summary>The instances <see cref="ListAsync"/> shows for the filter, every page of them in the same order, at most <paramref name="limit"/>: the Excel export.</summary>
    public async Task<ExportRows<MonitorItem>> ExportAsync(Official official, MonitorFilter filter, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(official);
        ArgumentNullException.ThrowIfNull(filter);
        var now = clock.GetUtcNow();
        var rows = Matching(official, filter, now);
        return new ExportRows<MonitorItem>(await ItemsAsync(rows, 0, limit, now, ct), await rows.CountAsync(ct));
    }

    /// <summary>The instances the official watches narrowed by the filter (its page aside): what the list and its export share.</summary>
    private IQueryable<WorkflowInstanceRow> Matching(Official official, MonitorFilter filter, DateTimeOffset now)
    {
        var rows = db.WorkflowInstances.AsNoTracking();
        if (!MonitorAccess.IsNational(official))
        {
            var provinces = MonitorAccess.Provinces(official).ToArray();
            rows = provinces.Length == 1 ? rows.Where(i => i.ProvinceCode == provinces[0]) : rows.Where(i => i.ProvinceCode != null && provinces.Contains(i.ProvinceCode));
        }

        if (!string.IsNullOrWhiteSpace(filter.Process))
        {
            var process = filter.Process.Trim();
            rows = rows.Where(i => i.ProcessId == process);
        }

        if (filter.Version is { } version)
        {
            rows = rows.Where(i => i.Version == version);
        }

        if (!string.IsNullOrWhiteSpace(filter.Province))
        {
            var province = filter.Province.Trim();
            rows = rows.Where(i => i.ProvinceCode == province);
        }

        if (!string.IsNullOrWhiteSpace(filter.Commune))
        {
            var commune = filter.Commune.Trim();

            // EF Core turns ToLower() into SQL lower(): no .NET culture takes part.
#pragma warning disable CA1304, CA1311, CA1862
            var lower = commune.ToLower();
            rows = rows.Where(i => i.CommuneCode == commune || (i.CommuneName != null && i.CommuneName.ToLower().Contains(lower)));
#pragma warning restore CA1304, CA1311, CA1862
        }

        rows = filter.State switch
        {
            MonitorState.Running => rows.Where(i => i.Status == InstanceStatus.Running && !i.HasIncident),
            MonitorState.Faulted => rows.Where(i => i.Status == InstanceStatus.Running && i.HasIncident),
            MonitorState.Completed => rows.Where(i => i.Status == InstanceStatus.Completed),
            MonitorState.Terminated => rows.Where(i => i.Status == InstanceStatus.Terminated),
            _ => rows,
        };
        if (filter.Incident is { } incident)
        {
            rows = rows.Where(i => i.HasIncident == incident);
        }

        if (filter.Overdue)
        {
            rows = rows.Where(i => i.NextTaskDue != null && i.NextTaskDue < now);
        }

        return rows;
    }

    /// <summary>Newest first: <paramref name="take"/> of them after <paramref name="skip"/>.</summary>
    private static async Task<List<MonitorItem>> ItemsAsync(IQueryable<WorkflowInstanceRow> rows, int skip, int take, DateTimeOffset now, CancellationToken ct)
    {
        var items = await rows.OrderByDescending(i => i.StartedAt).ThenByDescending(i => i.Id)
            .Skip(skip).Take(take)
            .Select(i => new { i.Id, i.ProcessId, i.Version, i.BusinessKey, i.Status, i.StartedAt, i.UpdatedAt, i.ProvinceCode, i.CommuneCode, i.CommuneName, i.DossierId, i.HasIncident, i.NextTaskDue })
            .ToListAsync(ct);
        return [.. items.Select(i => Item(i.Id, i.ProcessId, i.Version, i.BusinessKey, i.Status, i.StartedAt, i.UpdatedAt, i.ProvinceCode, i.CommuneCode, i.CommuneName, i.DossierId,
            i.HasIncident, i.NextTaskDue, now))];
    }

    /// <summary>The instance as its page shows it; 404 when there is none, 403 when it is not the official's to watch.</summary>
    public async Task<MonitorDetail> DetailAsync(Official official, Guid id, CancellationToken ct)
    {
        var instance = await ReadableAsync(official, id, ct);
        InstanceView? view;
        try
        {
            view = await engine.GetInstanceAsync(id, ct);
        }
        catch (WorkflowException)
        {
            // A version the engine no longer has: the page still shows the row and its history.
            view = null;
        }

        var history = await store.ReadHistoryAsync(id, ct);
        var subscriptions = await db.WorkflowSubscriptions.AsNoTracking().Where(s => s.InstanceId == id).OrderBy(s => s.Created).ThenBy(s => s.Sequence)
            .Select(s => new MonitorSubscription(s.Name, s.IsSignal, s.BusinessKey, s.Created)).ToListAsync(ct);
        var definition = await db.WorkflowDefinitions.AsNoTracking().Where(d => d.ProcessId == instance.ProcessId && d.Version == instance.Version)
            .Select(d => new { d.Name, d.Bpmn }).FirstOrDefaultAsync(ct);
        return new MonitorDetail(instance, view, history, subscriptions, definition?.Name ?? instance.ProcessId, definition?.Bpmn,
            MonitorAccess.MayRead(official, instance.ProvinceCode), MonitorAccess.MayCancel(official, instance.ProvinceCode));
    }

    /// <summary>Runs the failed step of an incident again (audited as workflow.incidentRetried).</summary>
    public async Task RetryAsync(Official official, Guid id, string incidentId, CancellationToken ct)
    {
        var instance = await ReadableAsync(official, id, ct);
        await RunAsync(() => engine.RetryIncidentAsync(id, incidentId, official.UserName, ct));
        AuditTrail.Record(db, official.UserName, "workflow.incidentRetried", $"instance/{id}", new { process = instance.ProcessId, instance.BusinessKey, incident = incidentId });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Gives an open task of the instance to another official (or back to its groups, when <paramref name="assignee"/> is
    /// empty), with the reason written: audited as workflow.taskReassigned with the reason.
    /// </summary>
    public async Task ReassignAsync(Official official, Guid id, Guid taskId, string? assignee, string? reason, CancellationToken ct)
    {
        var instance = await ReadableAsync(official, id, ct);
        var why = Reason(reason, "Write why the task is reassigned.");
        var task = await db.WorkflowTasks.AsNoTracking().Where(t => t.Id == taskId && t.InstanceId == id).Select(t => new { t.ElementId, t.Assignee }).FirstOrDefaultAsync(ct)
                   ?? throw new MonitorException(StatusCodes.Status404NotFound, "The task is no longer open on this instance.");
        string? to = null;
        if (!string.IsNullOrWhiteSpace(assignee))
        {
            var normalized = assignee.Trim().ToUpperInvariant();
            to = await db.Users.AsNoTracking().Where(u => u.NormalizedUserName == normalized).Select(u => u.UserName).FirstOrDefaultAsync(ct)
                 ?? throw new MonitorException(StatusCodes.Status400BadRequest, $"There is no official '{assignee.Trim()}'.");
        }

        if (string.Equals(task.Assignee, to, StringComparison.OrdinalIgnoreCase))
        {
            throw new MonitorException(StatusCodes.Status409Conflict, to is null ? "Nobody holds this task." : $"{to} already holds this task.");
        }

        await RunAsync(() => engine.AssignTaskAsync(taskId, to, official.UserName, ct));
        AuditTrail.Record(db, official.UserName, "workflow.taskReassigned", $"instance/{id}",
            new { process = instance.ProcessId, instance.BusinessKey, task = taskId, element = task.ElementId, from = task.Assignee, to, reason = why });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Cancels the instance, with the reason written: administrators only; audited as workflow.instanceCancelled with the reason.</summary>
    public async Task CancelAsync(Official official, Guid id, string? reason, CancellationToken ct)
    {
        var instance = await ReadableAsync(official, id, ct);
        if (!MonitorAccess.MayCancel(official, instance.ProvinceCode))
        {
            throw new MonitorException(StatusCodes.Status403Forbidden, "Only an administrator cancels an instance.");
        }

        var why = Reason(reason, "Write why the instance is cancelled.");
        await RunAsync(() => engine.CancelInstanceAsync(id, why, official.UserName, ct));
        AuditTrail.Record(db, official.UserName, "workflow.instanceCancelled", $"instance/{id}",
            new { process = instance.ProcessId, instance.BusinessKey, dossier = instance.DossierId, reason = why });
        await db.SaveChangesAsync(ct);
    }

    private async Task<MonitorItem> ReadableAsync(Official official, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(official);
        var now = clock.GetUtcNow();
        var row = await db.WorkflowInstances.AsNoTracking().Where(i => i.Id == id)
            .Select(i => new { i.Id, i.ProcessId, i.Version, i.BusinessKey, i.Status, i.StartedAt, i.UpdatedAt, i.ProvinceCode, i.CommuneCode, i.CommuneName, i.DossierId, i.HasIncident, i.NextTaskDue })
            .FirstOrDefaultAsync(ct) ?? throw new MonitorException(StatusCodes.Status404NotFound, "There is no such instance.", hidden: true);
        if (!MonitorAccess.MayRead(official, row.ProvinceCode))
        {
            throw new MonitorException(StatusCodes.Status403Forbidden, "This instance is not one you watch.", hidden: true);
        }

        return Item(row.Id, row.ProcessId, row.Version, row.BusinessKey, row.Status, row.StartedAt, row.UpdatedAt, row.ProvinceCode, row.CommuneCode, row.CommuneName, row.DossierId,
            row.HasIncident, row.NextTaskDue, now);
    }

    private static string Reason(string? reason, string missing)
    {
        var text = reason?.Trim();
        return string.IsNullOrEmpty(text) ? throw new MonitorException(StatusCodes.Status400BadRequest, missing)
            : text.Length > ReasonLength ? text[..ReasonLength] : text;
    }

    /// <summary>The engine's refusals as the monitor's: an unknown task or incident 404, an ended instance 409.</summary>
    private static async Task RunAsync(Func<Task> act)
    {
        try
        {
            await act();
        }
        catch (WorkflowException e)
        {
            throw new MonitorException(e.Kind == WorkflowErrorKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict, e.Message);
        }
    }

    private static MonitorItem Item(Guid id, string processId, int version, string? businessKey, InstanceStatus status, DateTimeOffset startedAt, DateTimeOffset updatedAt,
        string? provinceCode, string? communeCode, string? communeName, Guid? dossierId, bool hasIncident, DateTimeOffset? nextTaskDue, DateTimeOffset now) =>
        new(id, processId, version, businessKey, StateOf(status, hasIncident), startedAt, updatedAt, provinceCode, communeCode, communeName, dossierId, hasIncident, nextTaskDue,
            status == InstanceStatus.Running && nextTaskDue < now);

    public static MonitorState StateOf(InstanceStatus status, bool hasIncident) => status switch
    {
        InstanceStatus.Completed => MonitorState.Completed,
        InstanceStatus.Terminated => MonitorState.Terminated,
        _ => hasIncident ? MonitorState.Faulted : MonitorState.Running,
    };
}
