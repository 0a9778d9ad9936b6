using System.Linq.Expressions;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Workflows.Store;
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
    DateTimeOffset Received, DateTimeOffset? Due, int? WorkingDaysLeft, DueState State, IReadOnlyList<string> UnverifiedParameters);

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
        var visible = db.WorkflowTasks.AsNoTracking().Where(Visible(official));

        var rows = from t in visible
                   join i in db.WorkflowInstances.AsNoTracking() on t.InstanceId equals i.Id
                   join d in db.Dossiers.AsNoTracking() on t.InstanceId equals d.InstanceId into dossiers
                   from d in dossiers.DefaultIfEmpty()
                   select new { Task = t, i.BusinessKey, DossierId = (Guid?)d.Id, CommuneName = d.CommuneName, CommuneCode = d.CommuneCode };
        if (filter.OnlyMine)
        {
            rows = rows.Where(r => r.Task.Assignee == official.UserName);
        }

        // EF Core turns ToLower() into SQL lower(): no .NET culture takes part, whatever the analyzers fear.
#pragma warning disable CA1304, CA1311, CA1862
        if (!string.IsNullOrWhiteSpace(filter.Commune))
        {
            var commune = filter.Commune.Trim();
            rows = rows.Where(r => r.CommuneCode == commune || (r.CommuneName != null && r.CommuneName.ToLower().Contains(commune.ToLower())));
        }

        if (!string.IsNullOrWhiteSpace(filter.Step))
        {
            rows = rows.Where(r => r.Task.ElementId == filter.Step);
        }

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var text = filter.Search.Trim().ToLower();
            rows = rows.Where(r => (r.BusinessKey != null && r.BusinessKey.ToLower().Contains(text)) || (r.Task.Name != null && r.Task.Name.ToLower().Contains(text))
                || (r.CommuneName != null && r.CommuneName.ToLower().Contains(text)));
        }
#pragma warning restore CA1304, CA1311, CA1862

        rows = filter.Due switch
        {
            DueState.Overdue => rows.Where(r => r.Task.Due != null && r.Task.Due < now),
            DueState.DueSoon => rows.Where(r => r.Task.Due != null && r.Task.Due >= now && r.Task.Due <= soon),
            DueState.OnTime => rows.Where(r => r.Task.Due != null && r.Task.Due > soon),
            DueState.NoDeadline => rows.Where(r => r.Task.Due == null),
            _ => rows,
        };

        var matching = await rows.CountAsync(ct);
        var pages = Math.Max(1, (matching + PageSize - 1) / PageSize);
        var page = Math.Clamp(filter.Page, 1, pages);
        var items = await rows.OrderBy(r => r.Task.Due == null).ThenBy(r => r.Task.Due).ThenBy(r => r.Task.Created)
            .Skip((page - 1) * PageSize).Take(PageSize).ToListAsync(ct);

        var mine = await visible.CountAsync(t => t.Assignee == official.UserName, ct);
        var unclaimed = await visible.CountAsync(t => t.Assignee == null, ct);
        var overdue = await visible.CountAsync(t => t.Due != null && t.Due < now, ct);
        var steps = await visible.Select(t => t.ElementId).Distinct().OrderBy(e => e).ToListAsync(ct);
        return new InboxPage(
            [.. items.Select(r => new InboxItem(r.Task.Id, r.Task.ElementId, r.Task.Name ?? r.Task.ElementId, r.Task.FormKey, r.BusinessKey, r.DossierId, r.CommuneName,
                r.Task.Assignee, r.Task.Created, r.Task.Due, r.Task.Due is { } due ? calendar.WorkingDaysBetween(now, due) : null,
                State(r.Task.Due, now, soon), r.Task.DueUnverified?.Split(',') ?? []))],
            matching, mine, unclaimed, overdue, page, pages, steps);
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
    /// The official's own tasks, or unclaimed ones of their groups. Candidate groups are stored as a JSON array,
    /// so a group is matched with its quotes ("commune-007" does not match "commune-00700"); one OR per group.
    /// </summary>
    private static Expression<Func<WorkflowTaskRow, bool>> Visible(Official official)
    {
        var task = Expression.Parameter(typeof(WorkflowTaskRow), "t");
        var assignee = Expression.Property(task, nameof(WorkflowTaskRow.Assignee));
        Expression body = Expression.Equal(assignee, Expression.Constant(official.UserName, typeof(string)));
        var groups = Expression.Property(task, nameof(WorkflowTaskRow.CandidateGroups));
        var contains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
        foreach (var group in official.Groups.Order(StringComparer.Ordinal))
        {
            var inGroup = Expression.AndAlso(
                Expression.Equal(assignee, Expression.Constant(null, typeof(string))),
                Expression.Call(groups, contains, Expression.Constant(JsonSerializer.Serialize(group))));
            body = Expression.OrElse(body, inGroup);
        }

        return Expression.Lambda<Func<WorkflowTaskRow, bool>>(body, task);
    }
}
