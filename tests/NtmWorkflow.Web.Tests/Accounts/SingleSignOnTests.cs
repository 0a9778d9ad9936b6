using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Accounts;
using OpenIddict.Abstractions;

namespace NtmWorkflow.Web.Tests.Accounts;

/// <summary>
/// Single sign-on against a real OpenID provider on loopback (<see cref="LoopbackOpenIdProvider"/>): the sign-in page's
/// button, the provider's authorization and form-post answer, the app's back channel to its token endpoint, and the
/// app's mapping of the identity to an account, driven through HTTP as a browser would.
/// </summary>
public sealed partial class SingleSignOnTests(LoopbackOpenIdProvider provider) : AppTestHost, IClassFixture<LoopbackOpenIdProvider>
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        provider.Enable(settings);
        settings["Authentication:Oidc:DisplayName"] = "Cổng xác thực tỉnh Tuyên Quang";
        settings["Authentication:Oidc:DisplayNameEn"] = "Tuyên Quang sign-on";
    }

    [Fact]
    public async Task A_mapped_official_lands_on_the_inbox_signed_in_as_themselves_and_later_by_subject_alone()
    {
        // The email as the provider spells it differs in case from the account's (xa.lan@demo.ntmworkflow.local).
        provider.NextUser = new ProviderUser("tq-0001", "Xa.Lan@Demo.NtmWorkflow.LOCAL", "lan.nguyen", "Nguyễn Thị Lan");
        using var browser = Browser();
        var landed = await SignInThroughProviderAsync(browser, "/inbox");
        Assert.Equal("/inbox", landed);

        var inbox = await browser.GetAsync("/inbox");
        Assert.Equal(HttpStatusCode.OK, inbox.StatusCode);
        Assert.Contains("Xin chào, Nguyễn Thị Lan", await browser.GetStringAsync("/"), StringComparison.Ordinal);
        var request = provider.AuthorizationRequests[^1];
        Assert.Equal("S256", request.CodeChallengeMethod);
        Assert.False(string.IsNullOrEmpty(request.CodeChallenge));
        Assert.Equal(new[] { "email", "openid", "profile" }, request.GetScopes().Order(StringComparer.Ordinal).ToArray());
        Assert.True(provider.TokenRequests > 0, "The app's back channel never reached the provider's token endpoint.");

        // The first sign-in linked the account to the provider's issuer and subject, and was audited like a local one.
        var (logins, audit) = await QueryAsync(async db => (
            await db.UserLogins.AsNoTracking().Join(db.Users, l => l.UserId, u => u.Id, (l, u) => new { u.UserName, l.LoginProvider, l.ProviderKey }).ToListAsync(),
            await db.AuditEntries.AsNoTracking().Where(a => a.Actor == "xa.lan").OrderBy(a => a.Sequence).Select(a => new { a.Action, a.Detail }).ToListAsync()));
        var login = Assert.Single(logins);
        Assert.Equal(("xa.lan", provider.Issuer.ToString(), "tq-0001"), (login.UserName, login.LoginProvider, login.ProviderKey));
        Assert.Contains(audit, a => a.Action == "account.externalLoginLinked");
        Assert.Contains(audit, a => a.Action == "account.signedIn" && a.Detail.Contains("\"method\":\"sso\"", StringComparison.Ordinal));

        // Later the provider sends another email for the same person: the subject finds the account.
        provider.NextUser = provider.NextUser with { Email = "lan.nguyen@tuyenquang.example" };
        using var again = Browser();
        Assert.Equal("/", await SignInThroughProviderAsync(again, null));
        Assert.Contains("Xin chào, Nguyễn Thị Lan", await again.GetStringAsync("/"), StringComparison.Ordinal);

        // The administrator sees the link on the user's page and removes it (audited); the next sign-in matches by email again.
        using var admin = await SignedInAsync("admin");
        var userPage = WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/settings/users/xa.lan"));
        Assert.Contains("Liên kết với Cổng xác thực tỉnh Tuyên Quang (mã định danh tq-0001)", userPage, StringComparison.Ordinal);
        var unlinked = await PageForms.PostFormAsync(admin, "/admin/settings/users/xa.lan", "/admin/settings/users/xa.lan?handler=Unlink",
            new Dictionary<string, string> { ["loginProvider"] = provider.Issuer.ToString(), ["providerKey"] = "tq-0001" });
        Assert.Equal(HttpStatusCode.Redirect, unlinked.StatusCode);
        Assert.Equal(0, await QueryAsync(db => db.UserLogins.CountAsync()));
        Assert.True(await QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "user.externalLoginRemoved" && a.Actor == "admin")));
        Assert.Contains("Chưa liên kết", WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/settings/users/xa.lan")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_identity_is_refused_with_a_message_in_both_languages_and_no_account_is_created()
    {
        var before = await QueryAsync(db => db.Users.CountAsync());
        provider.NextUser = new ProviderUser("tq-9999", "nobody@tuyenquang.example", "nobody", "Người Lạ");
        using var browser = Browser();
        var landed = await SignInThroughProviderAsync(browser, "/inbox");
        Assert.Equal("/account/sign-in?sso=Unknown&ReturnUrl=%2Finbox", landed);

        var page = WebUtility.HtmlDecode(await browser.GetStringAsync(landed));
        Assert.Contains("Danh tính bạn vừa xác thực chưa gắn với tài khoản nào của hệ thống", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/inbox")).StatusCode); // not signed in
        await browser.GetAsync("/culture/en?returnUrl=%2F");
        Assert.Contains("The identity you signed in with matches no account of this system", WebUtility.HtmlDecode(await browser.GetStringAsync(landed)), StringComparison.Ordinal);

        Assert.Equal(before, await QueryAsync(db => db.Users.CountAsync()));
        Assert.Equal(0, await QueryAsync(db => db.UserLogins.CountAsync()));
        Assert.True(await QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "account.signInFailed" && a.Actor == "sso:nobody@tuyenquang.example")));
    }

    [Fact]
    public async Task An_administrator_and_a_locked_official_are_refused_and_the_administrator_still_signs_in_locally()
    {
        provider.NextUser = new ProviderUser("tq-admin", "admin@demo.ntmworkflow.local", "admin", "Trần Thị Mai");
        using var admin = Browser();
        var landed = await SignInThroughProviderAsync(admin, null);
        Assert.Equal("/account/sign-in?sso=Administrator", landed);
        Assert.Contains("Tài khoản quản trị chỉ đăng nhập bằng tên đăng nhập và mật khẩu của hệ thống", WebUtility.HtmlDecode(await admin.GetStringAsync(landed)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.GetAsync("/admin/settings/users")).StatusCode);
        Assert.Equal(0, await QueryAsync(db => db.UserLogins.CountAsync()));
        using (var local = await SignedInAsync("admin"))
        {
            Assert.Equal(HttpStatusCode.OK, (await local.GetAsync("/admin/settings/users")).StatusCode);
        }

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var binh = (await users.FindByNameAsync("xa.binh"))!;
            Assert.True((await users.SetLockoutEndDateAsync(binh, DateTimeOffset.MaxValue)).Succeeded);
        }

        provider.NextUser = new ProviderUser("tq-binh", "xa.binh@demo.ntmworkflow.local", "xa.binh", "Trần Văn Bình");
        using var locked = Browser();
        landed = await SignInThroughProviderAsync(locked, null);
        Assert.Equal("/account/sign-in?sso=LockedOut", landed);
        Assert.Contains("Tài khoản đang bị khoá", WebUtility.HtmlDecode(await locked.GetStringAsync(landed)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await locked.GetAsync("/inbox")).StatusCode);
    }

    [Fact]
    public async Task An_unverified_email_a_second_subject_a_shared_email_or_a_forged_answer_signs_no_one_in()
    {
        provider.NextUser = new ProviderUser("tq-0002", "xa.lan@demo.ntmworkflow.local", null, "Nguyễn Thị Lan", EmailVerified: false);
        using var browser = Browser();
        Assert.Equal("/account/sign-in?sso=UnverifiedEmail", await SignInThroughProviderAsync(browser, null));
        Assert.Equal(0, await QueryAsync(db => db.UserLogins.CountAsync()));

        // Once linked to one subject, the account is not taken over by another subject with the same email.
        provider.NextUser = new ProviderUser("tq-0003", "xa.lan@demo.ntmworkflow.local", null, "Nguyễn Thị Lan");
        using (var first = Browser())
        {
            Assert.Equal("/", await SignInThroughProviderAsync(first, null));
        }

        provider.NextUser = new ProviderUser("tq-0004", "xa.lan@demo.ntmworkflow.local", null, "Kẻ Mạo Danh");
        using (var second = Browser())
        {
            Assert.Equal("/account/sign-in?sso=LinkedElsewhere", await SignInThroughProviderAsync(second, null));
            Assert.Equal(HttpStatusCode.Redirect, (await second.GetAsync("/inbox")).StatusCode);
        }

        // Two accounts with the email the provider sends: neither is chosen.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            foreach (var name in new[] { "xa.binh", "xa.sinh" })
            {
                Assert.True((await users.SetEmailAsync((await users.FindByNameAsync(name))!, "xa.chung@tuyenquang.example")).Succeeded);
            }
        }

        provider.NextUser = new ProviderUser("tq-0005", "xa.chung@tuyenquang.example", null, "Xã Chung");
        using (var shared = Browser())
        {
            Assert.Equal("/account/sign-in?sso=Ambiguous", await SignInThroughProviderAsync(shared, null));
        }

        Assert.Equal(["tq-0003"], await QueryAsync(db => db.UserLogins.Select(l => l.ProviderKey).ToListAsync()));

        // An answer this browser did not ask for (no state of its own): refused, explained and audited.
        using var forged = Browser();
        var answer = await forged.PostAsync("/signin-oidc", new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = "stolen", ["state"] = "forged" }));
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/account/sign-in?sso=Failed", answer.Headers.Location!.OriginalString);
        Assert.Contains("Không hoàn tất được đăng nhập qua cổng xác thực", WebUtility.HtmlDecode(await forged.GetStringAsync("/account/sign-in?sso=Failed")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await forged.GetAsync("/inbox")).StatusCode);
        Assert.True(await QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "account.signInFailed" && a.Actor == "sso" && a.Detail.Contains("Failed"))));
    }

    [Fact]
    public async Task The_sign_in_page_offers_the_provider_by_its_name_in_the_readers_language_beside_the_local_form()
    {
        using var browser = Browser();
        var page = WebUtility.HtmlDecode(await browser.GetStringAsync("/account/sign-in"));
        Assert.Contains("Đăng nhập bằng Cổng xác thực tỉnh Tuyên Quang", page, StringComparison.Ordinal);
        Assert.Contains("id=\"sign-in-form\"", page, StringComparison.Ordinal);
        await browser.GetAsync("/culture/en?returnUrl=%2F");
        Assert.Contains("Sign in with Tuyên Quang sign-on", WebUtility.HtmlDecode(await browser.GetStringAsync("/account/sign-in")), StringComparison.Ordinal);

        // A return address off the site is dropped: the button goes to the provider and back home, never elsewhere.
        var offsite = WebUtility.HtmlDecode(await browser.GetStringAsync("/account/sign-in?ReturnUrl=https%3A%2F%2Fevil.example%2F"));
        Assert.DoesNotContain("evil.example", SsoLink().Match(offsite).Groups[1].Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_after_a_sign_in_through_the_provider_ends_the_session_at_the_provider_too()
    {
        provider.NextUser = new ProviderUser("tq-0010", "xa.lan@demo.ntmworkflow.local", null, "Nguyễn Thị Lan");
        using var browser = Browser();
        Assert.Equal("/", await SignInThroughProviderAsync(browser, null));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/inbox")).StatusCode);
        var before = provider.EndSessionRequests.Count;

        // The app signs out at once and shows a page that moves on to the provider (a redirect would break form-action 'self').
        var signedOut = await PageForms.PostFormAsync(browser, "/", "/account/sign-out", []);
        Assert.Equal(HttpStatusCode.OK, signedOut.StatusCode);
        var html = await signedOut.Content.ReadAsStringAsync();
        Assert.Contains("Bạn đã đăng xuất khỏi hệ thống. Trình duyệt đang chuyển tới Cổng xác thực tỉnh Tuyên Quang", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        var endSession = WebUtility.HtmlDecode(SsoSignOutLink().Match(html).Groups[1].Value);
        Assert.StartsWith($"{provider.Issuer}connect/logout?", endSession, StringComparison.Ordinal);
        Assert.Contains($"<meta http-equiv=\"refresh\" content=\"0;url={SsoSignOutLink().Match(html).Groups[1].Value}\"", html, StringComparison.Ordinal);
        Assert.Contains(signedOut.Headers.GetValues("Set-Cookie"), c => c.StartsWith("ntm.auth=;", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/inbox")).StatusCode); // the app's cookie is gone

        // The browser goes on to the provider, which checks the hint and the return address and sends it back to the sign-in page.
        using var atProvider = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var ended = await atProvider.GetAsync(new Uri(endSession));
        Assert.True(ended.StatusCode == HttpStatusCode.Redirect, $"The provider answered {(int)ended.StatusCode}: {await ended.Content.ReadAsStringAsync()}");
        Assert.Equal(LoopbackOpenIdProvider.PostLogoutRedirectUri, ended.Headers.Location!.GetLeftPart(UriPartial.Path));
        Assert.Equal(before + 1, provider.EndSessionRequests.Count);
        var request = provider.EndSessionRequests[^1];
        Assert.Equal((LoopbackOpenIdProvider.PostLogoutRedirectUri, LoopbackOpenIdProvider.ClientId), (request.PostLogoutRedirectUri, request.ClientId));
        Assert.Equal(3, request.IdTokenHint?.Split('.').Length); // the ID token the provider issued (a signed JWT), not the access token

        // A local account's sign-out is what it was: back home, nothing sent to the provider.
        using var local = await SignedInAsync("xa.binh");
        var localOut = await PageForms.PostFormAsync(local, "/", "/account/sign-out", []);
        Assert.Equal((HttpStatusCode.Redirect, "/"), (localOut.StatusCode, localOut.Headers.Location!.OriginalString));
        Assert.Equal(HttpStatusCode.Redirect, (await local.GetAsync("/inbox")).StatusCode);
        Assert.Equal(before + 1, provider.EndSessionRequests.Count);
    }

    [Fact]
    public async Task Without_the_userinfo_endpoint_an_email_the_provider_leaves_out_of_the_id_token_is_missing()
    {
        provider.NextUser = new ProviderUser("tq-0011", "xa.lan@demo.ntmworkflow.local", null, "Nguyễn Thị Lan", EmailInIdToken: false);
        using var browser = Browser();
        Assert.Equal("/account/sign-in?sso=MissingClaim", await SignInThroughProviderAsync(browser, null));
    }

    [GeneratedRegex("id=\"sso-sign-out\" href=\"([^\"]+)\"")]
    private static partial Regex SsoSignOutLink();

    /// <summary>A browser on the app (https, cookies kept, redirects not followed).</summary>
    private HttpClient Browser() =>
        App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });

    /// <summary>
    /// Clicks the sign-in page's button, follows the app to the provider, signs in there, posts the provider's
    /// form-post answer back to the app as the browser's script would, follows the app's redirect; where it lands.
    /// </summary>
    private Task<string> SignInThroughProviderAsync(HttpClient browser, string? returnUrl) => SignInThroughProviderAsync(browser, provider, returnUrl);

    internal static async Task<string> SignInThroughProviderAsync(HttpClient browser, LoopbackOpenIdProvider provider, string? returnUrl)
    {
        var page = await browser.GetStringAsync(returnUrl is null ? "/account/sign-in" : $"/account/sign-in?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        var button = SsoLink().Match(page);
        Assert.True(button.Success, "The sign-in page has no single sign-on button.");

        var start = await browser.GetAsync(WebUtility.HtmlDecode(button.Groups[1].Value));
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var authorize = start.Headers.Location!;
        Assert.StartsWith(provider.Issuer.ToString(), authorize.ToString(), StringComparison.Ordinal);

        using var atProvider = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var answer = await atProvider.GetAsync(authorize);
        var html = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"The provider answered {(int)answer.StatusCode}: {html}");
        var form = FormAction().Match(html);
        Assert.True(form.Success, $"No form-post answer from the provider: {html}");
        var action = new Uri(WebUtility.HtmlDecode(form.Groups[1].Value));
        Assert.Equal(LoopbackOpenIdProvider.RedirectUri, action.GetLeftPart(UriPartial.Path));
        var fields = HiddenInput().Matches(html).Select(m => new KeyValuePair<string, string>(m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
        Assert.Contains(fields, f => f.Key == "code");

        var callback = await browser.PostAsync(action.PathAndQuery, new FormUrlEncodedContent(fields));
        Assert.True(callback.StatusCode == HttpStatusCode.Redirect, $"The callback answered {(int)callback.StatusCode}: {await callback.Content.ReadAsStringAsync()}");
        var back = callback.Headers.Location!;
        Assert.StartsWith("/account/sign-in/external", back.OriginalString, StringComparison.Ordinal);

        var done = await browser.GetAsync(back);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        return done.Headers.Location!.OriginalString;
    }

    [GeneratedRegex("id=\"sso-sign-in\" href=\"([^\"]+)\"")]
    private static partial Regex SsoLink();

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"")]
    private static partial Regex HiddenInput();
}

/// <summary>Matching by user name (<c>MatchBy=UserName</c>, claim <c>preferred_username</c>) instead of email.</summary>
public sealed class SingleSignOnByUserNameTests(LoopbackOpenIdProvider provider) : AppTestHost, IClassFixture<LoopbackOpenIdProvider>
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        provider.Enable(settings);
        settings["Authentication:Oidc:MatchBy"] = "UserName";
    }

    [Fact]
    public async Task The_preferred_user_name_finds_the_account_whatever_its_case_and_the_email_is_not_used()
    {
        provider.NextUser = new ProviderUser("tq-0100", "someone.else@tuyenquang.example", "SO.HOA", "Phạm Thị Hoa");
        using var browser = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        Assert.Equal("/", await SingleSignOnTests.SignInThroughProviderAsync(browser, provider, null));
        Assert.Contains("Xin chào, Phạm Thị Hoa", await browser.GetStringAsync("/"), StringComparison.Ordinal);

        // Only the email would match xa.lan: by user name nobody is found.
        provider.NextUser = new ProviderUser("tq-0101", "xa.lan@demo.ntmworkflow.local", "lan.khong.co", "Nguyễn Thị Lan");
        using var other = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        Assert.Equal("/account/sign-in?sso=Unknown", await SingleSignOnTests.SignInThroughProviderAsync(other, provider, null));
    }
}

