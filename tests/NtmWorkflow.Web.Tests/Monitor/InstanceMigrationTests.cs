using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Accounts;

namespace NtmWorkflow.Web.Tests.Monitor;

/// <summary>
/// Chuyển phiên bản, on each provider: Xã Ngọc Đường's dossier (Tuyên Quang, 08) waits at its self-assessment on
/// version 1 of the shipped two-tier workflow; the administrator publishes version 2, where that step is renamed
/// (selfAssessment → communeSelfAssessment) and a check is added after it, previews the move and applies it.
/// </summary>
public abstract partial class InstanceMigrationTests : AppTestHost
{
    private const string Process = "ntm-commune-two-tier";
    private const string Mapping = "# đổi mã bước tự đánh giá\nselfAssessment → communeSelfAssessment\n";
    private Guid _instance;

    protected override async Task SeedAsync()
    {
        await CreateOfficialAsync("qt.01", "province:01", Roles.Administrator);
        await CreateOfficialAsync("qt.08", "province:08", Roles.Administrator);
        var dossier = await DossierSeeds.OpenAsync(App.Services, "xa.lan", "00700");
        _instance = await QueryAsync(db => db.Dossiers.Where(d => d.Id == dossier).Select(d => d.InstanceId!.Value).SingleAsync());

        await DossierSeeds.PublishRenamedSelfAssessmentAsync(App.Services);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string handler, string mapping, int from = 1, int to = 2, string culture = "vi") =>
        PageForms.PostFormAsync(client, "/admin/instances/migrate", $"/admin/instances/migrate?handler={handler}&culture={culture}", new Dictionary<string, string>
        {
            ["process"] = Process, ["from"] = from.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["to"] = to.ToString(System.Globalization.CultureInfo.InvariantCulture), ["mapping"] = mapping,
        });

    private static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private string? Outcome(string html) => Regex.Match(html, $"data-instance=\"{_instance}\" data-outcome=\"(\\w+)\"") is { Success: true } m ? m.Groups[1].Value : null;

