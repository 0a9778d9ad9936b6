using System.Text.Json.Nodes;
using NtmWorkflow.Engine.Runtime;
using static NtmWorkflow.Engine.Tests.Bpmn;

namespace NtmWorkflow.Engine.Tests.Runtime;

public sealed class FlowTests
{
    [Fact]
    public async Task A_user_task_waits_and_its_completion_ends_the_instance()
    {
        var e = TestEngine.Create("""<bpmn:startEvent id="s"/><bpmn:userTask id="t" name="Tự đánh giá"/><bpmn:endEvent id="end"/>""" + Chain("s", "t", "end"));
        await e.StartAsync();
        Assert.Equal(["instanceStarted", "activated s", "completed s", "activated t", "taskCreated t"], e.Lines());
        var task = Assert.Single(await e.TasksAsync());
        Assert.Equal(("t", "Tự đánh giá"), (task.ElementId, task.Name));

        await e.CompleteAsync("t", new { score = 19 }, actor: "xa.lan");

        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
        Assert.Equal(["taskCompleted t", "completed t", "activated end", "completed end", "instanceEnded"], e.Lines().Skip(5));
        Assert.Equal("xa.lan", e.Trace.Single(x => x.Event == "taskCompleted").Actor);
        Assert.Equal(19, (await e.InstanceAsync()).Variables["score"]!.GetValue<long>());
        Assert.Empty(await e.TasksAsync());
    }

