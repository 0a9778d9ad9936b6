using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Dossiers;
using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;

namespace NtmWorkflow.BrowserTests;

/// <summary>
/// Chị Mai (admin) changes the two-tier process in Chromium, on PostgreSQL, with Xã Ngọc Đường's dossier already
/// running on version 1: she opens ntm-commune-two-tier in the designer, picks the "Xã tự đánh giá" block from the
/// palette and drops it on an empty spot, validates and sees the error on the unconnected step (the server's list and
/// the red mark on the canvas), drags the step onto the first sequence flow, which connects it, hangs the reminder and
/// escalation pattern on it from its context pad, validates again, and publishes version 2. Xã Tân Trào's dossier,
/// opened next, starts on version 2 at the new step, while Xã Ngọc Đường's goes on on version 1.
/// </summary>
public sealed class DesignerJourneyTests : BrowserTestHost
{
    private const string Process = "ntm-commune-two-tier";
    private const string Template = "ntm.commune-self-assessment";
    private Guid _runningOnVersion1;

    protected override async Task SeedAsync() => _runningOnVersion1 = await DossierSeeds.OpenAsync(App.Services, "xa.lan", "00700");

    private IJavaScriptExecutor Script => (IJavaScriptExecutor)Browser.Driver;

    [Fact]
    public async Task A_step_added_from_a_block_is_flagged_until_connected_and_published_as_version_2_while_version_1_runs_on()
    {
        SignIn("admin");
        Go($"/admin/workflows/{Process}");
        Browser.Find($"#workflow-designer[data-state='ready']");
        // Zoom 1, the process's start at the top left, and the whole canvas in the window.
        Script.ExecuteScript("""
            const host = document.getElementById('workflow-designer');
            host.scrollIntoView({ block: 'start' });
            const canvas = host.modeler.get('canvas');
            const size = canvas.getSize();
            canvas.viewbox({ x: -150, y: -40, width: size.width, height: size.height }); // clear of the palette
            """);

        // The block from the palette, dropped on an empty spot below the start event: a step with no flow in or out.
        Browser.Find($".djs-palette .entry[data-action='ntm-block-{Template}']").Click();
        var (x, y) = OnScreen(110, 320);
        new Actions(Browser.Driver).MoveToLocation(x - 20, y - 20).MoveToLocation(x, y).Click().Perform();
        var step = (string)Script.ExecuteScript($$"""
            const registry = document.getElementById('workflow-designer').modeler.get('elementRegistry');
            const made = registry.filter(e => e.businessObject.get && e.businessObject.get('camunda:modelerTemplate') === '{{Template}}');
            return made.length === 1 ? made[0].id : null;
            """)!;
        Assert.False(string.IsNullOrEmpty(step), "the block made one step");
        Assert.Equal("${'commune-' + communeCode}", Attribute(step, "camunda:candidateGroups"));

        // Validate: the server names the step, and the canvas marks it.
        Browser.Find("[data-action='validate']").Click();
        var problem = Browser.Find($"#workflow-designer .designer-problems li[data-element='{step}']");
        Assert.Contains("no sequence flow leads here", problem.Text, StringComparison.Ordinal);
        Assert.True(Browser.Exists($".djs-element[data-element-id='{step}'].ntm-error"), "the unconnected step is marked on the canvas");
        Browser.Screenshot("designer-validation-error");

        // Dragged onto the flow from the start event to the self-assessment, the step is connected into it.
        var (flowX, flowY) = OnScreen(117, 80);
        new Actions(Browser.Driver).MoveToLocation(x, y).ClickAndHold().MoveToLocation(x + 10, y - 10).MoveToLocation(flowX, flowY + 4)
            .MoveToLocation(flowX, flowY).Release().Perform();
        Assert.Equal("dossierOpened", Neighbour(step, "incoming", "sourceRef"));
        Assert.Equal("selfAssessment", Neighbour(step, "outgoing", "targetRef"));

        // The reminder and escalation pattern from the step's context pad: four non-interrupting timers with their mails.
        Script.ExecuteScript($"document.getElementById('workflow-designer').modeler.get('selection').select(document.getElementById('workflow-designer').modeler.get('elementRegistry').get('{step}'))");
        Browser.Find(".djs-context-pad .entry[data-action='ntm-reminders']").Click();
        var timers = (long)Script.ExecuteScript($"""
            return document.getElementById('workflow-designer').modeler.get('elementRegistry')
              .filter(e => e.type === 'bpmn:BoundaryEvent' && e.host && e.host.id === '{step}' && e.businessObject.cancelActivity === false).length;
            """)!;
        Assert.Equal(4, timers);

        Browser.Find("[data-action='validate']").Click();
        Assert.Equal(Browser.Find("#workflow-designer").GetDomAttribute("data-valid"), Browser.Find("#workflow-designer [data-role='results'] p.notice").Text);
        Assert.False(Browser.Exists(".djs-element.ntm-error"), "nothing is marked once the step is connected");
        Browser.Screenshot("designer-connected");

        // Publish, confirmed: the page comes back on version 2.
        Browser.Find("[data-action='publish']").Click();
        Browser.Driver.SwitchTo().Alert().Accept();
        Browser.Find("#versions li[data-version='2']");
        Assert.Contains("2", Browser.Find("#designer-state [data-state='published']").Text, StringComparison.Ordinal);
        var published = await QueryAsync(db => db.WorkflowDefinitions.AsNoTracking().Where(d => d.ProcessId == Process).OrderByDescending(d => d.Version).FirstAsync());
        Assert.Equal((2, "admin", "designer"), (published.Version, published.PublishedBy, published.Source));
        var xml = System.Text.Encoding.UTF8.GetString(published.Bpmn);
        Assert.Contains($"id=\"{step}\"", xml, StringComparison.Ordinal);
        Assert.Contains("param('reminder.workingDaysBefore')", xml, StringComparison.Ordinal);
        var capitalised = char.ToUpperInvariant(step[0]) + step[1..];
        foreach (var id in new[] { $"{step}Reminder", $"remind{capitalised}", $"{step}Escalation", $"escalate{capitalised}", $"{step}Escalated" })
        {
            Assert.Contains($"id=\"{id}\"", xml, StringComparison.Ordinal);
        }

        Assert.Contains($"<camunda:property name=\"task\" value=\"{step}\" />", xml, StringComparison.Ordinal);
        Assert.Contains("bpmndi:BPMNShape", xml, StringComparison.Ordinal);

        // A dossier opened now starts on version 2, at the new step; the one on version 1 goes on where it was.
        var onVersion2 = await DossierSeeds.OpenAsync(App.Services, "xa.binh", "00706");
        Assert.Equal((2, step), await PositionAsync(onVersion2));
        Assert.Equal((1, "selfAssessment"), await PositionAsync(_runningOnVersion1));
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var dossiers = scope.ServiceProvider.GetRequiredService<DossierService>();
            var task = (await dossiers.OpenTasksAsync(await dossiers.LoadAsync(_runningOnVersion1, CancellationToken.None), CancellationToken.None)).Single();
            await scope.ServiceProvider.GetRequiredService<WorkflowEngine>().CompleteTaskAsync(task.Id, null, "xa.lan");
        }

