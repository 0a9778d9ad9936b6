using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Infrastructure.Excel;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Council;

/// <summary>
/// Hội đồng thẩm định: a province's council sessions, newest first; the coordination office plans a session here
/// with the dossiers waiting for the council.
/// </summary>
[Authorize]
public sealed class IndexModel(CouncilService council, OrganisationService organisation, AppDbContext db, IStringLocalizer<SharedResource> text, TimeProvider clock)
    : CouncilPageModel(organisation)
{
    [BindProperty(SupportsGet = true)]
    public string? Province { get; set; }

    /// <summary>The provinces the official may choose between (a national administrator: those with a council).</summary>
    public IReadOnlyList<string> Provinces { get; private set; } = [];

    public IReadOnlyList<CouncilSessionRow> Sessions { get; private set; } = [];

    public IReadOnlyList<AgendaCandidate> Candidates { get; private set; } = [];

    public bool MayPlan { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await ProvinceAsync() is not { } province)
        {
            // A national administrator where no province has a council yet: the page asks for a province.
            return Province is null && Official.Administers(null) ? Page() : Forbidden();
        }

        var ct = HttpContext.RequestAborted;
        Sessions = await council.SessionsAsync(province, ct);
        MayPlan = CouncilService.IsCoordinator(Official, province);
        Candidates = MayPlan ? await council.AgendaCandidatesAsync(province, ct) : [];
        return Page();
    }

    /// <summary>Xuất Excel: the province's sessions as the list shows them.</summary>
    public async Task<IActionResult> OnGetExcelAsync()
    {
        if (await ProvinceAsync() is not { } province)
        {
            return Forbidden();
        }

        var sessions = await council.SessionsAsync(province, HttpContext.RequestAborted);
        var rows = new ExportRows<CouncilSessionRow>([.. sessions.Take(ExcelExport.MaxRows)], sessions.Count);

        // The province's code names the file when it is one (a national administrator may type anything).
        var stem = province.All(char.IsAsciiLetterOrDigit) ? $"phien-hop-hoi-dong-{province}" : "phien-hop-hoi-dong";
        return ExcelExport.File(stem, clock.GetUtcNow(), text["Council_Sessions"], Columns(text), rows, text);
    }

    /// <summary>The export of the province shown.</summary>
    public string ExcelUrl => Url.Page("/Council/Index", "Excel", new { province = Province })!;

    /// <summary>The columns of the export: the list's.</summary>
    public static IReadOnlyList<ExcelColumn<CouncilSessionRow>> Columns(IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return
        [
            new(text["Council_Code"], s => s.Code),
            new(text["Council_Day"], s => s.MeetsOn),
            new(text["Council_Venue"], s => s.Venue),
            new(text["Council_State"], s => CouncilWords.State(s.State, text)),
            new(text["Council_Dossiers"], s => s.Agenda.Count),
        ];
    }

    /// <summary>Lập phiên họp: the day, the venue and the ticked dossiers; then the session's page.</summary>
    public async Task<IActionResult> OnPostPlanAsync(string? meetsOn, string? venue, List<Guid>? dossierIds)
    {
        if (await ProvinceAsync() is not { } province)
        {
            return Forbidden();
        }

        try
        {
            var session = await council.PlanAsync(Official, province, new PlanSessionRequest(Day(meetsOn), venue, dossierIds ?? []), HttpContext.RequestAborted);
            Notice = "Planned";
            return RedirectToPage("/Council/Session", new { id = session.Id });
        }
        catch (DossierException e)
        {
            Refused(e);
            return RedirectToPage(new { province });
        }
    }

    private async Task<string?> ProvinceAsync()
    {
        if (!await SignedInAsync())
        {
            return null;
        }

        var own = CouncilAccess.Provinces(Official);
        if (Official.Administers(null))
        {
            var ct = HttpContext.RequestAborted;
            var councils = await db.CouncilMembers.AsNoTracking().Select(m => m.ProvinceCode).Distinct().ToListAsync(ct);
            own = [.. own.Union(councils, StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }

        Provinces = own;
        Province = string.IsNullOrWhiteSpace(Province) ? (own.Count > 0 ? own[0] : null) : Province.Trim();
        return Province is not null && CouncilAccess.MayOpen(Official, Province) ? Province : null;
    }
}
