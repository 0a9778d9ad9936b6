using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NtmWorkflow.Web.Features.Inbox;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages;

/// <summary>Việc cần xử lý: the official's tasks and their unit's unclaimed ones; claim, release, hand on.</summary>
[Authorize]
public sealed class InboxModel(InboxService inbox, OrganisationService organisation) : PageModel
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
        Result = await inbox.ListAsync(official, new InboxFilter(Mine, Commune, Step, Due, Search, PageNumber), HttpContext.RequestAborted);
        return Page();
    }

    public Task<IActionResult> OnPostClaimAsync(Guid taskId) =>
        ActAsync(official => inbox.ClaimAsync(official, taskId, HttpContext.RequestAborted), "Claimed");

    public Task<IActionResult> OnPostReleaseAsync(Guid taskId) =>
        ActAsync(official => inbox.ReleaseAsync(official, taskId, HttpContext.RequestAborted), "Released");

    public Task<IActionResult> OnPostDelegateAsync(Guid taskId, string? colleague) =>
        ActAsync(official => inbox.DelegateAsync(official, taskId, colleague?.Trim() ?? "", HttpContext.RequestAborted), "Delegated");

    /// <summary>The query string that keeps the current filters (paging links and redirects after a post).</summary>
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
