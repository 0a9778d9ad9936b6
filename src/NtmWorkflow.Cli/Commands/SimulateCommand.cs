using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NtmWorkflow.Cli.Scenarios;
using NtmWorkflow.Cli.Simulation;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web;
using NtmWorkflow.Web.Features.Workflows;
using NtmWorkflow.Web.Infrastructure;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Cli.Commands;

/// <summary>
/// <c>ntm simulate</c>: a national campaign on a database of its own (a new SQLite file, or a new PostgreSQL database it
/// drops afterwards), never the configured one. Prints figures, then the invariants, then a one-line summary; exit 0 when
/// every invariant holds and no official's step failed.
/// </summary>
internal static class SimulateCommand
{
    public static async Task<int> RunAsync(CliArguments arguments, TextWriter output)
    {
        arguments.OnlyOptions("communes", "provider", "postgres", "seed", "start", "days", "opening-days", "return-share", "late-share", "council-reject-share",
            "no-quorum-share", "council-every", "workers", "keep", "nodes", "speed", "kill-at", "down");
        var options = CampaignOptions.Parse(arguments);
        var folder = Path.Combine(Path.GetTempPath(), $"ntm-simulate-{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(folder);
        var database = $"ntm_sim_{DateTime.UtcNow:yyMMddHHmmss}_{Guid.NewGuid().ToString("N")[..6]}";
        var connection = options.IsPostgres
            ? await CreatePostgresDatabaseAsync(options.Postgres!, database)
            : $"Data Source={Path.Combine(folder, "simulation.db")}";
        try
        {
            return await SimulateAsync(options, connection, folder, output);
        }
        finally
        {
            if (options.Keep)
            {
                await output.WriteLineAsync($"kept: {folder}{(options.IsPostgres ? $" and database {database}" : "")}");
            }
            else
            {
                if (options.IsPostgres)
                {
                    NpgsqlConnection.ClearAllPools();
                    await using var admin = new NpgsqlConnection(options.Postgres);
                    await admin.OpenAsync();
                    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
                    await drop.ExecuteNonQueryAsync();
                }

                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task<int> SimulateAsync(CampaignOptions options, string connection, string folder, TextWriter output)
    {
        var ct = CancellationToken.None;
        var clock = new ManualClock(VietnamTime.At(options.Start, TimeOnly.MinValue));
        var mailFolder = Path.Combine(folder, "mail");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = options.IsPostgres ? "Postgres" : "Sqlite",
            ["Database:ConnectionString"] = connection,
            ["Storage:DataDirectory"] = folder,
            ["Documents:Provider"] = "LocalFolder",
            ["Email:Transport"] = "Pickup",
            ["Email:PickupDirectory"] = mailFolder,
            ["Workflows:BackgroundWorkers"] = "false",
            ["Demo:Enabled"] = "false",
            ["Demo:Dossiers"] = "false",
        });
        builder.Logging.ClearProviders();
        if (options.Verbose)
        {
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        }

        builder.AddNtmWorkflow();
        builder.AddWorkflowBackgroundServices();
        builder.Services.AddSingleton<TimeProvider>(clock);
        using var commands = new DatabaseCommands();
        using var host = builder.Build();
        var services = host.Services;

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"ntm simulate: {(options.Communes is { } n ? $"{n:N0} communes" : "every rural commune")} of the March 2025 list, {(options.IsPostgres ? "PostgreSQL" : "SQLite")}, seed {options.Seed}, {options.Start:yyyy-MM-dd} + {options.Days} days, {options.EffectiveWorkers} worker(s), {Environment.ProcessorCount} cores"));
        var setup = Stopwatch.StartNew();
        await ActivatorUtilities.CreateInstance<StartupInitializer>(services).StartAsync(ct);
        var communes = await CampaignOfficials.CommunesAsync(services, options.Communes, options.Seed, options.Start, ct);
        var officials = await CampaignOfficials.CreateAsync(services, communes, options.Start, ct);
        setup.Stop();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"setup: migrations, reference data, {communes.Count:N0} communes in {communes.Select(c => c.ProvinceCode).Distinct().Count()} provinces, {officials.Count:N0} officials, {officials.Councils.Count} councils in {setup.Elapsed.TotalSeconds:N1} s"));

        var figures = new Figures();
        var (allocatedBefore, pauseBefore, cpuBefore, gen2Before) = (GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration(), Environment.CpuUsage.TotalTime, GC.CollectionCount(2));
        Campaign campaign;
        if (options.Nodes == 0)
        {
            campaign = new Campaign(services, clock, new ServiceDesk(services), options, officials, figures, output);
            await campaign.RunAsync(communes, ct);
        }
        else
        {
            campaign = await RunOnNodesAsync(options, services, connection, folder, mailFolder, communes, officials, figures, output, ct);
        }

        // The run's own cost in this process (the checks after it excluded): with nodes, only the simulator's.
        var (allocated, pause, cpu, gen2) = (GC.GetTotalAllocatedBytes() - allocatedBefore, GC.GetTotalPauseDuration() - pauseBefore, Environment.CpuUsage.TotalTime - cpuBefore, GC.CollectionCount(2) - gen2Before);
        var failures = await CampaignChecks.CheckAsync(services, campaign, figures, mailFolder, options.Nodes >= 2, ct);
        failures.InsertRange(0, campaign.Errors.Take(20).Select(e => "step failed: " + e));

        var seconds = campaign.Elapsed.TotalSeconds;
        var steps = figures.Counter("steps");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"run: {steps:N0} workflow steps in {seconds:N1} s = {steps / Math.Max(seconds, 0.001):N0} steps/s ({figures.Counter("dossier tasks completed"):N0} dossier tasks, {figures.Counter("timers fired"):N0} timers, {figures.Counter("returns"):N0} returns)"));
        // Commands are counted in this process only: with nodes, the officials' steps run in the nodes.
        await output.WriteLineAsync("latency per operation (ms):              count      p50      p95      p99      max  db cmds/op");
        foreach (var (operation, count, p50, p95, p99, max) in figures.Operations())
        {
            var sent = commands.CountOf(operation);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {operation,-36} {count,9:N0} {Figures.Ms(p50),8} {Figures.Ms(p95),8} {Figures.Ms(p99),8} {Figures.Ms(max),8} {(sent == 0 ? "–" : ((double)sent / count).ToString("0.0", CultureInfo.InvariantCulture)),11}"));
        }

        if (commands.Total > 0)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"database commands: {commands.Total:N0} in timed operations, {(double)commands.Total / Math.Max(steps, 1):N1} per step; {commands.QueriesCompiled:N0} queries compiled since the start (a number that grows with the run would be EF Core's query cache missing)"));
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"cost in this process: {cpu.TotalSeconds:N1} s of CPU ({cpu.TotalMilliseconds / Math.Max(steps, 1):N1} ms a step), {allocated / 1024.0 / 1024:N0} MiB allocated ({allocated / 1024.0 / Math.Max(steps, 1):N0} KiB a step), {gen2:N0} gen2 collections, GC pauses {pause.TotalSeconds:N1} s ({pause.TotalSeconds / Math.Max(seconds, 0.001):P1} of the run)"));

        var lateness = campaign.TimerLateness.Order().ToArray();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"timer lateness (s, wall clock from due to fired, bursts included): p50 {Figures.Percentile(lateness, 0.5):N2}, p95 {Figures.Percentile(lateness, 0.95):N2}, p99 {Figures.Percentile(lateness, 0.99):N2}, max {(lateness.Length == 0 ? 0 : lateness[^1]):N2}"));

        var outcome = campaign.Dossiers.GroupBy(d => d.Expected).ToDictionary(g => g.Key, g => g.Count());
        var peak = PeakMemoryBytes() / 1024.0 / 1024.0;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"mail: {figures.Counter("mails sent"):N0} sent; peak memory {peak:N0} MiB; dossiers: {outcome.GetValueOrDefault(Web.Features.Dossiers.DossierStatus.Recognised):N0} recognised, {outcome.GetValueOrDefault(Web.Features.Dossiers.DossierStatus.NotRecognised):N0} not recognised, {outcome.GetValueOrDefault(Web.Features.Dossiers.DossierStatus.InProgress):N0} in progress"));
        foreach (var counter in (string[])["requests sent to another node", "requests repeated after a concurrent change (409)", "requests cut off by a node's death, found done", "mails delivered again after a node's death (same Message-ID)"])
        {
            if (figures.Counter(counter) > 0)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{counter}: {figures.Counter(counter):N0}"));
            }
        }

        if (failures.Count == 0)
        {
            await output.WriteLineAsync("invariants: every dossier ended or waits where it should; no timer lost or fired twice; no dedup key with two Message-IDs or sent twice; history complete");
        }
        else
        {
            await output.WriteLineAsync($"invariants: {failures.Count} failure(s)");
            foreach (var failure in failures)
            {
                await output.WriteLineAsync("  " + failure);
            }
        }

        var latenessP99 = Figures.Percentile(lateness, 0.99);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"simulate: {campaign.Dossiers.Count} dossiers, {steps} steps in {seconds:N0} s ({steps / Math.Max(seconds, 0.001):N0}/s), timer lateness p99 {latenessP99:N2} s, {figures.Counter("mails sent")} mails, peak {peak:N0} MiB, invariants {(failures.Count == 0 ? "hold" : $"FAILED ({failures.Count})")}"));
        return failures.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>
    /// The campaign on app nodes: N processes of the web app on the campaign's database, their clock fast-forwarded from the
    /// campaign's start, each with its timer alarm and outbox sender; the officials call their API in turn. With two
    /// nodes or more, the second is killed part-way and started again. At the end the nodes' clock passes the campaign's
    /// end, what was due by then settles, and the nodes stop as a service manager stops them.
    /// </summary>
    private static async Task<Campaign> RunOnNodesAsync(CampaignOptions options, IServiceProvider services, string connection, string folder, string mailFolder,
        IReadOnlyList<CampaignCommune> communes, CampaignOfficials officials, Figures figures, TextWriter output, CancellationToken ct)
    {
        var apiKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var start = VietnamTime.At(options.Start, TimeOnly.MinValue);

        // The nodes' clock reads the campaign's start this long after they are launched; all of them, and a restarted one, agree.
        var origin = DateTimeOffset.UtcNow.AddSeconds(60);
        var clock = new FastForwardClock(start, options.Speed, origin);
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Rehearsal",
            ["DOTNET_ENVIRONMENT"] = "Rehearsal",
            ["Database__Provider"] = "Postgres",
            ["Database__ConnectionString"] = connection,
            ["Storage__DataDirectory"] = Path.Combine(folder, "nodes"),
            ["Documents__Provider"] = "LocalFolder",
            ["Email__Transport"] = "Pickup",
            ["Email__PickupDirectory"] = mailFolder,
            ["Api__Key"] = apiKey,
            ["Clock__Start"] = start.ToString("O", CultureInfo.InvariantCulture),
            ["Clock__Speed"] = options.Speed.ToString(CultureInfo.InvariantCulture),
            ["Clock__Origin"] = origin.ToString("O", CultureInfo.InvariantCulture),
            ["Workflows__BackgroundWorkers"] = "true",
            ["Workflows__Timers__PollSeconds"] = "2",
            ["Workflows__Timers__LeaseSeconds"] = "20",
            ["Notifications__PollSeconds"] = "1",
            ["Notifications__LeaseSeconds"] = "20",
            ["ReferenceData__ImportUnitsOnStart"] = "false",
            ["Demo__Enabled"] = "false",
            ["Demo__Dossiers"] = "false",
            ["RateLimits__Uploads__PermitLimit"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "None",
        };
        var launched = Stopwatch.StartNew();
        await using var nodes = await AppNodes.StartAsync(options.Nodes, settings, Path.Combine(folder, "logs"), output, ct);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"nodes: {options.Nodes} app processes on {string.Join(", ", nodes.Nodes.Select(n => n.BaseAddress.Authority))}, ready in {launched.Elapsed.TotalSeconds:N1} s; their clock ×{options.Speed:N0} from {options.Start:yyyy-MM-dd}"));
        using var desk = new NodeDesk(nodes, apiKey, figures);
        var campaign = new Campaign(services, clock, desk, options, officials, figures, output);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var crash = options.Nodes >= 2 ? CrashAsync(nodes, nodes.Nodes[1], clock, start + (campaign.End - start) * options.KillAt, options.DownSeconds, figures, output, stop.Token) : Task.CompletedTask;
        try
        {
            await campaign.RunAsync(communes, ct);
        }
        finally
        {
            await stop.CancelAsync();
            await crash;
        }

        await SettleAsync(services, clock, campaign.End, output, ct);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"nodes' peak memory (MiB): {string.Join(", ", nodes.PeakMemory().Select(b => (b / 1024.0 / 1024).ToString("N0", CultureInfo.InvariantCulture)))} (the restarted node since its restart)"));
        await nodes.StopAsync();
        foreach (var node in nodes.Nodes)
        {
            node.Close();
            var errors = File.Exists(node.LogFile) ? File.ReadLines(node.LogFile).Count(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)) : 0;
            if (errors > 0)
            {
                await output.WriteLineAsync($"  node {node.Number} logged {errors} error(s) (node-{node.Number}.log, kept with --keep)");
            }
        }

        // Fired on the nodes: counted and timed from the engine's history (due time in its detail, fired at its time).
        await using var scope = services.CreateAsyncScope();
        var fired = await scope.ServiceProvider.GetRequiredService<AppDbContext>().WorkflowHistory.AsNoTracking()
            .Where(h => h.Event == "timerFired").Select(h => new { h.Time, h.Detail }).ToListAsync(ct);
        figures.Count("timers fired", fired.Count);
        figures.Count("steps", fired.Count);
        campaign.TimerLateness.AddRange(fired.Select(f => DateTimeOffset.TryParse(f.Detail, CultureInfo.InvariantCulture, DateTimeStyles.None, out var due)
            ? Math.Max(0, clock.RealTime(f.Time - due).TotalSeconds)
            : 0));
        return campaign;
    }

    /// <summary>Kills the node when the nodes' clock reaches <paramref name="at"/>, and starts it again <paramref name="downSeconds"/> later.</summary>
    private static async Task CrashAsync(AppNodes nodes, AppNode node, FastForwardClock clock, DateTimeOffset at, int downSeconds, Figures figures, TextWriter output, CancellationToken ct)
    {
        try
        {
            var wait = clock.RealTime(at - clock.GetUtcNow());
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct);
            }

            await nodes.KillAsync(node);
            figures.Count("node kills");
            await Task.Delay(TimeSpan.FromSeconds(downSeconds), ct);
        }
        catch (OperationCanceledException)
        {
            if (node.Process is { HasExited: false })
            {
                return; // the campaign ended before the moment came
            }
        }

        await nodes.RestartAsync(node, CancellationToken.None);
    }

    /// <summary>Waits (at most three minutes) until the nodes' clock is past the end and nothing due by then is left: timers fired, mail sent.</summary>
    private static async Task SettleAsync(IServiceProvider services, FastForwardClock clock, DateTimeOffset end, TextWriter output, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (clock.GetUtcNow() > end + clock.AppTime(TimeSpan.FromSeconds(2)))
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                var timers = await db.WorkflowTimers.CountAsync(t => t.Due <= end, ct);
                var mail = await db.OutboxMessages.CountAsync(o => o.Status == Web.Features.Notifications.OutboxStatus.Pending && o.NextAttemptAt <= end, ct);
                if (timers == 0 && mail == 0)
                {
                    return;
                }

                if (waited.Elapsed > TimeSpan.FromMinutes(3))
                {
                    await output.WriteLineAsync($"  not settled after 3 minutes: {timers} timer(s) and {mail} mail(s) due by the end are left");
                    return;
                }
            }

            await Task.Delay(500, ct);
        }
    }

    private static async Task<string> CreatePostgresDatabaseAsync(string server, string database)
    {
        await using var admin = new NpgsqlConnection(server);
        await admin.OpenAsync();
        await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin))
        {
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
    }

    /// <summary>The process's peak resident memory (Linux VmHWM), else the peak working set .NET reports.</summary>
    private static long PeakMemoryBytes() => PeakMemory.Of("self") ?? Process.GetCurrentProcess().PeakWorkingSet64;
}