/// <summary>Without the setting the app has no provider, no button and no external sign-in route to use.</summary>
public sealed class SingleSignOnDisabledTests : AppTestHost
{
    [Fact]
    public async Task Without_the_setting_there_is_no_button_no_provider_and_the_route_is_not_found()
    {
        using var browser = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await browser.GetStringAsync("/account/sign-in");
        Assert.DoesNotContain("sso-sign-in", page, StringComparison.Ordinal);
        Assert.Contains("id=\"sign-in-form\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/account/sign-in/external?handler=Start")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/account/sign-in/external")).StatusCode);
        var schemes = App.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        Assert.Null(await schemes.GetSchemeAsync(SingleSignOnOptions.Scheme));
        Assert.Equal(HttpStatusCode.Redirect, (await PageForms.SignInAsync(browser, "xa.lan")).StatusCode); // local sign-in unchanged
    }
}

/// <summary>An enabled provider that is not fully configured stops the app at start-up, naming the setting.</summary>
public sealed class SingleSignOnConfigurationTests
{
    [Fact]
    public void An_enabled_provider_without_authority_or_client_stops_the_start_with_the_settings_named()
    {
        using var data = new TemporaryDirectory();
        using var app = new NtmWorkflowAppFactory(data, new Dictionary<string, string?>
        {
            ["Workflows:BackgroundWorkers"] = "false",
            ["Authentication:Oidc:Enabled"] = "true",
        });
        var failure = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        var message = failure.ToString();
        Assert.Contains("Authentication:Oidc:Authority is required when single sign-on is enabled", message, StringComparison.Ordinal);
        Assert.Contains("Authentication:Oidc:ClientId is required", message, StringComparison.Ordinal);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Theory]
    [InlineData("Production", "https://sso.tinh.example/", true, null)]
    [InlineData("Production", "http://sso.tinh.example/", true, "is plain http")]
    [InlineData("Production", "http://sso.tinh.example/", false, "RequireHttpsMetadata is false in Production")]
    [InlineData("Production", "http://127.0.0.1:5001/", false, null)]
    [InlineData("Staging", "http://sso.tinh.example/", false, null)]
    [InlineData("Production", "sso.tinh.example", true, "is not an http(s) address")]
    public void Plain_http_metadata_is_refused_in_production_unless_on_loopback(string environment, string authority, bool requireHttps, string? error)
    {
        var validator = new SingleSignOnOptionsValidator(new HostingEnvironment { EnvironmentName = environment });
        var result = validator.Validate(null, new SingleSignOnOptions { Enabled = true, Authority = authority, ClientId = "ntm", RequireHttpsMetadata = requireHttps });
        if (error is null)
        {
            Assert.True(result.Succeeded, result.FailureMessage);
        }
        else
        {
            Assert.True(result.Failed);
            Assert.Contains(error, result.FailureMessage, StringComparison.Ordinal);
        }
    }
}

