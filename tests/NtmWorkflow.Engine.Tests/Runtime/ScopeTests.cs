using NtmWorkflow.Engine.Runtime;
using static NtmWorkflow.Engine.Tests.Bpmn;

namespace NtmWorkflow.Engine.Tests.Runtime;

public sealed class ScopeTests
{
    [Fact]
    public async Task An_embedded_subprocess_runs_its_own_start_to_end_then_the_process_continues()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/>
            <bpmn:subProcess id="verify"><bpmn:startEvent id="vs"/><bpmn:userTask id="check"/><bpmn:endEvent id="ve"/>
            """ + Chain("vs", "check", "ve") + """
            </bpmn:subProcess><bpmn:endEvent id="end"/>
            """ + Chain("s", "verify", "end"));
        await e.StartAsync();
        await e.CompleteAsync("check");
        Assert.Equal(["activated s", "activated verify", "activated vs", "activated check", "activated ve", "activated end"], e.Lines("activated"));
        Assert.Equal(["completed ve", "completed verify", "activated end"], e.Lines("activated", "completed").SkipWhile(l => l != "completed ve").Take(3));
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
    }

    [Fact]
    public async Task A_terminate_end_event_in_a_subprocess_ends_only_the_subprocess()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/>
            <bpmn:subProcess id="sub"><bpmn:startEvent id="ss"/><bpmn:parallelGateway id="fork"/><bpmn:userTask id="slow"/><bpmn:endEvent id="stop"><bpmn:terminateEventDefinition/></bpmn:endEvent>
            """ + Chain("ss", "fork") + Flow("fork", "slow") + Flow("fork", "stop") + """
            </bpmn:subProcess><bpmn:userTask id="after"/>
            """ + Chain("s", "sub", "after"));
        await e.StartAsync();
        Assert.Equal(["taskCreated slow", "taskCancelled slow", "cancelled slow", "taskCreated after"], e.Lines("taskCreated", "taskCancelled", "cancelled"));
        Assert.Equal("after", Assert.Single(await e.TasksAsync()).ElementId);
        Assert.Equal(InstanceStatus.Running, (await e.InstanceAsync()).Status);
    }

    [Fact]
    public async Task A_terminate_end_event_at_process_level_terminates_the_instance()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/><bpmn:parallelGateway id="fork"/><bpmn:userTask id="a"/><bpmn:userTask id="b"/><bpmn:endEvent id="kill"><bpmn:terminateEventDefinition/></bpmn:endEvent>
            """ + Chain("s", "fork") + Flow("fork", "a") + Flow("fork", "b") + Flow("a", "kill"));
        await e.StartAsync();
        await e.CompleteAsync("a");
        var instance = await e.InstanceAsync();
        Assert.Equal(InstanceStatus.Terminated, instance.Status);
        Assert.Empty(instance.OpenTasks);
        Assert.Equal(["activated kill", "completed kill", "taskCancelled b", "cancelled b", "instanceEnded"], e.Lines().TakeLast(5));
    }

    [Fact]
    public async Task A_boundary_timer_on_a_subprocess_cancels_everything_inside()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/>
            <bpmn:subProcess id="sub"><bpmn:startEvent id="ss"/><bpmn:userTask id="inner"/><bpmn:endEvent id="se"/>
            """ + Chain("ss", "inner", "se") + """
            </bpmn:subProcess>
            <bpmn:boundaryEvent id="deadline" attachedToRef="sub"><bpmn:timerEventDefinition><bpmn:timeDuration>P10D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            <bpmn:endEvent id="end"/><bpmn:userTask id="escalate"/>
            """ + Chain("s", "sub", "end") + Flow("deadline", "escalate"));
        await e.StartAsync();
        await e.AdvanceAsync(TimeSpan.FromDays(10));
        Assert.Equal(["timerFired deadline", "taskCancelled inner", "cancelled inner", "cancelled sub", "activated deadline"], e.Lines().SkipWhile(l => l != "timerFired deadline").Take(5));
        Assert.Equal("escalate", Assert.Single(await e.TasksAsync()).ElementId);
    }

    [Fact]
    public async Task A_loop_without_a_wait_state_stops_with_an_incident_instead_of_hanging()
    {
        var e = TestEngine.Create("""<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="g"/><bpmn:task id="spin"/>""" + Chain("s", "g", "spin", "g"));
        await e.StartAsync();
        Assert.Contains("without waiting", Assert.Single((await e.InstanceAsync()).Incidents).Message, StringComparison.Ordinal);
    }
}

