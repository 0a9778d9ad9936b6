using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Testing;

namespace NtmWorkflow.Web.Tests.Security;

/// <summary>
/// Antiforgery on every form. From the app's own route list and page models: every POST handler of every page
/// (<c>OnPost…</c>) refuses a post without the token (400), signed in; and every <c>&lt;form method="post"&gt;</c> the pages
/// render carries the token. The error page alone takes none (it also serves failed posts, re-executed).
/// </summary>
public sealed partial class AntiforgeryTests : AppTestHost
{
    private Guid _dossier;

    protected override async Task SeedAsync()
    {
        _dossier = await DossierSeeds.OpenAsync(App.Services, "xa.lan", "00700");
    }

    private List<(string Route, PageActionDescriptor Page)> Pages() =>
        App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Route: "/" + e.RoutePattern.RawText?.TrimStart('/'), Page: e.Metadata.GetMetadata<PageActionDescriptor>()))
            .Where(p => p.Page is not null).Select(p => (p.Route, p.Page!)).ToList();

    /// <summary>The page model of a page by the project's convention: Pages/A/B.cshtml → NtmWorkflow.Web.Pages.A.BModel.</summary>
    private static Type? ModelOf(PageActionDescriptor page) =>
        typeof(Program).Assembly.GetType("NtmWorkflow.Web" + page.RelativePath[..^".cshtml".Length].Replace('/', '.') + "Model");

    private string Sample(string route) => RouteParameter().Replace(route, m => m.Groups[1].Value switch
    {
        "id" or "taskId" => _dossier.ToString(),
        "userName" => "xa.lan",
        "processId" => "ntm-village",
        "code" => "xa-ntm-2021-2025",
        var other => other,
    });

    [Fact]
    public async Task Every_post_handler_of_every_page_refuses_a_post_without_the_token()
    {
        var handlers = new List<(string Route, string Handler)>();
        foreach (var (route, page) in Pages())
        {
            var model = ModelOf(page);
            Assert.True(model is not null, $"no page model found for {page.RelativePath}");
            foreach (var method in model!.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.Name.StartsWith("OnPost", StringComparison.Ordinal)))
            {
                var handler = method.Name["OnPost".Length..].Replace("Async", "", StringComparison.Ordinal);
                handlers.Add((route, handler));
            }
        }

        Assert.Contains(handlers, h => h.Route == "/account/sign-in");
        Assert.Contains(handlers, h => h.Route.StartsWith("/dossiers/{id:guid}/self-assessment", StringComparison.Ordinal) && h.Handler == "Document");
        using var admin = await SignedInAsync("admin");
        var failures = new List<string>();
        foreach (var (route, handler) in handlers.Distinct())
        {
            var url = Sample(route) + (handler.Length == 0 ? "" : $"?handler={handler}");
            using var response = await admin.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "1" }));
            var expected = route is "/Error" ? HttpStatusCode.OK : HttpStatusCode.BadRequest;
            if (response.StatusCode != expected)
            {
                failures.Add($"POST {url}: expected {(int)expected}, got {(int)response.StatusCode}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Every_post_form_the_pages_render_carries_the_token()
    {
        var pages = Pages().Where(p => !p.Route.Contains('{', StringComparison.Ordinal) && p.Route is not ("/account/sign-out" or "/Account/SignOut" or "/account/sign-in/external"))
            .Select(p => p.Route)
            .Concat([$"/dossiers/{_dossier}", $"/dossiers/{_dossier}/self-assessment", "/admin/workflows/ntm-village", "/admin/settings/users/xa.lan", "/admin/settings/criteria/xa-ntm-2021-2025"])
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        using var admin = await SignedInAsync("admin");
        using var lan = await SignedInAsync("xa.lan");
        using var hoa = await SignedInAsync("so.hoa");
        var forms = 0;
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
            var html = await client.GetStringAsync(url);
            foreach (Match form in PostForm().Matches(html))
            {
                forms++;
                if (!form.Value.Contains("name=\"__RequestVerificationToken\"", StringComparison.Ordinal))
                {
                    failures.Add($"{url}: {form.Value[..Math.Min(200, form.Value.Length)]}");
                }
            }
        }

        Assert.True(forms > 20, $"only {forms} forms found");
        Assert.True(failures.Count == 0, "Forms without the antiforgery token:\n" + string.Join("\n", failures));
    }

    [GeneratedRegex(@"\{([A-Za-z]+)(:[^}]*)?\??\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex(@"<form\b[^>]*method=""post""[^>]*>.*?</form>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex PostForm();
}
