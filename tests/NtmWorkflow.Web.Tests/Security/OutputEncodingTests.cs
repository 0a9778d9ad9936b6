using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Testing;

namespace NtmWorkflow.Web.Tests.Security;

/// <summary>
/// Hostile text typed into the fields officials fill (an indicator's note, an evidence reference's name, a document's
/// file name, a person's full name) is shown encoded on the pages that show it: no tag, no event handler, and no template
/// syntax evaluated (Liquid- or Razor-looking text stays text).
/// </summary>
public sealed class OutputEncodingTests : AppTestHost
{
    private const string Script = "<script>alert(1)</script>";
    private const string Image = "\"><img src=x onerror=alert(2)>";
    private const string Template = "{{ 7777 | times: 3 }}{% if true %}liquid{% endif %}@(6666+1)@Html.Raw(\"x\")";
    private const string Hostile = Script + Image + Template;
    private Guid _dossier;

    protected override async Task SeedAsync()
    {
        _dossier = await DossierSeeds.OpenAsync(App.Services, "xa.lan", "00700");
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var created = await users.CreateAsync(new AppUser { UserName = "xss.user", FullName = Hostile, Email = "xss.user@test.ntmworkflow.local" }, "NtmDemo@2026");
        Assert.True(created.Succeeded);
    }

    private static void AssertEncoded(string html, string where, bool shown = true)
    {
        Assert.False(html.Contains(Script, StringComparison.OrdinalIgnoreCase), $"{where}: the script tag is raw");
        Assert.False(html.Contains("<img src=x", StringComparison.OrdinalIgnoreCase), $"{where}: the img tag is raw");
        Assert.False(html.Contains("23331", StringComparison.Ordinal) || html.Contains("6667", StringComparison.Ordinal), $"{where}: template text was evaluated");
        Assert.True(!shown || html.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", StringComparison.Ordinal), $"{where}: the hostile text is not shown (encoded)");
        Assert.True(!shown || html.Contains("&lt;img src=x onerror=alert(2)&gt;", StringComparison.Ordinal), $"{where}: the img text is not shown (encoded)");
    }

    [Fact]
    public async Task A_note_an_evidence_name_and_a_file_name_are_shown_encoded_on_the_dossier_pages()
    {
        await OkAsync("xa.lan", HttpMethod.Put, $"/api/dossiers/{_dossier}/indicators/1.1", new { value = true, met = true, note = Hostile });
        await OkAsync("xa.lan", HttpMethod.Post, $"/api/dossiers/{_dossier}/indicators/1.1/evidence", new { name = Hostile, uri = "https://example.org/a.pdf" });
        var pdf = new byte[200];
        "%PDF-1.7\n"u8.CopyTo(pdf);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/dossiers/{_dossier}/documents?fileName={Uri.EscapeDataString(Image + Template + ".pdf")}&indicator=1.1")
        {
            Content = new ByteArrayContent(pdf) { Headers = { ContentType = new MediaTypeHeaderValue("application/pdf") } },
        };
        request.Headers.Add("X-Acting-User", "xa.lan");
        var uploaded = await Client.SendAsync(request);
        Assert.True(uploaded.StatusCode == HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync());

        using var lan = await SignedInAsync("xa.lan");
        // The self-assessment page shows the note and the reference, encoded; the dossier page the file, whose name the
        // store already cleaned of < > " (shown as _), and its history: nothing raw there either.
        AssertEncoded(await lan.GetStringAsync($"/dossiers/{_dossier}/self-assessment"), "self-assessment");
        var dossierPage = await lan.GetStringAsync($"/dossiers/{_dossier}");
        AssertEncoded(dossierPage, "dossier", shown: false);
        Assert.Contains("___img src=x onerror=alert(2)_", dossierPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_name_is_shown_encoded_on_the_users_pages()
    {
        using var admin = await SignedInAsync("admin");
        AssertEncoded(await admin.GetStringAsync("/admin/settings/users?search=xss"), "users list");
        AssertEncoded(await admin.GetStringAsync("/admin/settings/users/xss.user"), "user page");
    }
}
