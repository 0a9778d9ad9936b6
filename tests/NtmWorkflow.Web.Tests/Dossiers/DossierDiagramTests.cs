using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Testing;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Pages.Dossiers;

namespace NtmWorkflow.Web.Tests.Dossiers;

/// <summary>
/// The dossier page's process diagram: the instance's stored definition version and its path so far, as data
/// for the bpmn-js bundle (the browser test checks the drawing).
/// </summary>
public sealed class DossierDiagramTests : AppTestHost
{
    private Guid _dossier;

    protected override async Task SeedAsync() => _dossier = await DossierSeeds.OneStepOnAsync(App.Services);

    [Fact]
    public async Task The_page_carries_the_instances_definition_version_with_what_was_done_and_where_it_waits()
    {
        using var lan = await SignedInAsync("xa.lan");
        var response = await lan.GetAsync($"/dossiers/{_dossier}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<h2 id=\"diagram-heading\">Sơ đồ quy trình</h2>", html, StringComparison.Ordinal);
        Assert.Contains("Sơ đồ quy trình cần JavaScript để hiển thị", html, StringComparison.Ordinal);
        Assert.Matches("<script src=\"/js/bpmn-viewer.js\\?v=[^\"]+\" defer></script>", html);

        var completed = Ids(html, "completed");
        var reached = Ids(html, "reached");
        Assert.Equal(["dossierOpened", "selfAssessment"], completed);
        Assert.Equal(["dossierOpened", "selfAssessment", "postingAndSurvey"], reached);
        Assert.Equal(["postingAndSurvey"], Ids(html, "current"));

        // The XML is the stored version the instance runs on, with its diagram, and it reaches the page
        // only HTML-encoded inside the attribute: no markup of its own.
        var raw = Attribute(html, "bpmn");
        Assert.DoesNotContain('<', raw);
        var bpmn = WebUtility.HtmlDecode(raw);
        var (version, stored) = await QueryAsync(async db =>
        {
            var instance = await db.WorkflowInstances.SingleAsync(i => i.ProcessId == "ntm-commune-two-tier");
            var definition = await db.WorkflowDefinitions.SingleAsync(d => d.ProcessId == instance.ProcessId && d.Version == instance.Version);
            return (instance.Version, System.Text.Encoding.UTF8.GetString(definition.Bpmn));
        });
        Assert.Equal(stored, bpmn);
        Assert.Contains("<bpmndi:BPMNShape id=\"postingAndSurvey_di\" bpmnElement=\"postingAndSurvey\">", bpmn, StringComparison.Ordinal);
        Assert.Contains($"— phiên bản {version}", html, StringComparison.Ordinal);
    }

    [Fact]
    public void An_open_step_is_current_until_every_activation_of_it_has_ended_and_nothing_is_current_once_the_instance_ended()
    {
        var at = DateTimeOffset.UnixEpoch;
        var instance = Guid.NewGuid();
        WorkflowEvent E(string name, string? element) => new(at, name, element, instance);
        List<WorkflowEvent> history =
        [
            E("instanceStarted", null), E("activated", "start"), E("completed", "start"),
            E("activated", "reviews"), E("activated", "reviews"), E("taskCreated", "reviews"), E("completed", "reviews"),
            E("activated", "reminder"), E("completed", "reminder"), E("activated", "notify"), E("cancelled", "notify"),
        ];

        var running = ProcessDiagram.From("p", 3, System.Text.Encoding.UTF8.GetBytes("\uFEFF<definitions />"), history, running: true);
        Assert.Equal(["start", "reviews", "reminder"], running.Completed);
        Assert.Equal(["start", "reviews", "reminder", "notify"], running.Reached);
        Assert.Equal(["reviews"], running.Current);
        Assert.Equal("<definitions />", running.Bpmn);

        var ended = ProcessDiagram.From("p", 3, [], [.. history, E("completed", "reviews"), E("instanceEnded", null)], running: false);
        Assert.Empty(ended.Current);
        Assert.Equal(["start", "reviews", "reminder"], ended.Completed);
    }

    private static string Attribute(string html, string name)
    {
        var match = Regex.Match(html, $"<div id=\"process-diagram\"[^>]*\\sdata-{name}=\"([^\"]*)\"");
        Assert.True(match.Success, $"data-{name} is not on the diagram element");
        return match.Groups[1].Value;
    }

    private static List<string> Ids(string html, string name) =>
        JsonSerializer.Deserialize<List<string>>(WebUtility.HtmlDecode(Attribute(html, name)))!;
}
