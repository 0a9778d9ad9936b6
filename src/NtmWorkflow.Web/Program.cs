using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.WebEncoders;
using NtmWorkflow.Web;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Calendar;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Designer;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Evidence;
using NtmWorkflow.Web.Features.LegalParameters;
using NtmWorkflow.Web.Features.Monitor;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Workflows;
using Scalar.AspNetCore;
using NtmWorkflow.Web.Infrastructure;
using NtmWorkflow.Web.Infrastructure.Health;
using NtmWorkflow.Web.Infrastructure.Localization;
using NtmWorkflow.Web.Persistence;

var builder = WebApplication.CreateBuilder(args);

// First, so migrations run before any other hosted service (data protection reads its keys at start).
builder.Services.AddHostedService<StartupInitializer>();
builder.AddNtmWorkflow();
builder.AddWorkflowBackgroundServices();
builder.AddHealth();
builder.AddUiLocalization();
builder.AddRateLimits();

builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
new IdentityBuilder(typeof(AppUser), typeof(IdentityRole), builder.Services).AddSignInManager();
builder.Services.ConfigureApplicationCookie(o =>
{
    o.LoginPath = "/account/sign-in";
    o.LogoutPath = "/account/sign-out";
    o.AccessDeniedPath = "/account/denied";
    o.Cookie.Name = "ntm.auth";
    // Not readable by scripts; sent on top-level navigation from other sites (a link in a mail) but not on their
    // sub-requests or form posts; Secure whenever the request came over HTTPS, so local http still signs in.
    o.Cookie.HttpOnly = true;
    o.Cookie.SameSite = SameSiteMode.Lax;
    o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
    o.SlidingExpiration = true;
    o.ExpireTimeSpan = TimeSpan.FromHours(8);
});
// Sign-in sessions keep real time even when a rehearsal fast-forwards the app's clock (Clock section).
builder.Services.PostConfigureAll<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(o => o.TimeProvider = TimeProvider.System);
builder.Services.PostConfigure<SecurityStampValidatorOptions>(o => o.TimeProvider = TimeProvider.System);
// Sign-in through the province's OpenID Connect provider, when Authentication:Oidc:Enabled (local accounts remain).
builder.AddSingleSignOn();
builder.Services.AddAuthorization();
// The antiforgery cookie only ever goes back to this app's own forms: Strict.
builder.Services.AddAntiforgery(o =>
{
    o.Cookie.Name = "ntm.antiforgery";
    o.Cookie.HttpOnly = true;
    o.Cookie.SameSite = SameSiteMode.Strict;
    o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
});
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<NtmWorkflow.Web.Infrastructure.ProblemDetailsExceptionHandler>();
builder.Services.AddOpenApi();
// Bad request bodies throw in every environment, so the API's answer says what was wrong with them.
builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
// Vietnamese text is served as characters, not numeric entities: smaller pages, readable source.
builder.Services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
builder.Services.AddRazorPages(o => o.Conventions.AddPageRoute("/Account/SignIn", "/account/sign-in"))
    .AddViewLocalization()
    .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(SharedResource)));

var app = builder.Build();

// First, so every response carries them: pages, API, static files and error pages.
app.UseMiddleware<NtmWorkflow.Web.Infrastructure.SecurityHeadersMiddleware>();
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}

// The API answers errors with ProblemDetails; pages with the /Error page.
app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api =>
{
    api.UseExceptionHandler();
    api.UseStatusCodePages();
});
app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api"), pages =>
{
    pages.UseExceptionHandler("/Error");
    pages.UseStatusCodePagesWithReExecute("/Error", "?status={0}");
});
app.UseRequestLocalization();
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.UseMiddleware<NtmWorkflow.Web.Infrastructure.ApiCallerMiddleware>();
// After authentication and the API caller check: the uploads limit counts per signed-in or acting official.
app.UseRateLimiter();

app.MapHealth();
app.MapOpenApi();
// Scalar's fonts come from a CDN the content security policy refuses: the page uses the system's fonts.
app.MapScalarApiReference(o => o.DisableDefaultFonts());
app.MapWorkflowApi();
app.MapCalendarApi();
app.MapCriteriaApi();
app.MapLegalParameterApi();
app.MapOrganisationApi();
app.MapDossierApi();
app.MapCouncilApi();
app.MapDesignerApi();
app.MapInstanceMigrationApi();
app.MapEvidencePages();
app.MapNotificationsApi();
app.MapCultureSwitch();
app.MapRazorPages();

app.Run();

/// <summary>The web app's entry point; public so tests can host it.</summary>
public partial class Program;
