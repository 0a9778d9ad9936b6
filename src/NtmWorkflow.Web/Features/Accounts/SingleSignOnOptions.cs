using System.Net;
using Microsoft.Extensions.Options;

namespace NtmWorkflow.Web.Features.Accounts;

/// <summary>Which field of our accounts the provider's claim is compared with (case-insensitive).</summary>
public enum SingleSignOnMatch
{
    /// <summary>The account's email address (default claim <c>email</c>).</summary>
    Email,

    /// <summary>The account's user name (default claim <c>preferred_username</c>).</summary>
    UserName,
}

/// <summary>
/// Section <c>Authentication:Oidc</c>: sign-in through the province's OpenID Connect identity provider (authorization
/// code flow with PKCE). Off by default; local accounts always remain. See docs/security.md and docs/operations.md.
/// </summary>
public sealed class SingleSignOnOptions
{
    public const string SectionName = "Authentication:Oidc";

    /// <summary>The authentication scheme of the provider; its callback is <see cref="CallbackPath"/>.</summary>
    public const string Scheme = "oidc";

    public bool Enabled { get; set; }

    /// <summary>The provider's issuer address; its discovery document is read from <c>.well-known/openid-configuration</c> under it.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>The client's secret (a confidential client); empty for a public client, which PKCE alone protects.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The provider's name on the button, in Vietnamese ("Đăng nhập bằng …").</summary>
    public string DisplayName { get; set; } = "Cổng xác thực của tỉnh";

    /// <summary>The provider's name on the button in English; <see cref="DisplayName"/> when empty.</summary>
    public string? DisplayNameEn { get; set; }

    /// <summary>The scopes asked for; <c>openid profile email</c> when empty (<c>openid</c> is always asked).</summary>
    public string[] Scopes { get; set; } = [];

    public SingleSignOnMatch MatchBy { get; set; } = SingleSignOnMatch.Email;

    /// <summary>The claim compared with <see cref="MatchBy"/>; <c>email</c> or <c>preferred_username</c> when empty.</summary>
    public string? MatchClaim { get; set; }

    /// <summary>
    /// Whether accounts holding the Administrator role may sign in through the provider. Off: administrators sign in
    /// with their local account and password only, so the provider's compromise does not open the administration.
    /// </summary>
    public bool AllowAdministrators { get; set; }

    /// <summary>Read the claims from the provider's userinfo endpoint too (for providers that leave email out of the ID token).</summary>
    public bool GetClaimsFromUserInfoEndpoint { get; set; }

    /// <summary>
    /// Signing out of the app after a sign-in through the provider also ends the session at the provider (OpenID
    /// Connect RP-initiated logout), when its discovery document advertises an <c>end_session_endpoint</c>. Off: the
    /// official stays signed in at the provider, and the next click on its button signs them in again without a password.
    /// </summary>
    public bool SignOutAtProvider { get; set; } = true;

    /// <summary>Where the provider sends the browser back after signing out there: register <c>https://HOST/account/sign-in</c> as a post-logout redirect address.</summary>
    public string PostLogoutRedirectPath { get; set; } = "/account/sign-in";

    /// <summary>The provider's metadata over HTTPS only. False is refused in Production unless the authority is on loopback.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The path the provider sends the browser back to: register <c>https://HOST/signin-oidc</c> with the provider.</summary>
    public string CallbackPath { get; set; } = "/signin-oidc";

    public IReadOnlyList<string> EffectiveScopes =>
        ["openid", .. (Scopes.Length == 0 ? ["profile", "email"] : Scopes).Where(s => !string.IsNullOrWhiteSpace(s) && s != "openid").Select(s => s.Trim()).Distinct(StringComparer.Ordinal)];

    public string EffectiveMatchClaim =>
        string.IsNullOrWhiteSpace(MatchClaim) ? MatchBy == SingleSignOnMatch.Email ? "email" : "preferred_username" : MatchClaim.Trim();

    /// <summary>The name on the button in the reader's language.</summary>
    public string DisplayNameFor(System.Globalization.CultureInfo culture) =>
        culture?.TwoLetterISOLanguageName == "en" && !string.IsNullOrWhiteSpace(DisplayNameEn) ? DisplayNameEn : DisplayName;
}

/// <summary>Refuses, at start-up, an enabled provider that could not work or would be unsafe, naming the setting to fix.</summary>
public sealed class SingleSignOnOptionsValidator(IHostEnvironment environment) : IValidateOptions<SingleSignOnOptions>
{
    public ValidateOptionsResult Validate(string? name, SingleSignOnOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        const string S = SingleSignOnOptions.SectionName;
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Authority))
        {
            errors.Add($"{S}:Authority is required when single sign-on is enabled: the identity provider's issuer address (https://…).");
        }
        else if (!Uri.TryCreate(options.Authority.Trim(), UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{S}:Authority '{options.Authority}' is not an http(s) address.");
        }
        else
        {
            var loopback = authority.IsLoopback || (IPAddress.TryParse(authority.Host, out var ip) && IPAddress.IsLoopback(ip));
            if (authority.Scheme == Uri.UriSchemeHttp && options.RequireHttpsMetadata)
            {
                errors.Add($"{S}:Authority '{options.Authority}' is plain http: use https, or set {S}:RequireHttpsMetadata to false (refused in Production unless the provider is on loopback).");
            }

            if (!options.RequireHttpsMetadata && environment.IsProduction() && !loopback)
            {
                errors.Add($"{S}:RequireHttpsMetadata is false in Production for '{options.Authority}': the provider's keys and endpoints must come over https.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            errors.Add($"{S}:ClientId is required when single sign-on is enabled: the client id the provider registered for this application.");
        }

        if (string.IsNullOrWhiteSpace(options.DisplayName))
        {
            errors.Add($"{S}:DisplayName is required: the provider's name on the sign-in button.");
        }

        if (string.IsNullOrWhiteSpace(options.CallbackPath) || !options.CallbackPath.StartsWith('/'))
        {
            errors.Add($"{S}:CallbackPath '{options.CallbackPath}' must be a path starting with '/'.");
        }

        if (string.IsNullOrWhiteSpace(options.PostLogoutRedirectPath) || !options.PostLogoutRedirectPath.StartsWith('/'))
        {
            errors.Add($"{S}:PostLogoutRedirectPath '{options.PostLogoutRedirectPath}' must be a path starting with '/'.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
