using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Web.Tests.Designer;

/// <summary>
/// The process designer's server side, as Chị Mai (the national administrator <c>admin</c>) uses it through the API and
/// the designer page: a draft of <c>ntm-commune-two-tier</c> saved and audited; validation naming the element of an
/// unconnected task and of a misspelt legal parameter; the diff listing an added and a renamed step; publishing version
/// N+1 while an instance started on N stays on N; malformed models refused without touching the published version;
/// officials who do not administer refused.
/// </summary>
public abstract partial class DesignerTests : AppTestHost
{
    protected const string Process = "ntm-commune-two-tier";
    private const string Api = "/api/workflows/" + Process;
    private const string Page = "/admin/workflows/" + Process;
    private const string OldName = "Xã tự đánh giá mức đạt từng tiêu chí";
    private const string NewName = "Xã tự đánh giá, chấm điểm từng tiêu chí";

    private static readonly Dictionary<string, JsonNode?> DossierVariables = new()
    {
        ["dossierId"] = "2026-XA-DESIGNER", ["communeCode"] = "00700", ["communeName"] = "Xã Ngọc Đường", ["provinceCode"] = "08", ["tier"] = "ntm",
        ["year"] = 2026, ["criteriaSet"] = "ntm-2026-2030", ["departments"] = new JsonArray("01-nong-nghiep-moi-truong"), ["councilMembers"] = new JsonArray("hd.son"),
    };

    private async Task<string> PublishedAsync() => (await OkAsync("admin", HttpMethod.Get, $"{Api}/draft")).GetProperty("bpmn").GetString()!;

    /// <summary>The published model with a step added before the self-assessment and the self-assessment renamed: still valid.</summary>
    private static string Edited(string bpmn)
    {
        var flow = """<bpmn:sequenceFlow id="f01" sourceRef="dossierOpened" targetRef="selfAssessment" />""";
        Assert.Contains(flow, bpmn, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(bpmn, Regex.Escape($"name=\"{OldName}\"")));
        return bpmn.Replace(flow, """
            <bpmn:sequenceFlow id="f01" sourceRef="dossierOpened" targetRef="intakeCheck" />
                <bpmn:userTask id="intakeCheck" name="Kiểm tra hồ sơ đầu vào" camunda:candidateGroups="${'commune-' + communeCode}" camunda:formKey="ntm:intake-check" />
                <bpmn:sequenceFlow id="fIntakeCheck" sourceRef="intakeCheck" targetRef="selfAssessment" />
            """, StringComparison.Ordinal).Replace($"name=\"{OldName}\"", $"name=\"{NewName}\"", StringComparison.Ordinal);
    }

    private async Task<(int Version, string Hash, int Count)> PublishedStateAsync() => await QueryAsync(async db =>
    {
        var rows = await db.WorkflowDefinitions.AsNoTracking().Where(d => d.ProcessId == Process).ToListAsync();
        var latest = rows.MaxBy(d => d.Version)!;
        return (latest.Version, latest.ContentHash, rows.Count);
    });

