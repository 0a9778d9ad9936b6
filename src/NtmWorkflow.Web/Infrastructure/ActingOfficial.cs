using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Infrastructure;

/// <summary>
/// The official an API call acts for. A caller holding the API key (a trusted system: the provincial portal,
/// the one-stop shop) names the official in <c>X-Acting-User</c>; rights are then those of that official's
/// roles at their units on the day. Runs after <see cref="ApiKeyFilter"/>.
/// </summary>
internal sealed class ActingOfficialFilter : IEndpointFilter
{
    public const string Header = "X-Acting-User";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var name = http.Request.Headers[Header].ToString().Trim();
        if (name.Length is 0 or > 256)
        {
            return TypedResults.Problem(statusCode: 401, title: "Who is acting?", detail: $"Name the official this call acts for in the {Header} header.");
        }

        var official = await http.RequestServices.GetRequiredService<OrganisationService>().FindOfficialAsync(name, null, http.RequestAborted);
        if (official is null)
        {
            return TypedResults.Problem(statusCode: 403, title: "Unknown official", detail: $"There is no user '{name}'.");
        }

        http.Items[typeof(Official)] = official;
        return await next(context);
    }
}

public static class ActingOfficialExtensions
{
    /// <summary>The official resolved by the acting-official filter of this endpoint.</summary>
    public static Official ActingOfficial(this HttpContext http) =>
        http.Items[typeof(Official)] as Official ?? throw new InvalidOperationException("The endpoint has no acting-official filter.");
}
