using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.DepartmentDesk;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Difficulties;

/// <summary>The coordination office answers a department's difficulty (kiến nghị); the answer is mailed back and kept.</summary>
[Authorize]
public sealed class AnswerModel(DepartmentDeskService desks, OrganisationService organisation) : PageModel
{
    public DifficultyRow Difficulty { get; private set; } = null!;

    public TaskView Task { get; private set; } = null!;

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid taskId) => await LoadAsync(taskId) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid taskId, string? answer)
    {
        if (await LoadAsync(taskId) is { } refused)
        {
            return refused;
        }

        try
        {
            await desks.AnswerAsync(_official!, taskId, answer, HttpContext.RequestAborted);
            TempData["Notice"] = "Answered";
            return RedirectToPage("/Inbox");
        }
        catch (DossierException e)
        {
            Problem = e.Message;
            return Page();
        }
    }

    private Official? _official;

    private async Task<IActionResult?> LoadAsync(Guid taskId)
    {
        try
        {
            (Task, Difficulty) = await desks.DifficultyTaskAsync(taskId, HttpContext.RequestAborted);
        }
        catch (DossierException)
        {
            return NotFound();
        }

        _official = await organisation.FindOfficialAsync(User.Identity!.Name!, null, HttpContext.RequestAborted);
        return _official is not null && DossierService.MayAct(_official, Task) ? null : StatusCode(StatusCodes.Status403Forbidden);
    }
}