public sealed class ErrorEventTests
{
    private const string Errors = """<bpmn:error id="errMissing" errorCode="HO_SO_THIEU"/><bpmn:error id="errOther" errorCode="KHAC"/>""";

    private sealed class Throwing(string code) : IServiceTaskHandler
    {
        public ValueTask<IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?>> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken) =>
            throw new BpmnErrorException(code, "thiếu biên bản");
    }

    [Fact]
    public async Task An_error_end_event_in_a_subprocess_is_caught_by_the_boundary_with_its_code()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/>
            <bpmn:subProcess id="check"><bpmn:startEvent id="cs"/><bpmn:userTask id="inner"/><bpmn:endEvent id="missing"><bpmn:errorEventDefinition errorRef="errMissing"/></bpmn:endEvent>
            """ + Bpmn.Chain("cs", "inner", "missing") + """
            </bpmn:subProcess>
            <bpmn:boundaryEvent id="onOther" attachedToRef="check"><bpmn:errorEventDefinition errorRef="errOther"/></bpmn:boundaryEvent>
            <bpmn:boundaryEvent id="onMissing" attachedToRef="check"><bpmn:errorEventDefinition errorRef="errMissing"/></bpmn:boundaryEvent>
            <bpmn:endEvent id="ok"/><bpmn:userTask id="supplement"/><bpmn:endEvent id="other"/>
            """ + Bpmn.Chain("s", "check", "ok") + Bpmn.Flow("onMissing", "supplement") + Bpmn.Flow("onOther", "other"), messages: Errors);
        await e.StartAsync();
        await e.CompleteAsync("inner");

        Assert.Equal("supplement", Assert.Single(await e.TasksAsync()).ElementId);
        Assert.Equal(["activated missing", "completed missing", "cancelled check", "activated onMissing"], e.Lines().SkipWhile(l => l != "activated missing").Take(4));
        Assert.False(e.Reached("other") || e.Reached("ok"));
    }

    [Theory]
    [InlineData("HO_SO_THIEU", "specific")]
    [InlineData("BAT_KY", "any")]
    public async Task A_handler_error_is_caught_on_its_task_by_code_or_by_a_catch_all(string code, string expected)
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/><bpmn:serviceTask id="check" camunda:type="external" camunda:topic="check"/><bpmn:endEvent id="ok"/>
            <bpmn:boundaryEvent id="b1" attachedToRef="check"><bpmn:errorEventDefinition errorRef="errMissing"/></bpmn:boundaryEvent>
            <bpmn:boundaryEvent id="b2" attachedToRef="check"><bpmn:errorEventDefinition/></bpmn:boundaryEvent>
            <bpmn:endEvent id="specific"/><bpmn:endEvent id="any"/>
            """ + Bpmn.Chain("s", "check", "ok") + Bpmn.Flow("b1", "specific") + Bpmn.Flow("b2", "any"),
            new HandlerRegistry().Register("check", new Throwing(code)), Errors);
        await e.StartAsync();
        Assert.True(e.Reached(expected));
        Assert.Equal(1, e.Count("cancelled", "check"));
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
    }

    [Fact]
    public async Task An_uncaught_error_is_an_incident_not_a_silent_end()
    {
        var e = TestEngine.Create("""<bpmn:startEvent id="s"/><bpmn:serviceTask id="check" camunda:type="external" camunda:topic="check"/><bpmn:endEvent id="ok"/>"""
            + Bpmn.Chain("s", "check", "ok"), new HandlerRegistry().Register("check", new Throwing("KHAC")), Errors);
        await e.StartAsync();
        Assert.Contains("raised error 'KHAC'", Assert.Single((await e.InstanceAsync()).Incidents).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_in_one_instance_of_a_multi_instance_subprocess_is_caught_on_the_whole_activity()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/>
            <bpmn:subProcess id="each"><bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>
              <bpmn:startEvent id="es"/><bpmn:userTask id="t"/><bpmn:exclusiveGateway id="g" default="fine"/><bpmn:endEvent id="bad"><bpmn:errorEventDefinition errorRef="errMissing"/></bpmn:endEvent><bpmn:endEvent id="good"/>
            """ + Bpmn.Chain("es", "t", "g") + Bpmn.Flow("g", "bad", "${broken === true}") + Bpmn.Flow("g", "good", id: "fine") + """
            </bpmn:subProcess>
            <bpmn:boundaryEvent id="caught" attachedToRef="each"><bpmn:errorEventDefinition errorRef="errMissing"/></bpmn:boundaryEvent>
            <bpmn:endEvent id="done"/><bpmn:endEvent id="failed"/>
            """ + Bpmn.Chain("s", "each", "done") + Bpmn.Flow("caught", "failed"), messages: Errors);
        await e.StartAsync(new { broken = false });
        await e.CompleteAsync("t");
        await e.CompleteAsync("t", new { broken = true });
        Assert.True(e.Reached("failed"));
        Assert.Equal(1, e.Count("taskCancelled", "t"));
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
    }

    [Fact]
    public void A_non_interrupting_error_boundary_is_refused()
    {
        var result = WorkflowEngine.Validate(System.Text.Encoding.UTF8.GetBytes(Bpmn.Document("""
            <bpmn:startEvent id="s"/><bpmn:userTask id="t"/><bpmn:endEvent id="e"/>
            <bpmn:boundaryEvent id="b" attachedToRef="t" cancelActivity="false"><bpmn:errorEventDefinition/></bpmn:boundaryEvent><bpmn:endEvent id="x"/>
            """ + Bpmn.Chain("s", "t", "e") + Bpmn.Flow("b", "x"))));
        Assert.Contains(result.Errors, e => e.Element == "b" && e.Message.Contains("always interrupts", StringComparison.Ordinal));
    }
}

public sealed class CallActivityTests
{
    private static void DeployChild(TestEngine e, string body) =>
        Assert.Empty(e.Engine.Deploy(System.Text.Encoding.UTF8.GetBytes(Bpmn.Document(body, processId: "council"))).Validation.Errors);

    private const string Parent = """
        <bpmn:startEvent id="s"/>
        <bpmn:callActivity id="callCouncil" calledElement="council">
          <bpmn:extensionElements>
            <camunda:in source="commune" target="communeName"/>
            <camunda:in sourceExpression="${members.length}" target="memberCount"/>
            <camunda:out source="approved" target="councilApproved"/>
          </bpmn:extensionElements>
        </bpmn:callActivity>
        <bpmn:userTask id="decide"/>
        """;

    private const string Council = """<bpmn:startEvent id="cs"/><bpmn:userTask id="vote"/><bpmn:endEvent id="ce"/>""";

    [Fact]
    public async Task A_called_process_gets_the_in_variables_and_returns_the_out_variables()
    {
        var e = TestEngine.Create(Parent + Bpmn.Chain("s", "callCouncil", "decide"));
        DeployChild(e, Council + Bpmn.Chain("cs", "vote", "ce"));
        await e.StartAsync(new { commune = "Phố Bảng", members = new[] { "a", "b", "c" } }, businessKey: "XA-9");

        var vote = Assert.Single(await e.Engine.ListTasksAsync());
        Assert.Equal("vote", vote.ElementId);
        Assert.NotEqual(e.InstanceId, vote.InstanceId);
        var child = (await e.Engine.GetInstanceAsync(vote.InstanceId))!;
        Assert.Equal(("council", "XA-9", "Phố Bảng", 3L), (child.ProcessId, child.BusinessKey, child.Variables["communeName"]!.GetValue<string>(), child.Variables["memberCount"]!.GetValue<long>()));
        Assert.False(child.Variables.ContainsKey("members"));

        await e.Engine.CompleteTaskAsync(vote.Id, TestEngine.Vars(new { approved = true, secret = "x" }));

        var parent = await e.InstanceAsync();
        Assert.True(parent.Variables["councilApproved"]!.GetValue<bool>());
        Assert.False(parent.Variables.ContainsKey("secret"));
        Assert.Equal("decide", Assert.Single(parent.OpenTasks).ElementId);
        Assert.Equal(InstanceStatus.Completed, (await e.Engine.GetInstanceAsync(vote.InstanceId))!.Status);
    }

    [Fact]
    public async Task A_called_process_that_ends_at_once_lets_the_caller_go_on_in_the_same_call()
    {
        var e = TestEngine.Create("""<bpmn:startEvent id="s"/><bpmn:callActivity id="call" calledElement="council"><bpmn:extensionElements><camunda:in variables="all"/><camunda:out variables="all"/></bpmn:extensionElements></bpmn:callActivity><bpmn:userTask id="after"/>"""
                                  + Bpmn.Chain("s", "call", "after"));
        DeployChild(e, """<bpmn:startEvent id="cs"/><bpmn:scriptTask id="js" scriptFormat="javascript"><bpmn:script>execution.setVariable('doubled', n * 2)</bpmn:script></bpmn:scriptTask><bpmn:endEvent id="ce"/>""" + Bpmn.Chain("cs", "js", "ce"));
        await e.StartAsync(new { n = 21 });
        Assert.Equal(42, (await e.InstanceAsync()).Variables["doubled"]!.GetValue<long>());
        Assert.Equal("after", Assert.Single(await e.TasksAsync()).ElementId);
    }

    [Fact]
    public async Task Interrupting_the_call_activity_cancels_the_called_instance()
    {
        var e = TestEngine.Create(Parent + """
            <bpmn:boundaryEvent id="deadline" attachedToRef="callCouncil"><bpmn:timerEventDefinition><bpmn:timeDuration>P5D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            <bpmn:endEvent id="expired"/>
            """ + Bpmn.Chain("s", "callCouncil", "decide") + Bpmn.Flow("deadline", "expired"));
        DeployChild(e, Council + Bpmn.Chain("cs", "vote", "ce"));
        await e.StartAsync(new { commune = "x", members = Array.Empty<string>() });
        var childId = Assert.Single(await e.Engine.ListTasksAsync()).InstanceId;

        await e.AdvanceAsync(TimeSpan.FromDays(5));
        Assert.Equal(InstanceStatus.Terminated, (await e.Engine.GetInstanceAsync(childId))!.Status);
        Assert.Empty(await e.Engine.ListTasksAsync());
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
    }

    [Fact]
    public async Task Cancelling_the_called_instance_stops_the_caller_with_an_incident()
    {
        var e = TestEngine.Create(Parent + Bpmn.Chain("s", "callCouncil", "decide"));
        DeployChild(e, Council + Bpmn.Chain("cs", "vote", "ce"));
        await e.StartAsync(new { commune = "x", members = Array.Empty<string>() });
        var childId = Assert.Single(await e.Engine.ListTasksAsync()).InstanceId;
        await e.Engine.CancelInstanceAsync(childId);
        Assert.Contains("was cancelled", Assert.Single((await e.InstanceAsync()).Incidents).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_process_that_is_not_deployed_or_a_missing_pinned_version_is_an_incident()
    {
        var e = TestEngine.Create(Parent + Bpmn.Chain("s", "callCouncil", "decide"));
        await e.StartAsync(new { commune = "x", members = Array.Empty<string>() });
        Assert.Contains("'council' is not deployed", Assert.Single((await e.InstanceAsync()).Incidents).Message, StringComparison.Ordinal);

        var pinned = TestEngine.Create("""<bpmn:startEvent id="s"/><bpmn:callActivity id="call" calledElement="council" camunda:calledElementBinding="version" camunda:calledElementVersion="2"/>""" + Bpmn.Chain("s", "call"));
        DeployChild(pinned, Council + Bpmn.Chain("cs", "vote", "ce"));
        await pinned.StartAsync();
        Assert.Contains("version 2 is not deployed", Assert.Single((await pinned.InstanceAsync()).Incidents).Message, StringComparison.Ordinal);
    }
}
