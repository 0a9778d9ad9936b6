using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Inbox;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Workflows.Store;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests.Inbox;

/// <summary>
/// The inbox reads one table: open tasks carry their dossier's code, id and commune, and an unclaimed task's
/// candidate groups are rows of WorkflowTaskGroups. The columns are filled whether the task is made before the
/// dossier is linked to its workflow or after and stay through a claim; the group rows leave with a claim,
/// come back with a release and go with a completed task; both come back on an upgraded database; filters,
/// search, paging and counts give the right answers. On each provider.
/// </summary>
public abstract class InboxQueryTests : AppTestHost
{
    private const string Commune = "00700";

    protected override Task SeedAsync() => CreateOfficialAsync("xa.khac", "commune:00706", Roles.CommuneOfficer);

    private async Task<Official> OfficialAsync(string userName)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrganisationService>().FindOfficialAsync(userName, null, CancellationToken.None)
               ?? throw new InvalidOperationException(userName);
    }

    private async Task<InboxPage> ListAsync(string userName, InboxFilter filter)
    {
        var official = await OfficialAsync(userName);
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<InboxService>().ListAsync(official, filter, CancellationToken.None);
    }

    private async Task<DossierRow> OpenDossierAsync()
    {
        var opened = await OkAsync("xa.lan", HttpMethod.Post, "/api/dossiers", new
        {
            communeCode = Commune, tier = "Ntm", year = 2025, openedOn = "2025-09-15", thresholdScope = "trung-du-mien-nui-phia-bac",
        }, HttpStatusCode.Created);
        var id = Guid.Parse(opened.GetProperty("id").GetString()!);
        return await QueryAsync(db => db.Dossiers.AsNoTracking().SingleAsync(d => d.Id == id));
    }

    private Task<WorkflowTaskRow> TaskRowAsync(Guid instanceId, string elementId) =>
        QueryAsync(db => db.WorkflowTasks.AsNoTracking().SingleAsync(t => t.InstanceId == instanceId && t.ElementId == elementId));

    private static void AssertCarries(DossierRow dossier, WorkflowTaskRow task)
    {
        Assert.Equal((dossier.Code, dossier.Id, dossier.CommuneCode, dossier.CommuneName), (task.BusinessKey, task.DossierId, task.CommuneCode, task.CommuneName));
    }

    /// <summary>The group rows are exactly the candidate groups of the unclaimed open tasks; no row outlives its task or a claim.</summary>
    private async Task AssertGroupRowsMatchTasksAsync()
    {
        var tasks = await QueryAsync(db => db.WorkflowTasks.AsNoTracking().Where(t => t.Assignee == null).Select(t => new { t.Id, t.CandidateGroups }).ToListAsync());
        var rows = await QueryAsync(db => db.WorkflowTaskGroups.AsNoTracking().ToListAsync());
        var expected = tasks.SelectMany(t => System.Text.Json.JsonSerializer.Deserialize<List<string>>(t.CandidateGroups)!.Distinct().Select(g => $"{t.Id}/{g}")).Order();
        Assert.Equal(expected, rows.Select(r => $"{r.TaskId}/{r.Group}").Order());
    }

    [Fact]
    public async Task A_dossiers_tasks_carry_its_code_and_commune_from_the_first_step_on_leave_the_group_queue_while_claimed_and_go_when_completed()
    {
        // The first task is made while the workflow starts, before the dossier records its instance.
        var dossier = await OpenDossierAsync();
        var instance = dossier.InstanceId!.Value;
        var first = await TaskRowAsync(instance, "selfAssessment");
        AssertCarries(dossier, first);
        Assert.Equal(["commune-00700"], await QueryAsync(db => db.WorkflowTaskGroups.Where(g => g.TaskId == first.Id).Select(g => g.Group).ToListAsync()));

        // Found by commune code, by part of the commune's name and by part of the dossier's code.
        var byCode = await ListAsync("xa.lan", new InboxFilter(Commune: Commune));
        var item = Assert.Single(byCode.Items);
        Assert.Equal((first.Id, dossier.Code, dossier.Id, dossier.CommuneName), (item.TaskId, item.DossierCode, item.DossierId, item.CommuneName));
        Assert.Equal(1, (await ListAsync("xa.lan", new InboxFilter(Commune: dossier.CommuneName.Split(' ')[1]))).Matching);
        Assert.Equal(1, (await ListAsync("xa.lan", new InboxFilter(Search: "ntm-00700"))).Matching);
        Assert.Equal(0, (await ListAsync("xa.lan", new InboxFilter(Commune: "00706"))).Matching);

        // Claimed: hers, the columns unchanged, out of the group's queue; released: back in it.
        var lan = await OfficialAsync("xa.lan");
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<InboxService>().ClaimAsync(lan, first.Id, CancellationToken.None);
        }

        var claimed = await TaskRowAsync(instance, "selfAssessment");
        Assert.Equal("xa.lan", claimed.Assignee);
        AssertCarries(dossier, claimed);
        Assert.False(await QueryAsync(db => db.WorkflowTaskGroups.AnyAsync(g => g.TaskId == first.Id)));
        var mine = await ListAsync("xa.lan", new InboxFilter(OnlyMine: true));
        Assert.Equal((1, 1, 0), (mine.Matching, mine.Mine, mine.Unclaimed));
        Assert.Equal(1, (await ListAsync("xa.lan", new InboxFilter())).Matching);
        await AssertGroupRowsMatchTasksAsync();

        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<InboxService>().ReleaseAsync(lan, first.Id, CancellationToken.None);
        }

        AssertCarries(dossier, await TaskRowAsync(instance, "selfAssessment"));
        Assert.True(await QueryAsync(db => db.WorkflowTaskGroups.AnyAsync(g => g.TaskId == first.Id)));
        var released = await ListAsync("xa.lan", new InboxFilter());
        Assert.Equal((1, 0, 1), (released.Matching, released.Mine, released.Unclaimed));
        await AssertGroupRowsMatchTasksAsync();

        // Completed: its row and group rows go; the next task, made after the link, carries the dossier too.
        await App.Services.GetRequiredService<WorkflowEngine>().CompleteTaskAsync(first.Id, actor: "xa.lan");
        Assert.False(await QueryAsync(db => db.WorkflowTaskGroups.AnyAsync(g => g.TaskId == first.Id)));
        AssertCarries(dossier, await TaskRowAsync(instance, "postingAndSurvey"));
        await AssertGroupRowsMatchTasksAsync();
        var after = await ListAsync("xa.lan", new InboxFilter());
        Assert.Equal(("postingAndSurvey", 0, 1), (Assert.Single(after.Items).ElementId, after.Mine, after.Unclaimed));
    }

    [Fact]
    public async Task An_upgraded_database_gets_the_columns_and_group_rows_of_its_open_tasks()
    {
        var dossier = await OpenDossierAsync();
        var engine = App.Services.GetRequiredService<WorkflowEngine>();
        var loose = await engine.StartAsync("ntm-commune-two-tier", new Dictionary<string, JsonNode?>
        {
            ["communeCode"] = "00706", ["provinceCode"] = "08", ["departments"] = new JsonArray(), ["councilMembers"] = new JsonArray(),
        }, "NO-DOSSIER");
        await engine.AssignTaskAsync(Assert.Single(await engine.ListTasksAsync(loose.Id)).Id, "xa.khac", "xa.khac");
        var before = await QueryAsync(db => db.WorkflowTasks.AsNoTracking().OrderBy(t => t.Id).ToListAsync());
        Assert.Equal(2, before.Count);

        // Back to the schema before InboxColumns (the columns and the group table are dropped), then up again.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var migrations = db.Database.GetMigrations().ToList();
            var previous = migrations[migrations.FindIndex(m => m.EndsWith("_InboxColumns", StringComparison.Ordinal)) - 1];
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync(previous);
            await migrator.MigrateAsync();
        }

        var after = await QueryAsync(db => db.WorkflowTasks.AsNoTracking().OrderBy(t => t.Id).ToListAsync());
        Assert.Equal(
            before.Select(t => (t.Id, t.BusinessKey, t.DossierId, t.CommuneCode, t.CommuneName)),
            after.Select(t => (t.Id, t.BusinessKey, t.DossierId, t.CommuneCode, t.CommuneName)));
        AssertCarries(dossier, after.Single(t => t.InstanceId == dossier.InstanceId));
        var looseTask = after.Single(t => t.InstanceId == loose.Id);
        Assert.Equal("NO-DOSSIER", looseTask.BusinessKey);
        Assert.Null(looseTask.DossierId);
        Assert.Equal("xa.khac", looseTask.Assignee);
        await AssertGroupRowsMatchTasksAsync();
        Assert.Equal(1, await QueryAsync(db => db.WorkflowTaskGroups.CountAsync()));
    }

    [Fact]
    public async Task Filters_search_paging_and_counts_over_many_tasks()
    {
        // 30 instances of commune 00700 (every third linked to a dossier of that commune), 5 of 00706.
        var engine = App.Services.GetRequiredService<WorkflowEngine>();
        var ours = new List<Guid>();
        for (var i = 0; i < 35; i++)
        {
            var commune = i < 30 ? Commune : "00706";
            var instance = await engine.StartAsync("ntm-commune-two-tier", new Dictionary<string, JsonNode?>
            {
                ["communeCode"] = commune, ["provinceCode"] = "08", ["departments"] = new JsonArray(), ["councilMembers"] = new JsonArray(),
            }, $"HS-{i:00}");
            if (i < 30)
            {
                ours.Add(instance.Id);
            }

            if (i % 3 == 0)
            {
                await using var scope = App.Services.CreateAsyncScope();
                var fake = new DossierRow
                {
                    Id = Guid.NewGuid(), Code = $"HS-{i:00}", ProvinceCode = "08", CommuneCode = commune, CommuneName = i < 30 ? "Xã Ngọc Đường" : "Xã Khác",
                    ProcessId = "ntm-commune-two-tier", CriteriaSetCode = "-", CreatedBy = "test",
                };
                await InboxColumns.FillAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), fake, instance.Id, CancellationToken.None);
            }
        }

        // Three of ours overdue.
        var past = DateTimeOffset.UtcNow.AddDays(-3);
        var overdue = ours.Take(3).ToList();
        await QueryAsync(db => db.WorkflowTasks.Where(t => overdue.Contains(t.InstanceId)).ExecuteUpdateAsync(s => s.SetProperty(t => t.Due, past)));

        var first = await ListAsync("xa.lan", new InboxFilter());
        Assert.Equal((30, 2, 1, 0, 30, 3), (first.Matching, first.Pages, first.Page, first.Mine, first.Unclaimed, first.Overdue));
        Assert.Equal(["selfAssessment"], first.Steps);
        Assert.Equal(InboxService.PageSize, first.Items.Count);
        Assert.All(first.Items.Take(3), i => Assert.Equal(DueState.Overdue, i.State));
        var second = await ListAsync("xa.lan", new InboxFilter(Page: 2));
        Assert.Equal(5, second.Items.Count);
        Assert.Equal(30, first.Items.Concat(second.Items).Select(i => i.TaskId).Distinct().Count());
        Assert.Equal(second.Items.Select(i => i.TaskId), (await ListAsync("xa.lan", new InboxFilter(Page: 99))).Items.Select(i => i.TaskId));
        var dues = first.Items.Concat(second.Items).Select(i => i.Due ?? DateTimeOffset.MaxValue).ToList();
        Assert.Equal(dues.Order(), dues);

        Assert.Equal(3, (await ListAsync("xa.lan", new InboxFilter(Due: DueState.Overdue))).Matching);
        Assert.Equal(27, (await ListAsync("xa.lan", new InboxFilter(Due: DueState.OnTime))).Matching);
        Assert.Equal(0, (await ListAsync("xa.lan", new InboxFilter(Due: DueState.NoDeadline))).Matching);
        Assert.Equal(30, (await ListAsync("xa.lan", new InboxFilter(Step: "selfAssessment"))).Matching);
        Assert.Equal(0, (await ListAsync("xa.lan", new InboxFilter(Step: "intake"))).Matching);
        Assert.Equal(10, (await ListAsync("xa.lan", new InboxFilter(Commune: Commune))).Matching);
        Assert.Equal(10, (await ListAsync("xa.lan", new InboxFilter(Commune: "ngọc"))).Matching);
        Assert.Equal(1, (await ListAsync("xa.lan", new InboxFilter(Search: "hs-07"))).Matching);
        Assert.Equal(0, (await ListAsync("xa.lan", new InboxFilter(Search: "hs-31"))).Matching);
        Assert.Equal(30, (await ListAsync("xa.lan", new InboxFilter(Search: "tự đánh giá"))).Matching);
        Assert.Equal(4, (await ListAsync("xa.lan", new InboxFilter(Commune: "ngọc", Search: "hs-0"))).Matching);

        // A claimed task is its holder's alone; the others still see the rest unclaimed.
        await CreateOfficialAsync("xa.minh", "commune:00700", Roles.CommuneOfficer);
        var claimedId = first.Items[5].TaskId;
        await engine.AssignTaskAsync(claimedId, "xa.minh", "xa.minh");
        var lan = await ListAsync("xa.lan", new InboxFilter());
        Assert.Equal((29, 0, 29), (lan.Matching, lan.Mine, lan.Unclaimed));
        var minh = await ListAsync("xa.minh", new InboxFilter());
        Assert.Equal((30, 1, 29), (minh.Matching, minh.Mine, minh.Unclaimed));
        Assert.Equal(claimedId, Assert.Single((await ListAsync("xa.minh", new InboxFilter(OnlyMine: true))).Items).TaskId);

        // An official in two of a task's groups sees it once; one in none sees nothing.
        await CreateOfficialAsync("xa.hai", "commune:00700", Roles.CommuneOfficer);
        await CreateOfficialAsync("xa.hai", "commune:00700", Roles.Chairman);
        var shared = first.Items[0].TaskId;
        await QueryAsync(async db =>
        {
            db.WorkflowTaskGroups.Add(new WorkflowTaskGroupRow { TaskId = shared, Group = "commune-chairman-00700" });
            return await db.SaveChangesAsync();
        });
        Assert.Equal(29, (await ListAsync("xa.hai", new InboxFilter())).Matching);
        Assert.Equal(0, (await ListAsync("so.hoa", new InboxFilter())).Matching);
        Assert.Equal(5, (await ListAsync("xa.khac", new InboxFilter())).Matching);
    }
}

public sealed class InboxQueryTests_Sqlite : InboxQueryTests;

[Trait("Db", "Postgres")]
public sealed class InboxQueryTests_Postgres : InboxQueryTests
{
    protected override bool OnPostgres => true;
}