    [Fact]
    public async Task The_preview_shows_each_change_and_applying_moves_the_dossier_with_its_task_and_timers()
    {
        using var admin = await SignedInAsync("admin");
        var page = await HtmlAsync(await admin.GetAsync("/admin/instances"));
        Assert.Contains("href=\"/admin/instances/migrate\"", page, StringComparison.Ordinal);
        var before = await QueryAsync(db => db.WorkflowTasks.AsNoTracking().SingleAsync(t => t.InstanceId == _instance));
        var timersBefore = await QueryAsync(db => db.WorkflowTimers.AsNoTracking().Where(t => t.InstanceId == _instance).Select(t => t.TimerId).OrderBy(t => t).ToListAsync());

        // Without the mapping the dossier would lose its step: refused, and the page says why.
        var unmapped = await PostAsync(admin, "Preview", "");
        var html = await HtmlAsync(unmapped);
        Assert.Equal(HttpStatusCode.OK, unmapped.StatusCode);
        Assert.Equal("refused", Outcome(html));
        Assert.Contains("<li data-refusal=\"NoCounterpart\">Hồ sơ đang ở bước 'selfAssessment', nhưng phiên bản 2 không có bước tương ứng", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"migration-apply\"", html, StringComparison.Ordinal);
        var english = await HtmlAsync(await PostAsync(admin, "Preview", "", culture: "en"));
        Assert.Contains("<li data-refusal=\"NoCounterpart\">The instance is at 'selfAssessment', which has no counterpart in version 2", english, StringComparison.Ordinal);

        var preview = await HtmlAsync(await PostAsync(admin, "Preview", Mapping));
        Assert.Equal("movable", Outcome(preview));
        Assert.Contains("Bước đang làm <code>selfAssessment</code> → <code>communeSelfAssessment</code>", preview, StringComparison.Ordinal);
        Assert.Equal(timersBefore.Count, Regex.Count(preview, "data-change=\"TimerKept\""));
        Assert.Contains("id=\"migration-apply\"", preview, StringComparison.Ordinal);
        Assert.Equal(1, await QueryAsync(db => db.WorkflowInstances.Where(i => i.Id == _instance).Select(i => i.Version).SingleAsync()));

        var applied = await HtmlAsync(await PostAsync(admin, "Apply", Mapping));
        Assert.Equal("migrated", Outcome(applied));
        Assert.Contains("Đã chuyển 1 hồ sơ.", applied, StringComparison.Ordinal);

        // The rows follow the state: the version, the task's element and name (same task, same holder and due date), the timers.
        Assert.Equal(2, await QueryAsync(db => db.WorkflowInstances.Where(i => i.Id == _instance).Select(i => i.Version).SingleAsync()));
        var after = await QueryAsync(db => db.WorkflowTasks.AsNoTracking().SingleAsync(t => t.InstanceId == _instance));
        Assert.Equal((before.Id, "communeSelfAssessment", before.Due, before.Assignee), (after.Id, after.ElementId, after.Due, after.Assignee));
        Assert.Equal(timersBefore, await QueryAsync(db => db.WorkflowTimers.AsNoTracking().Where(t => t.InstanceId == _instance).Select(t => t.TimerId).OrderBy(t => t).ToListAsync()));

        // Audited: the instance's move in its own save, the batch with its mapping and counts.
        var moved = await QueryAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "workflow.instanceMigrated"));
        Assert.Equal(("admin", $"instance/{_instance}"), (moved.Actor, moved.Subject));
        var batch = await QueryAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "workflow.migrationApplied"));
        var detail = JsonDocument.Parse(batch.Detail).RootElement;
        Assert.Equal((1, 2, 1, "communeSelfAssessment"), (detail.GetProperty("from").GetInt32(), detail.GetProperty("to").GetInt32(), detail.GetProperty("migrated").GetInt32(),
            detail.GetProperty("mapping").GetProperty("selfAssessment").GetString()));

        // The commune still has its task, and finishing it leads to the step version 2 added.
        using var commune = await SignedInAsync("xa.lan");
        Assert.Contains(before.Id.ToString(), await commune.GetStringAsync("/inbox"), StringComparison.Ordinal);
        var engine = App.Services.GetRequiredService<WorkflowEngine>();
        await engine.CompleteTaskAsync(before.Id, null, "xa.lan");
        Assert.Equal("selfAssessmentCheck", Assert.Single(await engine.ListTasksAsync(_instance)).ElementId);

        // Nothing is left at version 1: a second apply finds nothing to move.
        Assert.Contains("id=\"migration-summary\">0 ", (await HtmlAsync(await PostAsync(admin, "Apply", Mapping))).Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("selfAssessment communeSelfAssessment", 1, 2, "Line 1 of the mapping")]
    [InlineData("a → b\na → c", 1, 2, "maps 'a' a second time")]
    [InlineData("", 1, 9, "has no published version 9")]
    [InlineData("", 2, 2, "already run version 2")]
    public async Task A_bad_request_is_answered_on_the_page_and_moves_nothing(string mapping, int from, int to, string message)
    {
        using var admin = await SignedInAsync("admin");

        var response = await PostAsync(admin, "Preview", mapping, from, to);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await HtmlAsync(response);
        Assert.Contains(message, html, StringComparison.Ordinal);
        Assert.Contains(mapping.Split('\n')[0], html, StringComparison.Ordinal); // what was typed is kept
        Assert.Equal(1, await QueryAsync(db => db.WorkflowInstances.Where(i => i.Id == _instance).Select(i => i.Version).SingleAsync()));
    }

    [Fact]
    public async Task Only_administrators_migrate_and_a_province_administrator_only_its_own_dossiers()
    {
        using var office = await SignedInAsync("vpdp");
        Assert.Equal(HttpStatusCode.Forbidden, (await office.GetAsync("/admin/instances/migrate")).StatusCode);

        using var hanoi = await SignedInAsync("qt.01");
        var html = await HtmlAsync(await PostAsync(hanoi, "Apply", Mapping));
        Assert.Null(Outcome(html));
        Assert.Equal(1, await QueryAsync(db => db.WorkflowInstances.Where(i => i.Id == _instance).Select(i => i.Version).SingleAsync()));
    }

    private static object ApiBody(string? processId = Process, int? from = 1, int? to = 2, Dictionary<string, string>? mapping = null) =>
        new { processId, fromVersion = from, toVersion = to, mapping = mapping ?? new Dictionary<string, string> { ["selfAssessment"] = "communeSelfAssessment" } };

    [Fact]
    public async Task The_api_previews_with_structured_refusals_and_applies_as_the_page_does()
    {
        // Unmapped: refused, with the reason's kind and element, the text in the request's language (Vietnamese unless asked).
        var refused = await OkAsync("admin", HttpMethod.Post, "/api/instances/migrations/preview", ApiBody(mapping: []));
        var item = Assert.Single(refused.GetProperty("instances").EnumerateArray());
        Assert.Equal((_instance, "refused"), (item.GetProperty("instanceId").GetGuid(), item.GetProperty("outcome").GetString()));
        var refusal = Assert.Single(item.GetProperty("refusals").EnumerateArray());
        Assert.Equal(("NoCounterpart", "selfAssessment"), (refusal.GetProperty("kind").GetString(), refusal.GetProperty("sourceElementId").GetString()));
        Assert.StartsWith("Hồ sơ đang ở bước 'selfAssessment'", refusal.GetProperty("message").GetString(), StringComparison.Ordinal);
        var english = await OkAsync("admin", HttpMethod.Post, "/api/instances/migrations/preview?culture=en", ApiBody(mapping: []));
        Assert.StartsWith("The instance is at 'selfAssessment'", english.GetProperty("instances")[0].GetProperty("refusals")[0].GetProperty("message").GetString(), StringComparison.Ordinal);

        var preview = await OkAsync("admin", HttpMethod.Post, "/api/instances/migrations/preview", ApiBody());
        Assert.Equal((1, 1, 0, 0), (preview.GetProperty("matching").GetInt32(), preview.GetProperty("movable").GetInt32(), preview.GetProperty("refused").GetInt32(), preview.GetProperty("migrated").GetInt32()));
        Assert.Contains(preview.GetProperty("instances")[0].GetProperty("changes").EnumerateArray(), c => c.GetProperty("kind").GetString() == "TokenMoved"
            && c.GetProperty("sourceElementId").GetString() == "selfAssessment" && c.GetProperty("targetElementId").GetString() == "communeSelfAssessment");
        Assert.Equal(1, await QueryAsync(db => db.WorkflowInstances.Where(i => i.Id == _instance).Select(i => i.Version).SingleAsync()));

        var applied = await OkAsync("admin", HttpMethod.Post, "/api/instances/migrations/apply", ApiBody());
        Assert.Equal((1, "migrated"), (applied.GetProperty("migrated").GetInt32(), applied.GetProperty("instances")[0].GetProperty("outcome").GetString()));
        Assert.Equal(2, await QueryAsync(db => db.WorkflowInstances.Where(i => i.Id == _instance).Select(i => i.Version).SingleAsync()));
        Assert.Equal("communeSelfAssessment", await QueryAsync(db => db.WorkflowTasks.Where(t => t.InstanceId == _instance).Select(t => t.ElementId).SingleAsync()));
        Assert.Equal("admin", await QueryAsync(db => db.AuditEntries.Where(a => a.Action == "workflow.migrationApplied").Select(a => a.Actor).SingleAsync()));
    }

    public static TheoryData<string?, int?, int?, string?, string, string> BadApiRequests => new()
    {
        { Process, 1, 9, null, "toVersion", "has no published version 9" },
        { Process, 7, 2, null, "fromVersion", "has no published version 7" },
        { Process, 2, 2, null, "toVersion", "already run version 2" },
        { Process, null, 2, null, "fromVersion", "Name the version the instances run" },
        { " ", 1, 2, null, "processId", "Choose the process" },
        { Process, 1, 2, "not an id!", "mapping", "is not two element ids" },
    };

    [Theory]
    [MemberData(nameof(BadApiRequests))]
    public async Task A_bad_api_request_is_a_problem_naming_the_field_and_moves_nothing(string? processId, int? from, int? to, string? badTarget, string field, string message)
    {
        var mapping = badTarget is null ? null : new Dictionary<string, string> { ["selfAssessment"] = badTarget };

        var problem = await RefusedAsync(HttpStatusCode.BadRequest, "admin", HttpMethod.Post, "/api/instances/migrations/apply", ApiBody(processId, from, to, mapping));

        var errors = problem.GetProperty("errors").GetProperty(field);
        Assert.Contains(message, errors[0].GetString(), StringComparison.Ordinal);
        Assert.Contains(message, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await QueryAsync(db => db.WorkflowInstances.Where(i => i.Id == _instance).Select(i => i.Version).SingleAsync()));
    }

    [Fact]
    public async Task On_the_api_only_administrators_migrate_and_a_province_administrator_only_its_own_instances()
    {
        var problem = await RefusedAsync(HttpStatusCode.Forbidden, "vpdp", HttpMethod.Post, "/api/instances/migrations/apply", ApiBody());
        Assert.Contains("Only an administrator", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await RefusedAsync(HttpStatusCode.Forbidden, "xa.lan", HttpMethod.Post, "/api/instances/migrations/preview", ApiBody());

        // Hà Nội's administrator is an administrator, but the dossier is Tuyên Quang's: not in the batch, not moved.
        var hanoi = await OkAsync("qt.01", HttpMethod.Post, "/api/instances/migrations/apply", ApiBody());
        Assert.Equal((0, 0), (hanoi.GetProperty("matching").GetInt32(), hanoi.GetProperty("instances").GetArrayLength()));

        // Tuyên Quang's own administrator moves it.
        var tuyenQuang = await OkAsync("qt.08", HttpMethod.Post, "/api/instances/migrations/apply", ApiBody());
        Assert.Equal(1, tuyenQuang.GetProperty("migrated").GetInt32());
        Assert.Equal(2, await QueryAsync(db => db.WorkflowInstances.Where(i => i.Id == _instance).Select(i => i.Version).SingleAsync()));
    }
}

public sealed class InstanceMigrationTests_Sqlite : InstanceMigrationTests;

[Trait("Db", "Postgres")]
public sealed class InstanceMigrationTests_Postgres : InstanceMigrationTests
{
    protected override bool OnPostgres => true;
}
