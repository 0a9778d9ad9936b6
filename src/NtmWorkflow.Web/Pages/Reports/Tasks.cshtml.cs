using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Web.Infrastructure.Excel;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Reports;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Reports;

/// <summary>The tasks behind a unit's or step's figure: open past their deadline, or completed in the year early, on time or late.</summary>
[Authorize]
public sealed class TasksModel(ProgrammeDashboard dashboard, OrganisationService organisation, AppDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> text)
    : ReportPageModel(organisation, db, clock)
{
    [BindProperty(SupportsGet = true)]
    public bool Overdue { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Unit { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Step { get; set; }

    [BindProperty(SupportsGet = true)]
    public Timeliness? Timeliness { get; set; }

    public IReadOnlyList<TaskFact> Rows { get; private set; } = [];

    public IEnumerable<(string Name, string? Value)> Filters =>
        [("overdue", Overdue ? "true" : null), ("unit", Unit), ("step", Step), ("timeliness", Timeliness?.ToString())];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await ChooseAsync())
        {
            return Forbidden();
        }

        Rows = await dashboard.TasksAsync(Shown.Code, ShownYear, new TaskDrillDown(Overdue, Unit, Step, Timeliness), HttpContext.RequestAborted);
        return Page();
    }

    /// <summary>Xuất Excel: the tasks the list shows.</summary>
    public async Task<IActionResult> OnGetExcelAsync()
    {
        if (!await ChooseAsync())
        {
            return Forbidden();
        }

        var rows = await dashboard.TasksAsync(Shown.Code, ShownYear, new TaskDrillDown(Overdue, Unit, Step, Timeliness), HttpContext.RequestAborted);
        return ExcelExport.File($"viec-{Shown.Code}-{ShownYear}", Clock.GetUtcNow(), text[Overdue ? "Reports_OverdueTitle" : "Reports_TasksTitle"], Columns(text),
            new ExportRows<TaskFact>([.. rows.Take(ExcelExport.MaxRows)], rows.Count), text);
    }

    /// <summary>The export with the list's province, year and filters.</summary>
    public string ExcelUrl => Url.Page("/Reports/Tasks", "Excel", new
    {
        province = Shown.Code, year = ShownYear, overdue = Overdue ? true : (bool?)null, unit = Unit, step = Step, timeliness = Timeliness,
    })!;

    public static IReadOnlyList<ExcelColumn<TaskFact>> Columns(IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return
        [
            new(text["Reports_Step"], t => t.Name),
            new(text["Reports_Unit"], t => t.UnitName ?? t.UnitKey),
            new(text["Reports_Commune"], t => t.CommuneName),
            new(text["Reports_Who"], t => t.Assignee),
            new(text["Reports_Created"], t => t.Created),
            new(text["Reports_Due"], t => t.Due),
            new(text["Reports_Completed"], t => t.Completed),
            new(text["Reports_Timeliness"], t => t.Timeliness is { } k ? text["Timeliness_" + k].Value : null),
        ];
    }
}
