using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace NtmWorkflow.Web.Infrastructure;

/// <summary>One fixed window: at most <see cref="PermitLimit"/> requests per <see cref="WindowSeconds"/>.</summary>
public sealed class RateLimitWindow
{
    public int PermitLimit { get; set; }

    public int WindowSeconds { get; set; }
}

/// <summary>Settings <c>RateLimits</c>: the sign-in attempts per client address, and the uploads per user.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Sign-in posts per client IP address. Generous enough for an office behind one address; lockout stops guessing one account.</summary>
    public RateLimitWindow SignIn { get; set; } = new() { PermitLimit = 30, WindowSeconds = 60 };

    /// <summary>Uploads (evidence, the decision's scan, a days-off file, a BPMN model) per signed-in or acting user.</summary>
    public RateLimitWindow Uploads { get; set; } = new() { PermitLimit = 30, WindowSeconds = 60 };
}

/// <summary>
/// On a page whose POST handlers are not all uploads: only the named handlers (<c>?handler=</c>) count against the
/// uploads limit. Endpoints that are uploads as a whole (the APIs) carry the policy without this.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class UploadHandlersAttribute(params string[] handlers) : Attribute
{
    public IReadOnlyList<string> Handlers { get; } = handlers;
}

/// <summary>
/// ASP.NET Core's rate limiter with two policies, <see cref="SignIn"/> and <see cref="Uploads"/>, both fixed windows
/// from <see cref="RateLimitOptions"/>. A refused request is 429 with Retry-After: ProblemDetails for the API and the
/// pages' scripts, the error page (re-executed with the status) for a page.
/// </summary>
public static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string Uploads = "uploads";

    public static WebApplicationBuilder AddRateLimits(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>() ?? new RateLimitOptions();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(SignIn, http => HttpMethods.IsPost(http.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter("ip:" + http.Connection.RemoteIpAddress, _ => Window(options.SignIn))
                : RateLimitPartition.GetNoLimiter(""));
            limiter.AddPolicy(Uploads, http => IsUpload(http)
                ? RateLimitPartition.GetFixedWindowLimiter("user:" + Caller(http), _ => Window(options.Uploads))
                : RateLimitPartition.GetNoLimiter(""));
            limiter.OnRejected = OnRejectedAsync;
        });
        return builder;
    }

    private static FixedWindowRateLimiterOptions Window(RateLimitWindow window) => new()
    {
        PermitLimit = Math.Max(1, window.PermitLimit),
        Window = TimeSpan.FromSeconds(Math.Max(1, window.WindowSeconds)),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static bool IsUpload(HttpContext http)
    {
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
        {
            return false;
        }

        var handlers = http.GetEndpoint()?.Metadata.GetMetadata<UploadHandlersAttribute>();
        return handlers is null || handlers.Handlers.Contains((string?)http.Request.Query["handler"] ?? (string?)http.GetRouteValue("handler") ?? "", StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The signed-in official, or the official an API call acts for, else the client's address.</summary>
    private static string Caller(HttpContext http) =>
        http.User.Identity?.Name is { Length: > 0 } name ? name
        : http.Request.Headers["X-Acting-User"].FirstOrDefault() is { Length: > 0 } acting ? acting
        : "ip:" + http.Connection.RemoteIpAddress;

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        // A page: no body here, so the status code pages re-execute the error page, which explains in the user's language.
        if (http.GetEndpoint()?.Metadata.GetMetadata<PageActionDescriptor>() is not null)
        {
            return;
        }

        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = "Too many requests of this kind in a short time; wait and try again (see Retry-After).",
            },
        });
    }
}
