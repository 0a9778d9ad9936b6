using Microsoft.AspNetCore.Http.HttpResults;
using NtmWorkflow.Web.Infrastructure;

namespace NtmWorkflow.Web.Features.Organisation;

public sealed record AssignRoleRequest(string? Unit, string? Role, DateOnly? From);

public sealed record EndRoleRequest(DateOnly? LastDay);

/// <summary>
/// Who holds which role at which unit: read by any caller with the API key; changed (audited) by an
/// administrator of the unit's province or a national administrator.
/// </summary>
public static class OrganisationApi
{
    public static IEndpointRouteBuilder MapOrganisationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/users").RequireApiKey().WithTags("Units and roles");
        api.MapGet("/{userName}/roles", List).WithSummary("A user's role assignments, past and present");
        api.MapGet("/{userName}/groups", Groups).WithSummary("The workflow candidate groups a user is in today");
        var edit = api.MapGroup("").ActForOfficial();
        edit.MapPost("/{userName}/roles", Assign).WithSummary("Gives a user a role at a unit from a day");
        edit.MapPost("/{userName}/roles/{assignmentId:int}/end", End).WithSummary("Ends a role assignment on a day");
        return app;
    }

    public static async Task<Results<Ok<List<RoleAssignmentRow>>, ProblemHttpResult>> List(string userName, OrganisationService organisation, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await organisation.AssignmentsOfAsync(userName, ct));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: e.Message);
        }
    }

    public static async Task<Results<Ok<IReadOnlySet<string>>, ProblemHttpResult>> Groups(string userName, OrganisationService organisation, CancellationToken ct) =>
        await organisation.FindOfficialAsync(userName, null, ct) is { } official
            ? TypedResults.Ok(official.Groups)
            : TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no user '{userName}'.");

    public static async Task<Results<Created<RoleAssignmentRow>, ProblemHttpResult>> Assign(string userName, AssignRoleRequest request, HttpContext http,
        OrganisationService organisation, CancellationToken ct)
    {
        if (NotAnAdministrator(http) is { } refused)
        {
            return refused;
        }

        if (!UnitKey.TryParse(request.Unit, out var unit) || string.IsNullOrWhiteSpace(request.Role))
        {
            return TypedResults.Problem(statusCode: 400, title: "Bad request",
                detail: "unit (national:VN, province:CODE, district:CODE, commune:CODE, department:PROVINCE/KIND, coordination-office:PROVINCE, council:PROVINCE) and role are required.");
        }

        if (Denied(http, await organisation.ProvinceOfAsync(unit, ct), unit) is { } denied)
        {
            return denied;
        }

        return await Run(async () =>
        {
            var row = await organisation.AssignAsync(userName, unit.ToString(), request.Role.Trim(), request.From, http.ActingOfficial().UserName, ct);
            return TypedResults.Created($"/api/users/{userName}/roles", row);
        });
    }

    public static async Task<Results<Ok<RoleAssignmentRow>, ProblemHttpResult>> End(string userName, int assignmentId, EndRoleRequest? request, HttpContext http,
        OrganisationService organisation, CancellationToken ct)
    {
        if (NotAnAdministrator(http) is { } refused)
        {
            return refused;
        }

        var current = (await organisation.AssignmentsOfAsync(userName, ct)).SingleOrDefault(a => a.Id == assignmentId);
        if (current is null || !UnitKey.TryParse(current.UnitKey, out var unit))
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"{userName} has no role assignment {assignmentId}.");
        }

        if (Denied(http, await organisation.ProvinceOfAsync(unit, ct), unit) is { } denied)
        {
            return denied;
        }

        return await Run(async () => TypedResults.Ok(await organisation.EndAsync(userName, assignmentId, request?.LastDay, http.ActingOfficial().UserName, ct)));
    }

    /// <summary>Someone who administers nothing is refused before anything is looked up.</summary>
    private static ProblemHttpResult? NotAnAdministrator(HttpContext http) =>
        http.ActingOfficial().Assignments.Any(a => a.Role == Features.Accounts.Roles.Administrator) ? null
            : TypedResults.Problem(statusCode: 403, title: "Not an administrator", detail: $"{http.ActingOfficial().UserName} administers no unit.");

    private static ProblemHttpResult? Denied(HttpContext http, string? provinceCode, UnitKey unit)
    {
        var official = http.ActingOfficial();
        return official.Administers(provinceCode) ? null
            : TypedResults.Problem(statusCode: 403, title: "Not an administrator", detail: $"{official.UserName} does not administer the units of {unit}.");
    }

    private static async Task<Results<T, ProblemHttpResult>> Run<T>(Func<Task<T>> action)
        where T : IResult
    {
        try
        {
            return await action();
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: e.Message);
        }
        catch (OrganisationException e)
        {
            return TypedResults.Problem(statusCode: 400, title: "The assignment was refused", detail: e.Message);
        }
    }
}