    [Fact]
    public async Task A_draft_is_saved_audited_and_opened_again_by_the_designer()
    {
        var bpmn = Edited(await PublishedAsync());
        var saved = await OkAsync("admin", HttpMethod.Put, $"{Api}/draft", new { bpmn, basedOnVersion = 1 });
        Assert.Equal("admin", saved.GetProperty("updatedBy").GetString());
        Assert.Equal(1, saved.GetProperty("basedOnVersion").GetInt32());

        var opened = await OkAsync("admin", HttpMethod.Get, $"{Api}/draft");
        Assert.True(opened.GetProperty("isDraft").GetBoolean());
        Assert.Equal(bpmn, opened.GetProperty("bpmn").GetString());
        Assert.Equal(1, opened.GetProperty("latestVersion").GetInt32());

        var row = await QueryAsync(db => db.WorkflowDrafts.AsNoTracking().SingleAsync(d => d.ProcessId == Process));
        Assert.Equal(bpmn, row.Bpmn);
        Assert.Equal("admin", row.UpdatedBy);
        var audit = await QueryAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "definition.draft-saved").ToListAsync());
        Assert.Equal($"definition/{Process}/draft", Assert.Single(audit).Subject);

        // The list and the designer page show the draft; the draft downloads as saved.
        var list = await OkAsync("admin", HttpMethod.Get, "/api/workflows");
        var process = list.EnumerateArray().Single(p => p.GetProperty("processId").GetString() == Process);
        Assert.Equal("admin", process.GetProperty("draft").GetProperty("updatedBy").GetString());
        using var mai = await SignedInAsync("admin");
        var index = await mai.GetStringAsync("/admin/workflows");
        Assert.Contains($"<tr data-process=\"{Process}\">", index, StringComparison.Ordinal);
        Assert.Contains("data-draft=\"admin\"", index, StringComparison.Ordinal);
        Assert.Contains("id=\"workflows-link\"", index, StringComparison.Ordinal);
        var page = await mai.GetStringAsync(Page);
        Assert.Contains("data-state=\"draft\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"intakeCheck\"", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.Contains("/js/bpmn-modeler.js", page, StringComparison.Ordinal);
        Assert.Equal(bpmn, await mai.GetStringAsync($"{Page}?handler=Download&draft=true"));
        Assert.Equal(bpmn, await (await SendAsync("admin", HttpMethod.Get, $"{Api}/draft/bpmn")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Validation_names_the_element_of_an_unconnected_task_and_of_a_misspelt_parameter()
    {
        var published = await PublishedAsync();
        var valid = await OkAsync("admin", HttpMethod.Post, $"{Api}/validate", new { bpmn = published });
        Assert.True(valid.GetProperty("valid").GetBoolean(), valid.ToString());

        var broken = published
            .Replace("param('selfAssessment.workingDays')", "param('selfAsessment.workingDays')", StringComparison.Ordinal)
            .Replace("""<bpmn:endEvent id="selfAssessmentReminded" />""",
                """<bpmn:endEvent id="selfAssessmentReminded" /><bpmn:userTask id="orphanTask" name="Bước không nối" camunda:candidateGroups="${'commune-' + communeCode}" />""", StringComparison.Ordinal);
        var result = await OkAsync("admin", HttpMethod.Post, $"{Api}/validate", new { bpmn = broken });
        Assert.False(result.GetProperty("valid").GetBoolean());
        var errors = result.GetProperty("errors").EnumerateArray().Select(e => (Id: e.GetProperty("elementId").GetString(), Message: e.GetProperty("message").GetString()!)).ToList();
        Assert.Contains(errors, e => e.Id == "orphanTask" && e.Message.Contains("no sequence flow leads here", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Id == "selfAssessment" && e.Message.Contains("'selfAsessment.workingDays' is not defined", StringComparison.Ordinal));

        // The page's form shows the same problems, each on its element, and hands them to the canvas to mark.
        using var mai = await SignedInAsync("admin");
        var page = WebUtility.HtmlDecode(await (await PageForms.PostFormAsync(mai, Page, $"{Page}?handler=Validate", new() { ["bpmn"] = broken })).Content.ReadAsStringAsync());
        Assert.Contains("data-valid=\"false\"", page, StringComparison.Ordinal);
        Assert.Contains("<li data-element=\"orphanTask\" data-type=\"userTask\">orphanTask: no sequence flow leads here", page, StringComparison.Ordinal);
        Assert.Contains("<li data-element=\"selfAssessment\"", page, StringComparison.Ordinal);
        Assert.Contains("\"id\":\"orphanTask\"", page, StringComparison.Ordinal);

        // The page's script asks for JSON with the token in the header.
        var token = await PageForms.TokenAsync(mai, Page);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Page}?handler=Validate") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["bpmn"] = broken }) };
        request.Headers.Add("RequestVerificationToken", token);
        request.Headers.Add("Accept", "application/json");
        var json = JsonDocument.Parse(await (await mai.SendAsync(request)).Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(json.GetProperty("errors").EnumerateArray(), e => e.GetProperty("elementId").GetString() == "orphanTask");
    }

    [Fact]
    public async Task Validation_names_a_service_task_whose_topic_no_handler_serves()
    {
        var published = await PublishedAsync();
        var topic = Regex.Match(published, "camunda:topic=\"([^\"]+)\"");
        Assert.True(topic.Success, "the shipped process has a service or send task");
        var broken = string.Concat(published.AsSpan(0, topic.Index), "camunda:topic=\"ntm.notfy\"", published.AsSpan(topic.Index + topic.Length));

        var result = await OkAsync("admin", HttpMethod.Post, $"{Api}/validate", new { bpmn = broken });
        Assert.False(result.GetProperty("valid").GetBoolean());
        var error = Assert.Single(result.GetProperty("errors").EnumerateArray());
        Assert.Contains("no handler is registered for the topic 'ntm.notfy'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(topic.Groups[1].Value, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("elementId").GetString()));

        var before = await PublishedStateAsync();
        await RefusedAsync(HttpStatusCode.UnprocessableEntity, "admin", HttpMethod.Post, $"{Api}/versions", new { bpmn = broken });
        Assert.Equal(before, await PublishedStateAsync());
    }

    [Fact]
    public async Task A_draft_overtaken_by_a_newer_version_is_flagged_and_can_be_discarded()
    {
        var published = await PublishedAsync();
        var start = await PublishedStateAsync();
        await OkAsync("admin", HttpMethod.Put, $"{Api}/draft", new { bpmn = Edited(published), basedOnVersion = start.Version });

        // Someone publishes another change meanwhile (through the API, not from this draft).
        var other = published.Replace($"name=\"{OldName}\"", "name=\"Xã tự đánh giá (bản khác)\"", StringComparison.Ordinal);
        await SendAsync("admin", HttpMethod.Post, $"{Api}/versions", new { bpmn = other });
        Assert.Equal(start.Version + 1, (await PublishedStateAsync()).Version);

        var document = await OkAsync("admin", HttpMethod.Get, $"{Api}/draft");
        Assert.True(document.GetProperty("publishedSince").GetBoolean());
        using var mai = await SignedInAsync("admin");
        var page = WebUtility.HtmlDecode(await mai.GetStringAsync(Page));
        Assert.Contains("id=\"designer-published-since\"", page, StringComparison.Ordinal);
        Assert.Contains($"mở từ phiên bản {start.Version}, nhưng phiên bản {start.Version + 1} đã được công bố", page, StringComparison.Ordinal);

        // Discarding needs the confirmation; then the designer opens the version in force, and the discard is audited.
        var refused = WebUtility.HtmlDecode(await (await PageForms.PostFormAsync(mai, Page, $"{Page}?handler=Discard", new())).Content.ReadAsStringAsync());
        Assert.Contains("Tick the confirmation", refused, StringComparison.Ordinal);
        Assert.True(await QueryAsync(db => db.WorkflowDrafts.AnyAsync()));

        var done = await PageForms.PostFormAsync(mai, Page, $"{Page}?handler=Discard", new() { ["confirmed"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var after = WebUtility.HtmlDecode(await mai.GetStringAsync(done.Headers.Location!.OriginalString));
        Assert.Contains("Đã huỷ bản nháp", after, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"designer-published-since\"", after, StringComparison.Ordinal);
        Assert.Contains("data-state=\"published\"", after, StringComparison.Ordinal);
        Assert.False(await QueryAsync(db => db.WorkflowDrafts.AnyAsync()));
        Assert.True(await QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "definition.draft-discarded" && a.Actor == "admin")));
        Assert.Equal(start.Version + 1, (await PublishedStateAsync()).Version);

        // Nothing left to discard: the API says so.
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync("admin", HttpMethod.Delete, $"{Api}/draft")).StatusCode);
    }

    [Fact]
    public async Task The_diff_lists_an_added_step_and_a_renamed_one()
    {
        var diff = await OkAsync("admin", HttpMethod.Post, $"{Api}/diff", new { bpmn = Edited(await PublishedAsync()) });
        Assert.Equal(1, diff.GetProperty("againstVersion").GetInt32());
        var added = diff.GetProperty("added").EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!, e => e.GetProperty("type").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["fIntakeCheck"] = "sequenceFlow", ["intakeCheck"] = "userTask" }, added);
        Assert.Empty(diff.GetProperty("removed").EnumerateArray());
        var changed = diff.GetProperty("changed").EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!, e => e.GetProperty("changes").EnumerateArray()
            .ToDictionary(c => c.GetProperty("aspect").GetString()!, c => (c.GetProperty("before").GetString(), c.GetProperty("after").GetString())));
        Assert.Equal(["f01", "selfAssessment"], changed.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((OldName, NewName), changed["selfAssessment"]["name"]);
        Assert.Equal(("f01", "fIntakeCheck"), changed["selfAssessment"]["incoming"]);
        Assert.Equal(("selfAssessment", "intakeCheck"), changed["f01"]["targetRef"]);

        using var mai = await SignedInAsync("admin");
        var page = WebUtility.HtmlDecode(await (await PageForms.PostFormAsync(mai, Page, $"{Page}?handler=Diff", new() { ["bpmn"] = Edited(await PublishedAsync()) })).Content.ReadAsStringAsync());
        Assert.Contains("<ul id=\"diff-added\">", page, StringComparison.Ordinal);
        Assert.Contains($"<li data-aspect=\"name\"><code>name</code>: {OldName} → {NewName}</li>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publishing_makes_the_next_version_while_a_running_instance_keeps_its_own()
    {
        var engine = App.Services.GetRequiredService<WorkflowEngine>();
        var before = await PublishedStateAsync();
        var old = await engine.StartAsync(Process, DossierVariables, "2026-XA-OLD");
        Assert.Equal(before.Version, old.Version);

        var bpmn = Edited(await PublishedAsync());
        await OkAsync("admin", HttpMethod.Put, $"{Api}/draft", new { bpmn });
        var published = await OkAsync("admin", HttpMethod.Post, $"{Api}/versions", new { bpmn }, HttpStatusCode.Created);
        Assert.Equal(before.Version + 1, published.GetProperty("version").GetInt32());

        // Stored for restarts and other nodes, by whom; the draft is gone; both steps audited.
        var row = await QueryAsync(db => db.WorkflowDefinitions.AsNoTracking().SingleAsync(d => d.ProcessId == Process && d.Version == before.Version + 1));
        Assert.Equal("admin", row.PublishedBy);
        Assert.Equal("designer", row.Source);
        Assert.Equal(bpmn, System.Text.Encoding.UTF8.GetString(row.Bpmn));
        Assert.False(await QueryAsync(db => db.WorkflowDrafts.AnyAsync(d => d.ProcessId == Process)));
        Assert.Equal($"definition/{Process}/{before.Version + 1}",
            (await QueryAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "definition.published"))).Subject);

        // The instance started on N stays on N, at its old step; a new one starts on N+1 at the added step.
        var kept = (await engine.GetInstanceAsync(old.Id))!;
        Assert.Equal(before.Version, kept.Version);
        Assert.Equal(InstanceStatus.Running, kept.Status);
        var keptTask = Assert.Single(await engine.ListTasksAsync(old.Id));
        Assert.Equal(("selfAssessment", OldName), (keptTask.ElementId, keptTask.Name));
        var fresh = await engine.StartAsync(Process, DossierVariables, "2026-XA-NEW");
        Assert.Equal(before.Version + 1, fresh.Version);
        Assert.Equal("intakeCheck", Assert.Single(await engine.ListTasksAsync(fresh.Id)).ElementId);
        await engine.CompleteTaskAsync((await engine.ListTasksAsync(old.Id)).Single().Id);
        Assert.Equal(before.Version, (await engine.GetInstanceAsync(old.Id))!.Version);

        // The list shows the new version and the running instances per version; every version downloads.
        var process = (await OkAsync("admin", HttpMethod.Get, "/api/workflows")).EnumerateArray().Single(p => p.GetProperty("processId").GetString() == Process);
        var versions = process.GetProperty("versions").EnumerateArray().ToDictionary(v => v.GetProperty("version").GetInt32(), v => v.GetProperty("runningInstances").GetInt32());
        Assert.Equal(1, versions[before.Version + 1]);
        Assert.True(versions[before.Version] >= 1);
        Assert.Equal(bpmn, await (await SendAsync("admin", HttpMethod.Get, $"{Api}/versions/{before.Version + 1}/bpmn")).Content.ReadAsStringAsync());
        using var mai = await SignedInAsync("admin");
        var index = await mai.GetStringAsync("/admin/workflows");
        Assert.Contains($"data-latest-version=\"{before.Version + 1}\"", index, StringComparison.Ordinal);
        Assert.Contains($"data-version=\"{before.Version + 1}\" data-running=\"1\"", index, StringComparison.Ordinal);

        // Publishing the same model again is refused: nothing changed.
        var again = await RefusedAsync(HttpStatusCode.Conflict, "admin", HttpMethod.Post, $"{Api}/versions", new { bpmn });
        Assert.Contains($"same as version {before.Version + 1}", again.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restart_keeps_the_published_version_rather_than_deploying_the_unchanged_file_again()
    {
        var before = await PublishedStateAsync();
        var bpmn = Edited(await PublishedAsync());
        await OkAsync("admin", HttpMethod.Post, $"{Api}/versions", new { bpmn }, HttpStatusCode.Created);

        // What start-up does: restore every stored version, deploy the folder's changed files.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Features.Workflows.WorkflowDeployment>()
                .SynchronizeAsync(scope.ServiceProvider.GetRequiredService<NtmWorkflow.Web.Persistence.AppDbContext>(), CancellationToken.None);
        }

        Assert.Equal((before.Version + 1, before.Count + 1), await QueryAsync(async db =>
            (await db.WorkflowDefinitions.Where(d => d.ProcessId == Process).MaxAsync(d => d.Version), await db.WorkflowDefinitions.CountAsync(d => d.ProcessId == Process))));
        var engine = App.Services.GetRequiredService<WorkflowEngine>();
        Assert.Equal(before.Version + 1, engine.DeployedProcesses.Single(p => p.ProcessId == Process).Version);
        Assert.Equal("intakeCheck", Assert.Single(await engine.ListTasksAsync((await engine.StartAsync(Process, DossierVariables, "2026-XA-RESTART")).Id)).ElementId);
    }

    [Fact]
    public async Task A_published_version_from_the_page_needs_the_confirmation()
    {
        var before = await PublishedStateAsync();
        var bpmn = Edited(await PublishedAsync());
        using var mai = await SignedInAsync("admin");
        var refused = WebUtility.HtmlDecode(await (await PageForms.PostFormAsync(mai, Page, $"{Page}?handler=Publish", new() { ["bpmn"] = bpmn })).Content.ReadAsStringAsync());
        Assert.Contains("id=\"designer-problem\"", refused, StringComparison.Ordinal);
        Assert.Contains("Tick the confirmation", refused, StringComparison.Ordinal);
        Assert.Equal(before, await PublishedStateAsync());

        var done = await PageForms.PostFormAsync(mai, Page, $"{Page}?handler=Publish", new() { ["bpmn"] = bpmn, ["confirmed"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var page = await mai.GetStringAsync(done.Headers.Location!.OriginalString);
        Assert.Contains("id=\"designer-notice\"", page, StringComparison.Ordinal);
        Assert.Contains($"Đã ban hành phiên bản {before.Version + 1}.", page, StringComparison.Ordinal);
        Assert.Equal(before.Version + 1, (await PublishedStateAsync()).Version);
    }

    [Theory]
    [InlineData("not-xml", "not well-formed XML")]
    [InlineData("dtd", "DTD")]
    [InlineData("invalid-bpmn", "no sequence flow leads here")]
    [InlineData("other-process", "no process with the id")]
    public async Task A_malformed_model_is_refused_and_the_published_version_is_untouched(string kind, string expected)
    {
        var before = await PublishedStateAsync();
        var published = await PublishedAsync();
        var bpmn = kind switch
        {
            "not-xml" => "this is not a model <bpmn:process",
            "dtd" => """<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</definitions>""",
            "invalid-bpmn" => published.Replace("""<bpmn:sequenceFlow id="f01" sourceRef="dossierOpened" targetRef="selfAssessment" />""", "", StringComparison.Ordinal),
            _ => published.Replace($"id=\"{Process}\"", "id=\"another-process\"", StringComparison.Ordinal),
        };

        var problem = await RefusedAsync(HttpStatusCode.UnprocessableEntity, "admin", HttpMethod.Post, $"{Api}/versions", new { bpmn });
        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, e => e.GetProperty("message").GetString()!.Contains(expected, StringComparison.Ordinal));
        if (kind == "invalid-bpmn")
        {
            Assert.Contains(errors, e => e.GetProperty("elementId").GetString() == "selfAssessment");
        }

        if (kind is "not-xml" or "dtd")
        {
            await RefusedAsync(HttpStatusCode.UnprocessableEntity, "admin", HttpMethod.Put, $"{Api}/draft", new { bpmn });
            Assert.False(await QueryAsync(db => db.WorkflowDrafts.AnyAsync()));
        }

        using var mai = await SignedInAsync("admin");
        var page = WebUtility.HtmlDecode(await (await PageForms.PostFormAsync(mai, Page, $"{Page}?handler=Publish", new() { ["bpmn"] = bpmn, ["confirmed"] = "true" }))
            .Content.ReadAsStringAsync());
        Assert.Contains("id=\"designer-problem\"", page, StringComparison.Ordinal);
        Assert.Contains(expected, page, StringComparison.Ordinal);

        Assert.Equal(before, await PublishedStateAsync());
        Assert.Equal(before.Version, App.Services.GetRequiredService<WorkflowEngine>().DeployedProcesses.Single(p => p.ProcessId == Process).Version);
        Assert.False(await QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "definition.published")));
    }

    [Fact]
    public async Task Officials_who_do_not_administer_are_refused()
    {
        var bpmn = await PublishedAsync();
        foreach (var official in new[] { "xa.lan", "vpdp" })
        {
            await RefusedAsync(HttpStatusCode.Forbidden, official, HttpMethod.Get, "/api/workflows");
            await RefusedAsync(HttpStatusCode.Forbidden, official, HttpMethod.Get, $"{Api}/draft");
            await RefusedAsync(HttpStatusCode.Forbidden, official, HttpMethod.Put, $"{Api}/draft", new { bpmn });
            await RefusedAsync(HttpStatusCode.Forbidden, official, HttpMethod.Post, $"{Api}/versions", new { bpmn });
            await RefusedAsync(HttpStatusCode.Forbidden, official, HttpMethod.Delete, $"{Api}/draft");
            using var client = await SignedInAsync(official);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/admin/workflows")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(Page)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"{Page}?handler=Download&version=1")).StatusCode);
            Assert.DoesNotContain("id=\"workflows-link\"", await client.GetStringAsync("/inbox"), StringComparison.Ordinal);
        }

        Assert.False(await QueryAsync(db => db.WorkflowDrafts.AnyAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync("admin", HttpMethod.Get, "/api/workflows/no-such-process/draft")).StatusCode);
    }
}

public sealed class DesignerTests_Sqlite : DesignerTests;

[Trait("Db", "Postgres")]
public sealed class DesignerTests_Postgres : DesignerTests
{
    protected override bool OnPostgres => true;
}
