using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Organisation;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Chromium;
using OpenQA.Selenium.Support.UI;

namespace NtmWorkflow.BrowserTests;

/// <summary>
/// The officials' day in Chromium, on PostgreSQL: chị Lan fills the self-assessment (each row saved as she types,
/// still there after a reload) and submits; the coordination office verifies and returns one indicator; she fixes
/// exactly that one and resubmits; it is forwarded to the departments. An evidence upload cut off half-way continues
/// where it stopped. Chị Hoa agrees her rows of two communes at once and forwards both dossiers.
/// </summary>
[Trait("Db", "Postgres")]
public sealed class OfficialsJourneyTests : BrowserTestHost
{
    private const int Part = 64 * 1024;

    protected override void Configure(IDictionary<string, string?> settings) =>
        settings["Documents:ChunkBytes"] = Part.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_commune_submits_the_verifier_returns_one_indicator_the_commune_fixes_it_and_the_dossier_goes_on()
    {
        // Everything assessed but three indicators, which chị Lan fills in the browser.
        var id = await DossierSeeds.OpenAsync(App.Services, "xa.lan", "00700");
        await DossierSeeds.AssessAllAsync(App.Services, "xa.lan", id, "1.1", "17.10", "19.2");
        await DossierSeeds.SetConditionsAsync(App.Services, "xa.lan", id);
        SignIn("xa.lan");
        Go($"/dossiers/{id}/self-assessment");
        Choose("1.1", "select[name=value]", "true");
        Choose("1.1", "select[name=met]", "true");
        Type("17.10", "82,5");
        Choose("17.10", "select[name=met]", "true");
        Choose("19.2", "select[name=value]", "true");
        Choose("19.2", "select[name=met]", "true");

        // Saved as typed: a reload (a dropped line, a closed tab) loses nothing.
        Browser.Driver.Navigate().Refresh();
        Assert.Equal("82.5", Row("17.10").FindElement(By.CssSelector("input[name=value]")).GetAttribute("value"));
        Assert.True(Row("1.1").FindElement(By.CssSelector("select[name=value] option[value=true]")).Selected);
        Assert.Contains("met", Row("19.2").GetAttribute("class"), StringComparison.Ordinal);
        ScrollTo(Row("17.10"));
        Screenshot("self-assessment");

        // Self-assessment, posting and survey, submission: the page's main button completes whichever step is open.
        for (var step = 0; step < 3; step++)
        {
            Go($"/dossiers/{id}/self-assessment");
            Browser.Find("#complete").Click();
            Browser.Find("#dossier-code");
        }

        Assert.Equal(["intake"], await OpenStepsAsync(id));

        // The coordination office takes it in, then verifies and returns 17.10 with a reason.
        SignIn("vpdp");
        await ReviewAsync(id, "intake", "forward");
        await OpenReviewAsync(id, "verification");
        Row("17.10").FindElement(By.CssSelector("input[value=disagree]")).Click();
        Row("17.10").FindElement(By.CssSelector("input[name='reason-17.10']")).SendKeys("Tỷ lệ thu gom rác chưa khớp biểu tổng hợp của xã");
        Browser.Find("#decision option[value=return]").Click();
        Browser.Find("#reason").SendKeys("Đề nghị xã rà soát lại chỉ tiêu 17.10");
        ScrollTo(Row("17.10"));
        Screenshot("review-return");
        Browser.Find("#send-review").Click();
        Browser.Find("#dossier-code");
        Assert.Equal(["supplementDossier"], await OpenStepsAsync(id));

        // Chị Lan may change only what was returned, fixes it, and resubmits.
        SignIn("xa.lan");
        Go($"/dossiers/{id}/self-assessment");
        Browser.Find("#supplement-hint");
        Assert.False(Row("1.1").FindElement(By.CssSelector("select[name=value]")).Enabled);
        Assert.Contains("reopened", Row("17.10").GetAttribute("class"), StringComparison.Ordinal);
        Row("17.10").FindElement(By.CssSelector("input[name=value]")).Clear();
        Type("17.10", "91");
        Browser.Find("#complete").Click();
        Browser.Find("#dossier-code");

        // The office sees what changed, and forwards it to the departments.
        SignIn("vpdp");
        await ReviewAsync(id, "intake", "forward");
        await OpenReviewAsync(id, "verification");
        Assert.Contains("changed", Row("17.10").GetAttribute("class"), StringComparison.Ordinal);
        Assert.Contains("82,5 →", Row("17.10").Text, StringComparison.Ordinal);
        Browser.Find("#decision option[value=forward]").Click();
        Browser.Find("#send-review").Click();
        Browser.Find("#dossier-code");
        Assert.Contains("departmentReview", await OpenStepsAsync(id));
    }

