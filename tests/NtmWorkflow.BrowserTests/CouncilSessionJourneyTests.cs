using System.Drawing;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Dossiers;
using OpenQA.Selenium;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace NtmWorkflow.BrowserTests;

/// <summary>
/// The council's day in Chromium, on PostgreSQL: anh Tuấn (vpdp) puts Xã Ngọc Đường's dossier on a session; bà Thu
/// (hd.thu) calls the roll and records the two reports; three members vote — ông Sơn on his phone, 390 px wide —
/// one against with a reason, the fourth not at all; bà Thu closes; the minutes are downloaded and read back; anh
/// Tuấn records the chairman's signed decision with its scan, and the dossier ends recognised.
/// </summary>
public sealed class CouncilSessionJourneyTests : BrowserTestHost
{
    private Guid _dossier;

    protected override async Task SeedAsync()
    {
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoDossiers>().EnsureCouncilAsync(CancellationToken.None);
        }

        _dossier = await DossierSeeds.AwaitingCouncilAsync(App.Services, "xa.lan", "00700");
    }

    [Fact]
    public async Task Three_members_vote_one_on_a_phone_the_secretary_closes_and_the_recorded_decision_recognises_the_commune()
    {
        var sessionUrl = PlanAndOpenSession("Phòng họp tầng 3, UBND tỉnh Tuyên Quang");

        // The chair votes at a desk; ông Sơn on his phone; bà Nga against, with her reason; ông Minh does not vote.
        Vote("hd.hung", sessionUrl, "Agree", null);
        Browser.Driver.Manage().Window.Size = new Size(390, 844);
        try
        {
            Vote("hd.son", sessionUrl, "Agree", null, phone: true);
        }
        finally
        {
            Browser.Driver.Manage().Window.Size = new Size(1280, 900);
        }

        SignIn("hd.nga");
        Go(sessionUrl + "/ballot");
        Card().FindElement(By.CssSelector("input[name='choice'][value='Disagree']")).Click();
        Card().FindElement(By.CssSelector("[data-action='cast']")).Click();
        Assert.Contains("reason", Browser.Find("#council-problem").Text, StringComparison.OrdinalIgnoreCase);
        Assert.True(Browser.Exists($"[data-dossier='{_dossier}'] [data-action='cast']"), "a vote against without a reason is not taken");
        Assert.Equal(2, await QueryAsync(db => db.CouncilBallots.CountAsync()));
        Vote("hd.nga", sessionUrl, "Disagree", "Chỉ tiêu 17.10 mới đạt ở 3 thôn, chưa bền vững");

        // The secretary closes: 2 of the 4 present agree, which is not more than half; ông Minh's silence weighs as "not agree".
        SignIn("hd.thu");
        Go(sessionUrl);
        Browser.Find("[data-action='close']").Click();
        Assert.Equal("Tallied", Browser.Find("#session-state").GetDomAttribute("data-state"));
        var result = Browser.Find($"article.result[data-dossier='{_dossier}']");
        Assert.Equal("NotPassed", result.GetDomAttribute("data-outcome"));
        ((IJavaScriptExecutor)Browser.Driver).ExecuteScript("arguments[0].scrollIntoView({block: 'start'})", result);
        Browser.Screenshot("council-results");

        // The minutes, downloaded with the secretary's session and read back: the tally and the reason against.
        var minutes = await DownloadAsync(Browser.Find("[data-action='minutes']").GetDomProperty("href")!);
        Assert.Contains("Không thông qua", minutes, StringComparison.Ordinal);
        Assert.Contains("4/4", minutes, StringComparison.Ordinal);
        Assert.Contains("Chỉ tiêu 17.10 mới đạt ở 3 thôn, chưa bền vững", minutes, StringComparison.Ordinal);
        var (status, steps) = await DossierStateAsync();
        Assert.Equal((DossierStatus.NotRecognised, 0), (status, steps));
    }

    [Fact]
    public async Task A_passing_session_ends_with_the_decision_recorded_and_the_commune_recognised()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7));
        var sessionUrl = PlanAndOpenSession("Hội trường UBND tỉnh");

        // Three members vote, one of them on a phone; three of four present agree.
        Vote("hd.hung", sessionUrl, "Agree", null);
        Browser.Driver.Manage().Window.Size = new Size(390, 844);
        try
        {
            Vote("hd.son", sessionUrl, "Agree", null, phone: true);
        }
        finally
        {
            Browser.Driver.Manage().Window.Size = new Size(1280, 900);
        }

        Vote("hd.minh", sessionUrl, "Agree", null);
        SignIn("hd.thu");
        Go(sessionUrl);
        Browser.Find("[data-action='close']").Click();
        Assert.Equal("Passed", Browser.Find($"article.result[data-dossier='{_dossier}']").GetDomAttribute("data-outcome"));
        var minutes = await DownloadAsync(Browser.Find("[data-action='minutes']").GetDomProperty("href")!);
        Assert.Contains("Thông qua", minutes, StringComparison.Ordinal);
        Assert.Contains("4/4", minutes, StringComparison.Ordinal);
        Assert.Equal((DossierStatus.InProgress, 1), await DossierStateAsync());

        // The office records the chairman's signed decision with its scan: only now is the commune recognised.
        SignIn("vpdp");
        Go(sessionUrl);
        var draft = await DownloadAsync(Browser.Find("[data-action='draft-decision']").GetDomProperty("href")!);
        Assert.Contains("Ngọc Đường", draft, StringComparison.Ordinal);
        var scan = Path.Combine(DataPath, "qd-1763-da-ky.pdf");
        await File.WriteAllBytesAsync(scan, "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"u8.ToArray());
        Browser.Find("#number").SendKeys("1763/QĐ-UBND");
        SetValue("#signedOn", today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Browser.Find("#signer").SendKeys("Phó Chủ tịch UBND tỉnh Nguyễn Văn Hùng");
        Browser.Driver.FindElement(By.CssSelector("#scan")).SendKeys(scan);
        Browser.Find("[data-action='record-decision']").Click();
        Assert.Equal("1763/QĐ-UBND", Browser.Find("#decision-number").Text);
        Browser.Screenshot("council-decision");
        Assert.Equal((DossierStatus.Recognised, 0), await DossierStateAsync());
        var dossier = await QueryAsync(db => db.Dossiers.AsNoTracking().SingleAsync(d => d.Id == _dossier));
        Assert.Equal(("1763/QĐ-UBND", today), (dossier.DecisionNumber, dossier.DecisionDate));
    }

    /// <summary>
    /// The coordination office plans a session today with the dossier; the secretary calls the roll (all four voting
    /// members present) and records the two reports in order. Returns the session page's path, voting open.
    /// </summary>
    private string PlanAndOpenSession(string venue)
    {
        SignIn("vpdp");
        Go("/council?province=08");
        Browser.Find($"#candidate-{_dossier}").Click();
        SetValue("#meetsOn", DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Browser.Find("#venue").SendKeys(venue);
        Browser.Find("[data-action='plan']").Click();
        Browser.Find("#session-code");
        var sessionUrl = new Uri(Browser.Driver.Url).AbsolutePath;
        Assert.StartsWith("/council/sessions/", sessionUrl, StringComparison.Ordinal);
        Assert.Equal("Planned", Browser.Find("#session-state").GetDomAttribute("data-state"));

        SignIn("hd.thu");
        Go(sessionUrl);
        Browser.Find("[data-action='roll-call']").Click();
        Browser.Find("[data-action='report-appraisal']").Click();
        Browser.Find("[data-action='report-satisfaction']").Click();
        Assert.Equal("Voting", Browser.Find("#session-state").GetDomAttribute("data-state"));
        return sessionUrl;
    }

    private IWebElement Card() => Browser.Find($"section.ballot-card[data-dossier='{_dossier}']");

    /// <summary>Signs in as the member and casts the ballot on the dossier; on a phone, checks nothing needs scrolling sideways.</summary>
    private void Vote(string member, string sessionUrl, string choice, string? reason, bool phone = false)
    {
        SignIn(member);
        Go(sessionUrl + "/ballot");
        var card = Card();
        if (phone)
        {
            var js = (IJavaScriptExecutor)Browser.Driver;
            Assert.True(Convert.ToInt64(js.ExecuteScript("return document.documentElement.scrollWidth"), System.Globalization.CultureInfo.InvariantCulture)
                        <= Convert.ToInt64(js.ExecuteScript("return window.innerWidth"), System.Globalization.CultureInfo.InvariantCulture), "the ballot page scrolls sideways at 390 px");
            Assert.True(card.FindElement(By.CssSelector("[data-action='cast']")).Size.Height >= 44, "the button is too small to touch");
        }

        card.FindElement(By.CssSelector($"input[name='choice'][value='{choice}']")).Click();
        if (reason is not null)
        {
            card.FindElement(By.CssSelector("textarea[name='reason']")).SendKeys(reason);
        }

        if (phone)
        {
            Browser.Screenshot("council-ballot-phone");
        }

        card.FindElement(By.CssSelector("[data-action='cast']")).Click();
        Browser.Find("#council-notice");
        Assert.Equal(choice, Browser.Find($"section.ballot-card[data-dossier='{_dossier}'] .ballot-final").GetDomAttribute("data-choice"));
        Assert.False(Browser.Exists($"section.ballot-card[data-dossier='{_dossier}'] [data-action='cast']"), $"{member} could vote twice");
    }

    private void SetValue(string selector, string value) =>
        ((IJavaScriptExecutor)Browser.Driver).ExecuteScript("arguments[0].value = arguments[1]", Browser.Find(selector), value);

    /// <summary>Downloads with the browser's cookies and reads the Word document's paragraphs.</summary>
    private async Task<string> DownloadAsync(string href)
    {
        var cookies = new CookieContainer();
        foreach (var cookie in Browser.Driver.Manage().Cookies.AllCookies)
        {
            cookies.Add(new Uri(href), new System.Net.Cookie(cookie.Name, cookie.Value));
        }

        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var client = new HttpClient(handler);
        var bytes = await client.GetByteArrayAsync(new Uri(href));
        using var document = WordprocessingDocument.Open(new MemoryStream(bytes), false);
        return string.Join("\n", document.MainDocumentPart!.Document!.Body!.Descendants<Paragraph>().Select(p => p.InnerText));
    }

    private async Task<(DossierStatus Status, int OpenTasks)> DossierStateAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var dossiers = scope.ServiceProvider.GetRequiredService<DossierService>();
        var dossier = await dossiers.RefreshStatusAsync(await dossiers.LoadAsync(_dossier, CancellationToken.None), CancellationToken.None);
        return (dossier.Status, (await dossiers.OpenTasksAsync(dossier, CancellationToken.None)).Count);
    }
}
