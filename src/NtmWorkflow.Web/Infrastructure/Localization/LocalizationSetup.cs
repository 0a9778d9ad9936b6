using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace NtmWorkflow.Web.Infrastructure.Localization;

/// <summary>Vietnamese first, English switchable; the choice is kept in a cookie.</summary>
public static class LocalizationSetup
{
    public static readonly CultureInfo[] SupportedCultures = [new("vi"), new("en")];

    public static IHostApplicationBuilder AddUiLocalization(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        builder.Services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("vi");
            o.SupportedCultures = SupportedCultures;
            o.SupportedUICultures = SupportedCultures;
            // Only an explicit choice (query string or cookie) switches language: officials' browsers
            // often send en-US even when the user reads Vietnamese.
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        });
        return builder;
    }

    /// <summary>GET /culture/{name}?returnUrl=… stores the choice and goes back to the page.</summary>
    public static IEndpointRouteBuilder MapCultureSwitch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/culture/{name}", (string name, string? returnUrl, HttpContext http) =>
        {
            var culture = SupportedCultures.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
            if (culture is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unsupported language",
                    detail: $"'{name}' is not one of: {string.Join(", ", SupportedCultures.Select(c => c.Name))}.");
            }

            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps });
            var target = !string.IsNullOrEmpty(returnUrl) && Uri.IsWellFormedUriString(returnUrl, UriKind.Relative) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
                ? returnUrl
                : "/";
            return Results.LocalRedirect(target);
        });
        return app;
    }
}
