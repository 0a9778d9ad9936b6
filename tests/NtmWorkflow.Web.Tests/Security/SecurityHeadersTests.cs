using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Infrastructure;
using NtmWorkflow.Testing;

namespace NtmWorkflow.Web.Tests.Security;

/// <summary>
/// Every response carries the security headers, and every page's policy forbids inline scripts: each page the app
/// declares (those without route parameters, and the demo dossier's pages) is read as the administrator, and its HTML
/// is checked to need no inline script, event handler attribute or style attribute, so the policy breaks nothing.
/// </summary>
public sealed partial class SecurityHeadersTests : AppTestHost
{
    private Guid _dossier;

    protected override async Task SeedAsync()
    {
        _dossier = await DossierSeeds.OpenAsync(App.Services, "xa.lan", "00700");
    }

    private static void AssertHeaders(HttpResponseMessage response, string what, string policy)
    {
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp), $"{what}: no Content-Security-Policy");
        Assert.Equal(policy, Assert.Single(csp));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Contains("camera=()", Assert.Single(response.Headers.GetValues("Permissions-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_policy_forbids_inline_scripts_framing_plugins_and_foreign_forms()
    {
        foreach (var policy in new[] { SecurityHeadersMiddleware.Policy, SecurityHeadersMiddleware.InlineStylesPolicy })
        {
            var directives = policy.Split(';', StringSplitOptions.TrimEntries).ToDictionary(d => d.Split(' ')[0], d => d);
            Assert.Equal("script-src 'self'", directives["script-src"]);
            Assert.Equal("default-src 'self'", directives["default-src"]);
            Assert.Equal("frame-ancestors 'none'", directives["frame-ancestors"]);
            Assert.Equal("object-src 'none'", directives["object-src"]);
            Assert.Equal("base-uri 'self'", directives["base-uri"]);
            Assert.Equal("form-action 'self'", directives["form-action"]);
        }

        Assert.DoesNotContain("unsafe", SecurityHeadersMiddleware.Policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_page_carries_the_headers_and_has_no_inline_script_or_style()
    {
        var dossier = _dossier;
        var pages = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null && e.RoutePattern.Parameters.Count == 0)
            .Select(e => "/" + e.RoutePattern.RawText?.TrimStart('/'))
            // Steps of a flow, not pages to read: sign-out, and single sign-on's start and return (SingleSignOnTests).
            .Where(p => p is not "/account/sign-out" and not "/Account/SignOut" and not "/account/sign-in/external")
            .Append($"/dossiers/{dossier}").Append($"/dossiers/{dossier}/self-assessment").Append("/admin/workflows/ntm-village")
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        Assert.Contains("/inbox", pages);

        // Read as the administrator, except the pages of another role and those that need a query.
        using var admin = await SignedInAsync("admin");
        using var lan = await SignedInAsync("xa.lan");
        using var hoa = await SignedInAsync("so.hoa");
        var failures = new List<string>();
        foreach (var page in pages)
        {
            var (client, url) = page switch
            {
                "/department" => (hoa, page),
                "/council/members" => (admin, page + "?province=08"),
                _ when page.EndsWith("/self-assessment", StringComparison.Ordinal) => (lan, page),
                _ => (admin, page),
            };
            using var response = await client.GetAsync(url);
            var html = await response.Content.ReadAsStringAsync();
            var inlineStyles = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                .Any(e => e.Metadata.GetMetadata<AllowsInlineStylesAttribute>() is not null && Matches(e, page));
            AssertHeaders(response, page, inlineStyles ? SecurityHeadersMiddleware.InlineStylesPolicy : SecurityHeadersMiddleware.Policy);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                failures.Add($"{page}: {(int)response.StatusCode}");
            }

            failures.AddRange(InlineScript().Matches(html).Select(m => $"{page}: inline script {m.Value}"));
            failures.AddRange(EventHandler().Matches(html).Select(m => $"{page}: event handler attribute {m.Value}"));
            failures.AddRange(StyleAttribute().Matches(html).Select(m => $"{page}: style {m.Value}"));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task The_bundle_pages_alone_allow_inline_styles_and_scalar_has_its_own_policy()
    {
        var dossier = _dossier;
        using var official = await SignedInAsync("admin");
        AssertHeaders(await official.GetAsync($"/dossiers/{dossier}"), "dossier", SecurityHeadersMiddleware.InlineStylesPolicy);
        AssertHeaders(await official.GetAsync("/inbox"), "inbox", SecurityHeadersMiddleware.Policy);

        using var anonymous = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        AssertHeaders(await anonymous.GetAsync("/scalar/v1"), "scalar", SecurityHeadersMiddleware.ScalarPolicy);
        AssertHeaders(await anonymous.GetAsync("/css/site.css"), "static file", SecurityHeadersMiddleware.Policy);
        AssertHeaders(await anonymous.GetAsync("/health/live"), "probe", SecurityHeadersMiddleware.Policy);
        AssertHeaders(await anonymous.GetAsync("/no/such/page"), "not found page", SecurityHeadersMiddleware.Policy);
        AssertHeaders(await anonymous.GetAsync("/api/definitions"), "API refusal", SecurityHeadersMiddleware.Policy);
        AssertHeaders(await Client.GetAsync("/api/definitions"), "API", SecurityHeadersMiddleware.Policy);

        // HSTS is for production (UseHsts outside Development) and for HTTPS only: the test host is neither.
        Assert.False((await anonymous.GetAsync("/account/sign-in")).Headers.Contains("Strict-Transport-Security"));
    }

    private static bool Matches(RouteEndpoint endpoint, string path)
    {
        var matcher = new Microsoft.AspNetCore.Routing.Template.TemplateMatcher(
            Microsoft.AspNetCore.Routing.Template.TemplateParser.Parse(endpoint.RoutePattern.RawText!.TrimStart('/')), new RouteValueDictionary());
        var values = new RouteValueDictionary();
        if (!matcher.TryMatch(path, values))
        {
            return false;
        }

        // The template matcher ignores constraints: /admin/instances/migrate is no {id:guid}.
        return endpoint.RoutePattern.Parameters.All(p => p.ParameterPolicies.All(policy => policy.Content switch
        {
            "guid" => Guid.TryParse(values[p.Name]?.ToString(), out _),
            "int" => int.TryParse(values[p.Name]?.ToString(), System.Globalization.CultureInfo.InvariantCulture, out _),
            _ => true,
        }));
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"<[^>]+\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandler();

    [GeneratedRegex(@"<[^>]+\sstyle\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();
}
