using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Web.Features.Designer;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Admin.Workflows;

/// <summary>
/// Quy trình: every process with its latest version, who published it and when, the running instances of each
/// version, and the draft an administrator is working on. Administrators only.
/// </summary>
[Authorize]
public sealed class IndexModel(DesignerService designer, OrganisationService organisation) : DesignerPageModel(organisation)
{
    public IReadOnlyList<ProcessSummary> Processes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        Processes = await designer.ProcessesAsync(HttpContext.RequestAborted);
        return Page();
    }
}
