using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace NtmWorkflow.Web.Tests.Accounts;

/// <summary>
/// A small OpenID Connect provider (OpenIddict) on Kestrel, 127.0.0.1 and a free port: authorization code flow with
/// PKCE required, one registered client with its secret and redirect address, ephemeral keys, no database (OpenIddict's
/// degraded mode, with the client checks below). The person at its authorization endpoint "signs in and consents"
/// at once as <see cref="NextUser"/>. Used as a class fixture: one provider for a test class.
/// </summary>
public sealed class LoopbackOpenIdProvider : IAsyncLifetime
{
    public const string ClientId = "ntmworkflow-test";
    public const string ClientSecret = "loopback-provider-client-secret";

    /// <summary>The redirect address the client registered: the app under test, as its test client reaches it.</summary>
    public const string RedirectUri = "https://localhost/signin-oidc";

    private WebApplication? _app;

    /// <summary>The provider's issuer (http://127.0.0.1:PORT/).</summary>
    public Uri Issuer { get; private set; } = null!;

    /// <summary>The app's settings for signing in through this provider (plain http is allowed: loopback, outside Production).</summary>
    public void Enable(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Authentication:Oidc:Enabled"] = "true";
        settings["Authentication:Oidc:Authority"] = Issuer.ToString();
        settings["Authentication:Oidc:ClientId"] = ClientId;
        settings["Authentication:Oidc:ClientSecret"] = ClientSecret;
        settings["Authentication:Oidc:RequireHttpsMetadata"] = "false";
    }

    /// <summary>Who signs in at the provider next: subject and claims.</summary>
    public ProviderUser NextUser { get; set; } = new("subject-1", "someone@example.org", "someone", "Someone");

    /// <summary>The authorization requests the provider answered, as received (to check PKCE and the scopes).</summary>
    public List<OpenIddictRequest> AuthorizationRequests { get; } = [];

    /// <summary>The token requests the provider answered (the app's back channel reached it).</summary>
    public int TokenRequests { get; private set; }

    /// <summary>The userinfo requests the provider answered.</summary>
    public int UserInfoRequests { get; private set; }

    /// <summary>The end-session (RP-initiated logout) requests the provider answered, as received.</summary>
    public List<OpenIddictRequest> EndSessionRequests { get; } = [];

    /// <summary>The address the client registered for the browser's return after signing out at the provider.</summary>
    public const string PostLogoutRedirectUri = "https://localhost/account/sign-in";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddOpenIddict().AddServer(server =>
        {
            server.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token")
                .SetUserInfoEndpointUris("connect/userinfo").SetEndSessionEndpointUris("connect/logout");
            server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email);
            server.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            server.EnableDegradedMode();
            server.UseAspNetCore().EnableAuthorizationEndpointPassthrough().EnableTokenEndpointPassthrough()
                .EnableUserInfoEndpointPassthrough().EnableEndSessionEndpointPassthrough().DisableTransportSecurityRequirement();
            // Degraded mode has no client store: these handlers are the client registration.
            server.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId)
                {
                    context.Reject(Errors.InvalidClient, "Unknown client.");
                }
                else if (context.RedirectUri != RedirectUri)
                {
                    context.Reject(Errors.InvalidRequest, "The redirect_uri is not registered.");
                }

                return default;
            }));
            server.AddEventHandler<OpenIddictServerEvents.ValidateEndSessionRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.PostLogoutRedirectUri is not null && context.PostLogoutRedirectUri != PostLogoutRedirectUri)
                {
                    context.Reject(Errors.InvalidRequest, "The post_logout_redirect_uri is not registered.");
                }

                return default;
            }));
            server.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || context.ClientSecret != ClientSecret)
                {
                    context.Reject(Errors.InvalidClient, "Bad client credentials.");
                }

                return default;
            }));
        });
        _app = builder.Build();
        _app.MapMethods("/connect/authorize", ["GET", "POST"], (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
            AuthorizationRequests.Add(request);
            var user = NextUser;
            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.AddClaim(new Claim(Claims.Subject, user.Subject));
            identity.AddClaim(new Claim(Claims.Name, user.Name));
            if (user.Email is not null)
            {
                identity.AddClaim(new Claim(Claims.Email, user.Email));
                identity.AddClaim(new Claim(Claims.EmailVerified, user.EmailVerified ? "true" : "false", ClaimValueTypes.Boolean));
            }

            if (user.PreferredUserName is not null)
            {
                identity.AddClaim(new Claim(Claims.PreferredUsername, user.PreferredUserName));
            }

            identity.SetScopes(request.GetScopes());
            // A provider that keeps the email out of the ID token gives it at its userinfo endpoint only (from the access token).
            identity.SetDestinations(claim => !user.EmailInIdToken && claim.Type is Claims.Email or Claims.EmailVerified
                ? [Destinations.AccessToken] : [Destinations.AccessToken, Destinations.IdentityToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        _app.MapPost("/connect/token", async (HttpContext http) =>
        {
            TokenRequests++;
            // The code's principal (OpenIddict has checked the code, the client, the redirect address and the PKCE verifier).
            var code = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            return code.Principal is null
                ? Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme])
                : Results.SignIn(code.Principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        _app.MapMethods("/connect/userinfo", ["GET", "POST"], async (HttpContext http) =>
        {
            UserInfoRequests++;
            // The access token's principal (OpenIddict has checked the token).
            var token = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            if (token.Principal is null)
            {
                return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            var claims = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var type in new[] { Claims.Subject, Claims.Name, Claims.Email, Claims.PreferredUsername })
            {
                if (token.Principal.FindFirst(type)?.Value is { } value)
                {
                    claims[type] = value;
                }
            }

            return Results.Ok(claims);
        });
        _app.MapMethods("/connect/logout", ["GET", "POST"], (HttpContext http) =>
        {
            EndSessionRequests.Add(http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request."));
            // OpenIddict sends the browser back to the validated post_logout_redirect_uri.
            return Results.SignOut(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Issuer = new Uri(address.TrimEnd('/') + "/");
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(Issuer.Host)), $"The provider listens on {Issuer}, not loopback.");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>A person at the provider: subject, email (verified or not; in the ID token or at the userinfo endpoint only), preferred user name, name.</summary>
public sealed record ProviderUser(string Subject, string? Email, string? PreferredUserName, string Name, bool EmailVerified = true, bool EmailInIdToken = true);
