using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Infrastructure;

namespace NtmWorkflow.Web.Features.Council;

public sealed record CouncilMemberView(int Id, string UserName, string FullName, string Position, string? Title, DateOnly From, DateOnly? To, string? AppointedBy);

public sealed record SessionMemberView(int MemberId, int Seat, string UserName, string FullName, string Position, string? Title, string Attendance);

public sealed record AgendaItemView(int Order, Guid DossierId, string DossierCode, string CommuneName, string? Outcome, int MembersInForce, int Attending,
    int Agree, int Disagree, int Abstain, int Recused, int NotVoted, int WrittenVotes, int ApprovalBase, int AgreeNeeded);

public sealed record BallotView(Guid Id, Guid DossierId, string UserName, string Choice, string? Reason, bool Written, DateTimeOffset CastAt);

public sealed record DecisionView(Guid Id, string Number, DateOnly SignedOn, string Signer, string ScanFileName, string ScanSha256, DateTimeOffset RecordedAt, string RecordedBy);

/// <summary>A session as the caller may see it: ballots are shown to all once the session closed, before that only the caller's own.</summary>
public sealed record SessionView(Guid Id, string Code, string ProvinceCode, DateOnly MeetsOn, string Venue, string State, Guid? InstanceId, DateTimeOffset? OpenedAt,
    DateTimeOffset? ClosedAt, int BallotsCast, IReadOnlyList<SessionMemberView> Members, IReadOnlyList<AgendaItemView> Agenda, IReadOnlyList<BallotView> Ballots, DecisionView? Decision);

public sealed record EndTermRequest(DateOnly? LastDay);

/// <summary>
/// The council API: appointments with terms, sessions (plan, roll call, reports, ballots, close), the minutes and the
/// draft decision as Word documents, and the signed decision with its scan. Same API key and acting official as
/// the dossier API; every action checks the official's roles, and refusals are ProblemDetails.
/// </summary>
public static class CouncilApi
{
    public static IEndpointRouteBuilder MapCouncilApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/council").RequireApiKey().ActForOfficial().AddEndpointFilter<DossierApi.DossierProblemFilter>().WithTags("Council");
        var province = api.MapGroup("/{province}").AddEndpointFilter(RequireProvinceReader);
        province.MapGet("/members", Members).WithSummary("The council's appointments (in force on a day, or all)");
        province.MapPost("/members", Appoint).WithSummary("Appoints an official for a term (chair, vice chair, member, secretary)");
        province.MapPost("/members/{memberId:int}/end", EndTerm).WithSummary("Ends an appointment's term on its last day");
        province.MapGet("/agenda-candidates", Candidates).WithSummary("Dossiers waiting for the council: every review passed, 100 % of indicators met");
        province.MapGet("/sessions", Sessions).WithSummary("The province's sessions, newest first");
        province.MapPost("/sessions", Plan).WithSummary("Plans a session with its agenda; the members in force on its day sit");

