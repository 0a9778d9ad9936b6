using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Infrastructure;
using Quartz;

namespace NtmWorkflow.Web.Features.Workflows;

/// <summary>
/// This node's alarm clock for workflow timers. The timers themselves are rows in the database (the
/// truth); Quartz, on its in-memory store, only wakes the node at the next due time. At start-up the
/// schedule is rebuilt from the database and timers already past due fire at once, in small batches
/// (staggered). Timers other nodes add are found by waking at least every <see cref="WorkflowTimerOptions.PollSeconds"/>.
/// </summary>
public sealed class TimerAlarm([FromKeyedServices(WorkflowRegistration.SchedulerName)] ISchedulerFactory schedulers, WorkflowWakeups wakeups, TimeProvider clock, Microsoft.Extensions.Options.IOptions<WorkflowTimerOptions> options,
    ILogger<TimerAlarm> logger) : IHostedService
{
    internal static readonly JobKey Job = new("fire-due-timers", "ntm");
    private static readonly TriggerKey Trigger = new("next-timer", "ntm");
    private readonly Lock _lock = new();
    private IScheduler? _scheduler;
    private DateTimeOffset _ringsAt = DateTimeOffset.MaxValue;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _scheduler = await schedulers.GetScheduler(cancellationToken);
        var job = JobBuilder.Create<FireDueTimersJob>().WithIdentity(Job).StoreDurably().Build();
        await _scheduler.AddJob(job, AddJobOptions.Replacing, cancellationToken);
        wakeups.TimerScheduled += OnTimerScheduled;
        logger.LogInformation("Timer alarm on {Clock}", clock.Describe());

        // Past-due timers (the node was down) fire at once.
        await RingAtAsync(clock.GetUtcNow(), force: true, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        wakeups.TimerScheduled -= OnTimerScheduled;
        return Task.CompletedTask;
    }

    /// <summary>Sets the alarm for <paramref name="due"/>, or for the poll interval when that is sooner (other nodes' timers).</summary>
    internal async Task RingAtAsync(DateTimeOffset due, bool force, CancellationToken cancellationToken)
    {
        var scheduler = _scheduler;
        if (scheduler is null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var poll = now + clock.AppTime(TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds)));
        var at = due < poll ? due : poll;
        lock (_lock)
        {
            if (!force && at >= _ringsAt)
            {
                return;
            }

            _ringsAt = at;
        }

        // The engine clock may be a test's or fast-forwarded; Quartz runs on real time, so ring after the real delay.
        var delay = clock.RealTime(at - now);
        var trigger = TriggerBuilder.Create().WithIdentity(Trigger).ForJob(Job)
            .StartAt(DateTimeOffset.UtcNow + (delay > TimeSpan.Zero ? delay : TimeSpan.Zero)).Build();
        await scheduler.ScheduleJob(trigger, ScheduleJobOptions.Replacing, cancellationToken);
    }

    internal void Rang()
    {
        lock (_lock)
        {
            _ringsAt = DateTimeOffset.MaxValue;
        }
    }

    private void OnTimerScheduled(DateTimeOffset due) =>
        _ = RingAtAsync(due, force: false, CancellationToken.None).ContinueWith(
            t => logger.LogWarning(t.Exception, "The timer alarm could not be moved"), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}

/// <summary>Fires what is due (claimed with a lease, so nodes never fire one timer twice), then sets the alarm for the next timer.</summary>
[DisallowConcurrentExecution]
public sealed class FireDueTimersJob(WorkflowEngine engine, TimerAlarm alarm, AppClockSource appClock, Microsoft.Extensions.Options.IOptions<WorkflowTimerOptions> options,
    ILogger<FireDueTimersJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        ArgumentNullException.ThrowIfNull(context);

        var clock = appClock.Clock;
        alarm.Rang();
        var batch = Math.Max(1, options.Value.BatchSize);
        try
        {
            // Staggered: a node back from a long outage fires its backlog in batches, not all at once.
            while (await engine.FireDueTimersAsync(clock.GetUtcNow(), batch, ct) == batch)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(options.Value.StaggerMilliseconds), ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Firing due timers failed; they stay in the database and are tried again");
        }

        DateTimeOffset? next = null;
        try
        {
            next = await engine.NextTimerDueAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "The next timer could not be read");
        }

        // A timer leased by another node is not ours to fire now; the poll interval looks again.
        var now = clock.GetUtcNow();
        await alarm.RingAtAsync(next is { } due && due > now ? due : now + clock.AppTime(TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds))), force: true, ct);
    }
}

/// <summary>Section <c>Workflows:Timers</c>.</summary>
public sealed class WorkflowTimerOptions
{
    public const string SectionName = "Workflows:Timers";

    /// <summary>Wake at least this often, to find timers other nodes scheduled.</summary>
    public int PollSeconds { get; set; } = 15;

    /// <summary>Timers fired per batch.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>Pause between batches of a backlog.</summary>
    public int StaggerMilliseconds { get; set; } = 100;

    /// <summary>How long a claimed timer stays reserved for the node firing it.</summary>
    public int LeaseSeconds { get; set; } = 120;
}
