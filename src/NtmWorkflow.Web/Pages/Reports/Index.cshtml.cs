using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Reports;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Reports;

/// <summary>
/// Bảng điều hành: where the programme stands in a province this year, each figure a link to the dossiers or tasks
/// behind it (Anh Tuấn's page, ntm-domain.md §9).
/// </summary>
[Authorize]
public sealed class IndexModel(ProgrammeDashboard dashboard, ProgrammeReport report, OrganisationService organisation, AppDbContext db, TimeProvider clock)
    : ReportPageModel(organisation, db, clock)
{
    public DashboardFigures Figures { get; private set; } = null!;

    /// <summary>The month the monthly report covers by default: the one before this (in Vietnam).</summary>
    public ReportPeriod LastMonth => ReportPeriod.MonthBefore(VietnamTime.VietnamDate(Clock.GetUtcNow()));

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await ChooseAsync())
        {
            return Forbidden();
        }

        Figures = await dashboard.FiguresAsync(Shown.Code, ShownYear, HttpContext.RequestAborted);
        return Page();
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
