using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Reports;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Reports;

/// <summary>
/// Bảng điều hành: where the programme stands in a province this year, each figure a link to the dossiers or tasks
/// behind it (Anh Tuấn's page, ntm-domain.md §9).
/// </summary>
[Authorize]
public sealed class IndexModel(ProgrammeDashboard dashboard, OrganisationService organisation, AppDbContext db, TimeProvider clock)
    : ReportPageModel(organisation, db, clock)
{
    public DashboardFigures Figures { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await ChooseAsync())
        {
            return Forbidden();
        }

        Figures = await dashboard.FiguresAsync(Shown.Code, ShownYear, HttpContext.RequestAborted);
        return Page();
    }
}
