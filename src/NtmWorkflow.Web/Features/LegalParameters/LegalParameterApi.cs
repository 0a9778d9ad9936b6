using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using NtmWorkflow.Web.Infrastructure;

namespace NtmWorkflow.Web.Features.LegalParameters;

public sealed record LegalParameterView(string Name, string? ProvinceCode, JsonNode? Value, string Unit, string Description, string Source, bool Verified,
    DateTimeOffset UpdatedAt, string? UpdatedBy);

/// <summary>
/// Legal parameters with their provenance: anyone holding the API key reads them; an administrator (of the
/// province, for its overrides) changes them. A change applies to deadlines computed from then on.
/// </summary>
public static class LegalParameterApi
{
    public static IEndpointRouteBuilder MapLegalParameterApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/legal-parameters").RequireApiKey().WithTags("Legal parameters");
        api.MapGet("/", List).WithSummary("Every parameter with value, unit, source and verified flag; ?province= adds that province's overrides");
        api.MapGet("/{name}", Get).WithSummary("One parameter: the national value and every province's override");
        var edit = api.MapGroup("").ActForOfficial();
        edit.MapPut("/{name}", (string name, LegalParameterChange change, HttpContext http, LegalParameterService service, CancellationToken ct) => Set(name, null, change, http, service, ct))
            .WithSummary("Sets the national value with its source and verified flag (administrator)");
        edit.MapPut("/{name}/provinces/{provinceCode}", (string name, string provinceCode, LegalParameterChange change, HttpContext http, LegalParameterService service, CancellationToken ct) =>
            Set(name, provinceCode, change, http, service, ct)).WithSummary("Sets a province's own value (administrator of the province)");
        edit.MapDelete("/{name}/provinces/{provinceCode}", Clear).WithSummary("Removes a province's own value: the national one applies again");
        return app;
    }

    public static async Task<Ok<List<LegalParameterView>>> List(string? province, LegalParameterService service, CancellationToken ct) =>
        TypedResults.Ok((await service.ListAsync(province, ct)).Select(View).ToList());

    public static async Task<Results<Ok<List<LegalParameterView>>, ProblemHttpResult>> Get(string name, LegalParameterService service, CancellationToken ct)
    {
        var rows = (await service.ListAsync(null, ct)).Where(r => r.Name == name).Select(View).ToList();
        return rows.Count > 0 ? TypedResults.Ok(rows) : TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no legal parameter '{name}'.");
    }

    private static async Task<Results<Ok<LegalParameterView>, ProblemHttpResult>> Set(string name, string? provinceCode, LegalParameterChange change, HttpContext http,
        LegalParameterService service, CancellationToken ct)
    {
        var official = http.ActingOfficial();
        if (!official.Administers(provinceCode))
        {
            return TypedResults.Problem(statusCode: 403, title: "Not an administrator",
                detail: $"{official.UserName} does not administer {(provinceCode is null ? "the national values" : "province " + provinceCode)}.");
        }

        try
        {
            return TypedResults.Ok(View(await service.SetAsync(name, provinceCode, change, official.UserName, ct)));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: e.Message);
        }
        catch (LegalParameterException e)
        {
            return TypedResults.Problem(statusCode: 400, title: "The value was refused", detail: e.Message);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Clear(string name, string provinceCode, HttpContext http, LegalParameterService service, CancellationToken ct)
    {
        var official = http.ActingOfficial();
        if (!official.Administers(provinceCode))
        {
            return TypedResults.Problem(statusCode: 403, title: "Not an administrator", detail: $"{official.UserName} does not administer province {provinceCode}.");
        }

        return await service.ClearProvinceAsync(name, provinceCode, official.UserName, ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"Province {provinceCode} has no own value of '{name}'.");
    }

    private static LegalParameterView View(LegalParameterRow r) =>
        new(r.Name, r.ProvinceCode.Length == 0 ? null : r.ProvinceCode, JsonNode.Parse(r.Value), r.Unit, r.Description, r.Source, r.Verified, r.UpdatedAt, r.UpdatedBy);
}
