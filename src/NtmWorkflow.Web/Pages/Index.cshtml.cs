using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages;

/// <summary>A task on the home page: what, for which dossier, by when, and whether the deadline rests on an unverified legal value.</summary>
public sealed record HomeTask(string Step, string? Dossier, DateTimeOffset? Due, int? WorkingDaysLeft, IReadOnlyList<string> UnverifiedParameters);

public sealed class IndexModel(UserManager<AppUser> users, OrganisationService organisation, AppDbContext db, WorkingCalendar calendar, TimeProvider clock) : PageModel
{
    /// <summary>At most this many tasks on the home page; the inbox (officials' pages) lists them all.</summary>
    private const int Shown = 20;

    public string? FullName { get; private set; }

    public IReadOnlyList<string> Roles { get; private set; } = [];

    public IReadOnlyList<HomeTask> Tasks { get; private set; } = [];

    public async Task OnGetAsync()
    {
        if (User.Identity?.IsAuthenticated != true || await users.GetUserAsync(User) is not { } user)
        {
            return;
        }

        FullName = user.FullName;
        Roles = [.. await users.GetRolesAsync(user)];
        if (await organisation.FindOfficialAsync(user.UserName!, null, HttpContext.RequestAborted) is not { } official)
        {
            return;
        }

        // The official's own tasks and their groups' unclaimed tasks, soonest due first. Candidate groups are a
        // JSON array per task: a group is matched with its quotes, so "commune-007" does not match "commune-00700".
        var now = clock.GetUtcNow();
        var tasks = db.WorkflowTasks.AsNoTracking();
        var found = await tasks.Where(t => t.Assignee == official.UserName).OrderBy(t => t.Due).Take(Shown).ToListAsync(HttpContext.RequestAborted);
        foreach (var group in official.Groups)
        {
            var quoted = JsonSerializer.Serialize(group);
            found.AddRange(await tasks.Where(t => t.Assignee == null && t.CandidateGroups.Contains(quoted)).OrderBy(t => t.Due).Take(Shown).ToListAsync(HttpContext.RequestAborted));
        }

        var chosen = found.DistinctBy(t => t.Id).OrderBy(t => t.Due is null).ThenBy(t => t.Due).Take(Shown).ToList();
        var instanceIds = chosen.Select(t => t.InstanceId).Distinct().ToList();
        var dossiers = await db.WorkflowInstances.AsNoTracking().Where(i => instanceIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.BusinessKey, HttpContext.RequestAborted);
        Tasks = [.. chosen.Select(t => new HomeTask(t.Name ?? t.ElementId, dossiers.GetValueOrDefault(t.InstanceId), t.Due,
            t.Due is { } due ? calendar.WorkingDaysBetween(now, due) : null, t.DueUnverified?.Split(',') ?? []))];
    }
}
