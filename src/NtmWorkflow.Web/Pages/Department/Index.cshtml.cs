using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using System.Globalization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Web.Features.DepartmentDesk;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Infrastructure.Excel;

namespace NtmWorkflow.Web.Pages.Department;

/// <summary>
/// Bảng thẩm định của sở: the indicators the department owns across every commune waiting for its review, with
/// filters; agreeing chosen rows at once, forwarding dossiers whose rows are all agreed, and raising a difficulty.
/// </summary>
[Authorize]
public sealed class IndexModel(DepartmentDeskService desks, OrganisationService organisation, IStringLocalizer<SharedResource> text, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Unit { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Commune { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Indicator { get; set; }

    [BindProperty(SupportsGet = true)]
    public DeskRowState? State { get; set; }

    public IReadOnlyList<DepartmentDesk> Desks { get; private set; } = [];

    public DeskTable? Table { get; private set; }

    public IReadOnlyList<DifficultyRow> Difficulties { get; private set; } = [];

    /// <summary>Rows agreed by the last action, when it agreed some.</summary>
    [TempData]
    public int? Agreed { get; set; }

    /// <summary>The dossiers the last action forwarded, by code.</summary>
    [TempData]
    public string? Forwarded { get; set; }

    [TempData]
    public bool DifficultySent { get; set; }

    [TempData]
    public string? Problem { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await DeskAsync() is not { } desk)
        {
            return Desks.Count == 0 ? StatusCode(StatusCodes.Status403Forbidden) : NotFound();
        }

        Table = await desks.TableAsync(desk, Filter, HttpContext.RequestAborted);
        Difficulties = await desks.DifficultiesAsync(desk, HttpContext.RequestAborted);
        return Page();
    }

    /// <summary>Xuất Excel: the rows the table shows with these filters.</summary>
    public async Task<IActionResult> OnGetExcelAsync()
    {
        if (await DeskAsync() is not { } desk)
        {
            return Desks.Count == 0 ? StatusCode(StatusCodes.Status403Forbidden) : NotFound();
        }

        var table = await desks.TableAsync(desk, Filter, HttpContext.RequestAborted);
        var rows = new ExportRows<DeskRow>([.. table.Rows.Take(ExcelExport.MaxRows)], table.Rows.Count);
        return ExcelExport.File("bang-tham-dinh-so", clock.GetUtcNow(), text["Desk_Title"], Columns(text), rows, text);
    }

    /// <summary>The columns of the export: the table's, a value that is a number as a number.</summary>
    public static IReadOnlyList<ExcelColumn<DeskRow>> Columns(IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return
        [
            new(text["TaskDossier"], r => r.DossierCode),
            new(text["Inbox_Commune"], r => r.CommuneName),
            new(text["Desk_Year"], r => r.Year),
            new(text["Dossier_Indicator"], r => r.Number),
            new(text["Export_IndicatorName"], r => r.IndicatorName),
            new(text["Dossier_Value"], r => decimal.TryParse(r.Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) ? number : ValueText.Of(r.Value, text)),
            new(text["Dossier_Met"], r => r.Met switch { true => text["Met"].Value, false => text["NotMet"].Value, _ => null }),
            new(text["Export_Evidence"], r => r.Evidence),
            new(text["Desk_State"], r => text[r.State == DeskRowState.Agreed ? "Desk_State_Agreed" : "Desk_State_Pending"].Value),
            new(text["TaskDue"], r => r.Due),
        ];
    }

    /// <summary>The export with the table's department and filters.</summary>
    public string ExcelUrl => Url.Page("/Department/Index", "Excel", new { unit = Table?.Desk.Unit.ToString() ?? Unit, year = Year, commune = Commune, indicator = Indicator, state = State })!;

    private DeskFilter Filter => new(Year, Commune, Indicator, State);

    /// <summary>Agrees the ticked rows ("task|indicator"); with <paramref name="forward"/>, forwards every dossier now fully agreed.</summary>
    public async Task<IActionResult> OnPostAgreeAsync(List<string>? rows, bool forward) =>
        await ActAsync(async (official, desk) =>
        {
            var chosen = (rows ?? []).OfType<string>().Select(r => r.Split('|', 2)).Where(p => p.Length == 2 && Guid.TryParse(p[0], out _)).Select(p => (Guid.Parse(p[0]), p[1])).ToList();
            if (chosen.Count == 0)
            {
                throw new DossierException(400, "Bad request", "Tick the rows to agree first.");
            }

            var (agreed, forwarded) = await desks.AgreeAsync(official, desk, chosen, forward, HttpContext.RequestAborted);
            (Agreed, Forwarded) = (agreed, forwarded.Count > 0 ? string.Join(", ", forwarded) : null);
        });

    public async Task<IActionResult> OnPostForwardAsync(Guid taskId) =>
        await ActAsync(async (official, desk) => (Agreed, Forwarded) = (0, await desks.ForwardAsync(official, desk, taskId, HttpContext.RequestAborted)));

    public async Task<IActionResult> OnPostDifficultyAsync(string? subject, string? description, Guid? dossierId) =>
        await ActAsync(async (official, desk) =>
        {
            await desks.RaiseDifficultyAsync(official, desk, subject, description, dossierId, HttpContext.RequestAborted);
            DifficultySent = true;
        });

    private async Task<IActionResult> ActAsync(Func<Official, DepartmentDesk, Task> act)
    {
        if (await DeskAsync() is not { } desk || _official is null)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        try
        {
            await act(_official, desk);
        }
        catch (DossierException e)
        {
            Problem = e.Message;
        }

        return RedirectToPage(new { Unit = desk.Unit.ToString(), Year, Commune, Indicator, State });
    }

    private Official? _official;

    private async Task<DepartmentDesk?> DeskAsync()
    {
        _official = await organisation.FindOfficialAsync(User.Identity!.Name!, null, HttpContext.RequestAborted);
        Desks = _official is null ? [] : await desks.DesksAsync(_official, HttpContext.RequestAborted);
        return Unit is null ? (Desks.Count > 0 ? Desks[0] : null) : Desks.FirstOrDefault(d => d.Unit.ToString() == Unit);
    }
}
