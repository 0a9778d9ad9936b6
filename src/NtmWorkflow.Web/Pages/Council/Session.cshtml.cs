using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Council;

/// <summary>
/// A council session: its members and attendance, the secretary's steps (roll call, both reports, the close), the
/// voting's progress in counts only, then each dossier's tally with every ballot, the minutes and the draft decision
/// to download, and the signed decision the coordination office records with its scan.
/// </summary>
[Authorize]
[RequestSizeLimit(ScanUploadLimit)]
[RequestFormLimits(MultipartBodyLengthLimit = ScanUploadLimit)]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(NtmWorkflow.Web.Infrastructure.RateLimits.Uploads)]
[NtmWorkflow.Web.Infrastructure.UploadHandlers("Decision")]
public sealed class SessionModel(CouncilService council, OrganisationService organisation, AppDbContext db) : CouncilPageModel(organisation)
{
    /// <summary>The ceiling of one request to this page (the scan); the documents' own limit, a setting, is checked by the service below it.</summary>
    public const long ScanUploadLimit = 64L * 1024 * 1024;

    public CouncilSessionRow Session { get; private set; } = null!;

    public IReadOnlyList<CouncilSessionMemberRow> Members { get; private set; } = [];

    public IReadOnlyList<CouncilAgendaItemRow> Agenda { get; private set; } = [];

    /// <summary>The ballots the official may see: every one once the session closed, before that only their own.</summary>
    public IReadOnlyList<CouncilBallotRow> Ballots { get; private set; } = [];

    /// <summary>Ballots cast so far per dossier (counts only, while voting).</summary>
    public IReadOnlyDictionary<Guid, int> Cast { get; private set; } = new Dictionary<Guid, int>();

    public int VoterCount { get; private set; }

    public RecognitionDecisionRow? Decision { get; private set; }

    /// <summary>The session workflow's open steps (element ids): which report comes next.</summary>
    public IReadOnlySet<string> OpenSteps { get; private set; } = new HashSet<string>();

    public bool IsSecretary { get; private set; }

    public bool IsCoordinator { get; private set; }

    public bool IsVoter { get; private set; }

    public string NameOf(CouncilBallotRow ballot) =>
        Members.FirstOrDefault(m => m.MemberId == ballot.MemberId)?.FullName ?? ballot.UserName;

    public async Task<IActionResult> OnGetAsync(Guid id) => await LoadAsync(id) ?? Page();

    /// <summary>Khai mạc: the roll call with the ticked members present.</summary>
    public async Task<IActionResult> OnPostRollCallAsync(Guid id, List<string>? present) =>
        await ActAsync(id, async () =>
        {
            await council.OpenAsync(Official, id, new RollCallRequest(present ?? []), HttpContext.RequestAborted);
            Notice = "Opened";
        });

    /// <summary>A report presented: appraisal, then satisfaction (which opens the voting).</summary>
    public async Task<IActionResult> OnPostReportAsync(Guid id, string? report) =>
        await ActAsync(id, async () =>
        {
            await council.PresentReportAsync(Official, id, report ?? string.Empty, HttpContext.RequestAborted);
            Notice = report == "satisfaction" ? "VotingOpened" : "ReportPresented";
        });

    /// <summary>Kết thúc phiên họp: no ballot after this; the tally runs.</summary>
    public async Task<IActionResult> OnPostCloseAsync(Guid id) =>
        await ActAsync(id, async () =>
        {
            await council.CloseAsync(Official, id, HttpContext.RequestAborted);
            Notice = "Closed";
        });

    /// <summary>Ghi nhận quyết định đã ký: number and symbol, date, signer and the signed scan.</summary>
    public async Task<IActionResult> OnPostDecisionAsync(Guid id, string? number, string? signedOn, string? signer, IFormFile? scan) =>
        await ActAsync(id, async () =>
        {
            await using var content = scan is { Length: > 0 } ? scan.OpenReadStream() : null;
            await council.RecordDecisionAsync(Official, id, new DecisionRecordRequest(number, Day(signedOn), signer), scan?.FileName, content, HttpContext.RequestAborted);
            Notice = "DecisionRecorded";
        });

    /// <summary>Biên bản phiên họp (.docx).</summary>
    public async Task<IActionResult> OnGetMinutesAsync(Guid id)
    {
        if (await LoadAsync(id) is { } refused)
        {
            return refused;
        }

        var (content, name) = await council.MinutesAsync(id, HttpContext.RequestAborted);
        return File(content, CouncilDocuments.ContentType, name);
    }

    /// <summary>Dự thảo quyết định công nhận (.docx), once tallied.</summary>
    public async Task<IActionResult> OnGetDraftDecisionAsync(Guid id)
    {
        if (await LoadAsync(id) is { } refused)
        {
            return refused;
        }

        try
        {
            var (content, name) = await council.DraftDecisionAsync(id, HttpContext.RequestAborted);
            return File(content, CouncilDocuments.ContentType, name);
        }
        catch (DossierException e)
        {
            Refused(e);
            return RedirectToPage(new { id });
        }
    }

    /// <summary>The signed decision's scan, as recorded.</summary>
    public async Task<IActionResult> OnGetScanAsync(Guid id)
    {
        if (await LoadAsync(id) is { } refused)
        {
            return refused;
        }

        if (Decision is null || await council.OpenScanAsync(Decision, HttpContext.RequestAborted) is not { } stored)
        {
            return NotFound();
        }

        HttpContext.Response.Headers.XContentTypeOptions = "nosniff";
        return new FileStreamResult(stored.Content, Decision.ScanContentType)
        {
            FileDownloadName = Decision.ScanFileName, EntityTag = new EntityTagHeaderValue($"\"{Decision.ScanSha256}\""),
        };
    }

    private async Task<IActionResult> ActAsync(Guid id, Func<Task> act)
    {
        if (await LoadAsync(id) is { } refused)
        {
            return refused;
        }

        try
        {
            await act();
        }
        catch (DossierException e)
        {
            Refused(e);
        }

        return RedirectToPage(new { id });
    }

    /// <summary>Reads the session for the official; a result when they may not (403) or it does not exist (404).</summary>
    private async Task<IActionResult?> LoadAsync(Guid id)
    {
        var (refused, session) = await SessionAsync(council, id, CouncilService.MayRead);
        if (refused is not null)
        {
            return refused;
        }

        Session = session!;
        var ct = HttpContext.RequestAborted;

        Members = [.. Session.Members.OrderBy(m => m.Seat)];
        Agenda = [.. Session.Agenda.OrderBy(a => a.Order)];
        VoterCount = CouncilService.Voters(Session).Count;
        IsSecretary = CouncilService.IsSecretary(Official, Session);
        IsCoordinator = CouncilService.IsCoordinator(Official, Session.ProvinceCode);
        IsVoter = CouncilAccess.VoterOf(Official, Session) is not null;
        var ballots = await council.BallotsAsync(id, ct);
        Cast = ballots.GroupBy(b => b.DossierId).ToDictionary(g => g.Key, g => g.Count());
        Ballots = Session.State >= CouncilSessionState.Closed
            ? ballots
            : [.. ballots.Where(b => string.Equals(b.UserName, Official.UserName, StringComparison.OrdinalIgnoreCase))];
        Decision = await council.DecisionOfAsync(id, ct);
        OpenSteps = Session.InstanceId is { } instance
            ? (await db.WorkflowTasks.AsNoTracking().Where(t => t.InstanceId == instance).Select(t => t.ElementId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();
        return null;
    }
}
