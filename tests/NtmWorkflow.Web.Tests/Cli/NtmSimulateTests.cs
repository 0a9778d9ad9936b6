using System.Globalization;
using NtmWorkflow.Testing;

namespace NtmWorkflow.Web.Tests.Cli;

/// <summary>`ntm simulate` as a process: a small campaign on a SQLite database of its own, and refused arguments.</summary>
public sealed class NtmSimulateTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    [Fact]
    public async Task A_small_campaign_runs_every_step_and_its_invariants_hold()
    {
        var result = await RunAsync(TimeSpan.FromMinutes(10), "simulate", "--communes", "12", "--days", "200", "--opening-days", "20", "--late-share", "0.3", "--return-share", "0.3", "--seed", "7");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("simulate: 12 dossiers,", lines[^1], StringComparison.Ordinal);
        Assert.EndsWith("invariants hold", lines[^1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("invariants: every dossier ended or waits where it should", StringComparison.Ordinal));

        // Every kind of step was taken through the app's services: the commune's, the district's, the province's, the council's.
        foreach (var operation in new[] { "open dossier", "self-assessment: 58 indicators", "posting and survey", "submit", "review: district-verification", "task: districtPublication",
                     "task: submitToProvince", "review: intake", "review: department-review", "council: plan session", "council: ballot", "council: close and tally", "timers (a batch)" })
        {
            Assert.Contains(lines, l => l.StartsWith(operation + " ", StringComparison.Ordinal));
        }

        // The database commands each operation sent were counted (through EF Core's diagnostics), so the figures say where round trips go.
        var commands = Assert.Single(lines, l => l.StartsWith("database commands: ", StringComparison.Ordinal));
        var counted = System.Text.RegularExpressions.Regex.Match(commands, @"^database commands: ([\d,]+) in timed operations, \d+\.\d per step; ([\d,]+) queries compiled since the start");
        Assert.True(counted.Success, commands);

        // EF Core compiles each distinct query once: a run sends thousands of commands from a few dozen queries. A cache
        // that missed (a query built anew per call) would compile a good share of them.
        var (sent, compiled) = (long.Parse(counted.Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture), long.Parse(counted.Groups[2].Value.Replace(",", ""), CultureInfo.InvariantCulture));
        Assert.InRange(compiled, 1, sent / 10);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^review: department-review .* \d+\.\d$"));

        // The run's cost in the process is printed per step: CPU, allocations, collections and pauses.
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^cost in this process: [\d.,]+ s of CPU \([\d.,]+ ms a step\), [\d,]+ MiB allocated \([\d,]+ KiB a step\), [\d,]+ gen2 collections, GC pauses [\d.,]+ s \("));

        // Its database and mail folder were its own and are gone.
        Assert.DoesNotContain(lines, l => l.StartsWith("kept:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("simulate", "--communes", "0")]
    [InlineData("simulate", "--communes", "many")]
    [InlineData("simulate", "--provider", "Oracle")]
    [InlineData("simulate", "--provider", "Postgres")]
    [InlineData("simulate", "--late-share", "1.5")]
    [InlineData("simulate", "--start", "2026-01-01")]
    [InlineData("simulate", "--typo", "1")]
    [InlineData("simulate", "--nodes", "3")]
    [InlineData("simulate", "--nodes", "3", "--provider", "Postgres", "--postgres", "Host=127.0.0.1", "--speed", "0")]
    [InlineData("simulate", "--nodes", "9", "--provider", "Postgres", "--postgres", "Host=127.0.0.1")]
    public async Task Bad_arguments_exit_2(params string[] args)
    {
        var result = await RunAsync(TimeSpan.FromMinutes(2), args);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("ntm: ", result.Stderr, StringComparison.Ordinal);
    }

    private Task<CliResult> RunAsync(TimeSpan timeout, params string[] args) =>
        NtmProcess.RunAsync(_data.Path, new Dictionary<string, string> { ["Storage__DataDirectory"] = _data.Path, ["NTM_SIMULATE_POSTGRES"] = "" }, timeout, args);

    public void Dispose() => _data.Dispose();
}
