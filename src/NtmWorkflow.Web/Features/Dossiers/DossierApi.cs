using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Evidence;
using NtmWorkflow.Web.Infrastructure;

namespace NtmWorkflow.Web.Features.Dossiers;

public sealed record DossierIndicatorView(string Number, string? Value, bool? Met, bool MetComputed, bool? StatedMet, string? Note, JsonNode? Evidence, bool Reopened);

public sealed record DossierTaskView(Guid Id, string ElementId, string? Name, string? FormKey, IReadOnlyList<string> CandidateGroups, string? Assignee,
    DateTimeOffset? Due, IReadOnlyList<string> DueRestsOnUnverified);

public sealed record DossierView(
    Guid Id, string Code, string Subject, string Tier, int Year, string ProvinceCode, string CommuneCode, string CommuneName, string? DistrictCode, string? VillageName,
    DateOnly OpenedOn, string ProcessId, string CriteriaSet, string? ThresholdScope, string? OutstandingField, Guid? InstanceId, string Status, int Round,
    object Conditions, string? DecisionNumber, DateOnly? DecisionDate, Guid? RevocationInstanceId, IReadOnlyList<DossierIndicatorView> Indicators, IReadOnlyList<DossierTaskView> OpenTasks,
    IReadOnlyList<string> UnmetIndicators);

public sealed record DossierHistoryView(IReadOnlyList<object> Audit, IReadOnlyList<DossierFindingRow> Findings, IReadOnlyList<WorkflowEvent> Workflow);

/// <summary>
/// The dossier API (hồ sơ): open, fill the self-assessment and conditions, attach evidence references, complete
/// the commune's steps, review, decide, and read a dossier with its history. The caller holds the API key and
/// names the official it acts for (<c>X-Acting-User</c>); each action checks that official's roles at their
/// units. Refusals are ProblemDetails naming every problem, and change nothing.
/// </summary>
public static class DossierApi
{
    public static IEndpointRouteBuilder MapDossierApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/dossiers").RequireApiKey().ActForOfficial()
            .AddEndpointFilter<DossierProblemFilter>().WithTags("Dossiers");
        api.MapPost("/", Open).WithSummary("Opens a dossier: the criteria set and the workflow follow the opening date");

