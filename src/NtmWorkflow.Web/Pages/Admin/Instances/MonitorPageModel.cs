using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NtmWorkflow.Web.Features.Monitor;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Admin.Instances;

/// <summary>
/// What the instance monitor's pages share: the signed-in official, who may open them (administrators and the
/// coordination office, see <see cref="MonitorAccess"/>), and the notice or refusal of the last action, carried over
/// the redirect that follows every form (TempData).
/// </summary>
public abstract class MonitorPageModel(OrganisationService organisation) : PageModel
{
    /// <summary>A resource name (Monitor_Notice_…) for what the last action did.</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>The refusal's detail, as the monitor wrote it.</summary>
    [TempData]
    public string? Problem { get; set; }

    protected Official Official { get; private set; } = null!;

    /// <summary>Reads the signed-in official; false (and the page answers 403) for one who watches no instances.</summary>
    protected async Task<bool> SignedInAsync()
    {
        Official = await organisation.FindOfficialAsync(User.Identity!.Name!, null, HttpContext.RequestAborted)
                   ?? throw new InvalidOperationException("The signed-in user no longer exists.");
        return MonitorAccess.Concerned(Official);
    }

    protected IActionResult Forbidden() => StatusCode(StatusCodes.Status403Forbidden);
}