    [Fact]
    public async Task User_task_attributes_are_evaluated_when_the_task_is_created()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/>
            <bpmn:userTask id="t" camunda:assignee="${officer}" camunda:candidateUsers="a, b" camunda:candidateGroups="${['district-' + district, 'province']}"
                camunda:dueDate="${addWorkingDays(now(), 5)}" camunda:followUpDate="2026-03-04T09:00:00" camunda:priority="${urgent ? 80 : 50}"
                camunda:formKey="ntm:self-assessment">
              <bpmn:extensionElements><camunda:properties><camunda:property name="criterion" value="17"/></camunda:properties></bpmn:extensionElements>
            </bpmn:userTask>
            <bpmn:endEvent id="end"/>
            """ + Chain("s", "t", "end"));
        await e.StartAsync(new { officer = "minh", district = "001", urgent = true });

        var task = Assert.Single(await e.TasksAsync());
        Assert.Equal("minh", task.Assignee);
        Assert.Equal(["a", "b"], task.CandidateUsers);
        Assert.Equal(["district-001", "province"], task.CandidateGroups);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 17, 0, 0, TimeSpan.FromHours(7)), task.Due);
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 9, 0, 0, TimeSpan.FromHours(7)), task.FollowUp);
        Assert.Equal(80, task.Priority);
        Assert.Equal("ntm:self-assessment", task.FormKey);
        Assert.Equal("17", task.Properties["criterion"]);
    }

    [Fact]
    public async Task An_element_without_outgoing_flows_ends_its_path()
    {
        var e = TestEngine.Create("""<bpmn:startEvent id="s"/><bpmn:task id="t"/>""" + Chain("s", "t"));
        await e.StartAsync();
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
        Assert.True(e.Reached("t"));
    }

    [Fact]
    public async Task Completing_a_task_sets_variables_in_the_nearest_scope_that_defines_them_else_on_the_instance()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/>
            <bpmn:subProcess id="sub">
              <bpmn:startEvent id="ss"/><bpmn:scriptTask id="local" scriptFormat="javascript"><bpmn:script>execution.setVariable('shared', 1)</bpmn:script></bpmn:scriptTask>
              <bpmn:userTask id="t"/><bpmn:endEvent id="se"/>
            """ + Chain("ss", "local", "t", "se") + """
            </bpmn:subProcess>
            <bpmn:endEvent id="end"/>
            """ + Chain("s", "sub", "end"));
        await e.StartAsync(new { existing = "old" });
        await e.CompleteAsync("t", new { existing = "new", created = true });

        var vars = (await e.InstanceAsync()).Variables;
        Assert.Equal("new", vars["existing"]!.GetValue<string>());
        Assert.True(vars["created"]!.GetValue<bool>());
        Assert.Equal(1, vars["shared"]!.GetValue<long>());
    }

    [Fact]
    public async Task Cancelling_an_instance_cancels_its_tasks_and_timers()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/><bpmn:userTask id="t"/><bpmn:endEvent id="end"/>
            <bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            <bpmn:endEvent id="late"/>
            """ + Chain("s", "t", "end") + Flow("b", "late"));
        await e.StartAsync();
        await e.Engine.CancelInstanceAsync(e.InstanceId, "hồ sơ rút lại", "vpdp");

        var instance = await e.InstanceAsync();
        Assert.Equal(InstanceStatus.Terminated, instance.Status);
        Assert.Empty(instance.Timers);
        Assert.Empty(await e.TasksAsync());
        Assert.Equal(["taskCancelled t", "cancelled t", "instanceEnded"], e.Lines().TakeLast(3));
        await Assert.ThrowsAsync<WorkflowException>(() => e.Engine.CancelInstanceAsync(e.InstanceId));
    }

    [Fact]
    public async Task Completing_a_task_that_is_not_open_is_refused()
    {
        var e = TestEngine.Create("""<bpmn:startEvent id="s"/><bpmn:userTask id="t"/>""" + Chain("s", "t"));
        await e.StartAsync();
        var task = Assert.Single(await e.TasksAsync());
        await e.Engine.CompleteTaskAsync(task.Id);
        var error = await Assert.ThrowsAsync<WorkflowException>(() => e.Engine.CompleteTaskAsync(task.Id));
        Assert.Contains("is not open", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_version_does_not_change_running_instances()
    {
        var e = TestEngine.Create("""<bpmn:startEvent id="s"/><bpmn:userTask id="v1task"/><bpmn:endEvent id="end"/>""" + Chain("s", "v1task", "end"));
        var first = await e.StartAsync();
        var v2 = e.Engine.Deploy(System.Text.Encoding.UTF8.GetBytes(Document("""<bpmn:startEvent id="s"/><bpmn:userTask id="v2task"/><bpmn:endEvent id="end"/>""" + Chain("s", "v2task", "end"))));
        Assert.Equal(2, Assert.Single(v2.Processes).Version);

        var second = await e.Engine.StartAsync("p");
        Assert.Equal((1, 2), (first.Version, second.Version));
        await e.CompleteAsync("v1task");
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
        Assert.Equal("v2task", Assert.Single(await e.Engine.ListTasksAsync(second.Id)).ElementId);

        // Deploying the same content again makes no new version.
        var again = e.Engine.Deploy(System.Text.Encoding.UTF8.GetBytes(Document("""<bpmn:startEvent id="s"/><bpmn:userTask id="v2task"/><bpmn:endEvent id="end"/>""" + Chain("s", "v2task", "end"))));
        Assert.Equal(2, Assert.Single(again.Processes).Version);
        Assert.Equal(1, (await e.Engine.StartAsync("p", version: 1)).Version);
    }

    [Fact]
    public async Task Variables_survive_the_store_as_JSON_values()
    {
        var e = TestEngine.Create("""<bpmn:startEvent id="s"/><bpmn:userTask id="t"/>""" + Chain("s", "t"));
        await e.StartAsync(new { text = "Hồ sơ xã Phố Bảng", number = 19.5, list = new[] { 1, 2 }, nested = new { ok = true }, nothing = (string?)null });
        var vars = (await e.InstanceAsync()).Variables;
        Assert.Equal("Hồ sơ xã Phố Bảng", vars["text"]!.GetValue<string>());
        Assert.Equal(19.5, vars["number"]!.GetValue<double>());
        Assert.Equal("[1,2]", vars["list"]!.ToJsonString());
        Assert.True(vars["nested"]!["ok"]!.GetValue<bool>());
        Assert.True(vars.ContainsKey("nothing"));
        Assert.Null(vars["nothing"]);
    }

    [Fact]
    public async Task The_history_journal_holds_every_event_in_order()
    {
        var store = new InMemoryWorkflowStore();
        var engine = new WorkflowEngine(store, new WorkflowEngineOptions { Clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestEngine.Start) });
        engine.Deploy(System.Text.Encoding.UTF8.GetBytes(Document("""<bpmn:startEvent id="s"/><bpmn:userTask id="t"/><bpmn:endEvent id="end"/>""" + Chain("s", "t", "end"))));
        var instance = await engine.StartAsync("p", new Dictionary<string, JsonNode?> { ["x"] = 1 }, actor: "xa.lan");
        await engine.CompleteTaskAsync((await engine.ListTasksAsync()).Single().Id, actor: "minh");

        var journal = await store.ReadHistoryAsync(instance.Id, CancellationToken.None);
        Assert.Equal(["instanceStarted", "activated", "completed", "activated", "taskCreated", "taskCompleted", "completed", "activated", "completed", "instanceEnded"], journal.Select(j => j.Event));
        Assert.Equal("xa.lan", journal[0].Actor);
        Assert.Equal("minh", journal[5].Actor);
    }
}

public sealed class StoreContractTests
{
    [Fact]
    public async Task A_save_on_a_stale_revision_is_refused_and_the_stored_state_is_kept()
    {
        var store = new InMemoryWorkflowStore();
        var id = Guid.NewGuid();
        StoredInstance Record(long revision, string state) => new(id, "p", 1, null, InstanceStatus.Running, revision, state, [], [], []);
        await store.SaveAsync(Record(1, "first"), null, [], [], CancellationToken.None);
        await store.SaveAsync(Record(2, "second"), Record(1, "first"), [], [], CancellationToken.None);

        await Assert.ThrowsAsync<WorkflowConcurrencyException>(() => store.SaveAsync(Record(2, "stale"), Record(1, "first"), [], [], CancellationToken.None));
        await Assert.ThrowsAsync<WorkflowConcurrencyException>(() => store.SaveAsync(Record(1, "again"), null, [], [], CancellationToken.None));
        Assert.Equal(("second", 2), ((await store.LoadAsync(id, CancellationToken.None))!.State, (await store.LoadAsync(id, CancellationToken.None))!.Revision));
    }

    [Fact]
    public async Task Each_step_increments_the_revision()
    {
        var store = new InMemoryWorkflowStore();
        var engine = new WorkflowEngine(store, new WorkflowEngineOptions { Clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestEngine.Start) });
        engine.Deploy(System.Text.Encoding.UTF8.GetBytes(Bpmn.Document("""<bpmn:startEvent id="s"/><bpmn:userTask id="a"/><bpmn:userTask id="b"/>""" + Bpmn.Chain("s", "a", "b"))));
        var instance = await engine.StartAsync("p");
        Assert.Equal(1, (await store.LoadAsync(instance.Id, CancellationToken.None))!.Revision);
        await engine.CompleteTaskAsync((await engine.ListTasksAsync()).Single().Id);
        Assert.Equal(2, (await store.LoadAsync(instance.Id, CancellationToken.None))!.Revision);
    }
}