        var session = api.MapGroup("/sessions/{id:guid}").AddEndpointFilter(RequireSessionReader);
        session.MapGet("", Get).WithSummary("A session: members and attendance, agenda and tally, ballots (after the close), decision");
        session.MapPost("/roll-call", RollCall).WithSummary("The secretary's roll call, which opens the session");
        session.MapPost("/reports/{report}", Report).WithSummary("A report presented: appraisal (coordination office), then satisfaction (Fatherland Front)");
        session.MapPost("/dossiers/{dossierId:guid}/ballot", Cast).WithSummary("A member's ballot on a dossier: once, immutable, only while voting");
        session.MapPost("/close", Close).WithSummary("The secretary closes the session: the tally runs and each dossier goes on");
        session.MapGet("/minutes.docx", Minutes).WithSummary("The minutes (biên bản) as a Word document");
        session.MapGet("/draft-decision.docx", DraftDecision).WithSummary("The draft recognition decision as a Word document");
        session.MapPost("/decision", RecordDecision).RequireRateLimiting(NtmWorkflow.Web.Infrastructure.RateLimits.Uploads).WithSummary("Records the signed decision (query: number, signedOn, signer, fileName; body: the scan)");
        session.MapGet("/decision/scan", Scan).WithSummary("The signed decision's scan");
        return app;
    }

    public static async Task<Ok<List<CouncilMemberView>>> Members(string province, DateOnly? on, CouncilService council, CancellationToken ct) =>
        TypedResults.Ok((await council.MembersAsync(province, on, ct)).Select(View).ToList());

    public static async Task<Created<CouncilMemberView>> Appoint(string province, AppointmentRequest request, HttpContext http, CouncilService council, CancellationToken ct)
    {
        var row = await council.AppointAsync(http.ActingOfficial(), province, request, ct);
        return TypedResults.Created($"/api/council/{province}/members", View(row));
    }

    public static async Task<Ok<CouncilMemberView>> EndTerm(string province, int memberId, EndTermRequest request, HttpContext http, CouncilService council, CancellationToken ct) =>
        TypedResults.Ok(View(await council.EndTermAsync(http.ActingOfficial(), province, memberId, request?.LastDay, ct)));

    public static async Task<Ok<List<AgendaCandidate>>> Candidates(string province, CouncilService council, CancellationToken ct) =>
        TypedResults.Ok(await council.AgendaCandidatesAsync(province, ct));

    public static async Task<Ok<List<object>>> Sessions(string province, CouncilService council, CancellationToken ct) =>
        TypedResults.Ok((await council.SessionsAsync(province, ct)).Select(s => (object)new { s.Id, s.Code, s.MeetsOn, s.Venue, State = s.State.ToString(), Dossiers = s.Agenda.Count }).ToList());

    public static async Task<Created<SessionView>> Plan(string province, PlanSessionRequest request, HttpContext http, CouncilService council, CancellationToken ct)
    {
        var session = await council.PlanAsync(http.ActingOfficial(), province, request, ct);
        return TypedResults.Created($"/api/council/sessions/{session.Id}", await ViewAsync(session.Id, http, council, ct));
    }

    public static async Task<Ok<SessionView>> Get(Guid id, HttpContext http, CouncilService council, CancellationToken ct) =>
        TypedResults.Ok(await ViewAsync(id, http, council, ct));

    public static async Task<Ok<SessionView>> RollCall(Guid id, RollCallRequest request, HttpContext http, CouncilService council, CancellationToken ct)
    {
        await council.OpenAsync(http.ActingOfficial(), id, request, ct);
        return TypedResults.Ok(await ViewAsync(id, http, council, ct));
    }

    public static async Task<Ok<SessionView>> Report(Guid id, string report, HttpContext http, CouncilService council, CancellationToken ct)
    {
        await council.PresentReportAsync(http.ActingOfficial(), id, report, ct);
        return TypedResults.Ok(await ViewAsync(id, http, council, ct));
    }

    public static async Task<Created<BallotView>> Cast(Guid id, Guid dossierId, BallotRequest request, HttpContext http, CouncilService council, CancellationToken ct)
    {
        var ballot = await council.CastAsync(http.ActingOfficial(), id, dossierId, request, ct);
        return TypedResults.Created($"/api/council/sessions/{id}", View(ballot));
    }

    public static async Task<Ok<SessionView>> Close(Guid id, HttpContext http, CouncilService council, CancellationToken ct)
    {
        await council.CloseAsync(http.ActingOfficial(), id, ct);
        return TypedResults.Ok(await ViewAsync(id, http, council, ct));
    }

    public static async Task<FileContentHttpResult> Minutes(Guid id, CouncilService council, CancellationToken ct)
    {
        var (bytes, name) = await council.MinutesAsync(id, ct);
        return TypedResults.File(bytes, CouncilDocuments.ContentType, name);
    }

    public static async Task<FileContentHttpResult> DraftDecision(Guid id, CouncilService council, CancellationToken ct)
    {
        var (bytes, name) = await council.DraftDecisionAsync(id, ct);
        return TypedResults.File(bytes, CouncilDocuments.ContentType, name);
    }

    public static async Task<Created<DecisionView>> RecordDecision(Guid id, string? number, DateOnly? signedOn, string? signer, string? fileName, HttpContext http,
        CouncilService council, CancellationToken ct)
    {
        if (http.Request.ContentLength is { } length)
        {
            Evidence.EvidenceApi.RaiseBodyLimit(http, length);
        }

        var decision = await council.RecordDecisionAsync(http.ActingOfficial(), id, new DecisionRecordRequest(number, signedOn, signer), fileName,
            http.Request.ContentLength is > 0 ? http.Request.Body : null, ct);
        return TypedResults.Created($"/api/council/sessions/{id}/decision/scan", View(decision));
    }

    public static async Task<IResult> Scan(Guid id, HttpContext http, CouncilService council, CancellationToken ct)
    {
        if (await council.DecisionOfAsync(id, ct) is not { } decision || await council.OpenScanAsync(decision, ct) is not { } content)
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: "No signed decision is recorded for this session.");
        }

        http.Response.RegisterForDisposeAsync(content);
        http.Response.Headers.XContentTypeOptions = "nosniff";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(decision.ScanFileName);
        http.Response.Headers.ContentDisposition = disposition.ToString();
        return TypedResults.Stream(content.Content, decision.ScanContentType, entityTag: new EntityTagHeaderValue($"\"{decision.ScanSha256}\""));
    }

    /// <summary>The session as <paramref name="http"/>'s official may see it.</summary>
    internal static async Task<SessionView> ViewAsync(Guid id, HttpContext http, CouncilService council, CancellationToken ct)
    {
        var session = await council.LoadAsync(id, ct);
        var official = http.ActingOfficial();
        var ballots = await council.BallotsAsync(id, ct);
        var shown = session.State >= CouncilSessionState.Closed ? ballots : ballots.Where(b => string.Equals(b.UserName, official.UserName, StringComparison.OrdinalIgnoreCase)).ToList();
        var decision = await council.DecisionOfAsync(id, ct);
        return new SessionView(session.Id, session.Code, session.ProvinceCode, session.MeetsOn, session.Venue, session.State.ToString(), session.InstanceId, session.OpenedAt, session.ClosedAt,
            session.BallotsCast,
            [.. session.Members.OrderBy(m => m.Seat).Select(m => new SessionMemberView(m.MemberId, m.Seat, m.UserName, m.FullName, m.Position.ToString(), m.Title, m.Attendance.ToString()))],
            [.. session.Agenda.OrderBy(a => a.Order).Select(a => new AgendaItemView(a.Order, a.DossierId, a.DossierCode, a.CommuneName, a.Outcome?.ToString(), a.MembersInForce, a.Attending,
                a.Agree, a.Disagree, a.Abstain, a.Recused, a.NotVoted, a.WrittenVotes, a.ApprovalBase, a.AgreeNeeded))],
            [.. shown.Select(View)], decision is null ? null : View(decision));
    }

    private static CouncilMemberView View(CouncilMemberRow m) => new(m.Id, m.UserName, m.FullName, m.Position.ToString(), m.Title, m.From, m.To, m.AppointedBy);

    private static BallotView View(CouncilBallotRow b) => new(b.Id, b.DossierId, b.UserName, b.Choice.ToString(), b.Reason, b.Written, b.CastAt);

    private static DecisionView View(RecognitionDecisionRow d) => new(d.Id, d.Number, d.SignedOn, d.Signer, d.ScanFileName, d.ScanSha256, d.RecordedAt, d.RecordedBy);

    /// <summary>A province's council is the business of its officials (any role in the province) and national administrators.</summary>
    private static async ValueTask<object?> RequireProvinceReader(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var official = http.ActingOfficial();
        var province = http.GetRouteValue("province") as string ?? string.Empty;
        return official.WorksInProvince(province) || official.Administers(province)
            ? await next(context)
            : TypedResults.Problem(statusCode: 403, title: "Not yours", detail: $"{official.UserName} holds no role in province {province}.");
    }

    /// <summary>Lets the call through only for an official who may see the session named in the route.</summary>
    internal static async ValueTask<object?> RequireSessionReader(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.GetRouteValue("id") is not string text || !Guid.TryParse(text, out var id))
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: "No session is named.");
        }

        var session = await http.RequestServices.GetRequiredService<CouncilService>().LoadAsync(id, http.RequestAborted);
        return CouncilService.MayRead(http.ActingOfficial(), session)
            ? await next(context)
            : TypedResults.Problem(statusCode: 403, title: "Not yours", detail: $"{http.ActingOfficial().UserName} is not of the council or the coordination office of province {session.ProvinceCode}.");
    }
}
