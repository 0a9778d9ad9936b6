using System.Diagnostics;
using System.Globalization;
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
            "no-quorum-share", "council-every", "workers", "keep");
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
        var campaign = new Campaign(services, clock, options, officials, figures, output);
        await campaign.RunAsync(communes, ct);
        var failures = await CampaignChecks.CheckAsync(services, campaign, figures, mailFolder, ct);
        failures.InsertRange(0, campaign.Errors.Take(20).Select(e => "step failed: " + e));

        var seconds = campaign.Elapsed.TotalSeconds;
        var steps = figures.Counter("steps");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"run: {steps:N0} workflow steps in {seconds:N1} s = {steps / Math.Max(seconds, 0.001):N0} steps/s ({figures.Counter("dossier tasks completed"):N0} dossier tasks, {figures.Counter("timers fired"):N0} timers, {figures.Counter("returns"):N0} returns)"));
        await output.WriteLineAsync("latency per operation (ms):              count      p50      p95      p99      max");
        foreach (var (operation, count, p50, p95, p99, max) in figures.Operations())
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {operation,-36} {count,9:N0} {Figures.Ms(p50),8} {Figures.Ms(p95),8} {Figures.Ms(p99),8} {Figures.Ms(max),8}"));
        }

        var lateness = campaign.TimerLateness.Order().ToArray();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"timer lateness (s, wall clock from due to fired, bursts included): p50 {Figures.Percentile(lateness, 0.5):N2}, p95 {Figures.Percentile(lateness, 0.95):N2}, p99 {Figures.Percentile(lateness, 0.99):N2}, max {(lateness.Length == 0 ? 0 : lateness[^1]):N2}"));

        var outcome = campaign.Dossiers.GroupBy(d => d.Expected).ToDictionary(g => g.Key, g => g.Count());
        var peak = PeakMemoryBytes() / 1024.0 / 1024.0;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"mail: {figures.Counter("mails sent"):N0} sent; peak memory {peak:N0} MiB; dossiers: {outcome.GetValueOrDefault(Web.Features.Dossiers.DossierStatus.Recognised):N0} recognised, {outcome.GetValueOrDefault(Web.Features.Dossiers.DossierStatus.NotRecognised):N0} not recognised, {outcome.GetValueOrDefault(Web.Features.Dossiers.DossierStatus.InProgress):N0} in progress"));
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
    private static long PeakMemoryBytes()
    {
        const string Status = "/proc/self/status";
        if (File.Exists(Status))
        {
            foreach (var line in File.ReadLines(Status))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal)
                    && long.TryParse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture, out var kb))
                {
                    return kb * 1024;
                }
            }
        }

        return Process.GetCurrentProcess().PeakWorkingSet64;
    }
}
