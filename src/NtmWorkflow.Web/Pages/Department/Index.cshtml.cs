using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NtmWorkflow.Web.Features.DepartmentDesk;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Department;

/// <summary>
/// Bảng thẩm định của sở: the indicators the department owns across every commune waiting for its review, with
/// filters; agreeing chosen rows at once, forwarding dossiers whose rows are all agreed, and raising a difficulty.
/// </summary>
[Authorize]
public sealed class IndexModel(DepartmentDeskService desks, OrganisationService organisation) : PageModel
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

        Table = await desks.TableAsync(desk, new DeskFilter(Year, Commune, Indicator, State), HttpContext.RequestAborted);
        Difficulties = await desks.DifficultiesAsync(desk, HttpContext.RequestAborted);
        return Page();
    }

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
