using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Reports;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Reports;

/// <summary>The dossiers behind a figure of the dashboard, each linking to its dossier page.</summary>
[Authorize]
public sealed class DossiersModel(ProgrammeDashboard dashboard, OrganisationService organisation, AppDbContext db, TimeProvider clock)
    : ReportPageModel(organisation, db, clock)
{
    [BindProperty(SupportsGet = true)]
    public RecognitionTier? Level { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Stage { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? CriteriaMet { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Unmet { get; set; }

    [BindProperty(SupportsGet = true)]
    public RecognitionTier? Achieved { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool InProgress { get; set; }

    public IReadOnlyList<DossierFact> Rows { get; private set; } = [];

    /// <summary>The filters besides province and year, for the form and the links.</summary>
    public IEnumerable<(string Name, string? Value)> Filters =>
    [
        ("level", Level?.ToString()), ("stage", Stage), ("criteriaMet", CriteriaMet?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("unmet", Unmet), ("achieved", Achieved?.ToString()), ("inProgress", InProgress ? "true" : null),
    ];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await ChooseAsync())
        {
            return Forbidden();
        }

        Rows = await dashboard.DossiersAsync(Shown.Code, ShownYear, new DossierDrillDown(Level, Stage, CriteriaMet, Unmet, Achieved, InProgress), HttpContext.RequestAborted);
        return Page();
    }
}
