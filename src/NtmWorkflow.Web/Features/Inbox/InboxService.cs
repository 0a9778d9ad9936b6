using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Workflows.Store;
using NtmWorkflow.Web.Infrastructure.Excel;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Inbox;

/// <summary>Where a task stands against its deadline: the inbox's red, amber and green.</summary>
public enum DueState
{
    OnTime,

    /// <summary>Due within <see cref="InboxService.DueSoonWorkingDays"/> working days.</summary>
    DueSoon,

    Overdue,

    NoDeadline,
}

/// <summary>What the inbox shows: whose tasks, narrowed by commune, step, deadline or a search text; a page of them.</summary>
public sealed record InboxFilter(bool OnlyMine = false, string? Commune = null, string? Step = null, DueState? Due = null, string? Search = null, int Page = 1);

public sealed record InboxItem(
    Guid TaskId, string ElementId, string Step, string? FormKey, string? DossierCode, Guid? DossierId, string? CommuneName, string? Assignee,
    DateTimeOffset Received, DateTimeOffset? Due, int? WorkingDaysLeft, DueState State, IReadOnlyList<string> UnverifiedParameters, Guid InstanceId = default);

/// <summary>A page of the inbox with the counts shown above it (of the whole inbox, not only this page).</summary>
public sealed record InboxPage(IReadOnlyList<InboxItem> Items, int Matching, int Mine, int Unclaimed, int Overdue, int Page, int Pages, IReadOnlyList<string> Steps);

/// <summary>Why a claim, release or delegation was refused.</summary>
public sealed class InboxException(string message) : Exception(message);

/// <summary>
/// Việc cần xử lý: an official's own tasks and the unclaimed tasks of their groups, soonest due first, with
/// the working days left; and claiming, releasing and delegating within the unit (each audited by the store).
/// </summary>
public sealed class InboxService(AppDbContext db, WorkflowEngine engine, OrganisationService organisation, WorkingCalendar calendar, TimeProvider clock)
{
    public const int PageSize = 25;

    /// <summary>A task due within this many working days is amber.</summary>
    public const int DueSoonWorkingDays = 2;

