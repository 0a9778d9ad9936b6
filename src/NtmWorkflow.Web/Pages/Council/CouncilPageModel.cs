using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Council;

/// <summary>
/// What the council's pages share: the signed-in official, who among officials may open them, and the notice or
/// refusal of the last action, carried over the redirect that follows every form (TempData).
/// </summary>
public abstract class CouncilPageModel(OrganisationService organisation) : PageModel
{
    /// <summary>A resource name (Council_Notice_…) for what the last action did.</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>The refusal's detail, as the service wrote it.</summary>
    [TempData]
    public string? Problem { get; set; }

    /// <summary>The refusal's items (JSON), when it listed more than one.</summary>
    [TempData]
    public string? Problems { get; set; }

    public IReadOnlyList<string> ProblemList => Problems is null ? [] : JsonSerializer.Deserialize<List<string>>(Problems) ?? [];

    protected Official Official { get; private set; } = null!;

    /// <summary>Reads the signed-in official; false (and the page answers 403) for one who has nothing to do with any council.</summary>
    protected async Task<bool> SignedInAsync()
    {
        Official = await organisation.FindOfficialAsync(User.Identity!.Name!, null, HttpContext.RequestAborted)
                   ?? throw new InvalidOperationException("The signed-in user no longer exists.");
        return CouncilAccess.Concerned(Official);
    }

    /// <summary>Keeps a refusal for the page the redirect leads to; nothing was changed.</summary>
    protected void Refused(DossierException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Problem = e.Message;
        Problems = e.Problems.Count > 1 ? JsonSerializer.Serialize(e.Problems) : null;
    }

    protected IActionResult Forbidden() => StatusCode(StatusCodes.Status403Forbidden);

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

    /// <summary>A day from a date field (yyyy-MM-dd, as browsers send it); null when empty or not a day.</summary>
    protected static DateOnly? Day(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
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
