using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Persistence;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace NtmWorkflow.BrowserTests;

/// <summary>The dossier page's process diagram as bpmn-js draws it in Chromium, on PostgreSQL.</summary>
[Trait("Db", "Postgres")]
public sealed partial class DossierDiagramTests : BrowserTestHost
{
    private Guid _dossier;

    protected override async Task SeedAsync() => _dossier = await DossierSeeds.OneStepOnAsync(App.Services);

    [Fact]
    public async Task The_diagram_shows_every_element_with_the_path_taken_and_the_open_step_marked()
    {
        var browser = Browser;
        SignIn("xa.lan");
        browser.GoTo(new Uri(App.ServerAddress, $"/dossiers/{_dossier}"));
        var host = DiagramState(browser, "shown");

        // Every element of the stored version is drawn (labels are shapes of their own in diagram-js).
        var stored = await StoredBpmnAsync();
        var expected = Regex.Count(stored, "<bpmndi:BPMNShape ");
        var drawn = host.FindElements(By.CssSelector("svg .djs-shape")).Count(e => !e.GetAttribute("data-element-id")!.EndsWith("_label", StringComparison.Ordinal));
        Assert.Equal(expected, drawn);
        Assert.Equal(Regex.Count(stored, "<bpmndi:BPMNEdge "), host.FindElements(By.CssSelector("svg .djs-connection")).Count);

        Assert.Contains("ntm-current", Classes(host, "postingAndSurvey"));
        Assert.DoesNotContain("ntm-done", Classes(host, "postingAndSurvey"));
        Assert.Contains("ntm-done", Classes(host, "selfAssessment"));
        Assert.Contains("ntm-done", Classes(host, "f10"));
        Assert.DoesNotContain("ntm-done", Classes(host, "f19"));
        Assert.DoesNotContain("ntm-current", Classes(host, "submitDossier"));

        // The legend is up, the no-script line is gone, and the bpmn.io watermark stays (its licence).
        Assert.Equal("Đã thực hiện", host.FindElement(By.CssSelector(".diagram-legend li")).Text);
        Assert.False(host.FindElement(By.CssSelector("[data-role=status]")).Displayed);
        Assert.True(host.FindElement(By.CssSelector("a.bjs-powered-by")).Displayed);

        // The zoom buttons work.
        var before = Transform(host);
        host.FindElement(By.CssSelector("button[data-action=zoom-in]")).Click();
        Assert.NotEqual(before, Transform(host));
        host.FindElement(By.CssSelector("button[data-action=zoom-out]")).Click();

        ((IJavaScriptExecutor)browser.Driver).ExecuteScript("document.getElementById('process-diagram-section').scrollIntoView()");
        browser.Screenshot("dossier-diagram");
    }

    [Fact]
    public async Task A_version_without_a_diagram_gets_a_readable_message_and_the_page_keeps_its_steps()
    {
        // As a version deployed before the models had diagram interchange: the same XML without its bpmndi part.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var instance = await db.WorkflowInstances.SingleAsync(i => i.ProcessId == "ntm-commune-two-tier");
            var definition = await db.WorkflowDefinitions.SingleAsync(d => d.ProcessId == instance.ProcessId && d.Version == instance.Version);
            definition.Bpmn = Encoding.UTF8.GetBytes(DiagramPart().Replace(Encoding.UTF8.GetString(definition.Bpmn), ""));
            await db.SaveChangesAsync();
        }

        var browser = Browser;
        SignIn("xa.lan");
        browser.GoTo(new Uri(App.ServerAddress, $"/dossiers/{_dossier}"));
        var host = DiagramState(browser, "failed");
        Assert.StartsWith("Không vẽ được sơ đồ của phiên bản quy trình này", host.FindElement(By.CssSelector("[data-role=status]")).Text, StringComparison.Ordinal);
        Assert.False(host.FindElement(By.CssSelector("[data-role=canvas]")).Displayed);
        Assert.False(host.FindElement(By.CssSelector(".diagram-legend")).Displayed);
        Assert.Contains("Xã công khai kết quả", browser.Find("#current-steps").Text, StringComparison.Ordinal);
    }

    /// <summary>Waits (up to 20 s) for the bundle to say it drew the diagram, or gave up.</summary>
    private static IWebElement DiagramState(Browser browser, string state)
    {
        var wait = new WebDriverWait(browser.Driver, TimeSpan.FromSeconds(20));
        return wait.Until(d => d.FindElements(By.CssSelector($"#process-diagram[data-state={state}]")).FirstOrDefault());
    }

    private static string Classes(IWebElement host, string elementId) =>
        host.FindElement(By.CssSelector($"svg .djs-element[data-element-id=\"{elementId}\"]")).GetAttribute("class") ?? "";

    private static string? Transform(IWebElement host) => host.FindElement(By.CssSelector("svg .viewport")).GetAttribute("transform");

    private async Task<string> StoredBpmnAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var instance = await db.WorkflowInstances.SingleAsync(i => i.ProcessId == "ntm-commune-two-tier");
        return Encoding.UTF8.GetString((await db.WorkflowDefinitions.SingleAsync(d => d.ProcessId == instance.ProcessId && d.Version == instance.Version)).Bpmn);
    }

    [GeneratedRegex("<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", RegexOptions.Singleline)]
    private static partial Regex DiagramPart();
}
