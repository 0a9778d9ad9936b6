using System.Text.Json.Nodes;
using NtmWorkflow.Engine.Runtime;
using static NtmWorkflow.Engine.Tests.Bpmn;

namespace NtmWorkflow.Engine.Tests.Runtime;

public sealed class MultiInstanceTests
{
    private static TestEngine Review(string characteristics, string properties = "") => TestEngine.Create($$"""
        <bpmn:startEvent id="s"/>
        <bpmn:userTask id="review" camunda:assignee="${department}">
          <bpmn:extensionElements><camunda:properties>{{properties}}</camunda:properties></bpmn:extensionElements>
          {{characteristics}}
        </bpmn:userTask>
        <bpmn:userTask id="after"/>
        """ + Chain("s", "review", "after"));

    private const string Departments = """camunda:collection="${departments}" camunda:elementVariable="department" """;

    [Fact]
    public async Task Parallel_instances_open_one_task_per_item_with_counters_and_loop_counter()
    {
        var e = Review($"""<bpmn:multiInstanceLoopCharacteristics {Departments}/>""");
        await e.StartAsync(new { departments = new[] { "labour", "health", "culture" } });

        var tasks = await e.TasksAsync();
        Assert.Equal(["labour", "health", "culture"], tasks.Select(t => t.Assignee));
        Assert.Equal([0, 1, 2], tasks.Select(t => t.LoopCounter));
        Assert.Equal(3, e.Count("activated", "review"));

        await e.CompleteAsync("review");
        await e.CompleteAsync("review");
        Assert.Single(await e.TasksAsync());
        await e.CompleteAsync("review");
        Assert.Equal(["after"], (await e.TasksAsync()).Select(t => t.ElementId));
        Assert.Equal(3, e.Count("completed", "review"));
    }

    [Fact]
    public async Task Sequential_instances_run_one_after_another()
    {
        var e = Review($"""<bpmn:multiInstanceLoopCharacteristics isSequential="true" {Departments}/>""");
        await e.StartAsync(new { departments = new[] { "labour", "health" } });
        Assert.Equal("labour", Assert.Single(await e.TasksAsync()).Assignee);
        await e.CompleteAsync("review");
        Assert.Equal("health", Assert.Single(await e.TasksAsync()).Assignee);
        await e.CompleteAsync("review");
        Assert.Equal("after", Assert.Single(await e.TasksAsync()).ElementId);
    }

    [Fact]
    public async Task A_completion_condition_ends_the_vote_early_and_cancels_the_rest()
    {
        // A council of five: the vote ends as soon as three agree.
        var e = Review("""
            <bpmn:multiInstanceLoopCharacteristics camunda:collection="${members}" camunda:elementVariable="department">
              <bpmn:completionCondition>${agreed >= 3}</bpmn:completionCondition>
            </bpmn:multiInstanceLoopCharacteristics>
            """);
        await e.StartAsync(new { members = new[] { "m1", "m2", "m3", "m4", "m5" }, agreed = 0 });
        for (var i = 1; i <= 3; i++)
        {
            await e.CompleteAsync("review", new { agreed = i });
        }

        Assert.Equal("after", Assert.Single(await e.TasksAsync()).ElementId);
        Assert.Equal(2, e.Count("taskCancelled", "review"));
        Assert.Equal(3, e.Count("completed", "review"));
    }

    [Fact]
    public async Task Counters_are_visible_to_the_completion_condition()
    {
        var e = Review("""
            <bpmn:multiInstanceLoopCharacteristics>
              <bpmn:loopCardinality>4</bpmn:loopCardinality>
              <bpmn:completionCondition>${nrOfCompletedInstances / nrOfInstances >= 0.5 &amp;&amp; nrOfActiveInstances == 2}</bpmn:completionCondition>
            </bpmn:multiInstanceLoopCharacteristics>
            """);
        await e.StartAsync(new { department = "x" });
        Assert.Equal(4, (await e.TasksAsync()).Count);
        await e.CompleteAsync("review");
        await e.CompleteAsync("review");
        Assert.Equal("after", Assert.Single(await e.TasksAsync()).ElementId);
    }

