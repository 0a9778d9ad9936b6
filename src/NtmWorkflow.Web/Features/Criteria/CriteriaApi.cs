using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using NtmWorkflow.Web.Infrastructure;

namespace NtmWorkflow.Web.Features.Criteria;

public sealed record CriteriaSetSummary(
    string Code, string Name, string Decision, CriteriaSubject Subject, RecognitionTier Tier, DateOnly ValidFrom, DateOnly? ValidTo,
    string? ThresholdBasis, bool Verified, string? Notes, int CriteriaCount, int IndicatorCount);

public sealed record CriteriaSetView(
    string Code, string Name, string Decision, CriteriaSubject Subject, RecognitionTier Tier, DateOnly ValidFrom, DateOnly? ValidTo,
    string? ThresholdBasis, bool Verified, string? Notes, IReadOnlyList<CriterionView> Criteria);

public sealed record CriterionView(int Number, string Name, bool Verified, IReadOnlyList<IndicatorView> Indicators);

public sealed record IndicatorView(
    string Number, string Name, MeasurementKind Kind, ThresholdDirection Direction, string? Unit, string DefaultDepartmentKind, int Position,
    bool Verified, IReadOnlyList<ThresholdView> Thresholds);

public sealed record ThresholdView(string Scope, decimal? Value, string? RatingScale, string? MinimumRating, string Source, bool Verified);

/// <summary>An indicator's owner; <c>Origin</c> is <c>province</c> when the province assigned it, else <c>default</c>.</summary>
public sealed record IndicatorOwnerView(
    string Number, string Name, int Criterion, string DepartmentKind, string AssignedKind, string Origin, DateOnly? AssignedFrom);

public sealed record IndicatorOwnersView(string Province, string Set, DateOnly On, IReadOnlyList<IndicatorOwnerView> Indicators);

public sealed record SetVerifiedRequest(bool? Verified);

/// <summary>
/// The criteria catalogue for administrators: read the sets, department kinds, threshold scopes and a province's
/// indicator owners; edit criteria, indicators, thresholds and ownership. Every write names its user in
/// <c>X-Acting-User</c> and is audited.
/// </summary>
public static class CriteriaApi
{
    public static IEndpointRouteBuilder MapCriteriaApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireApiKey().WithTags("Criteria");
        api.MapGet("/criteria-sets", ListSets).WithSummary("The criteria sets (bộ tiêu chí) with their validity and counts");
        api.MapGet("/criteria-sets/{code}", GetSet).WithSummary("A set with its criteria, indicators, thresholds and verified flags");
        api.MapGet("/department-kinds", DepartmentKinds).WithSummary("The kinds of provincial department, with the 2025 mergers");
        api.MapGet("/threshold-scopes", ThresholdScopes).WithSummary("The regions and commune groups a threshold can apply to");
        api.MapGet("/provinces/{provinceCode}/indicator-owners", Owners).WithSummary("Each indicator of ?set= with its owner in the province on ?on= (yyyy-MM-dd)");

