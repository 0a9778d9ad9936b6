using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Audit;

namespace NtmWorkflow.Web.Tests.Monitor;

/// <summary>
/// The instance monitor's pages, on each provider. The fixture: Xã Ngọc Đường's dossier (Tuyên Quang, 08) at its
/// self-assessment, and five instances of a small test process (a service task whose handler can be made to fail,
/// then a review with a due time given at start): in 08 one overdue, one faulted at the service task, one completed,
/// one cancelled; in Hà Nội (01) one due far ahead. qt.08 administers 08, vpdp is 08's coordination office, vpdp.hn
/// Hà Nội's; admin is the national administrator.
/// </summary>
public abstract partial class InstanceMonitorTests : AppTestHost
{
    private const string Process = "monitor-test";

    private const string Bpmn = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                          id="monitor-test-definitions" targetNamespace="http://ntmworkflow.test/monitor">
          <bpmn:process id="monitor-test" name="Quy trình thử theo dõi" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
            <bpmn:serviceTask id="check" name="Kiểm tra dữ liệu" camunda:type="external" camunda:topic="test.flaky" />
            <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="review" />
            <bpmn:userTask id="review" name="Xem xét" camunda:candidateGroups="${'coordination-office-' + provinceCode}" camunda:dueDate="${due}" />
            <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end" />
            <bpmn:endEvent id="end" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    private readonly FlakyHandler _handler = new();
    private Guid _dossierInstance;
    private Guid _overdue;
    private Guid _faulted;
    private Guid _completed;
    private Guid _cancelled;
    private Guid _hanoi;

    protected override async Task SeedAsync()
    {
        await CreateOfficialAsync("qt.08", "province:08", Roles.Administrator);
        await CreateOfficialAsync("vpdp.hn", "coordination-office:01", Roles.CoordinationOffice);
        var dossier = await DossierSeeds.OpenAsync(App.Services, "xa.lan", "00700");
        _dossierInstance = await QueryAsync(db => db.Dossiers.Where(d => d.Id == dossier).Select(d => d.InstanceId!.Value).SingleAsync());

        App.Services.GetRequiredService<HandlerRegistry>().Register("test.flaky", _handler);
        var engine = App.Services.GetRequiredService<WorkflowEngine>();
        Assert.True(engine.Deploy(Encoding.UTF8.GetBytes(Bpmn)).Validation.Valid);

        _completed = await StartAsync(engine, "MT-COMPLETED", "08", "2099-01-01T00:00:00Z");
        await engine.CompleteTaskAsync((await engine.ListTasksAsync(_completed)).Single().Id, null, "vpdp");
        _cancelled = await StartAsync(engine, "MT-CANCELLED", "08", "2099-01-01T00:00:00Z");
        await engine.CancelInstanceAsync(_cancelled, "thử", "admin");
        _hanoi = await StartAsync(engine, "MT-HANOI", "01", "2099-01-01T00:00:00Z");
        _overdue = await StartAsync(engine, "MT-OVERDUE", "08", "2020-01-01T00:00:00Z");
        _handler.Fail = true;
        _faulted = await StartAsync(engine, "MT-FAULTED", "08", "2020-01-01T00:00:00Z");
    }

    private static async Task<Guid> StartAsync(WorkflowEngine engine, string key, string province, string due)
    {
        var instance = await engine.StartAsync(Process, new Dictionary<string, JsonNode?> { ["provinceCode"] = province, ["due"] = due, ["note"] = "Ghi chú thử" }, key, actor: "admin");
        return instance.Id;
    }