    [Fact]
    public async Task Each_instance_result_is_collected_in_loop_counter_order()
    {
        var e = Review($"""<bpmn:multiInstanceLoopCharacteristics {Departments}/>""",
            """<camunda:property name="outputCollection" value="opinions"/><camunda:property name="outputElement" value="${ {department: department, opinion: opinion} }"/>""");
        await e.StartAsync(new { departments = new[] { "labour", "health" } });

        var tasks = await e.TasksAsync();
        await e.Engine.CompleteTaskAsync(tasks[1].Id, TestEngine.Vars(new { opinion = "đạt" }));
        await e.Engine.CompleteTaskAsync(tasks[0].Id, TestEngine.Vars(new { opinion = "chưa đạt" }));

        var opinions = (await e.InstanceAsync()).Variables["opinions"]!.AsArray();
        Assert.Equal("""[{"department":"labour","opinion":"chưa đạt"},{"department":"health","opinion":"đạt"}]""",
            opinions.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.False((await e.InstanceAsync()).Variables.ContainsKey("nrOfInstances"));
    }

    [Fact]
    public async Task An_empty_collection_skips_the_activity()
    {
        var e = Review($"""<bpmn:multiInstanceLoopCharacteristics {Departments}/>""", """<camunda:property name="outputCollection" value="results"/>""");
        await e.StartAsync(new { departments = Array.Empty<string>() });
        Assert.Equal("after", Assert.Single(await e.TasksAsync()).ElementId);
        Assert.Equal("[]", (await e.InstanceAsync()).Variables["results"]!.ToJsonString());
    }

    [Fact]
    public async Task A_collection_that_is_not_a_list_is_an_incident_and_a_retry_after_the_fix_runs_it()
    {
        var e = Review($"""<bpmn:multiInstanceLoopCharacteristics {Departments}/>""");
        await e.StartAsync(new { departments = "labour" });
        var incident = Assert.Single((await e.InstanceAsync()).Incidents);
        Assert.Contains("not a list", incident.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multi_instance_subprocess_gives_each_instance_its_own_variables()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/>
            <bpmn:subProcess id="perCommune">
              <bpmn:multiInstanceLoopCharacteristics camunda:collection="communes" camunda:elementVariable="commune"/>
              <bpmn:startEvent id="ss"/><bpmn:userTask id="assess" camunda:assignee="${commune}"/><bpmn:endEvent id="se"/>
            """ + Chain("ss", "assess", "se") + """
            </bpmn:subProcess><bpmn:endEvent id="end"/>
            """ + Chain("s", "perCommune", "end"));
        await e.StartAsync(new { communes = new[] { "Phố Bảng", "Lũng Cú" } });
        Assert.Equal(["Phố Bảng", "Lũng Cú"], (await e.TasksAsync()).Select(t => t.Assignee));
        await e.CompleteAsync("assess");
        await e.CompleteAsync("assess");
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
        Assert.Equal(2, e.Count("completed", "perCommune"));
    }

    [Fact]
    public async Task A_boundary_timer_on_a_multi_instance_activity_cancels_all_instances()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/>
            <bpmn:userTask id="vote"><bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>${3}</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>
            <bpmn:boundaryEvent id="closes" attachedToRef="vote"><bpmn:timerEventDefinition><bpmn:timeDuration>PT2H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            <bpmn:endEvent id="end"/><bpmn:endEvent id="closed"/>
            """ + Chain("s", "vote", "end") + Flow("closes", "closed"));
        await e.StartAsync();
        await e.CompleteAsync("vote");
        await e.AdvanceAsync(TimeSpan.FromHours(2));
        Assert.Equal(2, e.Count("taskCancelled", "vote"));
        Assert.True(e.Reached("closed"));
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
        _ = JsonValue.Create(1);
    }
}
