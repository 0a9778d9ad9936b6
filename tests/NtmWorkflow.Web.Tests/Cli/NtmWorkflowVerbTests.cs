using NtmWorkflow.Testing;

namespace NtmWorkflow.Web.Tests.Cli;

/// <summary>`ntm validate` and `ntm run` through the built CLI, on the shipped workflows and the scenarios in tests/scenarios.</summary>
public sealed class NtmWorkflowVerbTests
{
    private static string Root => TestEnvironment.RepositoryRoot;

    public static TheoryData<string> Scenarios() =>
        [.. Directory.GetFiles(Path.Combine(TestEnvironment.RepositoryRoot, "tests", "scenarios"), "*.json").Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Each_scenario_ends_with_the_exit_code_its_name_promises(string scenario)
    {
        var model = scenario[..scenario.IndexOf("--", StringComparison.Ordinal)] + ".bpmn";
        var modelPath = File.Exists(Path.Combine(Root, "workflows", model)) ? Path.Combine(Root, "workflows", model) : Path.Combine(Root, "tests", "scenarios", model);
        var expected = scenario.Split('.')[^2] switch { "pass" => 0, "fail" => 1, "bad" => 2, var other => throw new InvalidOperationException($"unknown outcome '{other}'") };

        var result = await NtmProcess.RunAsync(Path.Combine(Root, "tests", "scenarios"), null, "run", modelPath, "--scenario", scenario);

        Assert.True(expected == result.ExitCode, $"exit {result.ExitCode}, expected {expected}\nstdout (last lines):\n{string.Join('\n', result.Stdout.Split('\n').TakeLast(4))}\nstderr:\n{result.Stderr}");
        if (expected == 2)
        {
            Assert.Equal("", result.Stdout);
            Assert.StartsWith("ntm: bad scenario", result.Stderr, StringComparison.Ordinal);
            return;
        }

        Assert.Equal("", result.Stderr);
        var lines = result.JsonLines();
        Assert.All(lines, l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$", l.GetProperty("time").GetString()));
        Assert.Equal("instanceStarted", lines[0].GetProperty("event").GetString());
        Assert.Equal(expected == 1, lines[^1].GetProperty("event").GetString() == "stepFailed");
    }

    public static TheoryData<string> PassingScenarios() =>
        [.. Directory.GetFiles(Path.Combine(TestEnvironment.RepositoryRoot, "tests", "scenarios"), "*.pass.json").Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(PassingScenarios))]
    public async Task On_the_SQLite_store_a_scenario_gives_the_same_trace_as_in_memory(string scenario)
    {
        var model = Path.Combine(Root, "workflows", scenario[..scenario.IndexOf("--", StringComparison.Ordinal)] + ".bpmn");
        var folder = Path.Combine(Root, "tests", "scenarios");
        var memory = await NtmProcess.RunAsync(folder, null, "run", model, "--scenario", scenario);
        var sqlite = await NtmProcess.RunAsync(folder, null, "run", model, "--scenario", scenario, "--store", "sqlite");

        Assert.Equal((0, ""), (sqlite.ExitCode, sqlite.Stderr));
        static List<string> Events(CliResult r) => [.. r.JsonLines().Select(l => $"{l.GetProperty("time").GetString()} {l.GetProperty("event").GetString()} {l.GetProperty("element")}")];
        Assert.Equal(Events(memory), Events(sqlite));
    }

    [Fact]
    public async Task The_shipped_workflows_are_valid()
    {
        var files = Directory.GetFiles(Path.Combine(Root, "workflows"), "*.bpmn").Order().ToArray();
        Assert.NotEmpty(files);
        var result = await NtmProcess.RunAsync(Root, null, ["validate", .. files]);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        Assert.All(result.JsonLines(), l => Assert.True(l.GetProperty("valid").GetBoolean(), l.ToString()));
    }

    [Fact]
    public async Task Validate_prints_one_line_per_file_in_order_and_exits_1_when_any_is_invalid()
    {
        using var folder = new TemporaryDirectory();
        var broken = Path.Combine(folder.Path, "broken.bpmn");
        await File.WriteAllTextAsync(broken, "<not-closed>");
        var model = Path.Combine(Root, "workflows", "ntm-commune-two-tier.bpmn");

        // A misspelt legal parameter is refused on its element, as the app refuses to deploy it.
        var misspelt = (await File.ReadAllTextAsync(model)).Replace("param('verification.workingDays')", "param('verification.workingDay')", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "misspelt.bpmn"), misspelt);

        var result = await NtmProcess.RunAsync(folder.Path, null, "validate", model, "broken.bpmn", "missing.bpmn", "misspelt.bpmn");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stderr);
        var lines = result.JsonLines();
        Assert.Equal([model, "broken.bpmn", "missing.bpmn", "misspelt.bpmn"], lines.Select(l => l.GetProperty("file").GetString()));
        Assert.Equal([true, false, false, false], lines.Select(l => l.GetProperty("valid").GetBoolean()));
        var unknown = Assert.Single(lines[3].GetProperty("errors").EnumerateArray());
        Assert.Equal(("verification", "the parameter 'verification.workingDay' is not defined (no legal parameter of that name)"),
            (unknown.GetProperty("element").GetString(), unknown.GetProperty("message").GetString()));
        Assert.Equal(["ntm-commune-two-tier"], lines[0].GetProperty("processes").EnumerateArray().Select(p => p.GetString()));
        var error = lines[1].GetProperty("errors")[0];
        Assert.Equal(("file", System.Text.Json.JsonValueKind.Null, System.Text.Json.JsonValueKind.Null),
            (error.GetProperty("type").GetString(), error.GetProperty("element").ValueKind, error.GetProperty("line").ValueKind));
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("run")]
    [InlineData("run", "x.bpmn")]
    [InlineData("validate", "--bogus", "x")]
    public async Task Bad_arguments_exit_2(params string[] args)
    {
        var result = await NtmProcess.RunAsync(Root, null, args);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Run_finds_called_processes_in_the_further_files_and_shows_their_tasks()
    {
        using var folder = new TemporaryDirectory();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "parent.bpmn"), """
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d1">
              <bpmn:process id="parent" isExecutable="true"><bpmn:startEvent id="s"/>
                <bpmn:callActivity id="call" calledElement="child"><bpmn:extensionElements><camunda:out source="result" target="result"/></bpmn:extensionElements></bpmn:callActivity>
                <bpmn:endEvent id="e"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="call"/><bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="e"/></bpmn:process>
            </bpmn:definitions>
            """);
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "child.bpmn"), """
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d2">
              <bpmn:process id="child" isExecutable="true"><bpmn:startEvent id="cs"/><bpmn:userTask id="work"/><bpmn:endEvent id="ce"/>
                <bpmn:sequenceFlow id="c1" sourceRef="cs" targetRef="work"/><bpmn:sequenceFlow id="c2" sourceRef="work" targetRef="ce"/></bpmn:process>
            </bpmn:definitions>
            """);
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "s.json"), """
            {"steps": [
              {"expect": {"openTasks": {"work": 1}, "state": "running"}},
              {"complete": "work", "variables": {"result": "đạt"}},
              {"expect": {"state": "completed", "variables": {"result": "đạt"}, "reached": ["call", "work"]}}
            ]}
            """);
        var result = await NtmProcess.RunAsync(folder.Path, null, "run", "parent.bpmn", "child.bpmn", "--scenario", "s.json");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
    }

    [Fact]
    public async Task Run_refuses_an_invalid_model_with_exit_2_and_the_reason()
    {
        using var folder = new TemporaryDirectory();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "m.bpmn"), """
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><bpmn:process id="p"><bpmn:complexGateway id="g"/></bpmn:process></bpmn:definitions>
            """);
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "s.json"), "{}");
        var result = await NtmProcess.RunAsync(folder.Path, null, "run", "m.bpmn", "--scenario", "s.json");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("complexGateway is not supported", result.Stderr, StringComparison.Ordinal);
    }
}

public sealed class NtmHandlersTests
{
    [Fact]
    public async Task Handlers_lists_the_topics_a_model_may_name()
    {
        using var data = new TemporaryDirectory();
        var result = await NtmProcess.RunAsync(data.Path, new Dictionary<string, string> { ["Storage__DataDirectory"] = data.Path }, "handlers");
        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        Assert.Equal(["ntm.council.tally", "ntm.dossier.check", "ntm.escalate", "ntm.notify"], result.JsonLines().Select(l => l.GetProperty("topic").GetString()));
    }
}
