using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Engine.Tests.Runtime;

public sealed class ParameterTests
{
    /// <summary>A national value and a province's override, the way the app's legal parameters answer.</summary>
    private sealed class Parameters : IProcessParameters
    {
        public ProcessParameter? Find(string name, IReadOnlyDictionary<string, JsonNode?> variables) =>
            (name, variables.GetValueOrDefault("provinceCode")?.GetValue<string>()) switch
            {
                ("verification.workingDays", "10") => new ProcessParameter(JsonValue.Create(5), Verified: true),
                ("verification.workingDays", _) => new ProcessParameter(JsonValue.Create(10), Verified: false),
                ("verification.candidateGroup", _) => new ProcessParameter(JsonValue.Create("coordination-office"), Verified: false),
                ("council.approval", _) => new ProcessParameter(new JsonObject { ["numerator"] = 1, ["denominator"] = 2 }, Verified: true),
                _ => null,
            };
    }

    private static WorkflowEngine Engine(FakeTimeProvider clock) =>
        new(new InMemoryWorkflowStore(), new WorkflowEngineOptions { Clock = clock, Parameters = new Parameters() });

    private const string Verification = """
        <bpmn:startEvent id="s"/>
        <bpmn:userTask id="verify" camunda:candidateGroups="${param('verification.candidateGroup')}"
                       camunda:dueDate="${addWorkingDays(now(), param('verification.workingDays'))}"/>
        <bpmn:userTask id="plain" camunda:dueDate="${addWorkingDays(now(), 3)}"/>
        <bpmn:endEvent id="e"/>
        """;

    [Fact]
    public async Task A_deadline_reads_the_parameter_of_its_province_and_names_the_unverified_values_it_rests_on()
    {
        var clock = new FakeTimeProvider(TestEngine.Start);
        var engine = Engine(clock);
        Assert.True(engine.Deploy(Encoding.UTF8.GetBytes(Bpmn.Document(Verification + Bpmn.Chain("s", "verify", "plain", "e")))).Validation.Valid);

        var national = await engine.StartAsync("p", TestEngine.Vars(new { provinceCode = "01" }));
        var province = await engine.StartAsync("p", TestEngine.Vars(new { provinceCode = "10" }));

        var nationalTask = Assert.Single(national.OpenTasks);
        Assert.Equal(TestEngine.Start.AddDays(14).AddHours(9), nationalTask.Due); // close of business 10 working days after Monday 2 March
        Assert.Equal(["verification.workingDays"], nationalTask.DueUnverifiedParameters);
        Assert.Equal(["coordination-office"], nationalTask.CandidateGroups);

        var provinceTask = Assert.Single(province.OpenTasks);
        Assert.Equal(TestEngine.Start.AddDays(7).AddHours(9), provinceTask.Due); // the province's verified 5 days
        Assert.Empty(provinceTask.DueUnverifiedParameters!);

        // A deadline without parameters rests on nothing unverified.
        await engine.CompleteTaskAsync(nationalTask.Id);
        var plain = Assert.Single(await engine.ListTasksAsync(national.Id));
        Assert.Equal("plain", plain.ElementId);
        Assert.Empty(plain.DueUnverifiedParameters!);
    }

    [Fact]
    public async Task A_structured_parameter_reaches_scripts_and_conditions()
    {
        var clock = new FakeTimeProvider(TestEngine.Start);
        var engine = Engine(clock);
        Assert.True(engine.Deploy(Encoding.UTF8.GetBytes(Bpmn.Document("""
            <bpmn:startEvent id="s"/>
            <bpmn:scriptTask id="tally" scriptFormat="javascript">
              <bpmn:script>var share = param('council.approval'); execution.setVariable('approved', agree * share.denominator > present * share.numerator);</bpmn:script>
            </bpmn:scriptTask>
            <bpmn:userTask id="done"/>
            """ + Bpmn.Chain("s", "tally", "done")))).Validation.Valid);

        Assert.True((await engine.StartAsync("p", TestEngine.Vars(new { agree = 6, present = 10 }))).Variables["approved"]!.GetValue<bool>());
        Assert.False((await engine.StartAsync("p", TestEngine.Vars(new { agree = 5, present = 10 }))).Variables["approved"]!.GetValue<bool>());
    }

    [Fact]
    public void A_definition_naming_an_unknown_parameter_is_refused_on_its_element_and_deploys_nothing()
    {
        var engine = Engine(new FakeTimeProvider(TestEngine.Start));
        var result = engine.Deploy(Encoding.UTF8.GetBytes(Bpmn.Document("""
            <bpmn:startEvent id="s"/>
            <bpmn:userTask id="verify" camunda:dueDate="${addWorkingDays(now(), param('verification.workingDays'))}"/>
            <bpmn:scriptTask id="tally" scriptFormat="javascript"><bpmn:script>execution.setVariable('q', param("council.quorom"));</bpmn:script></bpmn:scriptTask>
            <bpmn:userTask id="decide" camunda:dueDate="${addWorkingDays(now(), param('decision.workingDays'))}"/>
            """ + Bpmn.Chain("s", "verify", "tally", "decide"))));

        Assert.False(result.Validation.Valid);
        Assert.Empty(result.Processes);
        Assert.Equal([("tally", "the parameter 'council.quorom' is not defined (no legal parameter of that name)"), ("decide", "the parameter 'decision.workingDays' is not defined (no legal parameter of that name)")],
            result.Validation.Errors.Select(e => (e.Element, e.Message)));
        Assert.Empty(engine.DeployedProcesses);
    }

    [Fact]
    public async Task A_parameter_named_at_run_time_and_unknown_or_an_engine_without_parameters_stops_the_step_with_an_incident()
    {
        var clock = new FakeTimeProvider(TestEngine.Start);
        var cases = new[]
        {
            (Engine(clock), "<bpmn:userTask id=\"verify\" camunda:dueDate=\"${addWorkingDays(now(), param(step + '.workingDays'))}\"/>", "the parameter 'no.such.workingDays' is not defined"),
            (new WorkflowEngine(new InMemoryWorkflowStore(), new WorkflowEngineOptions { Clock = clock }),
                "<bpmn:userTask id=\"verify\" camunda:dueDate=\"${addWorkingDays(now(), param('verification.workingDays'))}\"/>", "the parameter 'verification.workingDays' is not defined"),
        };
        foreach (var (engine, task, message) in cases)
        {
            Assert.True(engine.Deploy(Encoding.UTF8.GetBytes(Bpmn.Document("<bpmn:startEvent id=\"s\"/>" + task + Bpmn.Chain("s", "verify")))).Validation.Valid);
            var instance = await engine.StartAsync("p", TestEngine.Vars(new { step = "no.such" }));
            Assert.Empty(instance.OpenTasks);
            Assert.Contains(message, Assert.Single(instance.Incidents).Message, StringComparison.Ordinal);
        }
    }
}
