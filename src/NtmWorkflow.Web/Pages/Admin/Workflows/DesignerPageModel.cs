using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NtmWorkflow.Web.Features.Designer;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Admin.Workflows;

/// <summary>What the process administration pages share: the signed-in official, who must be an administrator.</summary>
public abstract class DesignerPageModel(OrganisationService organisation) : PageModel
{
    protected Official Official { get; private set; } = null!;

    /// <summary>Reads the signed-in official; false (the page answers 403) unless they administer.</summary>
    protected async Task<bool> AdministratorAsync()
    {
        Official = await organisation.FindOfficialAsync(User.Identity!.Name!, null, HttpContext.RequestAborted)
                   ?? throw new InvalidOperationException("The signed-in user no longer exists.");
        return DesignerService.MayDesign(Official);
    }

    protected IActionResult Forbidden() => StatusCode(StatusCodes.Status403Forbidden);
}
