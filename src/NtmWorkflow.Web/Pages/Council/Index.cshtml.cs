using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Council;

/// <summary>
/// Hội đồng thẩm định: a province's council sessions, newest first; the coordination office plans a session here
/// with the dossiers waiting for the council.
/// </summary>
[Authorize]
public sealed class IndexModel(CouncilService council, OrganisationService organisation, AppDbContext db) : CouncilPageModel(organisation)
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
