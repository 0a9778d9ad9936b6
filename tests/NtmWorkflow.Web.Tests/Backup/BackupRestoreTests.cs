using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Features.Backup;
using NtmWorkflow.Web.Infrastructure.Documents;
using NtmWorkflow.Web.Persistence;
using NtmWorkflow.Web.Tests.Cli;

namespace NtmWorkflow.Web.Tests.Backup;

/// <summary>
/// The documented backup and restore, run as an operator would (the real <c>ntm</c> in its own process): a system with
/// the demo dossiers, their documents, the audit chain and an instance waiting on a timer is backed up, restored into
/// an empty database and store, and started. The restored system has every dossier, document, audit row and pending
/// timer, and the timer fires there. SQLite with the local folder; PostgreSQL (pg_dump/pg_restore) with Azurite.
/// </summary>
public abstract class BackupRestoreTests : IAsyncLifetime
{
    // Waits on a task with a 15-second timer: the timer is pending when the backup is taken and fires after the restore.
    private const string TimerModel = """
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="backup">
          <bpmn:process id="backup-timer" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
            <bpmn:userTask id="review" name="Thẩm định" camunda:candidateGroups="backup-reviewers"/>
            <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
            <bpmn:endEvent id="end"/>
            <bpmn:boundaryEvent id="late" attachedToRef="review">
              <bpmn:timerEventDefinition><bpmn:timeDuration>PT15S</bpmn:timeDuration></bpmn:timerEventDefinition>
            </bpmn:boundaryEvent>
            <bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="escalated"/>
            <bpmn:userTask id="escalated" name="Xử lý quá hạn" camunda:candidateGroups="backup-reviewers"/>
            <bpmn:sequenceFlow id="f4" sourceRef="escalated" targetRef="end2"/>
            <bpmn:endEvent id="end2"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    private readonly TemporaryDirectory _folder = new();

    protected string Folder => _folder.Path;

    /// <summary>The database settings of a new system: "a" the original, "b" the restored one.</summary>
    protected abstract Task<Dictionary<string, string?>> SystemAsync(string name);

    public Task InitializeAsync()
    {
        var workflows = Path.Combine(Folder, "workflows");
        Directory.CreateDirectory(workflows);
        foreach (var file in Directory.GetFiles(Path.Combine(TestEnvironment.RepositoryRoot, "workflows"), "*.bpmn"))
        {
            File.Copy(file, Path.Combine(workflows, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(workflows, "backup-timer.bpmn"), TimerModel);
        return Task.CompletedTask;
    }

    public virtual Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }

    private Dictionary<string, string?> With(Dictionary<string, string?> system, bool demo)
    {
        system["Api:Key"] = "backup-key";
        system["Demo:Enabled"] = demo ? "true" : "false";
        system["Demo:Dossiers"] = demo ? "true" : "false";
        system["Workflows:Folder"] = Path.Combine(Folder, "workflows");
        system["Workflows:Timers:PollSeconds"] = "1";
        system["Workflows:Timers:LeaseSeconds"] = "5";
        system["Notifications:PollSeconds"] = "1";
        return system;
    }

    private static async Task<CliResult> NtmAsync(Dictionary<string, string?> system, params string[] args)
    {
        var environment = system.Where(s => s.Value is not null && !s.Key.StartsWith("Api", StringComparison.Ordinal))
            .ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        return await NtmProcess.RunAsync(AppContext.BaseDirectory, environment, args);
    }

    [Fact]
    public async Task A_restored_system_has_every_dossier_document_audit_row_and_timer_and_its_timer_fires()
    {
        // The original system: demo dossiers (with an uploaded document) and an instance waiting on its timer.
        var a = With(await SystemAsync("a"), demo: true);
        var before = new Dictionary<string, string>(StringComparer.Ordinal);
        BackupFacts original;
        using (var data = new TemporaryDirectory())
        await using (var app = new NtmWorkflowAppFactory(data, a))
        {
            var client = app.CreateClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", "backup-key");
            var started = await client.PostAsJsonAsync("/api/processes/backup-timer/instances", new { businessKey = "BACKUP-1" });
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());

            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var store = scope.ServiceProvider.GetRequiredService<IDocumentStore>();
            await foreach (var key in store.ListAsync(CancellationToken.None))
            {
                before[key] = await HashAsync(store, key);
            }

            Assert.NotEmpty(before);
            Assert.True(await db.Dossiers.AnyAsync());
            Assert.True(await db.WorkflowTimers.AnyAsync());
            Assert.False(await db.WorkflowTasks.AnyAsync(t => t.ElementId == "escalated"), "the timer fired before the backup");
            Assert.Null(await AuditTrail.VerifyAsync(db, CancellationToken.None));
            original = new BackupFacts(await db.Dossiers.LongCountAsync(), await db.WorkflowInstances.LongCountAsync(), await db.WorkflowTimers.LongCountAsync(),
                await db.AuditEntries.LongCountAsync(), await db.AuditEntries.MaxAsync(e => e.Sequence),
                await db.AuditEntries.OrderByDescending(e => e.Sequence).Select(e => e.Hash).FirstAsync());
        }

        // Backed up by the tool, as the operations guide says.
        var backup = Path.Combine(Folder, "backup");
        var backedUp = await NtmAsync(a, "backup", backup);
        Assert.True(backedUp.ExitCode == 0, backedUp.Stdout + backedUp.Stderr);
        var manifest = await SystemBackup.ReadManifestAsync(backup, CancellationToken.None);
        Assert.Equal(original, manifest.Facts);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), manifest.Documents.Select(d => d.Key));
        Assert.All(manifest.Documents, d => Assert.Equal(before[d.Key], d.Sha256));

        // A second backup into the same folder is refused; so is a damaged backup, which changes nothing.
        var again = await NtmAsync(a, "backup", backup);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("not empty", again.Stdout, StringComparison.Ordinal);

        var b = With(await SystemAsync("b"), demo: false);
        var damaged = Path.Combine(Folder, "damaged");
        CopyFolder(backup, damaged);
        var firstDocument = Path.Combine(damaged, "documents", manifest.Documents[0].Key.Replace('/', Path.DirectorySeparatorChar));
        await File.AppendAllTextAsync(firstDocument, "tampered");
        var refused = await NtmAsync(b, "restore", damaged);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("does not match its SHA-256", refused.Stdout, StringComparison.Ordinal);

        // Restored into an empty system.
        var restored = await NtmAsync(b, "restore", backup);
        Assert.True(restored.ExitCode == 0, restored.Stdout + restored.Stderr);
        Assert.True(restored.JsonLines()[0].GetProperty("restored").GetBoolean());

        // Restoring over it again is refused without --replace: the restored system holds data now.
        var over = await NtmAsync(b, "restore", backup);
        Assert.Equal(1, over.ExitCode);
        Assert.Contains("--replace", over.Stdout, StringComparison.Ordinal);

        // The restored system, started: everything is there, and the pending timer fires.
        using (var data = new TemporaryDirectory())
        await using (var app = new NtmWorkflowAppFactory(data, b))
        {
            _ = app.CreateClient();
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var store = scope.ServiceProvider.GetRequiredService<IDocumentStore>();
            Assert.Equal(original.Dossiers, await db.Dossiers.LongCountAsync());
            Assert.Null(await AuditTrail.VerifyAsync(db, CancellationToken.None));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Sequence == original.AuditHeadSequence && e.Hash == original.AuditHeadHash));
            foreach (var (key, hash) in before)
            {
                Assert.Equal(hash, await HashAsync(store, key));
            }

            var instance = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.ProcessId == "backup-timer");
            var escalated = false;
            for (var attempt = 0; attempt < 120 && !escalated; attempt++)
            {
                escalated = await db.WorkflowTasks.AsNoTracking().AnyAsync(t => t.InstanceId == instance.Id && t.ElementId == "escalated");
                if (!escalated)
                {
                    await Task.Delay(500);
                }
            }

            Assert.True(escalated, "the restored timer did not fire within 60 s");
        }
    }

    private static async Task<string> HashAsync(IDocumentStore store, string key)
    {
        await using var document = await store.OpenAsync(key, CancellationToken.None);
        Assert.NotNull(document);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(document.Content));
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>The embedded default: SQLite and the local document folder.</summary>
public sealed class BackupRestoreTests_Sqlite : BackupRestoreTests
{
    protected override Task<Dictionary<string, string?>> SystemAsync(string name) => Task.FromResult(new Dictionary<string, string?>
    {
        ["Database:Provider"] = "Sqlite",
        ["Database:ConnectionString"] = $"Data Source={Path.Combine(Folder, name + ".db")}",
        ["Storage:DataDirectory"] = Path.Combine(Folder, name + "-data"),
        ["Documents:Provider"] = "LocalFolder",
        ["Documents:Path"] = Path.Combine(Folder, name + "-documents"),
    });
}

/// <summary>Production: PostgreSQL (pg_dump and pg_restore) and blobs in Azure Storage (Azurite).</summary>
[Trait("Db", "Postgres")]
[Trait("Service", "azurite")]
public sealed class BackupRestoreTests_Postgres : BackupRestoreTests
{
    private readonly List<PostgresTestDatabase> _databases = [];
    private readonly string _run = Guid.NewGuid().ToString("N")[..10];

    protected override async Task<Dictionary<string, string?>> SystemAsync(string name)
    {
        var database = await PostgresTestDatabase.CreateAsync();
        _databases.Add(database);
        return new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = database.ConnectionString,
            ["Storage:DataDirectory"] = Path.Combine(Folder, name + "-data"),
            ["Documents:Provider"] = "AzureBlob",
            ["Documents:ConnectionString"] = TestEnvironment.Azurite,
            ["Documents:Container"] = $"backup-{name}-{_run}",
        };
    }

    public override async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
