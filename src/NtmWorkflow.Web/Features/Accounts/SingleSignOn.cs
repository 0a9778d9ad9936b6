using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Accounts;

/// <summary>Why a sign-in through the provider was refused (or that it succeeded); the sign-in page explains each.</summary>
public enum SingleSignOnOutcome
{
    SignedIn,

    /// <summary>The provider's identity matches no account: an administrator creates the account first.</summary>
    Unknown,

    /// <summary>More than one account has the matching value (two accounts sharing an email).</summary>
    Ambiguous,

    /// <summary>The account is already linked to another identity at this provider.</summary>
    LinkedElsewhere,

    /// <summary>The provider sent no subject or no value for the matching claim.</summary>
    MissingClaim,

    /// <summary>The provider says the email is not verified.</summary>
    UnverifiedEmail,

    /// <summary>The account is locked (by an administrator, or after failed passwords).</summary>
    LockedOut,

    /// <summary>An administrator's account: it signs in locally (<see cref="SingleSignOnOptions.AllowAdministrators"/>).</summary>
    Administrator,

    /// <summary>The provider refused or the answer could not be checked (cancelled, expired, bad state).</summary>
    Failed,
}

/// <summary>
/// Signs an official in with the identity the province's provider vouched for: the account linked to the provider's
/// issuer and subject, or on the first sign-in the one account whose email (or user name) equals the configured claim,
/// which is then linked (AspNetUserLogins: issuer, subject). No account is ever created here. The sign-in is Identity's
/// own (same cookie, claims and security stamp as a password sign-in) and audited like one.
/// </summary>
public sealed class SingleSignOn(
    UserManager<AppUser> users, SignInManager<AppUser> signIn, AppDbContext db, IOptions<SingleSignOnOptions> options, IOptionsMonitor<OpenIdConnectOptions> provider,
    TimeProvider clock, ILogger<SingleSignOn> logger)
{
    /// <summary>The subject claim as the provider sends it (inbound claims are not renamed).</summary>
    public const string SubjectClaim = "sub";

    /// <summary>The item of the external sign-in's properties that holds the provider's ID token, for the app's cookie.</summary>
    public const string IdTokenItem = ".sso.idToken";

    /// <summary>The name of the provider's ID token in the app's cookie: the hint its end-session endpoint asks for at sign-out.</summary>
    public const string IdTokenName = "id_token";

    public async Task<SingleSignOnOutcome> SignInAsync(ClaimsPrincipal external, string? idToken, string? address, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(external);
        var settings = options.Value;
        var subject = external.FindFirst(SubjectClaim) ?? external.FindFirst(ClaimTypes.NameIdentifier);
        var issuer = subject?.Issuer ?? "";
        var claim = settings.EffectiveMatchClaim;
        var value = external.FindFirst(claim)?.Value?.Trim();
        if (subject is null || string.IsNullOrEmpty(subject.Value))
        {
            return await RefuseAsync(SingleSignOnOutcome.MissingClaim, null, issuer, "", value, ct);
        }

        var user = await users.FindByLoginAsync(issuer, subject.Value);
        var link = false;
        if (user is null)
        {
            if (string.IsNullOrEmpty(value))
            {
                return await RefuseAsync(SingleSignOnOutcome.MissingClaim, null, issuer, subject.Value, value, ct);
            }

            if (settings.MatchBy == SingleSignOnMatch.Email && external.FindFirst("email_verified")?.Value is { } verified
                && string.Equals(verified, "false", StringComparison.OrdinalIgnoreCase))
            {
                return await RefuseAsync(SingleSignOnOutcome.UnverifiedEmail, null, issuer, subject.Value, value, ct);
            }

            // Not FindByEmailAsync: emails need not be unique (Identity:User:RequireUniqueEmail is off), and two matches are refused.
            var normalized = settings.MatchBy == SingleSignOnMatch.Email ? users.NormalizeEmail(value) : users.NormalizeName(value);
            var candidates = settings.MatchBy == SingleSignOnMatch.Email
                ? await users.Users.Where(u => u.NormalizedEmail == normalized).Take(2).ToListAsync(ct)
                : await users.Users.Where(u => u.NormalizedUserName == normalized).Take(2).ToListAsync(ct);
            if (candidates.Count != 1)
            {
                return await RefuseAsync(candidates.Count == 0 ? SingleSignOnOutcome.Unknown : SingleSignOnOutcome.Ambiguous, null, issuer, subject.Value, value, ct);
            }

            user = candidates[0];
            if ((await users.GetLoginsAsync(user)).Any(l => l.LoginProvider == issuer))
            {
                return await RefuseAsync(SingleSignOnOutcome.LinkedElsewhere, user, issuer, subject.Value, value, ct);
            }

            link = true;
        }

        if (await users.IsLockedOutAsync(user) || !await signIn.CanSignInAsync(user))
        {
            return await RefuseAsync(SingleSignOnOutcome.LockedOut, user, issuer, subject.Value, value, ct);
        }

        if (!settings.AllowAdministrators && await IsAdministratorAsync(user, ct))
        {
            return await RefuseAsync(SingleSignOnOutcome.Administrator, user, issuer, subject.Value, value, ct);
        }

        if (link)
        {
            AuditTrail.Record(db, user.UserName!, "account.externalLoginLinked", $"user/{user.UserName}", new { issuer, subject = subject.Value, claim, value });
            var linked = await users.AddLoginAsync(user, new UserLoginInfo(issuer, subject.Value, settings.DisplayName));
            if (!linked.Succeeded)
            {
                throw new InvalidOperationException($"Could not link {user.UserName} to {issuer}: {string.Join("; ", linked.Errors.Select(e => e.Description))}");
            }
        }

        // The ID token rides in the app's cookie (protected like the rest of it) for the sign-out at the provider; nothing else of the provider's is kept.
        var properties = new AuthenticationProperties { IsPersistent = false };
        if (!string.IsNullOrEmpty(idToken))
        {
            properties.StoreTokens([new AuthenticationToken { Name = IdTokenName, Value = idToken }]);
        }

        await signIn.SignInAsync(user, properties, SingleSignOnOptions.Scheme);
        AuditTrail.Record(db, user.UserName!, "account.signedIn", $"user/{user.UserName}", new { method = "sso", issuer, subject = subject.Value, address });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("{UserName} signed in through {Issuer}", user.UserName, issuer);
        return SingleSignOnOutcome.SignedIn;
    }

    /// <summary>
    /// Where to send the browser after the app's own sign-out to end the session at the provider too (RP-initiated
    /// logout: its <c>end_session_endpoint</c> with <c>id_token_hint</c>, <c>client_id</c> and <c>post_logout_redirect_uri</c>
    /// = <paramref name="origin"/> + <see cref="SingleSignOnOptions.PostLogoutRedirectPath"/>); null when the sign-in was
    /// local (no ID token), the setting is off, or the provider advertises no such endpoint or cannot be reached.
    /// </summary>
    public async Task<string?> EndSessionUrlAsync(string? idToken, string origin, CancellationToken ct)
    {
        var settings = options.Value;
        if (!settings.Enabled || !settings.SignOutAtProvider || string.IsNullOrEmpty(idToken) || provider.Get(SingleSignOnOptions.Scheme) is not { ConfigurationManager: { } metadata } oidc)
        {
            return null;
        }

        Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await metadata.GetConfigurationAsync(ct);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException)
        {
            // The app's sign-out has happened already; the provider's session is left to expire on its own.
            logger.LogWarning(e, "The provider's metadata could not be read: signed out of the app only");
            return null;
        }

        if (string.IsNullOrEmpty(configuration.EndSessionEndpoint))
        {
            return null;
        }

        return new Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectMessage
        {
            IssuerAddress = configuration.EndSessionEndpoint,
            IdTokenHint = idToken,
            ClientId = oidc.ClientId,
            PostLogoutRedirectUri = origin.TrimEnd('/') + settings.PostLogoutRedirectPath,
        }.CreateLogoutRequestUrl();
    }

    /// <summary>Audits a refusal that happened before the app saw an identity (the provider refused, or its answer did not check).</summary>
    public async Task RecordFailureAsync(string reason, string? address, CancellationToken ct)
    {
        AuditTrail.Record(db, "sso", "account.signInFailed", "sso", new { method = "sso", outcome = nameof(SingleSignOnOutcome.Failed), reason, address });
        await db.SaveChangesAsync(ct);
    }

    private async Task<bool> IsAdministratorAsync(AppUser user, CancellationToken ct)
    {
        if (await users.IsInRoleAsync(user, Roles.Administrator))
        {
            return true;
        }

        var today = NtmWorkflow.Engine.Calendar.VietnamTime.VietnamDate(clock.GetUtcNow());
        return await db.RoleAssignments.AsNoTracking()
            .AnyAsync(a => a.UserId == user.Id && a.Role == Roles.Administrator && a.ValidFrom <= today && (a.ValidTo == null || a.ValidTo >= today), ct);
    }

    private async Task<SingleSignOnOutcome> RefuseAsync(SingleSignOnOutcome outcome, AppUser? user, string issuer, string subject, string? value, CancellationToken ct)
    {
        var actor = user?.UserName ?? $"sso:{value ?? subject}";
        AuditTrail.Record(db, actor, "account.signInFailed", user is null ? $"sso/{issuer}" : $"user/{user.UserName}",
            new { method = "sso", outcome = outcome.ToString(), issuer, subject, claim = options.Value.EffectiveMatchClaim, value });
        await db.SaveChangesAsync(ct);
        logger.LogWarning("Single sign-on refused ({Outcome}) for {Subject} at {Issuer} ({Claim} = {Value})", outcome, subject, issuer, options.Value.EffectiveMatchClaim, value);
        return outcome;
    }
}

