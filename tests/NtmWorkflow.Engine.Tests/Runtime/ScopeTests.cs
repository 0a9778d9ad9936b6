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
