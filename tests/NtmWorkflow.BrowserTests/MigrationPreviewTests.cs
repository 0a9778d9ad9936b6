using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Testing;
using OpenQA.Selenium;

namespace NtmWorkflow.BrowserTests;

/// <summary>
/// Chị Mai (admin) moves Xã Ngọc Đường's dossier, waiting at its self-assessment on version 1 of the two-tier workflow,
/// to version 2 (the step renamed, a check added after it) in Chromium, on PostgreSQL: from the monitor she opens the
/// migration page, previews without the mapping (refused, the step named), with it (the step, the task and the kept
/// timers listed), and applies.
/// </summary>
public sealed class MigrationPreviewTests : BrowserTestHost
{
    private Guid _instance;

    protected override async Task SeedAsync()
    {
        var dossier = await DossierSeeds.OpenAsync(App.Services, "xa.lan", "00700");
        _instance = await QueryAsync(db => db.Dossiers.Where(d => d.Id == dossier).Select(d => d.InstanceId!.Value).SingleAsync());
        await DossierSeeds.PublishRenamedSelfAssessmentAsync(App.Services);
    }

    [Fact]
    public async Task The_administrator_previews_the_move_refused_then_mapped_and_applies_it()
    {
        SignIn("admin");
        Go("/admin/instances");
        Browser.Find("#migration-link").Click();
        Browser.Find("#migration-process option[value='ntm-commune-two-tier']").Click();
        Browser.Find("#migration-from").SendKeys("1");
        Browser.Find("#migration-to").SendKeys("2");
        Browser.Find("#migration-preview").Click();

        var row = Browser.Find($"tr[data-instance='{_instance}']");
        Assert.Equal("refused", row.GetDomAttribute("data-outcome"));
        Assert.Contains("'selfAssessment'", row.Text, StringComparison.Ordinal);
        Assert.False(Browser.Exists("#migration-apply"));

        Browser.Find("#migration-mapping").SendKeys("selfAssessment → communeSelfAssessment");
        Browser.Find("#migration-preview").Click();
        row = Browser.Find($"tr[data-instance='{_instance}']");
        Assert.Equal("movable", row.GetDomAttribute("data-outcome"));
        var changes = row.FindElements(By.CssSelector("li[data-change]")).Select(c => c.GetDomAttribute("data-change")).ToList();
        Assert.Equal("TokenMoved", changes[0]);
        Assert.Contains("TimerKept", changes);
        Assert.Contains("selfAssessment → communeSelfAssessment", row.Text, StringComparison.Ordinal);
        Assert.Equal(1, await QueryAsync(db => db.WorkflowInstances.Where(i => i.Id == _instance).Select(i => i.Version).SingleAsync()));

        Browser.Find("#migration-apply").Click();
        Assert.Equal("migrated", Browser.Find($"tr[data-instance='{_instance}']").GetDomAttribute("data-outcome"));
        Assert.Contains("1", Browser.Find("#migration-done").Text, StringComparison.Ordinal);
        Assert.Equal(2, await QueryAsync(db => db.WorkflowInstances.Where(i => i.Id == _instance).Select(i => i.Version).SingleAsync()));
        Assert.Empty(Browser.TakePolicyViolations());
    }
}