    public async Task<InboxPage> ListAsync(Official official, InboxFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(official);
        ArgumentNullException.ThrowIfNull(filter);
        var now = clock.GetUtcNow();
        var soon = calendar.AddWorkingDays(now, DueSoonWorkingDays);
        var me = official.UserName;
        var rows = Matching(official, filter, now, soon);
        var matching = await rows.CountAsync(ct);
        var pages = Math.Max(1, (matching + PageSize - 1) / PageSize);
        var page = Math.Clamp(filter.Page, 1, pages);
        var items = await ItemsAsync(rows, (page - 1) * PageSize, PageSize, now, soon, ct);

        // The counts above the list and the step choices, of the whole inbox, in one pass over it.
        var tally = await Visible(official, onlyMine: false)
            .GroupBy(t => new { t.ElementId, Mine = t.Assignee == me, Unclaimed = t.Assignee == null, Overdue = t.Due != null && t.Due < now })
            .Select(g => new { g.Key.ElementId, g.Key.Mine, g.Key.Unclaimed, g.Key.Overdue, Count = g.Count() })
            .ToListAsync(ct);
        return new InboxPage(
            items, matching, tally.Where(g => g.Mine).Sum(g => g.Count), tally.Where(g => g.Unclaimed).Sum(g => g.Count), tally.Where(g => g.Overdue).Sum(g => g.Count),
            page, pages, [.. tally.Select(g => g.ElementId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
    }

    /// <summary>The tasks <see cref="ListAsync"/> shows for the filter, every page of them in the same order, at most <paramref name="limit"/>: the Excel export.</summary>
    public async Task<ExportRows<InboxItem>> ExportAsync(Official official, InboxFilter filter, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(official);
        ArgumentNullException.ThrowIfNull(filter);
        var now = clock.GetUtcNow();
        var soon = calendar.AddWorkingDays(now, DueSoonWorkingDays);
        var rows = Matching(official, filter, now, soon);
        return new ExportRows<InboxItem>(await ItemsAsync(rows, 0, limit, now, soon, ct), await rows.CountAsync(ct));
    }

    /// <summary>The official's tasks narrowed by the filter (its page aside): what the list and its export share.</summary>
    private IQueryable<WorkflowTaskRow> Matching(Official official, InboxFilter filter, DateTimeOffset now, DateTimeOffset soon)
    {
        // One table, no joins: the task row carries the dossier's code, id and commune (see InboxColumns).
        var rows = Visible(official, filter.OnlyMine);

        // EF Core turns ToLower() into SQL lower(): no .NET culture takes part, whatever the analyzers fear.
#pragma warning disable CA1304, CA1311, CA1862
        if (!string.IsNullOrWhiteSpace(filter.Commune))
        {
            var commune = filter.Commune.Trim();
            var communeLower = commune.ToLower();
            rows = rows.Where(t => t.CommuneCode == commune || (t.CommuneName != null && t.CommuneName.ToLower().Contains(communeLower)));
        }

        if (!string.IsNullOrWhiteSpace(filter.Step))
        {
            rows = rows.Where(t => t.ElementId == filter.Step);
        }

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var text = filter.Search.Trim().ToLower();
            rows = rows.Where(t => (t.BusinessKey != null && t.BusinessKey.ToLower().Contains(text)) || (t.Name != null && t.Name.ToLower().Contains(text))
                || (t.CommuneName != null && t.CommuneName.ToLower().Contains(text)));
        }
#pragma warning restore CA1304, CA1311, CA1862

        return filter.Due switch
        {
            DueState.Overdue => rows.Where(t => t.Due != null && t.Due < now),
            DueState.DueSoon => rows.Where(t => t.Due != null && t.Due >= now && t.Due <= soon),
            DueState.OnTime => rows.Where(t => t.Due != null && t.Due > soon),
            DueState.NoDeadline => rows.Where(t => t.Due == null),
            _ => rows,
        };
    }

    /// <summary>Soonest due first (no deadline last), then oldest: <paramref name="take"/> of them after <paramref name="skip"/>.</summary>
    private async Task<List<InboxItem>> ItemsAsync(IQueryable<WorkflowTaskRow> rows, int skip, int take, DateTimeOffset now, DateTimeOffset soon, CancellationToken ct)
    {
        var items = await rows.OrderBy(t => t.Due == null).ThenBy(t => t.Due).ThenBy(t => t.Created).ThenBy(t => t.Id)
            .Skip(skip).Take(take)
            .Select(t => new { t.Id, t.ElementId, t.Name, t.FormKey, t.BusinessKey, t.DossierId, t.CommuneName, t.Assignee, t.Created, t.Due, t.DueUnverified, t.InstanceId })
            .ToListAsync(ct);
        return [.. items.Select(r => new InboxItem(r.Id, r.ElementId, r.Name ?? r.ElementId, r.FormKey, r.BusinessKey, r.DossierId, r.CommuneName,
            r.Assignee, r.Created, r.Due, r.Due is { } due ? calendar.WorkingDaysBetween(now, due) : null,
            State(r.Due, now, soon), r.DueUnverified?.Split(',') ?? [], r.InstanceId))];
    }

    /// <summary>Takes an unclaimed task of one of the official's groups.</summary>
    public async Task ClaimAsync(Official official, Guid taskId, CancellationToken ct)
    {
        var task = await TaskAsync(taskId, ct);
        if (task.Assignee is not null)
        {
            throw new InboxException(task.Assignee == official.UserName ? "You already hold this task." : $"{task.Assignee} already holds this task.");
        }

        if (!Groups(task).Any(official.Groups.Contains))
        {
            throw new InboxException("This task is not one of your unit's.");
        }

        await engine.AssignTaskAsync(taskId, official.UserName, official.UserName, ct);
    }

    /// <summary>Gives a task back to its group: its holder, or the head of its unit, may.</summary>
    public async Task ReleaseAsync(Official official, Guid taskId, CancellationToken ct)
    {
        var task = await TaskAsync(taskId, ct);
        if (task.Assignee is null)
        {
            throw new InboxException("Nobody holds this task.");
        }

        if (task.Assignee != official.UserName && !await HeadsAsync(official, task, ct))
        {
            throw new InboxException($"Only {task.Assignee}, or the head of the unit, can release this task.");
        }

        await engine.AssignTaskAsync(taskId, null, official.UserName, ct);
    }

    /// <summary>Hands a task to a colleague who is in one of its groups: its holder, a member when it is unclaimed, or the unit's head may.</summary>
    public async Task DelegateAsync(Official official, Guid taskId, string colleague, CancellationToken ct)
    {
        var task = await TaskAsync(taskId, ct);
        var groups = Groups(task);
        var mayHandOn = task.Assignee == official.UserName || (task.Assignee is null && groups.Any(official.Groups.Contains)) || await HeadsAsync(official, task, ct);
        if (!mayHandOn)
        {
            throw new InboxException(task.Assignee is null ? "This task is not one of your unit's." : $"Only {task.Assignee}, or the head of the unit, can hand this task on.");
        }

        var colleagues = await ColleaguesAsync(task, ct);
        if (!colleagues.Contains(colleague, StringComparer.OrdinalIgnoreCase))
        {
            throw new InboxException($"{colleague} is not in this task's unit; choose one of: {string.Join(", ", colleagues)}.");
        }

        if (string.Equals(task.Assignee, colleague, StringComparison.OrdinalIgnoreCase))
        {
            throw new InboxException($"{colleague} already holds this task.");
        }

        await engine.AssignTaskAsync(taskId, colleagues.First(c => string.Equals(c, colleague, StringComparison.OrdinalIgnoreCase)), official.UserName, ct);
    }

    /// <summary>Who a task may be handed to: the members of its groups today.</summary>
    public async Task<IReadOnlyList<string>> ColleaguesAsync(Guid taskId, CancellationToken ct) => await ColleaguesAsync(await TaskAsync(taskId, ct), ct);

    private async Task<IReadOnlyList<string>> ColleaguesAsync(WorkflowTaskRow task, CancellationToken ct)
    {
        var names = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in Groups(task))
        {
            names.UnionWith((await organisation.MembersOfGroupAsync(group, null, ct)).Select(u => u.UserName!));
        }

        return [.. names];
    }

    private async Task<bool> HeadsAsync(Official official, WorkflowTaskRow task, CancellationToken ct)
    {
        foreach (var group in Groups(task))
        {
            if ((await organisation.HeadsOfGroupAsync(group, null, ct)).Any(u => u.UserName == official.UserName))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<WorkflowTaskRow> TaskAsync(Guid taskId, CancellationToken ct) =>
        await db.WorkflowTasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, ct) ?? throw new InboxException("The task is no longer open.");

    private static List<string> Groups(WorkflowTaskRow task) => JsonSerializer.Deserialize<List<string>>(task.CandidateGroups) ?? [];

    private static DueState State(DateTimeOffset? due, DateTimeOffset now, DateTimeOffset soon) =>
        due is null ? DueState.NoDeadline : due < now ? DueState.Overdue : due <= soon ? DueState.DueSoon : DueState.OnTime;

    /// <summary>
    /// The official's own tasks, and (unless only those) the unclaimed ones of their groups: two disjoint
    /// index lookups, the own by (Assignee, Due), the unclaimed through WorkflowTaskGroups by (Group, TaskId)
    /// and then by task id, so a page costs what the official can see, not what is open in the country. The
    /// group rows exist only while a task is unclaimed, so no assignee test is needed there (one would
    /// tempt SQLite, which keeps no statistics, to walk every unclaimed task instead).
    /// </summary>
    private IQueryable<WorkflowTaskRow> Visible(Official official, bool onlyMine)
    {
        var me = official.UserName;
        var own = db.WorkflowTasks.AsNoTracking().Where(t => t.Assignee == me);
        if (onlyMine || official.Groups.Count == 0)
        {
            return own;
        }

        var groups = official.Groups.Order(StringComparer.Ordinal).ToArray();
        IQueryable<WorkflowTaskRow> unclaimed;
        if (db.Database.IsNpgsql())
        {
            // PostgreSQL would hash-join IN (…) against a scan of all open tasks, filters evaluated on each,
            // as long as that table is small enough to look cheap; ANY(ARRAY(…)) fetches the group's ids first
            // and then only those rows by primary key.
            unclaimed = db.WorkflowTasks.FromSql($"""
                SELECT * FROM "WorkflowTasks"
                WHERE "Id" = ANY (ARRAY(SELECT g."TaskId" FROM "WorkflowTaskGroups" AS g WHERE g."Group" = ANY ({groups})))
                """);
        }
        else
        {
            var ofGroups = db.WorkflowTaskGroups.Where(g => groups.Contains(g.Group)).Select(g => g.TaskId);
            unclaimed = db.WorkflowTasks.Where(t => ofGroups.Contains(t.Id));
        }

        return own.Concat(unclaimed.AsNoTracking());
    }
}
