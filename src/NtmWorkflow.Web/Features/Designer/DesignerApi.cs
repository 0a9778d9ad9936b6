using Microsoft.AspNetCore.Http.HttpResults;
using NtmWorkflow.Web.Infrastructure;

namespace NtmWorkflow.Web.Features.Designer;

/// <summary>A model sent to the designer's API: the BPMN XML and, for a draft, the version it was opened from.</summary>
public sealed record DesignerModelRequest(string? Bpmn, int? BasedOnVersion);

/// <summary>
/// The process designer's JSON API, for administrators acting through a trusted system (API key and
/// <c>X-Acting-User</c>): list processes, read and save a draft, validate, compare with the published version,
/// publish a new version, download any version's .bpmn. Refusals are ProblemDetails; an invalid model's problems
/// are listed under <c>errors</c>, each with its element id.
/// </summary>
public static class DesignerApi
{
    public static IEndpointRouteBuilder MapDesignerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/workflows").RequireApiKey().ActForOfficial().WithTags("Process designer");
        api.MapGet("/", List).WithSummary("Every process: its versions, running instances per version, its draft");
        api.MapGet("/{processId}/draft", Open).WithSummary("The draft of a process, or its latest version when there is none");
        api.MapPut("/{processId}/draft", SaveDraft).RequireRateLimiting(NtmWorkflow.Web.Infrastructure.RateLimits.Uploads).WithSummary("Saves the draft of a process (audited)");
        api.MapDelete("/{processId}/draft", DiscardDraft).WithSummary("Throws the draft away (audited); the published versions stay");
        api.MapGet("/{processId}/draft/bpmn", DraftFile).WithSummary("The draft's .bpmn");
        api.MapPost("/{processId}/validate", Validate).WithSummary("The engine's verdict on a model, each problem with its element id");
        api.MapPost("/{processId}/diff", Diff).WithSummary("A model against the latest published version: elements added, removed, changed");
        api.MapPost("/{processId}/versions", Publish).RequireRateLimiting(NtmWorkflow.Web.Infrastructure.RateLimits.Uploads).WithSummary("Publishes a model as the next version (audited); running instances keep theirs");
        api.MapGet("/{processId}/versions/{version:int}/bpmn", VersionFile).WithSummary("A published version's .bpmn");
        return app;
    }

    /// <summary>A refusal as ProblemDetails, with the model's problems under <c>errors</c>.</summary>
    public static ProblemHttpResult Problem(DesignerException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return TypedResults.Problem(statusCode: e.Status, title: e.Title, detail: e.Message,
            extensions: e.Errors.Count == 0 ? null : new Dictionary<string, object?> { ["errors"] = e.Errors });
    }

    public static async Task<Results<Ok<IReadOnlyList<ProcessSummary>>, ProblemHttpResult>> List(HttpContext http, DesignerService designer, CancellationToken ct) =>
        DesignerService.MayDesign(http.ActingOfficial())
            ? TypedResults.Ok(await designer.ProcessesAsync(ct))
            : Problem(new DesignerException(StatusCodes.Status403Forbidden, "Forbidden", "Only administrators edit and publish processes."));

    public static Task<Results<Ok<DesignerDocument>, ProblemHttpResult>> Open(string processId, HttpContext http, DesignerService designer, CancellationToken ct) =>
        Run(async () => TypedResults.Ok(await designer.OpenAsync(http.ActingOfficial(), processId, ct)));

    public static Task<Results<Ok<DraftInfo>, ProblemHttpResult>> SaveDraft(string processId, DesignerModelRequest request, HttpContext http, DesignerService designer, CancellationToken ct) =>
        Run(async () => TypedResults.Ok(await designer.SaveDraftAsync(http.ActingOfficial(), processId, request?.Bpmn, request?.BasedOnVersion, ct)));

    public static Task<Results<NoContent, ProblemHttpResult>> DiscardDraft(string processId, HttpContext http, DesignerService designer, CancellationToken ct) =>
        Run(async () =>
        {
            await designer.DiscardDraftAsync(http.ActingOfficial(), processId, ct);
            return TypedResults.NoContent();
        });

    public static Task<Results<Ok<DesignerValidation>, ProblemHttpResult>> Validate(string processId, DesignerModelRequest request, HttpContext http, DesignerService designer) =>
        Run(() => Task.FromResult(TypedResults.Ok(designer.Validate(http.ActingOfficial(), processId, request?.Bpmn))));

    public static Task<Results<Ok<WorkflowDiff>, ProblemHttpResult>> Diff(string processId, DesignerModelRequest request, HttpContext http, DesignerService designer, CancellationToken ct) =>
        Run(async () => TypedResults.Ok(await designer.DiffAsync(http.ActingOfficial(), processId, request?.Bpmn, ct)));

    public static Task<Results<Created<PublishedVersion>, ProblemHttpResult>> Publish(string processId, DesignerModelRequest request, HttpContext http, DesignerService designer, CancellationToken ct) =>
        Run(async () =>
        {
            var published = await designer.PublishAsync(http.ActingOfficial(), processId, request?.Bpmn, fromDraft: false, ct);
            return TypedResults.Created($"/api/workflows/{Uri.EscapeDataString(processId)}/versions/{published.Version}/bpmn", published);
        });

    public static Task<Results<FileContentHttpResult, ProblemHttpResult>> VersionFile(string processId, int version, HttpContext http, DesignerService designer, CancellationToken ct) =>
        Run(async () =>
        {
            var (name, content) = await designer.VersionFileAsync(http.ActingOfficial(), processId, version, ct);
            return TypedResults.File(content, "application/xml", name);
        });

    public static Task<Results<FileContentHttpResult, ProblemHttpResult>> DraftFile(string processId, HttpContext http, DesignerService designer, CancellationToken ct) =>
        Run(async () =>
        {
            var (name, content) = await designer.DraftFileAsync(http.ActingOfficial(), processId, ct);
            return TypedResults.File(content, "application/xml", name);
        });

    private static async Task<Results<T, ProblemHttpResult>> Run<T>(Func<Task<T>> action)
        where T : IResult
    {
        try
        {
            return await action();
        }
        catch (DesignerException e)
        {
            return Problem(e);
        }
    }
}