    [Fact]
    public async Task An_evidence_upload_cut_off_half_way_continues_where_it_stopped()
    {
        var id = await DossierSeeds.OpenAsync(App.Services, "xa.lan", "00700");
        var file = Path.Combine(DataPath, "Quyết định phê duyệt quy hoạch.pdf");
        var bytes = new byte[40 * Part + 123];
        new Random(7).NextBytes(bytes);
        "%PDF-1.7\n"u8.CopyTo(bytes);
        await File.WriteAllBytesAsync(file, bytes);
        SignIn("xa.lan");
        Go($"/dossiers/{id}/self-assessment");

        // A slow line: the upload is under way when the page is left.
        var chrome = (ChromeDriver)Browser.Driver;
        chrome.NetworkConditions = new ChromiumNetworkConditions { Latency = TimeSpan.FromMilliseconds(20), UploadThroughput = 256 * 1024, DownloadThroughput = 8 * 1024 * 1024 };
        Row("1.1").FindElement(By.CssSelector("input[type=file]")).SendKeys(file);
        new WebDriverWait(Browser.Driver, TimeSpan.FromSeconds(30)).Until(_ => int.Parse(Row("1.1").FindElement(By.CssSelector("progress")).GetAttribute("value") ?? "0",
            System.Globalization.CultureInfo.InvariantCulture) >= 20);
        Browser.Driver.Navigate().Refresh();
        chrome.ClearNetworkConditions();
        var arrived = await QueryAsync(db => db.EvidenceUploads.Select(u => u.Received).SingleAsync());
        Assert.InRange(arrived, Part, bytes.Length - 1);

        // The same file chosen again continues from the server's count, not from zero.
        Row("1.1").FindElement(By.CssSelector("input[type=file]")).SendKeys(file);
        var link = new WebDriverWait(Browser.Driver, TimeSpan.FromSeconds(30)).Until(_ => Row("1.1").FindElements(By.CssSelector(".documents a")).FirstOrDefault());
        Assert.Equal("Quyết định phê duyệt quy hoạch.pdf", link.Text);
        var form = Row("1.1").FindElement(By.CssSelector("form.evidence-upload"));
        Assert.Equal(arrived, long.Parse(form.GetAttribute("data-resumed-from")!, System.Globalization.CultureInfo.InvariantCulture));
        Screenshot("evidence-upload");
        var document = await QueryAsync(db => db.EvidenceDocuments.SingleAsync());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), document.Sha256);
        Assert.Equal(0, await QueryAsync(db => db.EvidenceUploads.CountAsync()));
    }

    [Fact]
    public async Task The_department_agrees_its_rows_of_two_communes_at_once_and_forwards_both()
    {
        await CreateOfficialAsync("xa.khac", "commune:00706", Roles.CommuneOfficer);
        var ngocDuong = await DossierSeeds.AtDepartmentReviewAsync(App.Services, "xa.lan", "00700");
        var phuLinh = await DossierSeeds.AtDepartmentReviewAsync(App.Services, "xa.khac", "00706");
        SignIn("so.hoa");
        Go("/inbox");
        Browser.Find("#department-desk-link").Click();
        var rows = Browser.Driver.FindElements(By.CssSelector("#desk input[name=rows]")).Count;
        Assert.True(rows >= 4, $"{rows} rows");
        Browser.Find("#select-all").Click();
        Screenshot("department-desk");
        Browser.Find("#agree-and-forward").Click();
        var notice = Browser.Find("#desk-notice").Text;
        Assert.Contains($"Đã đồng ý {rows} chỉ tiêu.", notice, StringComparison.Ordinal);
        Assert.Contains("2025-NTM-00700", notice, StringComparison.Ordinal);
        Assert.Contains("2025-NTM-00706", notice, StringComparison.Ordinal);
        Assert.Empty(Browser.Driver.FindElements(By.CssSelector("#desk input[name=rows]")));
        foreach (var dossier in new[] { ngocDuong, phuLinh })
        {
            Assert.Equal(1, await QueryAsync(db => db.DossierFindings.CountAsync(f => f.DossierId == dossier && f.DepartmentKind == "noi-vu" && f.IndicatorNumber == "*" && f.Finding == "forward")));
        }
    }

    private async Task CreateOfficialAsync(string userName, string unit, string role)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<AppUser>>();
        if (await users.FindByNameAsync(userName) is null)
        {
            await users.CreateAsync(new AppUser { UserName = userName, FullName = userName, Email = $"{userName}@test.ntmworkflow.local" }, "NtmDemo@2026");
        }

        await scope.ServiceProvider.GetRequiredService<OrganisationService>().AssignAsync(userName, unit, role, new DateOnly(2025, 7, 1), "admin", CancellationToken.None);
    }

    private IWebElement Row(string indicator) => Browser.Find($"tr[data-indicator='{indicator}']");

    /// <summary>Picks an option in a row's select and waits for the row's autosave to say it is saved.</summary>
    private void Choose(string indicator, string select, string value)
    {
        Row(indicator).FindElement(By.CssSelector($"{select} option[value='{value}']")).Click();
        WaitSaved(indicator);
    }

    /// <summary>Types a value and leaves the field (the change that saves the row), then waits for the save.</summary>
    private void Type(string indicator, string value)
    {
        Row(indicator).FindElement(By.CssSelector("input[name=value]")).SendKeys(value + Keys.Tab);
        WaitSaved(indicator);
    }

    private void WaitSaved(string indicator) =>
        new WebDriverWait(Browser.Driver, TimeSpan.FromSeconds(10)).Until(_ =>
        {
            var state = Row(indicator).FindElement(By.CssSelector(".save-state"));
            var text = state.Text;
            Assert.DoesNotContain("error", state.GetAttribute("class") ?? "", StringComparison.Ordinal);
            if (text == "Đã lưu.")
            {
                ((IJavaScriptExecutor)Browser.Driver).ExecuteScript("arguments[0].textContent = ''", state);
                return true;
            }

            return false;
        });

    private async Task OpenReviewAsync(Guid dossier, string step) => Go($"/dossiers/{dossier}/review/{await OpenTaskAsync(dossier, step)}");

    private async Task ReviewAsync(Guid dossier, string step, string decision)
    {
        await OpenReviewAsync(dossier, step);
        Browser.Find($"#decision option[value={decision}]").Click();
        Browser.Find("#send-review").Click();
        Browser.Find("#dossier-code");
    }

    private async Task<Guid> OpenTaskAsync(Guid dossier, string step) =>
        await QueryAsync(db => (from t in db.WorkflowTasks join d in db.Dossiers on (Guid?)t.InstanceId equals d.InstanceId where d.Id == dossier && t.ElementId == step select t.Id).SingleAsync());

    private async Task<List<string>> OpenStepsAsync(Guid dossier) =>
        await QueryAsync(db => (from t in db.WorkflowTasks join d in db.Dossiers on (Guid?)t.InstanceId equals d.InstanceId where d.Id == dossier select t.ElementId).ToListAsync());

    private void Screenshot(string name) => Browser.Screenshot(name);

    private void ScrollTo(IWebElement element) => ((IJavaScriptExecutor)Browser.Driver).ExecuteScript("arguments[0].scrollIntoView({block: 'center'})", element);
}
