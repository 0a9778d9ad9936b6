using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace NtmWorkflow.Web.Tests.Settings;

/// <summary>
/// Who opens the settings pages: the national administrator and a province's administrator; anyone else signed in is
/// refused (403), and an anonymous visitor is sent to sign in. The settings index links every settings page, and the
/// layout's "Cài đặt" link is there for administrators only.
/// </summary>
public sealed class SettingsAccessTests : SettingsTestHost
{
    private static readonly string[] Pages =
    [
        "/admin/settings", "/admin/settings/parameters", "/admin/settings/calendar", "/admin/settings/mail-templates",
        "/admin/settings/mail-templates?key=task-due&language=vi", "/admin/settings/outbox",
    ];

    [Fact]
    public async Task Administrators_open_every_settings_page_and_other_officials_are_refused()
    {
        var failures = new List<string>();
        foreach (var (user, expected) in new[]
                 {
                     ("admin", HttpStatusCode.OK), ("qt.08", HttpStatusCode.OK), ("xa.lan", HttpStatusCode.Forbidden), ("vpdp", HttpStatusCode.Forbidden),
                     ("hd.hung", HttpStatusCode.Forbidden), ("ct.tinh", HttpStatusCode.Forbidden), ("so.hoa", HttpStatusCode.Forbidden),
                 })
        {
            using var client = await SignedInAsync(user);
            foreach (var page in Pages)
            {
                var status = (await client.GetAsync(page)).StatusCode;
                if (status != expected)
                {
                    failures.Add($"{page} as {user}: expected {(int)expected}, got {(int)status}");
                }
            }
        }

        using var anonymous = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var page in Pages)
        {
            var response = await anonymous.GetAsync(page);
            if (response.StatusCode != HttpStatusCode.Redirect || !response.Headers.Location!.OriginalString.Contains("/account/sign-in", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{page} anonymous: expected a redirect to sign in, got {(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task The_index_links_every_settings_page_and_the_layout_links_the_index_for_administrators_only()
    {
        using var mai = await SignedInAsync("admin");
        var index = await PageAsync(mai, "/admin/settings");
        foreach (var href in new[]
                 {
                     "/admin/settings/parameters", "/admin/settings/calendar", "/admin/settings/mail-templates", "/admin/settings/outbox",
                     "/admin/settings/users", "/admin/settings/criteria", "/admin/settings/digest", "/admin/workflows",
                 })
        {
            Assert.Contains($"href=\"{href}\"", index, StringComparison.Ordinal);
        }

        // Council members are per province: the national administrator picks one.
        Assert.Contains("action=\"/council/members\"", index, StringComparison.Ordinal);
        Assert.Contains("<option value=\"08\">Tỉnh Tuyên Quang (08)</option>", index, StringComparison.Ordinal);
        Assert.Contains("id=\"settings-link\" href=\"/admin/settings\">Cài đặt</a>", index, StringComparison.Ordinal);
        Assert.Contains("sửa được giá trị toàn quốc", index, StringComparison.Ordinal);

        using var province = await SignedInAsync("qt.08");
        var own = await PageAsync(province, "/admin/settings");
        Assert.Contains("href=\"/council/members?province=08\"", own, StringComparison.Ordinal);
        Assert.Contains("Anh/chị quản trị Tỉnh Tuyên Quang (08)", own, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await province.GetAsync("/council/members?province=08")).StatusCode);

        using var lan = await SignedInAsync("xa.lan");
        Assert.DoesNotContain("id=\"settings-link\"", await PageAsync(lan, "/inbox"), StringComparison.Ordinal);
        using var vpdp = await SignedInAsync("vpdp");
        Assert.DoesNotContain("id=\"settings-link\"", await PageAsync(vpdp, "/inbox"), StringComparison.Ordinal);
    }
}