/// <summary>
/// A provider that gives the email only at its userinfo endpoint (<c>GetClaimsFromUserInfoEndpoint</c>), and the
/// sign-out at the provider turned off (<c>SignOutAtProvider=false</c>).
/// </summary>
public sealed class SingleSignOnUserInfoTests(LoopbackOpenIdProvider provider) : AppTestHost, IClassFixture<LoopbackOpenIdProvider>
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        provider.Enable(settings);
        settings["Authentication:Oidc:GetClaimsFromUserInfoEndpoint"] = "true";
        settings["Authentication:Oidc:SignOutAtProvider"] = "false";
    }

    [Fact]
    public async Task The_email_given_only_at_the_userinfo_endpoint_finds_the_account_and_the_sign_out_stays_local()
    {
        provider.NextUser = new ProviderUser("tq-ui-1", "Xa.Lan@demo.ntmworkflow.local", null, "Nguyễn Thị Lan", EmailInIdToken: false);
        using var browser = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });

        Assert.Equal("/", await SingleSignOnTests.SignInThroughProviderAsync(browser, provider, null));

        Assert.True(provider.UserInfoRequests > 0, "The app never asked the provider's userinfo endpoint.");
        Assert.Contains("Xin chào, Nguyễn Thị Lan", await browser.GetStringAsync("/"), StringComparison.Ordinal);
        var login = await QueryAsync(db => db.UserLogins.Join(db.Users, l => l.UserId, u => u.Id, (l, u) => new { u.UserName, l.ProviderKey }).SingleAsync());
        Assert.Equal(("xa.lan", "tq-ui-1"), (login.UserName, login.ProviderKey));

        var signedOut = await PageForms.PostFormAsync(browser, "/", "/account/sign-out", []);
        Assert.Equal((HttpStatusCode.Redirect, "/"), (signedOut.StatusCode, signedOut.Headers.Location!.OriginalString));
        Assert.Empty(provider.EndSessionRequests);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/inbox")).StatusCode);
    }
}
