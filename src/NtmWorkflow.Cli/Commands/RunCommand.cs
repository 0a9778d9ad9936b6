using NtmWorkflow.Cli.Scenarios;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Cli.Commands;

/// <summary><c>ntm run FILE [MORE.bpmn…] --scenario SCENARIO.json</c>: the trace as JSON lines; no host, no database.</summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(CliArguments arguments, TextWriter output)
    {
        arguments.OnlyOptions("scenario", "store");
        var storeKind = arguments.Option("store") ?? "memory";
        if (storeKind is not ("memory" or "sqlite"))
        {
            throw new CliUsageException($"--store must be memory or sqlite, not '{storeKind}'");
        }

        if (arguments.Words.Count == 0)
        {
            throw new CliUsageException("run needs a BPMN FILE");
        }

        var scenarioPath = arguments.Option("scenario") ?? throw new CliUsageException("run needs --scenario SCENARIO.json");
        Scenario scenario;
        try
        {
            scenario = Scenario.Load(scenarioPath);
        }
        catch (ScenarioException e)
        {
            throw new CliUsageException($"bad scenario: {e.Message}");
        }

        // --store sqlite runs on the app's EF Core store over a temporary SQLite file: the same steps, persisted.
        using var sqlite = storeKind == "sqlite" ? new ScenarioDatabase() : null;
        var runner = new ScenarioRunner(scenario, output, sqlite is null ? null : clock => sqlite.CreateStore(clock));
        IReadOnlyList<DeployedProcess> main = [];

        // FILE goes last, so where a further file has a process of the same id, FILE's is the latest.
        foreach (var (file, index) in arguments.Words.Select((f, i) => (f, i)).Skip(1).Append((arguments.Words[0], 0)))
        {
            var validation = WorkflowEngine.ValidateFile(file);
            if (!validation.Valid)
            {
                var errors = string.Join("\n", validation.Errors.Select(e => $"  {(e.Line is null ? "" : $"line {e.Line}: ")}{e.Type} {e.Element}: {e.Message}"));
                throw new CliUsageException($"{file} is not a valid model:\n{errors}");
            }

            var deployed = runner.Engine.Deploy(File.ReadAllBytes(file));
            if (index == 0)
            {
                main = deployed.Processes;
            }
        }

        string processId;
        if (scenario.Process is not null)
        {
            processId = main.Any(p => p.ProcessId == scenario.Process)
                ? scenario.Process
                : throw new CliUsageException($"process '{scenario.Process}' is not an executable process of {arguments.Words[0]} (it has: {string.Join(", ", main.Select(p => p.ProcessId))})");
        }
        else
        {
            processId = main.Count == 1
                ? main[0].ProcessId
                : throw new CliUsageException($"{arguments.Words[0]} has {main.Count} executable processes: name one with \"process\" in the scenario");
        }

        return await runner.RunAsync(processId);
    }
}
