using System.Text.Json.Nodes;
using NtmWorkflow.Engine.Runtime;
using static NtmWorkflow.Engine.Tests.Bpmn;

namespace NtmWorkflow.Engine.Tests.Runtime;

public sealed class HandlerAndScriptTests
{
    private sealed class Handler(Func<ServiceTaskContext, IReadOnlyDictionary<string, JsonNode?>> run) : IServiceTaskHandler
    {
        public ValueTask<IReadOnlyDictionary<string, JsonNode?>> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken) => ValueTask.FromResult(run(context));
    }

    private static string ServiceTask(string element = "serviceTask") =>
        $"""<bpmn:startEvent id="s"/><bpmn:{element} id="call" camunda:type="external" camunda:topic="score"><bpmn:extensionElements><camunda:properties><camunda:property name="template" value="nhac-viec"/></camunda:properties></bpmn:extensionElements></bpmn:{element}><bpmn:userTask id="next"/>"""
        + Chain("s", "call", "next");

    [Theory]
    [InlineData("serviceTask")]
    [InlineData("sendTask")]
    public async Task A_handler_gets_the_variables_and_its_output_becomes_process_variables(string element)
    {
        ServiceTaskContext? seen = null;
        var handlers = new HandlerRegistry().Register("score", new Handler(c =>
        {
            seen = c;
            return new Dictionary<string, JsonNode?> { ["met"] = 17 };
        }));
        var e = TestEngine.Create(ServiceTask(element), handlers);
        await e.StartAsync(new { commune = "Phố Bảng" }, businessKey: "XA-5");

        Assert.Equal(("score", "call", "XA-5", "Phố Bảng", "nhac-viec"), (seen!.Topic, seen.ElementId, seen.BusinessKey, seen.Variables["commune"]!.GetValue<string>(), seen.Properties["template"]));
        Assert.Equal(17, (await e.InstanceAsync()).Variables["met"]!.GetValue<long>());
        Assert.Equal(["activated call", "handlerInvoked call", "completed call"], e.Lines().Where(l => l.EndsWith(" call", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_failing_handler_stops_the_token_with_an_incident_and_a_retry_runs_it_again()
    {
        var attempts = 0;
        var handlers = new HandlerRegistry().Register("score", new Handler(_ => ++attempts == 1 ? throw new InvalidOperationException("SMTP tạm ngừng") : new Dictionary<string, JsonNode?>()));
        var e = TestEngine.Create(ServiceTask(), handlers);
        await e.StartAsync();

        var instance = await e.InstanceAsync();
        var incident = Assert.Single(instance.Incidents);
        Assert.Equal(("call", "handler 'score' failed: SMTP tạm ngừng"), (incident.ElementId, incident.Message));
        Assert.StartsWith("System.InvalidOperationException: SMTP tạm ngừng", incident.Stack, StringComparison.Ordinal);
        Assert.Contains("at ", incident.Stack, StringComparison.Ordinal);
        Assert.True(instance.IsFaulted);

        await e.Engine.RetryIncidentAsync(e.InstanceId, incident.Id);
        Assert.Empty((await e.InstanceAsync()).Incidents);
        Assert.Equal("next", Assert.Single(await e.TasksAsync()).ElementId);
        Assert.Equal(1, e.Count("activated", "call"));
        Assert.Equal(2, e.Count("handlerInvoked", "call"));
    }

    [Fact]
    public async Task A_topic_without_a_handler_is_an_incident()
    {
        var e = TestEngine.Create(ServiceTask());
        await e.StartAsync();
        Assert.Equal("no handler is registered for topic 'score'", Assert.Single((await e.InstanceAsync()).Incidents).Message);
    }

    private static string Script(string script, string result = "") =>
        $"""<bpmn:startEvent id="s"/><bpmn:scriptTask id="js" scriptFormat="javascript" {result}><bpmn:script><![CDATA[{script}]]></bpmn:script></bpmn:scriptTask><bpmn:userTask id="next"/>"""
        + Chain("s", "js", "next");

    [Fact]
    public async Task A_script_sets_variables_and_its_value_goes_to_the_result_variable()
    {
        var e = TestEngine.Create(Script("""
            var met = criteria.filter(function (c) { return c.met; }).length;
            execution.setVariable('metCount', met);
            execution.setVariable('allMet', met === execution.getVariable('criteria').length);
            met * 100 / criteria.length;
            """, """camunda:resultVariable="percent" """));
        await e.StartAsync(new { criteria = new[] { new { met = true }, new { met = true }, new { met = false }, new { met = true } } });
        var vars = (await e.InstanceAsync()).Variables;
        Assert.Equal((3, false, 75), (vars["metCount"]!.GetValue<long>(), vars["allMet"]!.GetValue<bool>(), vars["percent"]!.GetValue<long>()));
    }

    [Theory]
    [InlineData("while (true) {}", "stopped")]
    [InlineData("function f() { return f(); } f();", "stopped")]
    [InlineData("var s = 'x'; while (true) { s = s + s; }", "stopped")]
    [InlineData("System.IO.File.Delete('/tmp/x')", "System is not defined")]
    [InlineData("importNamespace('System')", "importNamespace is not defined")]
    [InlineData("eval('1+1')", "failed")]
    [InlineData("throw new Error('hỏng')", "hỏng")]
    [InlineData("undefinedVariable + 1", "undefinedVariable is not defined")]
    public async Task A_script_runs_sandboxed_and_a_bad_one_is_an_incident(string script, string expected)
    {
        var e = TestEngine.Create(Script(script));
        await e.StartAsync();
        var incident = Assert.Single((await e.InstanceAsync()).Incidents);
        Assert.Equal("js", incident.ElementId);
        Assert.Contains(expected, incident.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Now_and_Date_read_the_engine_clock_in_Vietnam_time()
    {
        var e = TestEngine.Create(Script("""
            execution.setVariable('now', now());
            execution.setVariable('date', new Date());
            execution.setVariable('hour', new Date().getHours());
            execution.setVariable('nextWorkingDay', addWorkingDays(now(), 1));
            execution.setVariable('daysLeft', workingDaysBetween(now(), '2026-03-16T08:00:00+07:00'));
            """));
        e.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 6, 10, 0, 0, TimeSpan.FromHours(7)));
        await e.StartAsync();
        var vars = (await e.InstanceAsync()).Variables;
        Assert.Equal("2026-03-06T10:00:00+07:00", vars["now"]!.GetValue<string>());
        Assert.Equal("2026-03-06T10:00:00+07:00", vars["date"]!.GetValue<string>());
        Assert.Equal(10, vars["hour"]!.GetValue<long>());
        Assert.Equal("2026-03-09T17:00:00+07:00", vars["nextWorkingDay"]!.GetValue<string>());
        Assert.Equal(6, vars["daysLeft"]!.GetValue<long>());
    }
}

public sealed class HandlerRetryTests
{
    private sealed class Flaky(int failures) : IServiceTaskHandler
    {
        public int Calls { get; private set; }

        public ValueTask<IReadOnlyDictionary<string, JsonNode?>> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken) =>
            ++Calls <= failures ? throw new IOException($"SMTP down ({Calls})") : ValueTask.FromResult<IReadOnlyDictionary<string, JsonNode?>>(new Dictionary<string, JsonNode?> { ["sent"] = true });
    }

    private static string Model(string extra = "camunda:asyncBefore=\"true\"") => $"""
        <bpmn:startEvent id="s"/>
        <bpmn:sendTask id="mail" camunda:type="external" camunda:topic="mail" {extra}>
          <bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R3/PT10M</camunda:failedJobRetryTimeCycle></bpmn:extensionElements>
        </bpmn:sendTask>
        <bpmn:userTask id="next"/>
        """ + Bpmn.Chain("s", "mail", "next");

    [Fact]
    public async Task A_failing_handler_is_retried_after_each_interval_until_it_succeeds()
    {
        var handler = new Flaky(failures: 2);
        var e = TestEngine.Create(Model(), new HandlerRegistry().Register("mail", handler));
        await e.StartAsync();
        Assert.Empty((await e.InstanceAsync()).Incidents);
        Assert.Equal(TestEngine.Start.AddMinutes(10), Assert.Single((await e.InstanceAsync()).Timers).Due);

        await e.AdvanceAsync(TimeSpan.FromMinutes(30));
        Assert.Equal(3, handler.Calls);
        Assert.Equal([TestEngine.Start.AddMinutes(10), TestEngine.Start.AddMinutes(20)], e.Trace.Where(x => x.Event == "timerFired").Select(x => x.Time));
        Assert.Equal("next", Assert.Single(await e.TasksAsync()).ElementId);
        Assert.True((await e.InstanceAsync()).Variables["sent"]!.GetValue<bool>());
        Assert.Equal(1, e.Count("activated", "mail"));
    }

    [Fact]
    public async Task When_the_retries_run_out_the_token_stops_with_an_incident()
    {
        var handler = new Flaky(failures: 100);
        var e = TestEngine.Create(Model(), new HandlerRegistry().Register("mail", handler));
        await e.StartAsync();
        await e.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.Equal(4, handler.Calls); // the first attempt and three retries
        Assert.Equal("handler 'mail' failed: SMTP down (4)", Assert.Single((await e.InstanceAsync()).Incidents).Message);
        Assert.Empty((await e.InstanceAsync()).Timers);
    }

    [Fact]
    public void A_retry_cycle_needs_async_before()
    {
        var result = WorkflowEngine.Validate(System.Text.Encoding.UTF8.GetBytes(Bpmn.Document(Model(extra: ""))));
        Assert.Contains(result.Errors, e => e.Element == "mail" && e.Message.Contains("asyncBefore", StringComparison.Ordinal));
    }
}
