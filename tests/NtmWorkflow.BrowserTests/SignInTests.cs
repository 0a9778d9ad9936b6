namespace NtmWorkflow.BrowserTests;

/// <summary>An official's first minute with the app, in Chromium, on PostgreSQL.</summary>
[Trait("Db", "Postgres")]
public sealed class SignInTests : BrowserTestHost
{
    [Fact]
    public void A_commune_officer_signs_in_in_Vietnamese_switches_to_English_and_signs_out()
    {
        var browser = Browser;
        browser.GoTo(App.ServerAddress);
        browser.Find("#sign-in-link").Click();

        browser.Find("#user-name").SendKeys("xa.lan");
        browser.Find("#password").SendKeys("mat-khau-sai");
        browser.Find("#sign-in-submit").Click();
        Assert.Equal("Tên đăng nhập hoặc mật khẩu không đúng.", browser.Find("#sign-in-error").Text);
        browser.Screenshot("sign-in-wrong-password");

        browser.Find("#user-name").Clear();
        browser.Find("#user-name").SendKeys("xa.lan");
        browser.Find("#password").SendKeys("NtmDemo@2026");
        browser.Find("#sign-in-submit").Click();
        Assert.Equal("Xin chào, Nguyễn Thị Lan", browser.Find("#welcome").Text);
        Assert.Equal("Cán bộ phụ trách NTM xã", browser.Find("#roles").Text);
        browser.Screenshot("home-signed-in-vi");

        browser.Find("#language-switch").Click();
        Assert.Equal("Hello, Nguyễn Thị Lan", browser.Find("#welcome").Text);
        Assert.Equal("Commune NTM officer", browser.Find("#roles").Text);
        Assert.Equal("Tiếng Việt", browser.Find("#language-switch").Text);

        browser.Find("#sign-out").Click();
        Assert.Equal("Sign in", browser.Find("#sign-in-link").Text);
        Assert.False(browser.Exists("#welcome"));
    }
}
