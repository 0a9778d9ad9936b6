using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Testing;
using OpenQA.Selenium;

namespace NtmWorkflow.BrowserTests;

/// <summary>
/// Chị Mai (admin) changes a legal parameter in Chromium, on PostgreSQL: the province's decision fixes the commune's
/// self-assessment at 25 working days instead of the unverified 20. Chị Lan's task (Xã Ngọc Đường, opened before) keeps
/// its deadline and its "unverified" mark; anh Bình's (Xã Tân Trào, opened after) has five working days more and no mark.
/// </summary>
public sealed class ParameterDeadlineJourneyTests : BrowserTestHost
{
    private const string Parameter = "selfAssessment.workingDays";
    private Guid _before;

    protected override async Task SeedAsync() => _before = await DossierSeeds.OpenAsync(App.Services, "xa.lan", "00700");

    [Fact]
    public async Task A_parameter_edited_in_the_settings_sets_the_deadline_of_the_next_task()
    {
        var (beforeDays, beforeUnverified) = InboxDeadline("xa.lan", _before);
        Assert.True(beforeUnverified, "a deadline resting on the unverified 20 days says so");

        SignIn("admin");
        Go("/admin/settings/parameters");
        var row = Browser.Find($"tr[id='param-{Parameter}']");
        Assert.Equal("false", row.GetDomAttribute("data-verified"));
        Browser.Find($"[id='edit-national-{Parameter}']").Click();
        var value = Browser.Find($"[id='national-value-{Parameter}']");
        value.Clear();
        value.SendKeys("25");
        var source = Browser.Find($"[id='national-source-{Parameter}']");
        source.Clear();
        source.SendKeys("Quyết định số 12/2026/QĐ-UBND của UBND tỉnh: xã tự đánh giá trong 25 ngày làm việc");
        var verified = Browser.Find($"[id='national-verified-{Parameter}']");
        if (!verified.Selected)
        {
            verified.Click();
        }

        Browser.Find($"[id='national-save-{Parameter}']").Click();
        Browser.Find("#settings-notice");
        row = Browser.Find($"tr[id='param-{Parameter}']");
        Assert.Equal("true", row.GetDomAttribute("data-verified"));
        Assert.Equal("25", row.FindElement(By.CssSelector(".value")).GetDomAttribute("data-value"));
        Assert.True(await QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Actor == "admin" && a.Subject.Contains(Parameter))), "the change is audited");

        // The dossier opened now gets the new deadline; the one opened before keeps its own.
        var after = await DossierSeeds.OpenAsync(App.Services, "xa.binh", "00706");
        var (afterDays, afterUnverified) = InboxDeadline("xa.binh", after);
        Assert.Equal(beforeDays + 5, afterDays);
        Assert.False(afterUnverified, "the verified value leaves no mark");
        Assert.Equal((beforeDays, true), InboxDeadline("xa.lan", _before));
    }

    /// <summary>The working days left on the dossier's task in its officer's inbox, and whether the deadline is marked unverified.</summary>
    private (int Days, bool Unverified) InboxDeadline(string officer, Guid dossierId)
    {
        SignIn(officer);
        Go("/inbox");
        var row = Browser.Find($"#my-tasks tr:has(a[href='/dossiers/{dossierId}'])");
        var left = Regex.Match(row.FindElement(By.CssSelector(".days-left")).Text, "[0-9]+");
        Assert.True(left.Success, row.Text);
        return (int.Parse(left.Value, System.Globalization.CultureInfo.InvariantCulture), row.FindElements(By.CssSelector(".unverified")).Count > 0);
    }
}
