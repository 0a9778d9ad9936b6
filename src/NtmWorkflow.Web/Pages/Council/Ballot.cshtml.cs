using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.LegalParameters;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Council;

/// <summary>
/// Phiếu biểu quyết: a voting member's ballots in a session, one card per dossier on the agenda, made for a phone.
/// A ballot is cast once and shown as final; before voting opens and after the close the page says so.
/// </summary>
[Authorize]
public sealed class BallotModel(CouncilService council, OrganisationService organisation, LiveLegalParameters parameters) : CouncilPageModel(organisation)
{
    public CouncilSessionRow Session { get; private set; } = null!;

    public CouncilSessionMemberRow Member { get; private set; } = null!;

    public IReadOnlyList<CouncilAgendaItemRow> Agenda { get; private set; } = [];

    /// <summary>The member's own ballots, by dossier.</summary>
    public IReadOnlyDictionary<Guid, CouncilBallotRow> Mine { get; private set; } = new Dictionary<Guid, CouncilBallotRow>();

    public CouncilVotingRules Rules { get; private set; } = null!;

    /// <summary>Absent at the roll call: the member's ballot is a written vote.</summary>
    public bool Absent => Member.Attendance == Attendance.Absent;

    /// <summary>Whether a form is offered: voting is open and, for an absent member, written votes are allowed.</summary>
    public bool MayVote => Session.State == CouncilSessionState.Voting && (!Absent || Rules.WrittenVotesAllowed);

    /// <summary>Phiếu trắng is offered where the province allows it, and not on a written vote.</summary>
    public bool MayAbstain => Rules.AbstentionAllowed && !Absent;

    public async Task<IActionResult> OnGetAsync(Guid id) => await LoadAsync(id) ?? Page();

    /// <summary>Gửi phiếu: the choice and the reason on one dossier.</summary>
    public async Task<IActionResult> OnPostCastAsync(Guid id, Guid dossierId, BallotChoice? choice, string? reason)
    {
        if (await LoadAsync(id) is { } refused)
        {
            return refused;
        }

        try
        {
            await council.CastAsync(Official, id, dossierId, new BallotRequest(choice, reason), HttpContext.RequestAborted);
            Notice = "BallotCast";
        }
        catch (DossierException e)
        {
            Refused(e);
        }

        return RedirectToPage(new { id });
    }

    private async Task<IActionResult?> LoadAsync(Guid id)
    {
        var (refused, session) = await SessionAsync(council, id, (official, s) => CouncilAccess.VoterOf(official, s) is not null);
        if (refused is not null)
        {
            return refused;
        }

        Session = session!;
        var member = CouncilAccess.VoterOf(Official, Session)!;
        var ct = HttpContext.RequestAborted;

        Member = member;
        Agenda = [.. Session.Agenda.OrderBy(a => a.Order)];
        Mine = (await council.BallotsAsync(id, ct)).Where(b => b.MemberId == member.MemberId).ToDictionary(b => b.DossierId);
        Rules = CouncilVotingRules.For(parameters, Session.ProvinceCode);
        return null;
    }
}
