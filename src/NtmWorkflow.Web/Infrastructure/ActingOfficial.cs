using System.Security.Cryptography;
using System.Text;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Infrastructure;

/// <summary>Endpoint metadata: the caller must send the API key (<c>Api:Key</c>) in <c>X-Api-Key</c>.</summary>
public sealed class RequiresApiKey;

/// <summary>Endpoint metadata: the call acts for the official named in <c>X-Acting-User</c>, whose roles decide.</summary>
public sealed class ActsForOfficial;

/// <summary>Endpoint metadata: a page's script calls for the signed-in official; unsafe methods carry the antiforgery token.</summary>
public sealed class ActsAsSignedInOfficial;

public static class ApiCallerConventions
{
    public const string ApiKeyHeader = "X-Api-Key";
    public const string ActingUserHeader = "X-Acting-User";

    /// <summary>The API's guard until officials sign in to it: a trusted system's key; no key configured means the API is closed.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequiresApiKey());

    /// <summary>
    /// The calls act for an official: a caller holding the API key (the provincial portal, the one-stop shop) names
    /// them in <c>X-Acting-User</c>; rights are then that official's roles at their units on the day.
    /// </summary>
    public static TBuilder ActForOfficial<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new ActsForOfficial());

    /// <summary>
    /// The calls come from our pages' scripts for the signed-in official (cookie): the same handlers as the API's, with
    /// the antiforgery token required on every call that changes something.
    /// </summary>
    public static TBuilder ActAsSignedInOfficial<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new ActsAsSignedInOfficial()).RequireAuthorization();

    /// <summary>The official resolved for this call (<see cref="ActForOfficial"/>, <see cref="ActAsSignedInOfficial"/>).</summary>
    public static Official ActingOfficial(this HttpContext http) =>
        http.Items[typeof(Official)] as Official ?? throw new InvalidOperationException("The endpoint does not act for an official.");
}

/// <summary>
/// Checks the API key and the acting official before the endpoint binds its parameters, so an unknown caller
/// learns nothing from a malformed request (401, not 400) and is never told about the resource (403 after 401).
/// </summary>
internal sealed class ApiCallerMiddleware(RequestDelegate next, IConfiguration configuration, IHostEnvironment environment)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var endpoint = http.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<RequiresApiKey>() is not null && KeyProblem(http) is { } problem)
        {
            await problem.ExecuteAsync(http);
            return;
        }

        if (endpoint?.Metadata.GetMetadata<ActsForOfficial>() is not null)
        {
            var name = http.Request.Headers[ApiCallerConventions.ActingUserHeader].ToString().Trim();
            if (name.Length is 0 or > 256)
            {
                await TypedResults.Problem(statusCode: 401, title: "Who is acting?",
                    detail: $"Name the official this call acts for in the {ApiCallerConventions.ActingUserHeader} header.").ExecuteAsync(http);
                return;
            }

            var official = await http.RequestServices.GetRequiredService<OrganisationService>().FindOfficialAsync(name, null, http.RequestAborted);
            if (official is null)
            {
                await TypedResults.Problem(statusCode: 403, title: "Unknown official", detail: $"There is no user '{name}'.").ExecuteAsync(http);
                return;
            }

            http.Items[typeof(Official)] = official;
        }

        if (endpoint?.Metadata.GetMetadata<ActsAsSignedInOfficial>() is not null)
        {
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
                && !await http.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>().IsRequestValidAsync(http))
            {
                await TypedResults.Problem(statusCode: 400, title: "The page has expired", detail: "Reload the page and try again (its security token is missing or out of date).").ExecuteAsync(http);
                return;
            }

            var official = http.User.Identity?.Name is { } name
                ? await http.RequestServices.GetRequiredService<OrganisationService>().FindOfficialAsync(name, null, http.RequestAborted)
                : null;
            if (official is null)
            {
                await TypedResults.Problem(statusCode: 403, title: "Unknown official", detail: "The signed-in user no longer exists.").ExecuteAsync(http);
                return;
            }

            http.Items[typeof(Official)] = official;
        }

        await next(http);
    }

    /// <summary>The key appsettings.Development.json gives, for the demo on a developer's machine.</summary>
    internal const string DevelopmentKey = "ntm-dev-api-key";

    private Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? KeyProblem(HttpContext http)
    {
        var expected = configuration["Api:Key"];
        if (string.IsNullOrEmpty(expected))
        {
            return TypedResults.Problem(statusCode: 401, title: "The API is closed", detail: "No API key is configured (setting Api:Key).");
        }

        // The development key is in the repository (appsettings.Development.json): it opens nothing anywhere else.
        if (expected == DevelopmentKey && !environment.IsDevelopment())
        {
            return TypedResults.Problem(statusCode: 401, title: "The API is closed",
                detail: "Api:Key is the development key, which is public; set a key of your own outside Development.");
        }

        var given = http.Request.Headers[ApiCallerConventions.ApiKeyHeader].ToString();
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected))
            ? null
            : TypedResults.Problem(statusCode: 401, title: "Unauthorized", detail: $"Send the API key in the {ApiCallerConventions.ApiKeyHeader} header.");
    }
}