        var (version, waiting) = await PositionAsync(_runningOnVersion1);
        Assert.Equal(1, version);
        Assert.DoesNotContain("selfAssessment", waiting.Split(','));
        Assert.NotEmpty(waiting);
    }

    /// <summary>Where a diagram point is in the window, from the canvas's position and viewbox.</summary>
    private (int X, int Y) OnScreen(double diagramX, double diagramY)
    {
        var point = (IReadOnlyCollection<object>)Script.ExecuteScript($$"""
            const host = document.getElementById('workflow-designer');
            const box = host.querySelector('[data-role="canvas"]').getBoundingClientRect();
            const viewbox = host.modeler.get('canvas').viewbox();
            return [box.left + ({{diagramX}} - viewbox.x) * viewbox.scale, box.top + ({{diagramY}} - viewbox.y) * viewbox.scale];
            """)!;
        var values = point.Select(Convert.ToDouble).ToArray();
        return ((int)Math.Round(values[0]), (int)Math.Round(values[1]));
    }

    private string? Attribute(string elementId, string name) => (string?)Script.ExecuteScript(
        $"return document.getElementById('workflow-designer').modeler.get('elementRegistry').get('{elementId}').businessObject.get('{name}')");

    /// <summary>The element at the other end of the step's only incoming or outgoing flow.</summary>
    private string? Neighbour(string elementId, string direction, string end) => (string?)Script.ExecuteScript($"""
        const flows = document.getElementById('workflow-designer').modeler.get('elementRegistry').get('{elementId}').businessObject.{direction} || [];
        return flows.length === 1 ? flows[0].{end}.id : null;
        """);

    /// <summary>The version the dossier's instance runs on and its open tasks' elements (comma-separated).</summary>
    private async Task<(int Version, string Waiting)> PositionAsync(Guid dossierId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var dossiers = scope.ServiceProvider.GetRequiredService<DossierService>();
        var dossier = await dossiers.LoadAsync(dossierId, CancellationToken.None);
        var version = await QueryAsync(db => db.WorkflowInstances.AsNoTracking().Where(i => i.Id == dossier.InstanceId).Select(i => i.Version).SingleAsync());
        var tasks = await dossiers.OpenTasksAsync(dossier, CancellationToken.None);
        return (version, string.Join(',', tasks.Select(t => t.ElementId).Order(StringComparer.Ordinal)));
    }
}
