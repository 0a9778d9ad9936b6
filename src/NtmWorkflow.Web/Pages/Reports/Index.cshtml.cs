using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Reports;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Reports;

/// <summary>
/// Bảng điều hành: where the programme stands in a province this year, each figure a link to the dossiers or tasks
/// behind it (Anh Tuấn's page, ntm-domain.md §9).
/// </summary>
[Authorize]
[NtmWorkflow.Web.Infrastructure.AllowsInlineStyles]
public sealed class IndexModel(ProgrammeDashboard dashboard, ProgrammeReport report, CompletionForecast completion, OrganisationService organisation, AppDbContext db,
    TimeProvider clock)
    : ReportPageModel(organisation, db, clock)
{
    public DashboardFigures Figures { get; private set; } = null!;

    /// <summary>The target date the forecast counts to (<c>yyyy-MM-dd</c>, within the year shown); the configured day of the year when empty.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Target { get; set; }

    /// <summary>The forecast of the year (section "Dự báo").</summary>
    public ForecastFigures Forecast { get; private set; } = null!;

    /// <summary>Why the target date asked for was not used (a resource key), the default being shown instead.</summary>
    public string? ForecastProblem { get; private set; }

    /// <summary>True when the target date was chosen on the page rather than configured.</summary>
    public bool TargetChosen { get; private set; }

    /// <summary>The month the monthly report covers by default: the one before this (in Vietnam).</summary>
    public ReportPeriod LastMonth => ReportPeriod.MonthBefore(VietnamTime.VietnamDate(Clock.GetUtcNow()));

    public bool MaySetTargets => ReportAccess.MaySetTargets(Official, Shown.Code);

    /// <summary>Recognised communes due for re-evaluation by the end of the year shown, or whose latest assessment meets the revocation triggers.</summary>
    public IReadOnlyList<RecognitionEntry> FollowUp { get; private set; } = [];

    /// <summary>The targets form refused, with why (shown above it, with what was typed).</summary>
    public string? TargetsRefusal { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await ChooseAsync())
        {
            return Forbidden();
        }

        Figures = await dashboard.FiguresAsync(Shown.Code, ShownYear, HttpContext.RequestAborted);
        await ForecastAsync();
        var endOfYear = new DateOnly(ShownYear, 12, 31);
        FollowUp = [.. (await dashboard.RecognitionsAsync(Shown.Code, HttpContext.RequestAborted))
            .Where(r => r.TriggersMet || r.UnderReview || r.ReEvaluationDue <= endOfYear)];
        return Page();
    }

    /// <summary>Sets the year's targets per tier (empty: none) from the resolution or plan named.</summary>
    public async Task<IActionResult> OnPostTargetsAsync(int? ntm, int? advanced, int? model, string? source)
    {
        if (!await ChooseAsync() || !MaySetTargets)
        {
            return Forbidden();
        }

        try
        {
            await dashboard.SetTargetsAsync(Shown.Code, ShownYear,
                new Dictionary<RecognitionTier, int?> { [RecognitionTier.Ntm] = ntm, [RecognitionTier.Advanced] = advanced, [RecognitionTier.Model] = model },
                source, Official.UserName, HttpContext.RequestAborted);
            Notice = "Reports_TargetsSaved";
            return RedirectToPage(null, null, new { province = Shown.Code, year = ShownYear }, "targets");
        }
        catch (ArgumentException e)
        {
            TargetsRefusal = e.Message.Split(" (Parameter", 2)[0];
            Figures = await dashboard.FiguresAsync(Shown.Code, ShownYear, HttpContext.RequestAborted);
            await ForecastAsync();
            return Page();
        }
    }

    private async Task ForecastAsync()
    {
        DateOnly? target = null;
        if (!string.IsNullOrWhiteSpace(Target))
        {
            (target, ForecastProblem) = CompletionForecast.ParseTargetDate(Target, ShownYear);
            TargetChosen = target is not null;
        }

        Forecast = await completion.ForecastAsync(Shown.Code, ShownYear, target, HttpContext.RequestAborted);
    }

    /// <summary>
    /// The periodic report as a download: <c>format</c> docx or xlsx, and a period (<c>month=2026-10</c>,
    /// <c>quarter=2026-Q4</c>, or <c>from</c>/<c>to</c>); last month when none is given. Same access as the dashboard.
    /// </summary>
    public async Task<IActionResult> OnGetReportAsync(string? format, string? month, string? quarter, string? from, string? to)
    {
        if (!await ChooseAsync())
        {
            return Forbidden();
        }

        var asked = string.IsNullOrWhiteSpace(month) && string.IsNullOrWhiteSpace(quarter) && string.IsNullOrWhiteSpace(from) && string.IsNullOrWhiteSpace(to)
            ? LastMonth
            : ReportPeriod.Parse(month, quarter, from, to);
        var xlsx = string.Equals(format, "xlsx", StringComparison.OrdinalIgnoreCase);
        if (asked is null || !(xlsx || string.IsNullOrEmpty(format) || string.Equals(format, "docx", StringComparison.OrdinalIgnoreCase)))
        {
            return BadRequest();
        }

        var data = await report.DataAsync(Shown.Code, asked, HttpContext.RequestAborted);
        return xlsx
            ? File(ProgrammeReport.Xlsx(data), ProgrammeReport.XlsxContentType, ProgrammeReport.FileName(data, "xlsx"))
            : File(ProgrammeReport.Docx(data), ProgrammeReport.DocxContentType, ProgrammeReport.FileName(data, "docx"));
    }
}
