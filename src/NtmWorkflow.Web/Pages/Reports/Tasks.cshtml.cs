using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Reports;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Reports;

/// <summary>The tasks behind a unit's or step's figure: open past their deadline, or completed in the year early, on time or late.</summary>
[Authorize]
public sealed class TasksModel(ProgrammeDashboard dashboard, OrganisationService organisation, AppDbContext db, TimeProvider clock)
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
}