/// <summary>Registers the provider when <c>Authentication:Oidc:Enabled</c> is true; without it the app is unchanged.</summary>
public static class SingleSignOnRegistration
{
    public static WebApplicationBuilder AddSingleSignOn(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SingleSignOnOptions>().BindConfiguration(SingleSignOnOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SingleSignOnOptions>, SingleSignOnOptionsValidator>();
        builder.Services.AddScoped<SingleSignOn>();
        var section = builder.Configuration.GetSection(SingleSignOnOptions.SectionName);
        if (!section.GetValue<bool>(nameof(SingleSignOnOptions.Enabled)))
        {
            return builder;
        }

        builder.Services.AddAuthentication().AddOpenIdConnect(SingleSignOnOptions.Scheme, options =>
        {
            // The values are read (and checked, at start-up) from SingleSignOnOptions below; only the constants are here.
            options.SignInScheme = IdentityConstants.ExternalScheme;
            options.ResponseType = "code";
            options.UsePkce = true;
            // The provider's claim names as sent (sub, email, preferred_username), not renamed to .NET's URIs.
            options.MapInboundClaims = false;
            options.SaveTokens = false;
            options.Events.OnRedirectToIdentityProvider = context =>
            {
                // The provider's pages in the reader's language, where it has it.
                context.ProtocolMessage.UiLocales = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
                return Task.CompletedTask;
            };
            options.Events.OnTokenValidated = context =>
            {
                // Kept for the sign-in step only (ExternalSignIn moves it into the app's cookie): the hint for the sign-out at the provider.
                if (context.TokenEndpointResponse?.IdToken is { Length: > 0 } idToken && context.Properties is not null)
                {
                    context.Properties.Items[SingleSignOn.IdTokenItem] = idToken;
                }

                return Task.CompletedTask;
            };
            options.Events.OnRemoteFailure = async context =>
            {
                var sso = context.HttpContext.RequestServices.GetRequiredService<SingleSignOn>();
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger<SingleSignOn>()
                    .LogWarning(context.Failure, "Single sign-on failed at the provider's answer");
                await sso.RecordFailureAsync(context.Failure?.Message ?? "unknown", context.HttpContext.Connection.RemoteIpAddress?.ToString(), context.HttpContext.RequestAborted);
                context.Response.Redirect($"/account/sign-in?sso={SingleSignOnOutcome.Failed}");
                context.HandleResponse();
            };
        });
        builder.Services.AddOptions<OpenIdConnectOptions>(SingleSignOnOptions.Scheme).Configure<IOptions<SingleSignOnOptions>>((options, sso) =>
        {
            var settings = sso.Value;
            options.Authority = settings.Authority?.Trim();
            options.ClientId = settings.ClientId?.Trim();
            options.ClientSecret = string.IsNullOrWhiteSpace(settings.ClientSecret) ? null : settings.ClientSecret;
            options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            options.GetClaimsFromUserInfoEndpoint = settings.GetClaimsFromUserInfoEndpoint;
            options.CallbackPath = settings.CallbackPath;
            options.Scope.Clear();
            foreach (var scope in settings.EffectiveScopes)
            {
                options.Scope.Add(scope);
            }
        });
        return builder;
    }
}
