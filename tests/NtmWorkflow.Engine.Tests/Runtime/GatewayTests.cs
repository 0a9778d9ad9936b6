using NtmWorkflow.Engine.Runtime;
using static NtmWorkflow.Engine.Tests.Bpmn;

namespace NtmWorkflow.Engine.Tests.Runtime;

public sealed class GatewayTests
{
    private const string Exclusive = """
        <bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="gw" default="toC"/>
        <bpmn:endEvent id="a"/><bpmn:endEvent id="b"/><bpmn:endEvent id="c"/>
        """;

    [Theory]
    [InlineData(25, "a")]
    [InlineData(15, "b")]
    [InlineData(5, "c")]
    public async Task An_exclusive_gateway_takes_the_first_true_condition_in_order_else_the_default(int score, string expected)
    {
        var e = TestEngine.Create(Exclusive + Flow("s", "gw") + Flow("gw", "a", "${score > 20}") + Flow("gw", "b", "${score > 10}") + Flow("gw", "c", id: "toC"));
        await e.StartAsync(new { score });
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
        Assert.Equal([expected], new[] { "a", "b", "c" }.Where(e.Reached));
    }

    [Fact]
    public async Task No_true_condition_and_no_default_is_an_incident_that_a_retry_resolves()
    {
        var e = TestEngine.Create("""<bpmn:startEvent id="s"/><bpmn:userTask id="fix"/><bpmn:exclusiveGateway id="gw"/><bpmn:endEvent id="a"/>"""
                                  + Chain("s", "fix", "gw") + Flow("gw", "a", "${ok}"));
        await e.StartAsync(new { ok = false });
        await e.CompleteAsync("fix");

        var instance = await e.InstanceAsync();
        var incident = Assert.Single(instance.Incidents);
        Assert.Equal("gw", incident.ElementId);
        Assert.Contains("no outgoing sequence flow's condition is true", incident.Message, StringComparison.Ordinal);
        Assert.Equal(InstanceStatus.Running, instance.Status);
        Assert.Equal("incident gw", e.Lines().Last());

        await Assert.ThrowsAsync<WorkflowException>(() => e.Engine.RetryIncidentAsync(e.InstanceId, "nope"));
        await e.Engine.RetryIncidentAsync(e.InstanceId, incident.Id);
        Assert.Single((await e.InstanceAsync()).Incidents); // still false: a new incident
    }

    [Fact]
    public async Task A_condition_that_is_not_a_boolean_is_an_incident()
    {
        var e = TestEngine.Create(Exclusive + Flow("s", "gw") + Flow("gw", "a", "${score}") + Flow("gw", "b", "${false}") + Flow("gw", "c", id: "toC"));
        await e.StartAsync(new { score = 3 });
        Assert.Contains("gave 3, not true or false", Assert.Single((await e.InstanceAsync()).Incidents).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_parallel_gateway_forks_and_joins()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/><bpmn:parallelGateway id="fork"/><bpmn:userTask id="labour"/><bpmn:userTask id="health"/>
            <bpmn:parallelGateway id="join"/><bpmn:endEvent id="end"/>
            """ + Chain("s", "fork") + Flow("fork", "labour") + Flow("fork", "health") + Flow("labour", "join") + Flow("health", "join") + Chain("join", "end"));
        await e.StartAsync();
        Assert.Equal(["health", "labour"], (await e.TasksAsync()).Select(t => t.ElementId).Order());

        await e.CompleteAsync("health");
        Assert.False(e.Reached("join"));
        await e.CompleteAsync("labour");
        Assert.Equal(1, e.Count("activated", "join"));
        Assert.Equal(1, e.Count("activated", "end"));
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
    }

    [Fact]
    public async Task A_join_reached_again_after_a_loop_waits_for_every_branch_again()
    {
        // Two parallel reviews; if either is rejected the dossier goes back and both reviews run again.
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="merge"/><bpmn:parallelGateway id="fork"/>
            <bpmn:userTask id="r1"/><bpmn:userTask id="r2"/><bpmn:parallelGateway id="join"/>
            <bpmn:exclusiveGateway id="ok" default="back"/><bpmn:endEvent id="end"/>
            """ + Chain("s", "merge", "fork") + Flow("fork", "r1") + Flow("fork", "r2") + Flow("r1", "join") + Flow("r2", "join")
                + Chain("join", "ok") + Flow("ok", "end", "${accepted}") + Flow("ok", "merge", id: "back"));
        await e.StartAsync(new { accepted = false });
        await e.CompleteAsync("r1");
        await e.CompleteAsync("r2");
        Assert.Equal(2, (await e.TasksAsync()).Count);
        Assert.Equal(1, e.Count("activated", "join"));

        await e.CompleteAsync("r2", new { accepted = true });
        Assert.Equal(1, e.Count("activated", "join"));
        Assert.Equal(InstanceStatus.Running, (await e.InstanceAsync()).Status);
        await e.CompleteAsync("r1");
        Assert.Equal(2, e.Count("activated", "join"));
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
    }

