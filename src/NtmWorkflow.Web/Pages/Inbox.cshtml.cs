using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Inbox;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Infrastructure.Excel;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages;

/// <summary>Việc cần xử lý: the official's tasks and their unit's unclaimed ones; claim, release, hand on.</summary>
[Authorize]
public sealed class InboxModel(InboxService inbox, OrganisationService organisation, AppDbContext db, IStringLocalizer<SharedResource> text, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public bool Mine { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Commune { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Step { get; set; }

    [BindProperty(SupportsGet = true)]
    public DueState? Due { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public InboxPage? Result { get; private set; }

    /// <summary>The official reviews for a department: the inbox links to the department's table.</summary>
    public bool ReviewsForDepartment { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    [TempData]
    public string? Problem { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var official = await OfficialAsync();
        ReviewsForDepartment = official.Assignments.Any(a => a.Role == Features.Accounts.Roles.DepartmentReviewer);
        Result = await inbox.ListAsync(official, Filter, HttpContext.RequestAborted);
        await LinkCouncilTasksAsync(Result.Items);
        return Page();
    }

    /// <summary>Xuất Excel: every task the list shows with these filters, not only this page.</summary>
    public async Task<IActionResult> OnGetExcelAsync()
    {
        var rows = await inbox.ExportAsync(await OfficialAsync(), Filter, ExcelExport.MaxRows, HttpContext.RequestAborted);
        return ExcelExport.File("hop-thu-cong-viec", clock.GetUtcNow(), text["MyTasks"], Columns(text), rows, text);
    }

    /// <summary>The columns of the export: the list's, with the deadline's parts each in a cell of its own.</summary>
    public static IReadOnlyList<ExcelColumn<InboxItem>> Columns(IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return
        [
            new(text["TaskDossier"], t => t.DossierCode),
            new(text["Inbox_Commune"], t => t.CommuneName),
            new(text["TaskStep"], t => t.Step),
            new(text["Inbox_Received"], t => t.Received),
            new(text["TaskDue"], t => t.Due),
            new(text["Export_WorkingDaysLeft"], t => t.WorkingDaysLeft),
            new(text["Export_DueState"], t => text["Due_" + t.State].Value),
            new(text["Export_Unverified"], t => t.UnverifiedParameters.Count == 0 ? null : string.Join(", ", t.UnverifiedParameters)),
            new(text["Inbox_Holder"], t => t.Assignee ?? text["Inbox_Unclaimed"].Value),
        ];
    }

    /// <summary>The export with the list's filters (every page, so no page number).</summary>
    public string ExcelUrl => Url.Page("/Inbox", "Excel", Query().Where(q => q.Value is not null && q.Key != "p").ToDictionary(q => q.Key, q => (object?)q.Value))!;

    private InboxFilter Filter => new(Mine, Commune, Step, Due, Search, PageNumber);

    /// <summary>The council session of each session task (by its workflow instance) and of each decision task (the session that passed the dossier).</summary>
    public IReadOnlyDictionary<Guid, Guid> SessionOfTask { get; private set; } = new Dictionary<Guid, Guid>();

    /// <summary>Where a council task is done: the ballot page, the session page, or the council's page to plan a session; null for other tasks.</summary>
    public string? CouncilLink(InboxItem task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.FormKey switch
        {
            "ntm:council-agenda" => "/council",
            "ntm:council-ballot" when SessionOfTask.TryGetValue(task.TaskId, out var session) => $"/council/sessions/{session}/ballot",
            "ntm:council-opening" or "ntm:council-report" or "ntm:recognition-decision" when SessionOfTask.TryGetValue(task.TaskId, out var session) => $"/council/sessions/{session}",
            _ => null,
        };
    }

    private async Task LinkCouncilTasksAsync(IReadOnlyList<InboxItem> items)
    {
        var ct = HttpContext.RequestAborted;
        var sessionTasks = items.Where(t => t.FormKey is "ntm:council-ballot" or "ntm:council-opening" or "ntm:council-report").ToList();
        var decisionTasks = items.Where(t => t.FormKey == "ntm:recognition-decision" && t.DossierId is not null).ToList();
        var links = new Dictionary<Guid, Guid>();
        if (sessionTasks.Count > 0)
        {
            var instances = sessionTasks.Select(t => (Guid?)t.InstanceId).Distinct().ToList();
            var sessions = await db.CouncilSessions.AsNoTracking().Where(s => instances.Contains(s.InstanceId)).Select(s => new { s.Id, s.InstanceId }).ToListAsync(ct);
            foreach (var task in sessionTasks)
            {
                if (sessions.FirstOrDefault(s => s.InstanceId == task.InstanceId) is { } session)
                {
                    links[task.TaskId] = session.Id;
                }
            }
        }

        if (decisionTasks.Count > 0)
        {
            var dossiers = decisionTasks.Select(t => t.DossierId!.Value).Distinct().ToList();
            var passed = await db.CouncilAgendaItems.AsNoTracking().Where(a => dossiers.Contains(a.DossierId) && a.Outcome == CouncilOutcome.Passed)
                .Join(db.CouncilSessions.AsNoTracking(), a => a.SessionId, s => s.Id, (a, s) => new { a.DossierId, a.SessionId, s.MeetsOn }).ToListAsync(ct);
            foreach (var task in decisionTasks)
            {
                if (passed.Where(p => p.DossierId == task.DossierId).OrderByDescending(p => p.MeetsOn).FirstOrDefault() is { } session)
                {
                    links[task.TaskId] = session.SessionId;
                }
            }
        }

        SessionOfTask = links;
    }

    public Task<IActionResult> OnPostClaimAsync(Guid taskId) =>
        ActAsync(official => inbox.ClaimAsync(official, taskId, HttpContext.RequestAborted), "Claimed");

    public Task<IActionResult> OnPostReleaseAsync(Guid taskId) =>
        ActAsync(official => inbox.ReleaseAsync(official, taskId, HttpContext.RequestAborted), "Released");

    public Task<IActionResult> OnPostDelegateAsync(Guid taskId, string? colleague) =>
        ActAsync(official => inbox.DelegateAsync(official, taskId, colleague?.Trim() ?? "", HttpContext.RequestAborted), "Delegated");

    /// <summary>The query string that keeps the current filters (paging links, the export link and redirects after a post).</summary>
    public Dictionary<string, string?> Query(int? page = null) => new()
    {
        ["mine"] = Mine ? "true" : null, ["commune"] = Commune, ["step"] = Step, ["due"] = Due?.ToString(), ["search"] = Search,
        ["p"] = (page ?? PageNumber).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private async Task<IActionResult> ActAsync(Func<Official, Task> action, string done)
    {
        try
        {
            await action(await OfficialAsync());
            Notice = done;
        }
        catch (InboxException e)
        {
            Problem = e.Message;
        }
        catch (Engine.Runtime.WorkflowException e)
        {
            Problem = e.Message;
        }

        return RedirectToPage(Query().Where(q => q.Value is not null).ToDictionary(q => q.Key, q => (object?)q.Value));
    }

    private async Task<Official> OfficialAsync() =>
        await organisation.FindOfficialAsync(User.Identity!.Name!, null, HttpContext.RequestAborted)
        ?? throw new InvalidOperationException("The signed-in user no longer exists.");
}
