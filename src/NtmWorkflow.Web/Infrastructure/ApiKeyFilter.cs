namespace NtmWorkflow.Web.Infrastructure;

/// <summary>
/// The API's guard until officials sign in to it: the configured key (<c>Api:Key</c>) in the <c>X-Api-Key</c>
/// header, compared in constant time; no key configured means the API is closed.
/// </summary>
internal sealed class ApiKeyFilter(IConfiguration configuration) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = configuration["Api:Key"];
        var given = context.HttpContext.Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(expected))
        {
            return TypedResults.Problem(statusCode: 401, title: "The API is closed", detail: "No API key is configured (setting Api:Key).");
        }

        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(expected)))
        {
            return TypedResults.Problem(statusCode: 401, title: "Unauthorized", detail: $"Send the API key in the {Header} header.");
        }

        return await next(context);
    }
}
