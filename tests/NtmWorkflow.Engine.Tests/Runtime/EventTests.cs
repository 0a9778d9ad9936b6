using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using static NtmWorkflow.Engine.Tests.Bpmn;

namespace NtmWorkflow.Engine.Tests.Runtime;

public sealed class EventTests
{
    private static string TimerCatch(string definition) =>
        $"""<bpmn:startEvent id="s"/><bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>{definition}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent><bpmn:endEvent id="end"/>"""
        + Chain("s", "wait", "end");

    private static string Due(TestEngine e) => VietnamTime.Format(e.Trace.Single(x => x.Event == "timerScheduled").Time) + " → " + e.Trace.Single(x => x.Event == "timerScheduled").Detail;

    [Theory]
    [InlineData("<bpmn:timeDuration>PT4H</bpmn:timeDuration>", "2026-03-02T12:00:00+07:00")]
    [InlineData("<bpmn:timeDuration>P1M</bpmn:timeDuration>", "2026-04-02T08:00:00+07:00")]
    [InlineData("<bpmn:timeDate>2026-03-10T09:30:00</bpmn:timeDate>", "2026-03-10T09:30:00+07:00")]
    [InlineData("<bpmn:timeDate>2026-03-10T02:30:00Z</bpmn:timeDate>", "2026-03-10T09:30:00+07:00")]
    [InlineData("<bpmn:timeDate>${addWorkingDays(now(), 3)}</bpmn:timeDate>", "2026-03-05T17:00:00+07:00")]
    [InlineData("<bpmn:timeDuration>${'P' + days + 'D'}</bpmn:timeDuration>", "2026-03-04T08:00:00+07:00")]
    public async Task A_timer_catch_event_is_due_when_its_definition_says(string definition, string due)
    {
        var e = TestEngine.Create(TimerCatch(definition));
        await e.StartAsync(new { days = 2 });
        Assert.Equal($"2026-03-02T08:00:00+07:00 → {due}", Due(e));
        Assert.Equal(DateTimeOffset.Parse(due, System.Globalization.CultureInfo.InvariantCulture), Assert.Single((await e.InstanceAsync()).Timers).Due);

        var dueAt = DateTimeOffset.Parse(due, System.Globalization.CultureInfo.InvariantCulture);
        await e.AdvanceAsync(dueAt - e.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        Assert.False(e.Reached("end"));
        await e.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(["timerFired wait", "completed wait", "activated end", "completed end", "instanceEnded"], e.Lines().TakeLast(5));
        Assert.Equal(dueAt, e.Trace.Single(x => x.Event == "timerFired").Time);
    }

    [Fact]
    public async Task A_timer_whose_expression_fails_is_an_incident()
    {
        var e = TestEngine.Create(TimerCatch("<bpmn:timeDuration>${'soon'}</bpmn:timeDuration>"));
        await e.StartAsync();
        Assert.Contains("not an ISO 8601 duration", Assert.Single((await e.InstanceAsync()).Incidents).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_catch_event_waits_for_its_message_and_business_key()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/><bpmn:intermediateCatchEvent id="decision"><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateCatchEvent><bpmn:endEvent id="end"/>
            """ + Chain("s", "decision", "end"), messages: """<bpmn:message id="m" name="quyetDinh"/>""");
        await e.StartAsync(businessKey: "XA-01");
        var other = await e.Engine.StartAsync("p", businessKey: "XA-02");

        await Assert.ThrowsAsync<WorkflowException>(() => e.Engine.CorrelateMessageAsync("quyetDinh", "XA-99"));
        var target = await e.Engine.CorrelateMessageAsync("quyetDinh", "XA-02", TestEngine.Vars(new { number = "123/QĐ-UBND" }));

        Assert.Equal(other.Id, target);
        Assert.Equal(InstanceStatus.Completed, (await e.Engine.GetInstanceAsync(other.Id))!.Status);
        Assert.Equal(InstanceStatus.Running, (await e.InstanceAsync()).Status);
        Assert.Equal("123/QĐ-UBND", (await e.Engine.GetInstanceAsync(other.Id))!.Variables["number"]!.GetValue<string>());

        // Without a key the message goes to the instance that waited longest.
        Assert.Equal(e.InstanceId, await e.Engine.CorrelateMessageAsync("quyetDinh"));
    }

    [Fact]
    public async Task A_message_start_event_starts_an_instance_with_the_key_as_business_key()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="byMessage"><bpmn:messageEventDefinition messageRef="m"/></bpmn:startEvent><bpmn:userTask id="t"/>
            """ + Chain("byMessage", "t"), messages: """<bpmn:message id="m" name="dangKy"/>""");
        var id = await e.Engine.CorrelateMessageAsync("dangKy", "XA-07", TestEngine.Vars(new { year = 2026 }));
        var instance = (await e.Engine.GetInstanceAsync(id))!;
        Assert.Equal("XA-07", instance.BusinessKey);
        Assert.Equal(2026, instance.Variables["year"]!.GetValue<long>());
        Assert.Equal("t", Assert.Single(instance.OpenTasks).ElementId);
        await Assert.ThrowsAsync<WorkflowException>(() => e.Engine.StartAsync("p"));
    }

    private const string ReviewWithBoundary = """
        <bpmn:startEvent id="s"/><bpmn:userTask id="review"/><bpmn:endEvent id="done"/>
        <bpmn:boundaryEvent id="b" attachedToRef="review" cancelActivity="{0}"><bpmn:timerEventDefinition>{1}</bpmn:timerEventDefinition></bpmn:boundaryEvent>
        <bpmn:serviceTask id="notify" camunda:type="external" camunda:topic="notify"/><bpmn:endEvent id="notified"/>
        """;

    private static TestEngine Boundary(bool interrupting, string timer) =>
        TestEngine.Create(string.Format(System.Globalization.CultureInfo.InvariantCulture, ReviewWithBoundary, interrupting ? "true" : "false", timer)
                          + Chain("s", "review", "done") + Chain("b", "notify", "notified"),
            new HandlerRegistry { Fallback = new RecordingHandler() });

    [Fact]
    public async Task An_interrupting_boundary_timer_cancels_the_task_and_takes_its_own_path()
    {
        var e = Boundary(true, "<bpmn:timeDuration>P2D</bpmn:timeDuration>");
        await e.StartAsync();
        await e.AdvanceAsync(TimeSpan.FromDays(2));

        Assert.Equal(["timerFired b", "taskCancelled review", "cancelled review", "activated b", "completed b", "activated notify", "handlerInvoked notify", "completed notify",
            "activated notified", "completed notified", "instanceEnded"], e.Lines().SkipWhile(l => l != "timerFired b"));
        Assert.Empty(await e.TasksAsync());
        Assert.False(e.Reached("done"));
    }

    [Fact]
    public async Task A_boundary_timer_is_withdrawn_when_the_task_completes_first()
    {
        var e = Boundary(true, "<bpmn:timeDuration>P2D</bpmn:timeDuration>");
        await e.StartAsync();
        await e.CompleteAsync("review");
        Assert.Empty((await e.InstanceAsync()).Timers);
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
        Assert.False(e.Reached("b"));
    }

    [Fact]
    public async Task A_non_interrupting_cycle_fires_its_repetitions_and_the_task_stays_open()
    {
        var e = Boundary(false, "<bpmn:timeCycle>R3/PT1H</bpmn:timeCycle>");
        await e.StartAsync();
        await e.AdvanceAsync(TimeSpan.FromHours(10));

        Assert.Equal([TestEngine.Start.AddHours(1), TestEngine.Start.AddHours(2), TestEngine.Start.AddHours(3)],
            e.Trace.Where(x => x.Event == "timerFired").Select(x => x.Time));
        Assert.Equal(3, e.Count("activated", "notify"));
        Assert.Single(await e.TasksAsync());
        Assert.Empty((await e.InstanceAsync()).Timers);
    }

    [Fact]
    public async Task A_cycle_with_a_start_fires_first_at_the_start()
    {
        var e = Boundary(false, "<bpmn:timeCycle>R2/2026-03-03T09:00:00+07:00/P1D</bpmn:timeCycle>");
        await e.StartAsync();
        await e.AdvanceAsync(TimeSpan.FromDays(5));
        Assert.Equal(["2026-03-03T09:00:00+07:00", "2026-03-04T09:00:00+07:00"], e.Trace.Where(x => x.Event == "timerFired").Select(x => VietnamTime.Format(x.Time)));
    }

    [Fact]
    public async Task An_expression_cycle_is_evaluated_again_after_each_firing_so_a_daily_notice_skips_weekends()
    {
        var e = Boundary(false, "<bpmn:timeCycle>${addWorkingDays(now(), 1)}</bpmn:timeCycle>");
        await e.StartAsync();
        await e.AdvanceAsync(TimeSpan.FromDays(8));

        // Monday 2 March 08:00 → Tue 3, Wed 4, Thu 5, Fri 6, (weekend) Mon 9 at 17:00; Tue 10 is after the 8 days.
        Assert.Equal(
            ["2026-03-03T17:00:00+07:00", "2026-03-04T17:00:00+07:00", "2026-03-05T17:00:00+07:00", "2026-03-06T17:00:00+07:00", "2026-03-09T17:00:00+07:00"],
            e.Trace.Where(x => x.Event == "timerFired").Select(x => VietnamTime.Format(x.Time)));
        Assert.Single(await e.TasksAsync());
        Assert.Single((await e.InstanceAsync()).Timers);
    }

    [Fact]
    public async Task An_unbounded_cycle_keeps_firing_until_the_task_is_done()
    {
        var e = Boundary(false, "<bpmn:timeCycle>R/P1D</bpmn:timeCycle>");
        await e.StartAsync();
        await e.AdvanceAsync(TimeSpan.FromDays(3));
        Assert.Equal(3, e.Count("timerFired", "b"));
        await e.CompleteAsync("review");
        Assert.Empty((await e.InstanceAsync()).Timers);
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
    }

    [Fact]
    public async Task Message_boundary_events_interrupt_or_run_alongside()
    {
        const string messages = """<bpmn:message id="stop" name="rutHoSo"/><bpmn:message id="note" name="ghiChu"/>""";
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/><bpmn:userTask id="review"/><bpmn:endEvent id="done"/>
            <bpmn:boundaryEvent id="withdrawn" attachedToRef="review"><bpmn:messageEventDefinition messageRef="stop"/></bpmn:boundaryEvent>
            <bpmn:boundaryEvent id="noted" attachedToRef="review" cancelActivity="false"><bpmn:messageEventDefinition messageRef="note"/></bpmn:boundaryEvent>
            <bpmn:endEvent id="cancelledEnd"/><bpmn:endEvent id="notedEnd"/>
            """ + Chain("s", "review", "done") + Flow("withdrawn", "cancelledEnd") + Flow("noted", "notedEnd"), messages: messages);
        await e.StartAsync(businessKey: "XA-3");

        await e.Engine.CorrelateMessageAsync("ghiChu", "XA-3");
        await e.Engine.CorrelateMessageAsync("ghiChu", "XA-3");
        Assert.Equal(2, e.Count("activated", "notedEnd"));
        Assert.Single(await e.TasksAsync());

        await e.Engine.CorrelateMessageAsync("rutHoSo", "XA-3");
        Assert.True(e.Reached("cancelledEnd"));
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
        Assert.Equal(1, e.Count("cancelled", "review"));
    }

    internal sealed class RecordingHandler : IServiceTaskHandler
    {
        public List<ServiceTaskContext> Calls { get; } = [];

        public ValueTask<IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?>> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken)
        {
            Calls.Add(context);
            return ValueTask.FromResult<IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?>>(new Dictionary<string, System.Text.Json.Nodes.JsonNode?>());
        }
    }
}

public sealed class SignalTests
{
    private const string Signals = """<bpmn:signal id="sig" name="newCriteria2026"/>""";

    [Fact]
    public async Task A_broadcast_signal_reaches_every_waiting_instance_and_boundary()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/><bpmn:parallelGateway id="fork"/>
            <bpmn:intermediateCatchEvent id="wait"><bpmn:signalEventDefinition signalRef="sig"/></bpmn:intermediateCatchEvent>
            <bpmn:userTask id="review"/>
            <bpmn:boundaryEvent id="stop" attachedToRef="review"><bpmn:signalEventDefinition signalRef="sig"/></bpmn:boundaryEvent>
            <bpmn:endEvent id="e1"/><bpmn:endEvent id="e2"/><bpmn:endEvent id="e3"/>
            """ + Bpmn.Chain("s", "fork") + Bpmn.Flow("fork", "wait") + Bpmn.Flow("fork", "review") + Bpmn.Flow("wait", "e1") + Bpmn.Flow("review", "e2") + Bpmn.Flow("stop", "e3"),
            messages: Signals);
        await e.StartAsync();
        var second = await e.Engine.StartAsync("p");

        Assert.Equal(0, await e.Engine.BroadcastSignalAsync("otherSignal"));
        Assert.Equal(4, await e.Engine.BroadcastSignalAsync("newCriteria2026", TestEngine.Vars(new { criteriaSet = "2026" })));

        foreach (var id in new[] { e.InstanceId, second.Id })
        {
            var instance = (await e.Engine.GetInstanceAsync(id))!;
            Assert.Equal(InstanceStatus.Completed, instance.Status);
            Assert.Equal("2026", instance.Variables["criteriaSet"]!.GetValue<string>());
        }

        Assert.Equal(2, e.Count("cancelled", "review"));
        Assert.Equal(2, e.Count("activated", "e3"));
        Assert.Equal(0, await e.Engine.BroadcastSignalAsync("newCriteria2026"));
    }

    [Fact]
    public async Task A_signal_after_an_event_based_gateway_can_win()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/><bpmn:eventBasedGateway id="g"/>
            <bpmn:intermediateCatchEvent id="sigEvent"><bpmn:signalEventDefinition signalRef="sig"/></bpmn:intermediateCatchEvent>
            <bpmn:intermediateCatchEvent id="timer"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            <bpmn:endEvent id="bySignal"/><bpmn:endEvent id="byTimer"/>
            """ + Bpmn.Chain("s", "g") + Bpmn.Flow("g", "sigEvent") + Bpmn.Flow("g", "timer") + Bpmn.Flow("sigEvent", "bySignal") + Bpmn.Flow("timer", "byTimer"),
            messages: Signals);
        await e.StartAsync();
        await e.Engine.BroadcastSignalAsync("newCriteria2026");
        Assert.True(e.Reached("bySignal"));
        Assert.Empty((await e.InstanceAsync()).Timers);
    }
}
