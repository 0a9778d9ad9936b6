using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests.Inbox;

/// <summary>
/// Việc cần xử lý over HTTP on the real app (SQLite, demo data): a commune officer sees her unit's tasks and
/// nobody else's, filters and searches them, claims one, hands it to a colleague of the unit (not to anyone
/// else), who releases it back; each change is audited. On each provider.
/// </summary>
public abstract class InboxPageTests : AppTestHost
{
    protected override async Task SeedAsync()
    {
        await CreateOfficialAsync("xa.minh", "commune:00700", Roles.CommuneOfficer);
        var engine = App.Services.GetRequiredService<WorkflowEngine>();
        foreach (var (key, commune) in new[] { ("HS-A", "00700"), ("HS-B", "00700"), ("HS-C", "00700"), ("HS-KHAC", "00706") })
        {
            await engine.StartAsync("ntm-commune-two-tier", new Dictionary<string, JsonNode?>
            {
                ["communeCode"] = commune, ["provinceCode"] = "08", ["departments"] = new JsonArray(), ["councilMembers"] = new JsonArray(),
            }, key);
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string handler, Dictionary<string, string> fields) =>
        PageForms.PostFormAsync(client, "/inbox", $"/inbox?handler={handler}", fields);

    private async Task<Guid> TaskOfAsync(string businessKey)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.WorkflowTasks.Where(t => db.WorkflowInstances.Any(i => i.Id == t.InstanceId && i.BusinessKey == businessKey)).Select(t => t.Id).SingleAsync();
    }

    [Fact]
    public async Task A_commune_officer_sees_her_units_tasks_filters_claims_and_hands_one_on()
    {
        using var lan = await SignedInAsync("xa.lan", followRedirects: true);
        var html = await lan.GetStringAsync("/inbox");
        Assert.Contains("Của tôi: 0 · Chưa có người nhận: 3 · Quá hạn: 0", html, StringComparison.Ordinal);
        Assert.Contains("HS-A", html, StringComparison.Ordinal);
        Assert.DoesNotContain("HS-KHAC", html, StringComparison.Ordinal);
        Assert.Contains("Hạn dựa trên tham số pháp lý chưa được xác minh", html, StringComparison.Ordinal);

        Assert.Contains("Trang 1/1 · 1 việc", await lan.GetStringAsync("/inbox?search=hs-b"), StringComparison.Ordinal);
        Assert.Contains("Hiện không có việc nào", await lan.GetStringAsync("/inbox?due=Overdue"), StringComparison.Ordinal);
        Assert.Contains("Trang 1/1 · 3 việc", await lan.GetStringAsync("/inbox?due=OnTime&step=selfAssessment"), StringComparison.Ordinal);

        // Claim: hers now; "only mine" shows it alone.
        var task = await TaskOfAsync("HS-A");
        var claimed = await (await PostAsync(lan, "Claim", new() { ["taskId"] = task.ToString() })).Content.ReadAsStringAsync();
        Assert.Contains("Bạn đã nhận xử lý việc này.", claimed, StringComparison.Ordinal);
        Assert.Contains("Của tôi: 1 · Chưa có người nhận: 2", claimed, StringComparison.Ordinal);
        var mine = await lan.GetStringAsync("/inbox?mine=true");
        Assert.Contains("HS-A", mine, StringComparison.Ordinal);
        Assert.DoesNotContain("HS-B", mine, StringComparison.Ordinal);

        // Handing on: not to someone outside the unit; to a colleague of the commune, yes.
        var refused = await (await PostAsync(lan, "Delegate", new() { ["taskId"] = task.ToString(), ["colleague"] = "so.hoa" })).Content.ReadAsStringAsync();
        Assert.Contains("so.hoa is not in this task", refused, StringComparison.Ordinal);
        Assert.Contains("xa.minh", refused, StringComparison.Ordinal);
        await PostAsync(lan, "Delegate", new() { ["taskId"] = task.ToString(), ["colleague"] = "xa.minh" });
        Assert.Equal("xa.minh", Assert.Single(await App.Services.GetRequiredService<WorkflowEngine>().ListTasksAsync(), t => t.Id == task).Assignee);

        // Lan no longer holds it and cannot release it; Minh can.
        var notHers = await (await PostAsync(lan, "Release", new() { ["taskId"] = task.ToString() })).Content.ReadAsStringAsync();
        Assert.Contains("Only xa.minh", notHers, StringComparison.Ordinal);
        using var minh = await SignedInAsync("xa.minh", followRedirects: true);
        Assert.Contains("Đã trả việc lại cho nhóm.", await (await PostAsync(minh, "Release", new() { ["taskId"] = task.ToString() })).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(["xa.lan", "xa.lan", "xa.minh"], await db.AuditEntries.Where(a => a.Action == "workflow.taskAssigned").OrderBy(a => a.Sequence).Select(a => a.Actor).ToListAsync());
    }

    [Fact]
    public async Task Others_see_none_of_it_and_a_visitor_is_sent_to_sign_in()
    {
        using var hoa = await SignedInAsync("so.hoa", followRedirects: true);
        var html = await hoa.GetStringAsync("/inbox");
        Assert.DoesNotContain("HS-A", html, StringComparison.Ordinal);
        var task = await TaskOfAsync("HS-B");
        var claim = await (await PostAsync(hoa, "Claim", new() { ["taskId"] = task.ToString() })).Content.ReadAsStringAsync();
        Assert.Contains("This task is not one of your unit", claim, StringComparison.Ordinal);
        Assert.Null(Assert.Single(await App.Services.GetRequiredService<WorkflowEngine>().ListTasksAsync(), t => t.Id == task).Assignee);

        using var visitor = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await visitor.GetAsync("/inbox");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}

public sealed class InboxPageTests_Sqlite : InboxPageTests;

[Trait("Db", "Postgres")]
public sealed class InboxPageTests_Postgres : InboxPageTests
{
    protected override bool OnPostgres => true;
}