    /// <summary>The instances a list page shows, in its order.</summary>
    private static async Task<List<Guid>> ListAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync($"/admin/instances?{query}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode}");
        return [.. InstanceRow().Matches(html).Select(m => Guid.Parse(m.Groups[1].Value))];
    }

    private static async Task<string> PageAsync(HttpClient client, Guid instance)
    {
        var response = await client.GetAsync($"/admin/instances/{instance}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, Guid instance, string handler, Dictionary<string, string> fields) =>
        PageForms.PostFormAsync(client, $"/admin/instances/{instance}", $"/admin/instances/{instance}?handler={handler}", fields);

    private Task<List<AuditEntryRow>> AuditAsync(string action) =>
        QueryAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == action).OrderBy(a => a.Sequence).ToListAsync());

    private static string? Reason(AuditEntryRow entry) => JsonDocument.Parse(entry.Detail).RootElement.GetProperty("reason").GetString();

    [Fact]
    public async Task The_filters_give_the_right_instances_newest_first_and_each_official_sees_their_provinces()
    {
        using var admin = await SignedInAsync("admin");
        Assert.Equal([_faulted, _overdue, _hanoi, _cancelled, _completed], await ListAsync(admin, $"process={Process}"));
        Assert.Equal([_dossierInstance], await ListAsync(admin, "process=ntm-commune-two-tier&version=1"));
        Assert.Empty(await ListAsync(admin, "process=ntm-commune-two-tier&version=2"));
        Assert.Equal([_faulted], await ListAsync(admin, "state=Faulted"));
        Assert.Equal([_completed], await ListAsync(admin, "state=Completed"));
        Assert.Equal([_cancelled], await ListAsync(admin, "state=Terminated"));
        Assert.Equal([_overdue, _hanoi], await ListAsync(admin, $"process={Process}&state=Running"));
        Assert.Equal([_hanoi], await ListAsync(admin, "province=01"));
        Assert.Equal([_faulted], await ListAsync(admin, "incident=true"));
        Assert.DoesNotContain(_faulted, await ListAsync(admin, "incident=false"));
        Assert.Equal([_overdue], await ListAsync(admin, "overdue=true"));
        Assert.Equal([_dossierInstance], await ListAsync(admin, "commune=00700"));
        Assert.Equal([_dossierInstance], await ListAsync(admin, "commune=ngọc"));

        // The row's columns were written by the store in each save.
        var rows = await QueryAsync(db => db.WorkflowInstances.AsNoTracking().ToDictionaryAsync(i => i.Id));
        Assert.Equal(("08", "00700", true), (rows[_dossierInstance].ProvinceCode, rows[_dossierInstance].CommuneCode, rows[_dossierInstance].NextTaskDue is not null));
        Assert.Equal(("01", false, false), (rows[_hanoi].ProvinceCode, rows[_hanoi].HasIncident, rows[_hanoi].NextTaskDue < DateTimeOffset.UtcNow));
        Assert.True(rows[_faulted].HasIncident);
        Assert.Null(rows[_cancelled].NextTaskDue);
        Assert.Equal("08", rows[_completed].ProvinceCode);

        // The coordination office and the administrator of 08 see 08's instances only; Hà Nội's office only Hà Nội's.
        using var vpdp = await SignedInAsync("vpdp");
        Assert.Equal([_faulted, _overdue, _cancelled, _completed], await ListAsync(vpdp, $"process={Process}"));
        Assert.Empty(await ListAsync(vpdp, "province=01"));
        using var provinceAdmin = await SignedInAsync("qt.08");
        Assert.Equal([_faulted, _overdue, _cancelled, _completed, _dossierInstance], await ListAsync(provinceAdmin, ""));
        using var hanoi = await SignedInAsync("vpdp.hn");
        Assert.Equal([_hanoi], await ListAsync(hanoi, ""));

        // The page carries the filter's words and the overdue mark.
        var page = WebUtility.HtmlDecode(await (await admin.GetAsync("/admin/instances?overdue=true")).Content.ReadAsStringAsync());
        Assert.Contains("MT-OVERDUE", page, StringComparison.Ordinal);
        Assert.Contains("data-overdue=\"true\"", page, StringComparison.Ordinal);
        Assert.Contains("1 quy trình phù hợp.", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_instance_page_shows_the_diagram_variables_history_tasks_and_timers_and_the_dossier_links_to_it()
    {
        using var admin = await SignedInAsync("admin");
        var page = await PageAsync(admin, _dossierInstance);
        Assert.Contains("id=\"process-diagram\"", page, StringComparison.Ordinal);
        Assert.Matches("id=\"current-elements\">[^<]*selfAssessment", page);
        Assert.Contains("data-variable=\"communeCode\"", page, StringComparison.Ordinal);
        Assert.Contains("\"00700\"", page, StringComparison.Ordinal);
        Assert.Contains("data-event=\"instanceStarted\"", page, StringComparison.Ordinal);
        Assert.Contains("data-event=\"taskCreated\"", page, StringComparison.Ordinal);
        var task = await QueryAsync(db => db.WorkflowTasks.AsNoTracking().SingleAsync(t => t.InstanceId == _dossierInstance));
        Assert.Contains($"data-task=\"{task.Id}\"", page, StringComparison.Ordinal);
        Assert.Contains("commune-00700", page, StringComparison.Ordinal);
        Assert.Contains("data-timer=\"selfAssessmentReminder\"", page, StringComparison.Ordinal);
        Assert.Contains("data-timer=\"selfAssessmentDue\"", page, StringComparison.Ordinal);
        Assert.Contains("Xã Ngọc Đường", page, StringComparison.Ordinal);
        Assert.Contains("id=\"cancel-form\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"no-incidents\"", page, StringComparison.Ordinal);

        var dossier = await QueryAsync(db => db.Dossiers.Where(d => d.InstanceId == _dossierInstance).Select(d => d.Id).SingleAsync());
        var dossierPage = await (await admin.GetAsync($"/dossiers/{dossier}")).Content.ReadAsStringAsync();
        Assert.Contains($"href=\"/admin/instances/{_dossierInstance}\"", dossierPage, StringComparison.Ordinal);
        using var commune = await SignedInAsync("xa.lan");
        var communePage = await (await commune.GetAsync($"/dossiers/{dossier}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("monitor-instance-link", communePage, StringComparison.Ordinal);

        // The faulted instance shows its incident with the handler's message, and its variables.
        page = await PageAsync(admin, _faulted);
        Assert.Contains("Cổng dữ liệu không trả lời", page, StringComparison.Ordinal);
        Assert.Contains("data-variable=\"note\"", page, StringComparison.Ordinal);
        Assert.Contains("\"Ghi chú thử\"", page, StringComparison.Ordinal);
        Assert.Contains("data-state=\"Faulted\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_coordination_office_retries_an_incident_and_the_step_runs_again()
    {
        using var vpdp = await SignedInAsync("vpdp");
        var page = await PageAsync(vpdp, _faulted);
        var incident = IncidentRow().Match(page).Groups[1].Value;
        Assert.NotEmpty(incident);
        Assert.DoesNotContain("id=\"cancel-form\"", page, StringComparison.Ordinal); // only administrators cancel

        // Still failing: the incident stays and the page says why.
        await PostAsync(vpdp, _faulted, "Retry", new() { ["incidentId"] = incident });
        Assert.True(await QueryAsync(db => db.WorkflowInstances.Where(i => i.Id == _faulted).Select(i => i.HasIncident).SingleAsync()));

        _handler.Fail = false;
        page = await PageAsync(vpdp, _faulted);
        incident = IncidentRow().Match(page).Groups[1].Value;
        var retried = await PostAsync(vpdp, _faulted, "Retry", new() { ["incidentId"] = incident });
        Assert.Equal(HttpStatusCode.Redirect, retried.StatusCode);
        page = await PageAsync(vpdp, _faulted);
        Assert.Contains("id=\"monitor-notice\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"no-incidents\"", page, StringComparison.Ordinal);
        Assert.Contains("data-state=\"Running\"", page, StringComparison.Ordinal);
        var row = await QueryAsync(db => db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == _faulted));
        Assert.False(row.HasIncident);
        Assert.True(row.NextTaskDue < DateTimeOffset.UtcNow); // now at the review, due in the past: overdue
        Assert.Equal("review", await QueryAsync(db => db.WorkflowTasks.Where(t => t.InstanceId == _faulted).Select(t => t.ElementId).SingleAsync()));
        using var admin = await SignedInAsync("admin");
        Assert.Equal([_faulted, _overdue], await ListAsync(admin, "overdue=true"));
        Assert.Empty(await ListAsync(admin, "incident=true"));
        var audits = await AuditAsync("workflow.incidentRetried");
        Assert.Equal(2, audits.Count);
        Assert.All(audits, a => Assert.Equal(("vpdp", $"instance/{_faulted}"), (a.Actor, a.Subject)));
    }

    [Fact]
    public async Task Reassigning_a_task_needs_a_written_reason_and_is_audited_with_it()
    {
        using var vpdp = await SignedInAsync("vpdp");
        var task = await QueryAsync(db => db.WorkflowTasks.AsNoTracking().SingleAsync(t => t.InstanceId == _overdue));
        Assert.Null(task.Assignee);

        var refused = await PostAsync(vpdp, _overdue, "Reassign", new() { ["taskId"] = task.Id.ToString(), ["assignee"] = "vpdp", ["reason"] = "  " });
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        var page = await PageAsync(vpdp, _overdue);
        Assert.Contains("id=\"monitor-problem\"", page, StringComparison.Ordinal);
        Assert.Contains("Write why the task is reassigned.", page, StringComparison.Ordinal);
        Assert.Null(await QueryAsync(db => db.WorkflowTasks.Where(t => t.Id == task.Id).Select(t => t.Assignee).SingleAsync()));
        Assert.Empty(await AuditAsync("workflow.taskReassigned"));

        // An unknown official is refused as well.
        await PostAsync(vpdp, _overdue, "Reassign", new() { ["taskId"] = task.Id.ToString(), ["assignee"] = "khong.co", ["reason"] = "Chuyên viên nghỉ phép" });
        Assert.Null(await QueryAsync(db => db.WorkflowTasks.Where(t => t.Id == task.Id).Select(t => t.Assignee).SingleAsync()));

        await PostAsync(vpdp, _overdue, "Reassign", new() { ["taskId"] = task.Id.ToString(), ["assignee"] = "vpdp", ["reason"] = "Chuyên viên phụ trách nghỉ phép" });
        Assert.Equal("vpdp", await QueryAsync(db => db.WorkflowTasks.Where(t => t.Id == task.Id).Select(t => t.Assignee).SingleAsync()));
        var audit = Assert.Single(await AuditAsync("workflow.taskReassigned"));
        Assert.Equal(("vpdp", $"instance/{_overdue}", "Chuyên viên phụ trách nghỉ phép"), (audit.Actor, audit.Subject, Reason(audit)));
        page = await PageAsync(vpdp, _overdue);
        Assert.Contains("Đã giao lại công việc.", page, StringComparison.Ordinal);
        Assert.Matches($"data-task=\"{task.Id}\"[^>]*>\\s*<td>[^<]*<small>[^<]*</small></td>\\s*<td class=\"assignee\">vpdp</td>", page);
        Assert.Null(await QueryAsync(db => AuditTrail.VerifyAsync(db, CancellationToken.None)));
    }

    [Fact]
    public async Task Only_administrators_cancel_and_the_reason_is_audited()
    {
        // The coordination office may not: a readable refusal, the instance runs on.
        using var vpdp = await SignedInAsync("vpdp");
        await PostAsync(vpdp, _overdue, "Cancel", new() { ["reason"] = "Xã rút hồ sơ" });
        var page = await PageAsync(vpdp, _overdue);
        Assert.Contains("Only an administrator cancels an instance.", page, StringComparison.Ordinal);
        Assert.Equal(InstanceStatus.Running, await QueryAsync(db => db.WorkflowInstances.Where(i => i.Id == _overdue).Select(i => i.Status).SingleAsync()));

        // The province's administrator must write why.
        using var provinceAdmin = await SignedInAsync("qt.08");
        await PostAsync(provinceAdmin, _overdue, "Cancel", new() { ["reason"] = "" });
        Assert.Contains("Write why the instance is cancelled.", await PageAsync(provinceAdmin, _overdue), StringComparison.Ordinal);
        Assert.Equal(InstanceStatus.Running, await QueryAsync(db => db.WorkflowInstances.Where(i => i.Id == _overdue).Select(i => i.Status).SingleAsync()));
        Assert.Empty(await AuditAsync("workflow.instanceCancelled"));

        var cancelled = await PostAsync(provinceAdmin, _overdue, "Cancel", new() { ["reason"] = "Xã rút hồ sơ theo văn bản số 12/UBND" });
        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        page = await PageAsync(provinceAdmin, _overdue);
        Assert.Contains("data-state=\"Terminated\"", page, StringComparison.Ordinal);
        Assert.Contains("Đã hủy quy trình.", page, StringComparison.Ordinal);
        Assert.Contains("Xã rút hồ sơ theo văn bản số 12/UBND", page, StringComparison.Ordinal); // the history's detail
        var row = await QueryAsync(db => db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == _overdue));
        Assert.Equal((InstanceStatus.Terminated, (DateTimeOffset?)null), (row.Status, row.NextTaskDue));
        Assert.Empty(await QueryAsync(db => db.WorkflowTasks.Where(t => t.InstanceId == _overdue).ToListAsync()));
        var audit = Assert.Single(await AuditAsync("workflow.instanceCancelled"));
        Assert.Equal(("qt.08", $"instance/{_overdue}", "Xã rút hồ sơ theo văn bản số 12/UBND"), (audit.Actor, audit.Subject, Reason(audit)));
        Assert.Null(await QueryAsync(db => AuditTrail.VerifyAsync(db, CancellationToken.None)));

        // Once ended, nothing more to cancel.
        Assert.DoesNotContain("id=\"cancel-form\"", page, StringComparison.Ordinal);
        using var admin = await SignedInAsync("admin");
        Assert.Equal([_overdue, _cancelled], await ListAsync(admin, "state=Terminated"));
    }

    [Fact]
    public async Task A_commune_officer_and_another_provinces_coordination_office_get_403_and_change_nothing()
    {
        using var commune = await SignedInAsync("xa.lan");
        Assert.Equal(HttpStatusCode.Forbidden, (await commune.GetAsync("/admin/instances")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await commune.GetAsync($"/admin/instances/{_dossierInstance}")).StatusCode);
        Assert.DoesNotContain("monitor-link", await commune.GetStringAsync("/inbox"), StringComparison.Ordinal);

        using var hanoi = await SignedInAsync("vpdp.hn");
        Assert.Equal(HttpStatusCode.Forbidden, (await hanoi.GetAsync($"/admin/instances/{_faulted}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await hanoi.GetAsync($"/admin/instances/{_dossierInstance}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hanoi.GetAsync($"/admin/instances/{Guid.NewGuid()}")).StatusCode);
        var task = await QueryAsync(db => db.WorkflowTasks.AsNoTracking().SingleAsync(t => t.InstanceId == _overdue));
        var reassign = await PageForms.PostFormAsync(hanoi, $"/admin/instances/{_hanoi}", $"/admin/instances/{_overdue}?handler=Reassign",
            new Dictionary<string, string> { ["taskId"] = task.Id.ToString(), ["assignee"] = "vpdp.hn", ["reason"] = "Thử" });
        Assert.Equal(HttpStatusCode.Forbidden, reassign.StatusCode);
        _handler.Fail = false;
        var incident = await QueryAsync(db => db.WorkflowInstances.Where(i => i.Id == _faulted).Select(i => i.HasIncident).SingleAsync());
        Assert.True(incident);
        var retry = await PageForms.PostFormAsync(hanoi, $"/admin/instances/{_hanoi}", $"/admin/instances/{_faulted}?handler=Retry", new Dictionary<string, string> { ["incidentId"] = "i1" });
        Assert.Equal(HttpStatusCode.Forbidden, retry.StatusCode);
        Assert.True(await QueryAsync(db => db.WorkflowInstances.Where(i => i.Id == _faulted).Select(i => i.HasIncident).SingleAsync()));
        Assert.Null(await QueryAsync(db => db.WorkflowTasks.Where(t => t.Id == task.Id).Select(t => t.Assignee).SingleAsync()));

        // A form without its antiforgery token changes nothing either.
        using var admin = await SignedInAsync("admin");
        var forged = await admin.PostAsync($"/admin/instances/{_overdue}?handler=Cancel", new FormUrlEncodedContent(new Dictionary<string, string> { ["reason"] = "x" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(InstanceStatus.Running, await QueryAsync(db => db.WorkflowInstances.Where(i => i.Id == _overdue).Select(i => i.Status).SingleAsync()));
        Assert.Contains("id=\"monitor-link\"", await admin.GetStringAsync("/inbox"), StringComparison.Ordinal);
    }

    [GeneratedRegex("<tr data-instance=\"([0-9a-f-]{36})\"")]
    private static partial Regex InstanceRow();

    [GeneratedRegex("<tr data-incident=\"([^\"]+)\"")]
    private static partial Regex IncidentRow();

    /// <summary>The test process's service task: fails while <see cref="Fail"/> is set, as a data portal that does not answer.</summary>
    private sealed class FlakyHandler : IServiceTaskHandler
    {
        public bool Fail { get; set; }

        public ValueTask<IReadOnlyDictionary<string, JsonNode?>> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken) =>
            Fail ? throw new InvalidOperationException("Cổng dữ liệu không trả lời")
                : ValueTask.FromResult<IReadOnlyDictionary<string, JsonNode?>>(new Dictionary<string, JsonNode?> { ["checked"] = true });
    }
}

public sealed class InstanceMonitorTests_Sqlite : InstanceMonitorTests;

[Trait("Db", "Postgres")]
public sealed class InstanceMonitorTests_Postgres : InstanceMonitorTests
{
    protected override bool OnPostgres => true;
}
