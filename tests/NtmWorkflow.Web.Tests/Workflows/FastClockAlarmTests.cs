using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Workflows;
using NtmWorkflow.Web.Infrastructure;
using NtmWorkflow.Web.Persistence;
using Quartz;

namespace NtmWorkflow.Web.Tests.Workflows;

/// <summary>
/// The real alarm (Quartz, background workers on) under a rehearsal clock running 3,600 times fast: a timer due two app
/// hours ahead fires about two real seconds later, never before it is due in app time, while Quartz keeps real time.
/// </summary>
public sealed class FastClockAlarmTests : AppTestHost
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, VietnamTime.Offset);

    private const string Bpmn = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="fast-clock-definitions" targetNamespace="http://ntmworkflow.test/fast-clock">
          <bpmn:process id="fast-clock" isExecutable="true">
            <bpmn:startEvent id="start" />
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
            <bpmn:intermediateCatchEvent id="wait">
              <bpmn:timerEventDefinition><bpmn:timeDuration>PT2H</bpmn:timeDuration></bpmn:timerEventDefinition>
            </bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
            <bpmn:endEvent id="end" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Workflows:BackgroundWorkers"] = "true";
        settings["Clock:Start"] = Start.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        settings["Clock:Speed"] = "3600";
    }

    [Fact]
    public async Task A_timer_fires_on_the_app_clock_while_Quartz_keeps_real_time()
    {
        var clock = Assert.IsType<FastForwardClock>(App.Services.GetRequiredService<TimeProvider>());
        Assert.Same(clock, App.Services.GetRequiredService<AppClockSource>().Clock);
        var scheduler = await App.Services.GetRequiredKeyedService<ISchedulerFactory>(WorkflowRegistration.SchedulerName).GetScheduler();
        Assert.Same(TimeProvider.System, scheduler.TimeProvider);

        var engine = App.Services.GetRequiredService<WorkflowEngine>();
        Assert.True(engine.Deploy(Encoding.UTF8.GetBytes(Bpmn)).Validation.Valid);
        var started = await engine.StartAsync("fast-clock");

        // Two app hours are two real seconds; a minute is the bound for a busy machine.
        var waited = Stopwatch.StartNew();
        while ((await engine.GetInstanceAsync(started.Id))!.Status == InstanceStatus.Running && waited.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(100);
        }

        Assert.Equal(InstanceStatus.Completed, (await engine.GetInstanceAsync(started.Id))!.Status);
        await using var scope = App.Services.CreateAsyncScope();
        var fired = await scope.ServiceProvider.GetRequiredService<AppDbContext>().WorkflowHistory.AsNoTracking()
            .SingleAsync(h => h.InstanceId == started.Id && h.Event == "timerFired");
        // Due two app hours after the timer was scheduled (a few app seconds after the start), and fired then, not before.
        // The history writes the due time to the second, so it may read up to a second before the exact two hours.
        var due = DateTimeOffset.Parse(fired.Detail!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(due - started.StartedAt > TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1) && fired.Time >= due
            && fired.Time >= started.StartedAt + TimeSpan.FromHours(2),
            $"started {started.StartedAt:O}, due {due:O}, fired {fired.Time:O} (app time)");
    }
}