    [Fact]
    public async Task Conditional_flows_out_of_an_activity_take_every_true_condition()
    {
        var e = TestEngine.Create("""<bpmn:startEvent id="s"/><bpmn:task id="t"/><bpmn:endEvent id="a"/><bpmn:endEvent id="b"/><bpmn:endEvent id="c"/>"""
                                  + Flow("s", "t") + Flow("t", "a", "${x > 1}") + Flow("t", "b", "${x > 2}") + Flow("t", "c", "${x > 3}"));
        await e.StartAsync(new { x = 3 });
        Assert.True(e.Reached("a") && e.Reached("b") && !e.Reached("c"));
    }

    [Fact]
    public async Task At_an_event_based_gateway_the_first_event_wins_and_the_others_are_withdrawn()
    {
        var body = """
            <bpmn:startEvent id="s"/><bpmn:eventBasedGateway id="wait"/>
            <bpmn:intermediateCatchEvent id="reply"><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateCatchEvent>
            <bpmn:intermediateCatchEvent id="timeout"><bpmn:timerEventDefinition><bpmn:timeDuration>P5D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            <bpmn:endEvent id="answered"/><bpmn:endEvent id="expired"/>
            """ + Chain("s", "wait") + Flow("wait", "reply") + Flow("wait", "timeout") + Flow("reply", "answered") + Flow("timeout", "expired");
        const string message = """<bpmn:message id="m" name="bổ sung hồ sơ"/>""";

        var replied = TestEngine.Create(body, messages: message);
        await replied.StartAsync(businessKey: "XA-1");
        Assert.False(replied.Reached("reply") || replied.Reached("timeout"));
        await replied.Engine.CorrelateMessageAsync("bổ sung hồ sơ", "XA-1", TestEngine.Vars(new { supplement = "ok" }));
        Assert.Equal(["activated reply", "completed reply", "activated answered"], replied.Lines("activated", "completed").Skip(4).Take(3));
        Assert.Empty((await replied.InstanceAsync()).Timers);
        Assert.Equal("ok", (await replied.InstanceAsync()).Variables["supplement"]!.GetValue<string>());

        var expired = TestEngine.Create(body, messages: message);
        await expired.StartAsync(businessKey: "XA-2");
        await expired.AdvanceAsync(TimeSpan.FromDays(5));
        Assert.True(expired.Reached("expired"));
        Assert.False(expired.Reached("reply"));
        await Assert.ThrowsAsync<WorkflowException>(() => expired.Engine.CorrelateMessageAsync("bổ sung hồ sơ", "XA-2"));
    }
}

public sealed class InclusiveGatewayTests
{
    // Departments review only the criteria groups that apply; the join waits for exactly those.
    private const string Model = """
        <bpmn:startEvent id="s"/><bpmn:inclusiveGateway id="fork" default="toNone"/>
        <bpmn:userTask id="labour"/><bpmn:userTask id="health"/><bpmn:userTask id="culture"/><bpmn:task id="none"/>
        <bpmn:inclusiveGateway id="join"/><bpmn:userTask id="after"/>
        """;

    private static TestEngine Create() => TestEngine.Create(Model + Bpmn.Flow("s", "fork")
        + Bpmn.Flow("fork", "labour", "${areas.indexOf('labour') >= 0}") + Bpmn.Flow("fork", "health", "${areas.indexOf('health') >= 0}")
        + Bpmn.Flow("fork", "culture", "${areas.indexOf('culture') >= 0}") + Bpmn.Flow("fork", "none", id: "toNone")
        + Bpmn.Flow("labour", "join") + Bpmn.Flow("health", "join") + Bpmn.Flow("culture", "join") + Bpmn.Flow("none", "join") + Bpmn.Flow("join", "after"));

    [Fact]
    public async Task It_forks_on_every_true_condition_and_joins_when_those_branches_are_done()
    {
        var e = Create();
        await e.StartAsync(new { areas = new[] { "labour", "culture" } });
        Assert.Equal(["culture", "labour"], (await e.TasksAsync()).Select(t => t.ElementId).Order());

        await e.CompleteAsync("labour");
        Assert.False(e.Reached("join"));
        await e.CompleteAsync("culture");
        Assert.Equal(1, e.Count("activated", "join"));
        Assert.Equal("after", Assert.Single(await e.TasksAsync()).ElementId);
    }

    [Fact]
    public async Task With_no_true_condition_it_takes_the_default_and_the_join_passes_at_once()
    {
        var e = Create();
        await e.StartAsync(new { areas = Array.Empty<string>() });
        Assert.True(e.Reached("none"));
        Assert.Equal("after", Assert.Single(await e.TasksAsync()).ElementId);
    }

    [Fact]
    public async Task Without_a_default_and_no_true_condition_it_is_an_incident()
    {
        var e = TestEngine.Create("""<bpmn:startEvent id="s"/><bpmn:inclusiveGateway id="g"/><bpmn:endEvent id="a"/>""" + Bpmn.Flow("s", "g") + Bpmn.Flow("g", "a", "${false}"));
        await e.StartAsync();
        Assert.Equal("g", Assert.Single((await e.InstanceAsync()).Incidents).ElementId);
    }
}
