using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Web.Infrastructure.Excel;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Reports;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Reports;

/// <summary>The dossiers behind a figure of the dashboard, each linking to its dossier page.</summary>
[Authorize]
public sealed class DossiersModel(ProgrammeDashboard dashboard, OrganisationService organisation, AppDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text)
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

    /// <summary>Xuất Excel: the dossiers the list shows.</summary>
    public async Task<IActionResult> OnGetExcelAsync()
    {
        if (!await ChooseAsync())
        {
            return Forbidden();
        }

        var rows = await dashboard.DossiersAsync(Shown.Code, ShownYear, new DossierDrillDown(Level, Stage, CriteriaMet, Unmet, Achieved, InProgress), HttpContext.RequestAborted);
        return ExcelExport.File($"ho-so-{Shown.Code}-{ShownYear}", Clock.GetUtcNow(), text["Reports_DossiersTitle"], Columns(text),
            new ExportRows<DossierFact>([.. rows.Take(ExcelExport.MaxRows)], rows.Count), text);
    }

    /// <summary>The export with the list's province, year and filters.</summary>
    public string ExcelUrl => Url.Page("/Reports/Dossiers", "Excel", new
    {
        province = Shown.Code, year = ShownYear, level = Level, stage = Stage, criteriaMet = CriteriaMet, unmet = Unmet, achieved = Achieved, inProgress = InProgress ? true : (bool?)null,
    })!;

    public static IReadOnlyList<ExcelColumn<DossierFact>> Columns(IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return
        [
            new(text["Reports_Dossier"], d => d.Code),
            new(text["Reports_Commune"], d => d.CommuneName),
            new(text["Reports_Level"], d => text["Tier_" + d.Tier].Value),
            new(text["Reports_Status"], d => text["DossierStatus_" + d.Status].Value),
            new(text["Reports_Step"], d => string.Join(", ", d.Stages.Select(s => s.Name))),
            new(text["Reports_CriteriaMetColumn"], d => d.CriteriaMet),
            new(text["Reports_UnmetColumn"], d => string.Join(", ", d.Unmet)),
            new(text["Reports_DecisionNumber"], d => d.DecisionNumber),
            new(text["Reports_DecisionDate"], d => d.DecisionDate),
        ];
    }
}