        // Everything about one dossier first needs an official who may see it: anyone else gets 403 before
        // learning anything about its state.
        var one = api.MapGroup("/{id:guid}").AddEndpointFilter(RequireReader);
        one.MapGet("", Get).WithSummary("A dossier with its self-assessment, conditions and open tasks");
        one.MapGet("/history", History).WithSummary("Who did what: audit entries, findings per step, workflow history");
        one.MapPut("/indicators/{number}", SetIndicator).WithSummary("Sets the commune's value (and, where no threshold is known, whether it is met) of an indicator");
        one.MapPost("/indicators/{number}/evidence", AddEvidence).WithSummary("Adds an evidence reference to an indicator");
        one.MapPut("/conditions", SetConditions).WithSummary("Records the satisfaction survey, posting, construction debt and security-and-order status");
        one.MapPost("/self-assessment/complete", (Guid id, HttpContext http, DossierService dossiers, CancellationToken ct) => Complete(id, CommuneStep.SelfAssessment, http, dossiers, ct))
            .WithSummary("Completes the self-assessment: every indicator assessed");
        one.MapPost("/posting/complete", (Guid id, HttpContext http, DossierService dossiers, CancellationToken ct) => Complete(id, CommuneStep.PostingAndSurvey, http, dossiers, ct))
            .WithSummary("Completes the posting and satisfaction survey: results recorded");
        one.MapPost("/submit", (Guid id, HttpContext http, DossierService dossiers, CancellationToken ct) => Complete(id, CommuneStep.Submit, http, dossiers, ct))
            .WithSummary("Submits (or resubmits after a return): 100 % of indicators met and every recognition condition holding");
        one.MapPost("/tasks/{taskId:guid}/review", Review).WithSummary("A reviewer's findings per indicator and decision (forward, return, reject)");
        one.MapPost("/decision", Decide).WithSummary("The chairman's recognition decision (number and date)");
        one.MapPost("/revocation", OpenRevocation).WithSummary("Opens the review of a recognition for revocation, with the criteria no longer met");
        one.MapGroup("/documents").MapEvidenceApi();
        return app;
    }

    public static async Task<Created<DossierView>> Open(OpenDossierRequest request, HttpContext http, DossierService dossiers, CancellationToken ct)
    {
        var dossier = await dossiers.OpenAsync(http.ActingOfficial(), request, ct);
        return TypedResults.Created($"/api/dossiers/{dossier.Id}", await ViewAsync(dossier, dossiers, ct));
    }

    public static async Task<Ok<DossierView>> Get(Guid id, DossierService dossiers, CancellationToken ct) =>
        TypedResults.Ok(await ViewAsync(await dossiers.RefreshStatusAsync(await dossiers.LoadAsync(id, ct), ct), dossiers, ct));

    public static async Task<Ok<DossierHistoryView>> History(Guid id, DossierService dossiers, IWorkflowStore store, CancellationToken ct)
    {
        var dossier = await dossiers.LoadAsync(id, ct);
        var audit = await dossiers.AuditAsync(id, ct);
        var workflow = dossier.InstanceId is { } instance ? await store.ReadHistoryAsync(instance, ct) : [];
        return TypedResults.Ok(new DossierHistoryView(
            [.. audit.Select(a => (object)new { a.Sequence, a.At, a.Actor, a.Action, Detail = JsonNode.Parse(a.Detail) })], await dossiers.FindingsAsync(id, ct), workflow));
    }

    public static async Task<Ok<DossierIndicatorView>> SetIndicator(Guid id, string number, IndicatorValueRequest request, HttpContext http, DossierService dossiers, CancellationToken ct) =>
        TypedResults.Ok(View(await dossiers.SetIndicatorAsync(http.ActingOfficial(), id, number, request, ct)));

    public static async Task<Ok<DossierIndicatorView>> AddEvidence(Guid id, string number, EvidenceRequest request, HttpContext http, DossierService dossiers, CancellationToken ct) =>
        TypedResults.Ok(View(await dossiers.AddEvidenceAsync(http.ActingOfficial(), id, number, request, ct)));

    public static async Task<Ok<DossierView>> SetConditions(Guid id, ConditionsRequest request, HttpContext http, DossierService dossiers, CancellationToken ct) =>
        TypedResults.Ok(await ViewAsync(await dossiers.SetConditionsAsync(http.ActingOfficial(), id, request, ct), dossiers, ct));

    public static async Task<Ok<DossierView>> Review(Guid id, Guid taskId, ReviewRequest request, HttpContext http, DossierService dossiers, CancellationToken ct)
    {
        await dossiers.ReviewAsync(http.ActingOfficial(), id, taskId, request, ct);
        return TypedResults.Ok(await ViewAsync(await dossiers.LoadAsync(id, ct), dossiers, ct));
    }

    public static async Task<Ok<DossierView>> Decide(Guid id, DecisionRequest request, HttpContext http, DossierService dossiers, CancellationToken ct)
    {
        await dossiers.DecideAsync(http.ActingOfficial(), id, request, ct);
        return TypedResults.Ok(await ViewAsync(await dossiers.LoadAsync(id, ct), dossiers, ct));
    }

    public static async Task<Created<object>> OpenRevocation(Guid id, RevocationRequest request, HttpContext http, DossierService dossiers, CancellationToken ct)
    {
        var (triggered, instance) = await dossiers.OpenRevocationAsync(http.ActingOfficial(), id, request, ct);
        return TypedResults.Created($"/api/instances/{instance}", (object)new { instanceId = instance, triggered });
    }

    private static async Task<Ok<DossierView>> Complete(Guid id, CommuneStep step, HttpContext http, DossierService dossiers, CancellationToken ct)
    {
        await dossiers.CompleteCommuneStepAsync(http.ActingOfficial(), id, step, ct);
        return TypedResults.Ok(await ViewAsync(await dossiers.LoadAsync(id, ct), dossiers, ct));
    }

    /// <summary>Lets the call through only for an official who may read the dossier named in the route.</summary>
    internal static async ValueTask<object?> RequireReader(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.GetRouteValue("id") is not string text || !Guid.TryParse(text, out var id))
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: "No dossier is named.");
        }

        var dossier = await http.RequestServices.GetRequiredService<DossierService>().LoadAsync(id, http.RequestAborted);
        return DossierService.MayRead(http.ActingOfficial(), dossier)
            ? await next(context)
            : TypedResults.Problem(statusCode: 403, title: "Not yours", detail: $"{http.ActingOfficial().UserName} has no role at {dossier.CommuneName} or its province.");
    }

    private static async Task<DossierView> ViewAsync(DossierRow d, DossierService dossiers, CancellationToken ct)
    {
        var tasks = await dossiers.OpenTasksAsync(d, ct);
        return new DossierView(d.Id, d.Code, d.Subject.ToString(), d.Tier.ToString(), d.Year, d.ProvinceCode, d.CommuneCode, d.CommuneName, d.DistrictCode, d.VillageName,
            d.OpenedOn, d.ProcessId, d.CriteriaSetCode, d.ThresholdScope, d.OutstandingField, d.InstanceId, d.Status.ToString(), d.Round,
            new { d.SatisfactionPercent, d.SurveyedHouseholds, d.ConstructionDebtCleared, SecurityOrder = d.SecurityOrder.ToString(), d.PostedFrom, d.PostedTo, d.CommentsReceived, d.CommentsSummary },
            d.DecisionNumber, d.DecisionDate, d.RevocationInstanceId, [.. d.Indicators.Select(View)],
            [.. tasks.Select(t => new DossierTaskView(t.Id, t.ElementId, t.Name, t.FormKey, t.CandidateGroups, t.Assignee, t.Due, t.DueUnverifiedParameters ?? []))],
            [.. DossierService.UnmetIndicators(d)]);
    }

    private static DossierIndicatorView View(DossierIndicatorRow i) =>
        new(i.Number, i.Value, i.Met, i.MetComputed, i.StatedMet, i.Note, JsonNode.Parse(i.Evidence), i.Reopened);

    /// <summary>Turns a refused action into ProblemDetails with the list of problems.</summary>
    /// <summary>Turns a refused dossier action into ProblemDetails naming every problem.</summary>
    internal sealed class DossierProblemFilter : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            try
            {
                return await next(context);
            }
            catch (DossierException e)
            {
                return TypedResults.Problem(statusCode: e.Status, title: e.Title, detail: e.Message,
                    extensions: e.Problems.Count > 0 ? new Dictionary<string, object?> { ["problems"] = e.Problems } : null);
            }
        }
    }
}
