using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Infrastructure;

namespace NtmWorkflow.Web.Features.Monitor;

/// <summary>A migration asked for on the API: the process, the version its instances run, the one to move them to, and renamed elements (old id → new id).</summary>
public sealed record MigrationApiRequest(string? ProcessId, int? FromVersion, int? ToVersion, Dictionary<string, string>? Mapping);

/// <summary>One reason an instance cannot move: its kind and elements, and the text in the request's language.</summary>
public sealed record MigrationRefusalView(MigrationRefusalKind Kind, string SourceElementId, string? TargetElementId, string? Detail, string Message);

/// <summary>One instance of the batch: <c>movable</c>, <c>refused</c>, <c>migrated</c> or <c>failed</c>, with what moves or why not.</summary>
public sealed record MigrationItemView(Guid InstanceId, string? BusinessKey, string? ProvinceCode, string? CommuneName, string Outcome,
    IReadOnlyList<MigrationChange> Changes, IReadOnlyList<MigrationRefusalView> Refusals, string? Failure);

/// <summary>A batch previewed or applied: the instances considered (at most <see cref="InstanceMigrations.BatchSize"/>) of all those matching.</summary>
public sealed record MigrationBatchView(string ProcessId, int FromVersion, int ToVersion, int Matching, int Movable, int Refused, int Migrated, IReadOnlyList<MigrationItemView> Instances);

/// <summary>
/// Moving running instances to another version on the API, for administrators acting through a trusted system (API
/// key and <c>X-Acting-User</c>): the page's preview and apply (<see cref="InstanceMigrations"/>) with the same rights.
/// A bad request is a 400 ProblemDetails whose <c>errors</c> name the field; refusals of single instances are not
/// errors but part of the answer, each with its kind and elements.
/// </summary>
public static class InstanceMigrationApi
{
    public static IEndpointRouteBuilder MapInstanceMigrationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/instances/migrations").RequireApiKey().ActForOfficial().WithTags("Instance migration");
        api.MapPost("/preview", Preview).WithSummary("What moving the running instances of a process version to another version does to each (at most 200 a call)");
        api.MapPost("/apply", Apply).WithSummary("Moves the running instances that can move (at most 200 a call, audited); the others stay, with the reason");
        return app;
    }

    public static Task<Results<Ok<MigrationBatchView>, ProblemHttpResult>> Preview(MigrationApiRequest request, HttpContext http, InstanceMigrations migrations,
        IStringLocalizer<SharedResource> localizer, CancellationToken ct) =>
        RunAsync(request, apply: false, http, migrations, localizer, ct);

    public static Task<Results<Ok<MigrationBatchView>, ProblemHttpResult>> Apply(MigrationApiRequest request, HttpContext http, InstanceMigrations migrations,
        IStringLocalizer<SharedResource> localizer, CancellationToken ct) =>
        RunAsync(request, apply: true, http, migrations, localizer, ct);

    private static async Task<Results<Ok<MigrationBatchView>, ProblemHttpResult>> RunAsync(MigrationApiRequest request, bool apply, HttpContext http,
        InstanceMigrations migrations, IStringLocalizer<SharedResource> localizer, CancellationToken ct)
    {
        var official = http.ActingOfficial();
        try
        {
            // Rights before the request's shape: someone who may not migrate learns nothing about processes and versions.
            if (!InstanceMigrations.MayMigrate(official))
            {
                throw new MonitorException(StatusCodes.Status403Forbidden, "Only an administrator moves instances to another version.");
            }

            var migration = new MigrationRequest(request.ProcessId?.Trim() ?? "",
                request.FromVersion ?? throw new MonitorException(StatusCodes.Status400BadRequest, "Name the version the instances run.", field: "fromVersion"),
                request.ToVersion ?? throw new MonitorException(StatusCodes.Status400BadRequest, "Name the version to move them to.", field: "toVersion"),
                InstanceMigrations.CheckMapping(request.Mapping));
            var batch = apply ? await migrations.ApplyAsync(official, migration, ct) : await migrations.PreviewAsync(official, migration, ct);
            return TypedResults.Ok(View(batch, localizer));
        }
        catch (MonitorException e)
        {
            return TypedResults.Problem(statusCode: e.Status, title: e.Status == StatusCodes.Status403Forbidden ? "Forbidden" : "The migration cannot be run", detail: e.Message,
                extensions: e.Field is null ? null : new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [e.Field] = [e.Message] } });
        }
    }

    private static MigrationBatchView View(MigrationBatch batch, IStringLocalizer localizer) =>
        new(batch.Request.ProcessId, batch.Request.FromVersion, batch.Request.ToVersion, batch.Matching, batch.Movable, batch.Refused, batch.Migrated,
            [.. batch.Items.Select(i => new MigrationItemView(i.InstanceId, i.BusinessKey, i.ProvinceCode, i.CommuneName,
                i.Migrated ? "migrated" : i.Failure is not null ? "failed" : i.Preview.CanMigrate ? "movable" : "refused",
                i.Preview.Changes,
                [.. i.Preview.Refusals.Select(r => new MigrationRefusalView(r.Kind, r.SourceElementId, r.TargetElementId, r.Detail,
                    InstanceMigrations.RefusalText(localizer, r, i.Preview.ToVersion)))],
                i.Failure))]);
}