        // All writes in one group, so authorization is added in one place: the acting official must administer
        // the province whose ownership changes, or be a national administrator for the national sets.
        var write = api.MapGroup("").ActForOfficial().AddEndpointFilter(RequireAdministrator);
        write.MapPost("/criteria-sets/{code}/criteria", AddCriterion).WithSummary("Adds a criterion");
        write.MapPut("/criteria-sets/{code}/criteria/{number:int}", UpdateCriterion).WithSummary("Renames a criterion or sets its verified flag");
        write.MapPut("/criteria-sets/{code}/verified", SetVerified).WithSummary("Marks the set as checked (or not) against the official text");
        write.MapPost("/criteria-sets/{code}/indicators", AddIndicator).WithSummary("Adds an indicator under the criterion its number names");
        write.MapPut("/criteria-sets/{code}/indicators/{number}", UpdateIndicator).WithSummary("Edits an indicator");
        write.MapPut("/criteria-sets/{code}/indicators/{number}/thresholds/{scope}", SetThreshold).WithSummary("Sets an indicator's threshold for a region, commune group or *");
        write.MapDelete("/criteria-sets/{code}/indicators/{number}/thresholds/{scope}", RemoveThreshold).WithSummary("Removes an indicator's threshold for a scope");
        write.MapPut("/provinces/{provinceCode}/indicator-owners/{setCode}/{indicatorNumber}", SetOwner).WithSummary("Assigns an indicator to a department kind in the province from a date");
        return app;
    }

    public static async Task<Ok<List<CriteriaSetSummary>>> ListSets(HttpContext http, CancellationToken ct) =>
        TypedResults.Ok((await Catalog(http).ListSetsAsync(ct)).Select(s => new CriteriaSetSummary(
            s.Code, s.Name, s.Decision, s.Subject, s.Tier, s.ValidFrom, s.ValidTo, s.ThresholdBasis, s.Verified, s.Notes,
            s.Criteria.Count, s.Criteria.Sum(c => c.Indicators.Count))).ToList());

    public static async Task<Results<Ok<CriteriaSetView>, ProblemHttpResult>> GetSet(string code, HttpContext http, CancellationToken ct) =>
        await Catalog(http).GetSetAsync(code, ct) is { } set ? TypedResults.Ok(View(set)) : UnknownSet(code);

    public static async Task<Ok<List<DepartmentKindRow>>> DepartmentKinds(HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await Catalog(http).DepartmentKindsAsync(ct));

    public static Ok<IReadOnlyList<ThresholdScope>> ThresholdScopes() => TypedResults.Ok(CriteriaSeedData.Scopes);

    public static async Task<Results<Ok<IndicatorOwnersView>, ProblemHttpResult>> Owners(string provinceCode, string? set, string? on, HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(set))
        {
            return Problem(400, "?set= is required: the code of a criteria set (GET /api/criteria-sets).");
        }

        DateOnly day;
        if (on is null)
        {
            // Today in Vietnam (UTC+7), the day officials see.
            day = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(7)).DateTime);
        }
        else if (!DateOnly.TryParseExact(on, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            return Problem(400, $"'{on}' is not a date as yyyy-MM-dd.");
        }

        var catalog = Catalog(http);
        if (await catalog.GetSetAsync(set, ct) is not { } criteriaSet)
        {
            return UnknownSet(set);
        }

        var criterionOf = criteriaSet.Criteria.SelectMany(c => c.Indicators.Select(i => (i.Id, c.Number))).ToDictionary(p => p.Id, p => p.Number);
        var owners = await catalog.OwnersAsync(provinceCode, [.. criteriaSet.Criteria.SelectMany(c => c.Indicators)], day, ct);
        return TypedResults.Ok(new IndicatorOwnersView(provinceCode, set, day, [.. owners.Select(o => new IndicatorOwnerView(
            o.Indicator.Number, o.Indicator.Name, criterionOf[o.Indicator.Id], o.Owner.DepartmentKind, o.Owner.AssignedKind,
            o.Owner.FromProvince ? "province" : "default", o.Owner.AssignedFrom))]));
    }

    public static Task<Results<Ok<CriterionView>, ProblemHttpResult>> AddCriterion(string code, CriterionChange request, HttpContext http, CancellationToken ct) =>
        Run(async () => View(await Catalog(http).AddCriterionAsync(code, request, Actor(http), ct)));

    public static Task<Results<Ok<CriterionView>, ProblemHttpResult>> UpdateCriterion(string code, int number, CriterionChange request, HttpContext http, CancellationToken ct) =>
        Run(async () => View(await Catalog(http).UpdateCriterionAsync(code, number, request, Actor(http), ct)));

    public static async Task<Results<Ok<CriteriaSetView>, ProblemHttpResult>> SetVerified(string code, SetVerifiedRequest request, HttpContext http, CancellationToken ct)
    {
        if (request.Verified is not { } verified)
        {
            return Problem(400, "verified (true or false) is required.");
        }

        return await Run(async () =>
        {
            await Catalog(http).SetVerifiedAsync(code, verified, Actor(http), ct);
            return View((await Catalog(http).GetSetAsync(code, ct))!);
        });
    }

    public static Task<Results<Ok<IndicatorView>, ProblemHttpResult>> AddIndicator(string code, IndicatorChange request, HttpContext http, CancellationToken ct) =>
        Run(async () => View(await Catalog(http).AddIndicatorAsync(code, request, Actor(http), ct)));

    public static Task<Results<Ok<IndicatorView>, ProblemHttpResult>> UpdateIndicator(string code, string number, IndicatorChange request, HttpContext http, CancellationToken ct) =>
        Run(async () => View(await Catalog(http).UpdateIndicatorAsync(code, number, request, Actor(http), ct)));

    public static Task<Results<Ok<ThresholdView>, ProblemHttpResult>> SetThreshold(string code, string number, string scope, ThresholdChange request, HttpContext http, CancellationToken ct) =>
        Run(async () => View(await Catalog(http).SetThresholdAsync(code, number, scope, request, Actor(http), ct)));

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveThreshold(string code, string number, string scope, HttpContext http, CancellationToken ct)
    {
        try
        {
            return await Catalog(http).RemoveThresholdAsync(code, number, scope, Actor(http), ct)
                ? TypedResults.NoContent()
                : Problem(404, $"Indicator {number} of {code} has no threshold for '{scope}'.");
        }
        catch (CriteriaException e)
        {
            return Problem(e);
        }
    }

    public static Task<Results<Ok<IndicatorOwnershipRow>, ProblemHttpResult>> SetOwner(
        string provinceCode, string setCode, string indicatorNumber, OwnershipChange request, HttpContext http, CancellationToken ct) =>
        Run(() => Catalog(http).SetOwnershipAsync(provinceCode, setCode, indicatorNumber, request, Actor(http), ct));

    private static async ValueTask<object?> RequireAdministrator(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var official = context.HttpContext.ActingOfficial();
        var province = context.HttpContext.GetRouteValue("provinceCode") as string;
        return official.Administers(province)
            ? await next(context)
            : Problem(403, $"{official.UserName} does not administer {(province is null ? "the national criteria sets" : "province " + province)}.");
    }

    // The catalogue is created per request from the scope's context, whether or not it is registered.
    private static CriteriaCatalog Catalog(HttpContext http) => http.RequestServices.GetRequiredService<CriteriaCatalog>();

    private static string Actor(HttpContext http) => http.ActingOfficial().UserName;

    private static async Task<Results<Ok<T>, ProblemHttpResult>> Run<T>(Func<Task<T>> change)
    {
        try
        {
            return TypedResults.Ok(await change());
        }
        catch (CriteriaException e)
        {
            return Problem(e);
        }
    }

    private static CriteriaSetView View(CriteriaSetRow s) =>
        new(s.Code, s.Name, s.Decision, s.Subject, s.Tier, s.ValidFrom, s.ValidTo, s.ThresholdBasis, s.Verified, s.Notes, [.. s.Criteria.Select(View)]);

    private static CriterionView View(CriterionRow c) => new(c.Number, c.Name, c.Verified, [.. c.Indicators.Select(View)]);

    private static IndicatorView View(IndicatorRow i) =>
        new(i.Number, i.Name, i.Kind, i.Direction, i.Unit, i.DefaultDepartmentKind, i.Position, i.Verified, [.. i.Thresholds.Select(View)]);

    private static ThresholdView View(IndicatorThresholdRow t) => new(t.Scope, t.Value, t.RatingScale, t.MinimumRating, t.Source, t.Verified);

    private static ProblemHttpResult UnknownSet(string code) => Problem(404, $"There is no criteria set '{code}'.");

    private static ProblemHttpResult Problem(CriteriaException e) => e.Problem switch
    {
        CriteriaProblem.NotFound => Problem(404, e.Message),
        CriteriaProblem.Conflict => Problem(409, e.Message),
        _ => Problem(400, e.Message),
    };

    private static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(
        statusCode: status, detail: detail,
        title: status switch { 404 => "Not found", 409 => "Conflict", _ => "The catalogue change was refused" });
}
