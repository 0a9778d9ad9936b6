using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Council;

/// <summary>What the council's pages share besides <see cref="OfficialPageModel"/>: the session an action is about.</summary>
public abstract class CouncilPageModel(OrganisationService organisation) : OfficialPageModel(organisation)
{
    protected override bool Concerns(Official official) => CouncilAccess.Concerned(official);

    /// <summary>
    /// The signed-in official's session: (null, session) when <paramref name="may"/> lets them see it, else the answer
    /// the page gives instead (404 for no such session, 403 otherwise).
    /// </summary>
    protected async Task<(IActionResult? Refused, CouncilSessionRow? Session)> SessionAsync(CouncilService council, Guid id, Func<Official, CouncilSessionRow, bool> may)
    {
        ArgumentNullException.ThrowIfNull(council);
        ArgumentNullException.ThrowIfNull(may);
        if (!await SignedInAsync())
        {
            return (Forbidden(), null);
        }

        CouncilSessionRow session;
        try
        {
            session = await council.LoadAsync(id, HttpContext.RequestAborted);
        }
        catch (DossierException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            return (NotFound(), null);
        }

        return may(Official, session) ? (null, session) : (Forbidden(), null);
    }

}

/// <summary>Who opens the council's pages: the province's council, coordination office and chairman, and administrators.</summary>
public static class CouncilAccess
{
    /// <summary>The provinces whose council the official works with, from their roles.</summary>
    public static IReadOnlyList<string> Provinces(Official official)
    {
        ArgumentNullException.ThrowIfNull(official);
        return [.. official.Assignments.Where(a => a.Unit.ProvinceCode is not null && (
                (a.Unit.Kind == UnitKey.Council && a.Role is Roles.CouncilMember or Roles.CouncilSecretary)
                || (a.Unit.Kind == UnitKey.CoordinationOffice && a.Role == Roles.CoordinationOffice)
                || (a.Unit.Kind == UnitKey.Province && a.Role is Roles.Chairman or Roles.Administrator)))
            .Select(a => a.Unit.ProvinceCode!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>Holds a council role, the coordination office's or the provincial chairman's somewhere, or administers.</summary>
    public static bool Concerned(Official official) =>
        Provinces(official).Count > 0 || official.Assignments.Any(a => a.Role == Roles.Administrator);

    public static bool MayOpen(Official official, string provinceCode) =>
        Provinces(official).Contains(provinceCode, StringComparer.Ordinal) || official.Administers(provinceCode);

    /// <summary>Whether the official is among the session's voting members (secretaries do not vote).</summary>
    public static CouncilSessionMemberRow? VoterOf(Official official, CouncilSessionRow session)
    {
        ArgumentNullException.ThrowIfNull(official);
        ArgumentNullException.ThrowIfNull(session);
        return session.Members.FirstOrDefault(m => m.Position.Votes() && string.Equals(m.UserName, official.UserName, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>
/// The council's words in the page's language: Vietnamese as the service writes them in the minutes
/// (<see cref="CouncilService.PositionText"/>, <see cref="CouncilService.OutcomeText"/>, <see cref="CouncilService.ChoiceText"/>),
/// English from the shared resources.
/// </summary>
public static class CouncilWords
{
    private static bool Vietnamese => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "vi";

    public static string Position(CouncilPosition position, IStringLocalizer text) =>
        Vietnamese ? CouncilService.PositionText(position) : Resource(text, "CouncilPosition_" + position);

    public static string Outcome(CouncilOutcome? outcome, IStringLocalizer text) =>
        Vietnamese ? CouncilService.OutcomeText(outcome) : Resource(text, "CouncilOutcome_" + (outcome?.ToString() ?? "None"));

    public static string Choice(BallotChoice choice, IStringLocalizer text) =>
        Vietnamese ? CouncilService.ChoiceText(choice) : Resource(text, "BallotChoice_" + choice);

    public static string State(CouncilSessionState state, IStringLocalizer text) => Resource(text, "CouncilState_" + state);

    public static string Attendance(Attendance attendance, IStringLocalizer text) => Resource(text, "Attendance_" + attendance);

    private static string Resource(IStringLocalizer text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text[name];
    }
}
