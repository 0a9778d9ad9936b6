using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using NtmWorkflow.Engine.Runtime;
using static NtmWorkflow.Engine.Tests.Bpmn;

namespace NtmWorkflow.Engine.Tests.Runtime;

/// <summary>Moving a running instance to other units (an administrative merger): named variables and open tasks' groups, once.</summary>
public sealed class RelocationTests
{
    // Every department reviews at once, each in its own group; then the commune confirms.
    private const string Process = """
        <bpmn:startEvent id="s"/>
        <bpmn:userTask id="review" camunda:candidateGroups="${'department-' + department}">
          <bpmn:multiInstanceLoopCharacteristics camunda:collection="departments" camunda:elementVariable="department"/>
        </bpmn:userTask>
        <bpmn:userTask id="confirm" camunda:candidateGroups="${'commune-' + communeCode}"/>
        <bpmn:endEvent id="end"/>
        """ + """<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review"/><bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="confirm"/><bpmn:sequenceFlow id="f3" sourceRef="confirm" targetRef="end"/>""";

    [Fact]
    public async Task Named_variables_and_the_open_tasks_groups_move_once_and_the_next_step_names_the_successor()
    {
        var trace = new List<WorkflowEvent>();
        var engine = new WorkflowEngine(new InMemoryWorkflowStore(), new WorkflowEngineOptions { Clock = new FakeTimeProvider(TestEngine.Start), OnEvent = trace.Add });
        Assert.True(engine.Deploy(Encoding.UTF8.GetBytes(Document(Process))).Validation.Valid);
        var started = await engine.StartAsync("p", new Dictionary<string, JsonNode?>
        {
            ["communeCode"] = "00703", ["note"] = "00703", ["departments"] = new JsonArray("02-noi-vu", "02-xay-dung"),
        });
        var values = new Dictionary<string, string> { ["00703"] = "00706", ["02-noi-vu"] = "08-noi-vu", ["02-xay-dung"] = "08-xay-dung" };
        var groups = new Dictionary<string, string> { ["department-02-noi-vu"] = "department-08-noi-vu", ["department-02-xay-dung"] = "department-08-xay-dung" };

        var changed = await engine.RelocateAsync(started.Id, ["communeCode", "departments", "department"], values, groups, actor: "qt.08");

        Assert.True(changed >= 5, $"{changed} values and groups changed"); // communeCode, 2 departments, 2 groups (and the iterations' own variables)
        var tasks = await engine.ListTasksAsync(started.Id);
        Assert.Equal(["department-08-noi-vu", "department-08-xay-dung"], tasks.SelectMany(t => t.CandidateGroups).Order());
        var view = await engine.GetInstanceAsync(started.Id);
        Assert.Equal("00706", view!.Variables["communeCode"]!.GetValue<string>());
        Assert.Equal("00703", view.Variables["note"]!.GetValue<string>()); // not named: untouched
        Assert.Equal(["08-noi-vu", "08-xay-dung"], view.Variables["departments"]!.AsArray().Select(d => d!.GetValue<string>()));
        var relocated = Assert.Single(trace, e => e.Event == "instanceRelocated");
        Assert.Equal("qt.08", relocated.Actor);

        // Once: a second call finds nothing to change and records nothing.
        Assert.Equal(0, await engine.RelocateAsync(started.Id, ["communeCode", "departments", "department"], values, groups, actor: "qt.08"));
        Assert.Single(trace, e => e.Event == "instanceRelocated");

        foreach (var task in tasks)
        {
            await engine.CompleteTaskAsync(task.Id);
        }

        Assert.Equal(["commune-00706"], Assert.Single(await engine.ListTasksAsync(started.Id)).CandidateGroups);
    }

    [Fact]
    public async Task A_rewriting_rule_changes_the_values_the_map_does_not_name_in_the_same_save()
    {
        var trace = new List<WorkflowEvent>();
        var engine = new WorkflowEngine(new InMemoryWorkflowStore(), new WorkflowEngineOptions { Clock = new FakeTimeProvider(TestEngine.Start), OnEvent = trace.Add });
        Assert.True(engine.Deploy(Encoding.UTF8.GetBytes(Document(Process))).Validation.Valid);
        var started = await engine.StartAsync("p", new Dictionary<string, JsonNode?>
        {
            ["communeCode"] = "00703", ["note"] = "02-ghi-chu", ["departments"] = new JsonArray("02-noi-vu", "02-xay-dung", "05-y-te"),
        });
        var values = new Dictionary<string, string> { ["00703"] = "00706", ["02-xay-dung"] = "08-xay-dung-moi" };
        static string Province(string value) => value.StartsWith("02-", StringComparison.Ordinal) ? "08" + value[2..] : value;

        var changed = await engine.RelocateAsync(started.Id, ["communeCode", "departments", "department"], values, new Dictionary<string, string>(), Province, "qt.08");

        Assert.True(changed >= 3, $"{changed} values changed"); // communeCode, 2 departments (and the iterations' own variables)
        var view = await engine.GetInstanceAsync(started.Id);
        Assert.Equal("00706", view!.Variables["communeCode"]!.GetValue<string>());
        // The map wins over the rule; a value the rule keeps stays; a variable not named is untouched.
        Assert.Equal(["08-noi-vu", "08-xay-dung-moi", "05-y-te"], view.Variables["departments"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Equal("02-ghi-chu", view.Variables["note"]!.GetValue<string>());
        var relocated = Assert.Single(trace, e => e.Event == "instanceRelocated");
        Assert.Contains("02-noi-vu → 08-noi-vu", relocated.Detail, StringComparison.Ordinal);
        Assert.Contains("02-xay-dung → 08-xay-dung-moi", relocated.Detail, StringComparison.Ordinal);

        // Once: the rule finds nothing more to change.
        Assert.Equal(0, await engine.RelocateAsync(started.Id, ["communeCode", "departments", "department"], values, new Dictionary<string, string>(), Province, "qt.08"));

        // An instance that is not running is refused, for the caller to tell from other failures.
        foreach (var task in await engine.ListTasksAsync(started.Id))
        {
            await engine.CompleteTaskAsync(task.Id);
        }

        await engine.CompleteTaskAsync(Assert.Single(await engine.ListTasksAsync(started.Id)).Id);
        var ended = await Assert.ThrowsAsync<WorkflowException>(() => engine.RelocateAsync(started.Id, ["communeCode"], values, new Dictionary<string, string>(), Province));
        Assert.Equal(WorkflowErrorKind.Conflict, ended.Kind);
        Assert.Equal(WorkflowErrorKind.NotFound,
            (await Assert.ThrowsAsync<WorkflowException>(() => engine.RelocateAsync(Guid.NewGuid(), ["communeCode"], values, new Dictionary<string, string>()))).Kind);
    }
}
