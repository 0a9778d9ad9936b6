using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Workflows.Store;
using NtmWorkflow.Web.Persistence;

// NtmWorkflow benchmark: prints figures; asserts nothing about speed (targets are read by people, see
// docs/performance.md). Usage: dotnet run -c Release --project tests/NtmWorkflow.Benchmarks -- [--smoke]
//   [--instances N] [--persisted N] [--timers N] [--postgres CONNECTION] [--pgbench-seconds S] [--bpmn-engine tests/differential/bench.mjs]
//   [--inbox-open N] [--inbox-closed N] [--inbox-calls N] [--explain [TEXT]] [--only inbox|dashboard|web-load]
//   [--dashboard-communes N] [--dashboard-calls N] [--web-users N] [--web-requests N] [--web-seconds S] [--web-think-ms N]
var smoke = args.Contains("--smoke");
var only = Text("--only");
var runEngine = only is null;
var runInbox = only is null or "inbox";
var runDashboard = only is null or "dashboard";
var runWebLoad = only is null or "web-load";
// --explain [TEXT]: the plans of the inbox scenarios whose name contains TEXT (default: every first page).
var explain = args.Contains("--explain") ? (Text("--explain") is { } e && !e.StartsWith("--", StringComparison.Ordinal) ? e : "first page") : null;
int Option(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
string? Text(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var inMemoryInstances = Option("--instances", smoke ? 50 : 2000);
var persistedInstances = Option("--persisted", smoke ? 10 : 200);
var pgbenchSeconds = Option("--pgbench-seconds", smoke ? 3 : 30);
var timerCount = Option("--timers", smoke ? 20 : 300);
var postgres = Text("--postgres") ?? Environment.GetEnvironmentVariable("NTM_TEST_POSTGRES");
var inboxOpen = Option("--inbox-open", smoke ? 500 : 10_000);
var inboxClosed = Option("--inbox-closed", smoke ? 20_000 : 1_000_000);
var inboxCalls = Option("--inbox-calls", smoke ? 10 : 100);

// The dashboard: every commune of the July 2025 set (3,321) in full, 200 at smoke size.
var dashboardCommunes = Option("--dashboard-communes", smoke ? 200 : 3321);
var dashboardCalls = Option("--dashboard-calls", smoke ? 10 : 100);

// The web tier under load: the app in its own process, N users, each N rounds of five requests (inbox, dossier page,
// inbox search, review form, review decision), the whole load capped at S seconds; --web-think-ms: an average pause
// before each request (none by default: every user clicks again as soon as a page has come).
var webUsers = Option("--web-users", smoke ? 10 : 100);
var webRounds = Option("--web-requests", smoke ? 3 : 10);
var webSeconds = Option("--web-seconds", smoke ? 20 : 300);
var webThink = Option("--web-think-ms", 0);
var model = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "approval.bpmn"));

Console.WriteLine($"NtmWorkflow benchmark ({(smoke ? "smoke size" : "full size")}), {Environment.ProcessorCount} cores, .NET {Environment.Version}");

if (runEngine)
{
    // Warm-up: JIT and Jint, so the figures measure steady state.
    await RunAsync(new InMemoryWorkflowStore(), 20);

    var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
    var memory = await RunAsync(new InMemoryWorkflowStore(), inMemoryInstances);
    var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
    Report("in memory", memory);
    Console.WriteLine($"  allocated: {allocated / (double)memory.Transitions:N0} bytes per transition");
    if (Text("--bpmn-engine") is { } script)
    {
        // The same file on npm bpmn-engine, in memory, in this run.
        var runs = Math.Min(inMemoryInstances, smoke ? 20 : 300);
        var node = Process.Start(new ProcessStartInfo("node") { ArgumentList = { script, Path.Combine(AppContext.BaseDirectory, "approval.bpmn"), runs.ToString(CultureInfo.InvariantCulture) }, RedirectStandardOutput = true })!;
        var line = await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync();
        if (node.ExitCode == 0 && System.Text.Json.JsonDocument.Parse(line).RootElement is var figure)
        {
            var theirs = figure.GetProperty("instancesPerSecond").GetDouble();
            Console.WriteLine($"  npm bpmn-engine, same file: {runs} instances at {theirs:N0} instances/s; ours is {memory.Instances / memory.Elapsed.TotalSeconds / theirs:N1}x");
        }
        else
        {
            Console.WriteLine("  npm bpmn-engine: the reference run failed");
        }
    }
}

