using System.Net;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using NtmWorkflow.Web.Features.Accounts;

namespace NtmWorkflow.Web.Tests.Settings;

/// <summary>
/// The settings pages over HTTP on SQLite with the demo data: <c>admin</c> (Chị Mai) administers nationally, <c>qt.08</c>
/// administers Tuyên Quang (08) only; the demo's commune officer, coordination office and council members administer nothing.
/// </summary>
public abstract class SettingsTestHost : AppTestHost
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(new TextEncoderSettings(UnicodeRanges.All));

    /// <summary>Text as the pages write it (the app's encoder lets every letter through and escapes markup).</summary>
    protected static string Html(string text) => Encoder.Encode(text);

    protected override async Task SeedAsync()
    {
        await CreateOfficialAsync("qt.08", "province:08", Roles.Administrator);
        await SeedSettingsAsync();
    }

    /// <summary>What a test class adds after the province's administrator.</summary>
    protected virtual Task SeedSettingsAsync() => Task.CompletedTask;

    /// <summary>Posts a form of <paramref name="pageUrl"/> to <paramref name="action"/> as the browser does.</summary>
    protected static Task<HttpResponseMessage> PostAsync(HttpClient client, string pageUrl, string action, params (string Name, string Value)[] fields) =>
        PageForms.PostFormAsync(client, pageUrl, action, fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>Where a form's redirect leads (path and query, without the fragment).</summary>
    protected static string Location(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"expected a redirect, got {(int)response.StatusCode}");
        var location = response.Headers.Location!.OriginalString;
        var hash = location.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? location : location[..hash];
    }

    /// <summary>The page a form's redirect leads to, as text.</summary>
    protected static async Task<string> FollowAsync(HttpClient client, HttpResponseMessage response) => await PageAsync(client, Location(response));

    /// <summary>A page that must answer 200, as text.</summary>
    protected static async Task<string> PageAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 2000)]}");
        return text;
    }

    /// <summary>A form's answer rendered on the spot (a refusal shows the page with what was typed), as text.</summary>
    protected static async Task<string> RenderedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected the page again, got {(int)response.StatusCode} {text[..Math.Min(text.Length, 2000)]}");
        return text;
    }
}