var sqliteFolder = Path.Combine(Path.GetTempPath(), "ntm-bench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(sqliteFolder);
try
{
    if (runEngine)
    {
        var sqlite = await PersistedAsync(services => services.AddAppDbContext(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(sqliteFolder, "bench.db")}"));
        Report("SQLite (file, WAL)", sqlite);
        await TimerLatenessAsync("SQLite", "Sqlite", $"Data Source={Path.Combine(sqliteFolder, "timers.db")}", sqliteFolder);
    }

    if (runInbox)
    {
        await InboxBenchmark.RunAsync("SQLite", "Sqlite", $"Data Source={Path.Combine(sqliteFolder, "inbox.db")}", sqliteFolder, inboxOpen, inboxClosed, inboxCalls, explain);
    }

    if (runDashboard)
    {
        await DashboardBenchmark.RunAsync("SQLite", "Sqlite", $"Data Source={Path.Combine(sqliteFolder, "dashboard.db")}", sqliteFolder, dashboardCommunes, dashboardCalls);
    }

    if (runWebLoad)
    {
        await WebLoadBenchmark.RunAsync("SQLite", "Sqlite", $"Data Source={Path.Combine(sqliteFolder, "web.db")}", webUsers, webRounds, webSeconds, webThink);
    }
}
finally
{
    SqliteConnection.ClearAllPools();
    Directory.Delete(sqliteFolder, recursive: true);
}

if (postgres is null)
{
    Console.WriteLine("PostgreSQL: skipped (no --postgres and no NTM_TEST_POSTGRES)");
    return 0;
}

if (runEngine || runInbox || runDashboard)
{
    var database = "ntm_bench_" + Guid.NewGuid().ToString("N")[..8];
    await ExecuteAsync(postgres, $"CREATE DATABASE \"{database}\"");
    try
    {
        var connection = new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString;
        if (runEngine)
        {
            var pg = await PersistedAsync(services => services.AddAppDbContext(DatabaseProvider.Postgres, connection));
            Report("PostgreSQL", pg);
            if (Pgbench(connection, pgbenchSeconds) is { } tps)
            {
                Console.WriteLine($"  pgbench -n -b simple-update -c 1 -T {pgbenchSeconds}: {tps:N0} transactions/s; engine transitions/s are {pg.Transitions / pg.Elapsed.TotalSeconds / tps:P0} of that, saved steps/s {pg.StepsPerSecond / tps:P0}");
            }

            var timersFolder = Path.Combine(Path.GetTempPath(), "ntm-bench-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(timersFolder);
            try
            {
                await TimerLatenessAsync("PostgreSQL", "Postgres", connection, timersFolder);
            }
            finally
            {
                Directory.Delete(timersFolder, recursive: true);
            }
        }

        if (runInbox)
        {
            await InboxBenchmark.RunAsync("PostgreSQL", "Postgres", connection, Path.GetTempPath(), inboxOpen, inboxClosed, inboxCalls, explain);
        }

        if (runDashboard)
        {
            await DashboardBenchmark.RunAsync("PostgreSQL", "Postgres", connection, Path.GetTempPath(), dashboardCommunes, dashboardCalls);
        }
    }
    finally
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(postgres);
        await admin.OpenAsync();
        await NtmWorkflow.Testing.PostgresDrop.DropDatabaseAsync(admin, database);
    }
}

if (runWebLoad)
{
    // A database of its own: the other sections' rows would be in every inbox.
    var database = "ntm_bench_web_" + Guid.NewGuid().ToString("N")[..8];
    await ExecuteAsync(postgres, $"CREATE DATABASE \"{database}\"");
    try
    {
        await WebLoadBenchmark.RunAsync("PostgreSQL", "Postgres", new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString, webUsers, webRounds, webSeconds, webThink);
    }
    finally
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(postgres);
        await admin.OpenAsync();
        await NtmWorkflow.Testing.PostgresDrop.DropDatabaseAsync(admin, database);
    }
}

return 0;

async Task<Result> PersistedAsync(Action<IServiceCollection> addDatabase)
{
    var services = new ServiceCollection();
    addDatabase(services);
    await using var provider = services.BuildServiceProvider();
    await using (var scope = provider.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await new DatabaseMigrator(db, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
    }

    var store = new EfWorkflowStore(provider.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System);
    await RunAsync(store, 2);
    return await RunAsync(store, persistedInstances);
}

async Task<Result> RunAsync(IWorkflowStore store, int instances)
{
    var transitions = 0L;
    var engine = new WorkflowEngine(store, new WorkflowEngineOptions
    {
        Handlers = new HandlerRegistry { Fallback = new NoOpHandler() },
        OnEvent = e =>
        {
            if (e.Event == "completed")
            {
                transitions++;
            }
        },
    });
    engine.Deploy(model);
    var steps = 0L;
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < instances; i++)
    {
        var instance = await engine.StartAsync("approval", new Dictionary<string, JsonNode?> { ["ok"] = true, ["allMet"] = true });
        steps++;
        while ((await engine.ListTasksAsync(instance.Id)) is { Count: > 0 } tasks)
        {
            foreach (var task in tasks)
            {
                await engine.CompleteTaskAsync(task.Id);
                steps++;
            }
        }

        if ((await engine.GetInstanceAsync(instance.Id))!.Status != InstanceStatus.Completed)
        {
            throw new InvalidOperationException("The benchmark instance did not complete.");
        }
    }

    clock.Stop();
    return new Result(instances, transitions, steps, clock.Elapsed);
}

// Timer lateness on the app's own stack (Quartz alarm clock, leases, the database): timers due over a few
// seconds, each fired by the app's background workers; lateness is the time of its timerFired entry minus
// its due time. Target: within 2 s under normal load.
async Task TimerLatenessAsync(string name, string provider, string connectionString, string dataDirectory)
{
    var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
    Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(builder.Configuration, new Dictionary<string, string?>
    {
        ["Database:Provider"] = provider,
        ["Database:ConnectionString"] = connectionString,
        ["Storage:DataDirectory"] = dataDirectory,
        ["ReferenceData:ImportUnitsOnStart"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "None",
    });
    builder.Services.AddHostedService<StartupInitializer>(); // first, as in the app: migrations before anything reads the database
    NtmWorkflow.Web.ApplicationServices.AddNtmWorkflow(builder);
    NtmWorkflow.Web.Features.Workflows.WorkflowRegistration.AddWorkflowBackgroundServices(builder);
    using var host = builder.Build();
    await host.StartAsync();
    try
    {
        var engine = host.Services.GetRequiredService<WorkflowEngine>();
        engine.Deploy(System.Text.Encoding.UTF8.GetBytes("""
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="t">
              <bpmn:process id="lateness" isExecutable="true">
                <bpmn:startEvent id="s"/>
                <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDate>${due}</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
                <bpmn:endEvent id="e"/>
                <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait"/><bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="e"/>
              </bpmn:process>
            </bpmn:definitions>
            """));
        var spread = TimeSpan.FromSeconds(smoke ? 5 : 20);
        var first = DateTimeOffset.UtcNow.AddSeconds(3);
        var due = new Dictionary<Guid, DateTimeOffset>();
        for (var i = 0; i < timerCount; i++)
        {
            var at = first + spread * i / timerCount;
            var instance = await engine.StartAsync("lateness", new Dictionary<string, JsonNode?> { ["due"] = at.ToString("O", CultureInfo.InvariantCulture) });
            due[instance.Id] = at;
        }

        var store = host.Services.GetRequiredService<IWorkflowStore>();
        var deadline = DateTime.UtcNow + spread + TimeSpan.FromSeconds(60);
        var late = new List<double>();
        foreach (var (id, at) in due)
        {
            while ((await engine.GetInstanceAsync(id))!.Status == InstanceStatus.Running && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            var fired = (await store.ReadHistoryAsync(id, CancellationToken.None)).FirstOrDefault(h => h.Event == "timerFired");
            late.Add(fired is null ? double.PositiveInfinity : (fired.Time - at).TotalSeconds);
        }

        late.Sort();
        double At(double p) => late[Math.Min(late.Count - 1, (int)Math.Ceiling(p * late.Count) - 1)];
        Console.WriteLine($"{name} timers: {late.Count} due over {spread.TotalSeconds:N0} s, fired by the app's alarm clock: lateness p50 {At(0.5):N2} s, p95 {At(0.95):N2} s, max {late[^1]:N2} s"
                          + $" ({late.Count(l => l <= 2)} of {late.Count} within 2 s)");
    }
    finally
    {
        await host.StopAsync();
    }
}

static void Report(string name, Result r) =>
    Console.WriteLine($"{name}: {r.Instances} instances in {r.Elapsed.TotalSeconds:N2} s = {r.Instances / r.Elapsed.TotalSeconds:N0} instances/s, "
                      + $"{r.Transitions / r.Elapsed.TotalSeconds:N0} transitions/s, {r.StepsPerSecond:N0} saved steps/s ({r.Transitions / (double)r.Instances:N0} transitions per instance)");

static async Task ExecuteAsync(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}

static double? Pgbench(string connectionString, int seconds)
{
    var c = new NpgsqlConnectionStringBuilder(connectionString);
    string Run(string arguments)
    {
        var start = new ProcessStartInfo("pgbench", $"-h {c.Host} -p {c.Port} -U {c.Username} {arguments} {c.Database}") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PGPASSWORD"] = c.Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    try
    {
        Run("-i -s 1 -q");
        var output = Run($"-n -b simple-update -c 1 -T {seconds}");
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("tps = ", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[6..].Split(' ')[0], CultureInfo.InvariantCulture);
    }
    catch (System.ComponentModel.Win32Exception)
    {
        Console.WriteLine("  pgbench: not installed, no reference figure");
        return null;
    }
}

internal sealed record Result(int Instances, long Transitions, long Steps, TimeSpan Elapsed)
{
    public double StepsPerSecond => Steps / Elapsed.TotalSeconds;
}

internal sealed class NoOpHandler : IServiceTaskHandler
{
    public ValueTask<IReadOnlyDictionary<string, JsonNode?>> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyDictionary<string, JsonNode?>>(new Dictionary<string, JsonNode?>());
}
