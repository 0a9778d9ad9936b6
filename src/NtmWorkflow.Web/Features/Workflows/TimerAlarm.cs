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
    Microsoft.Extensions.Options.IOptions<Persistence.DatabaseOptions> database, ILogger<FireDueTimersJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        ArgumentNullException.ThrowIfNull(context);

        var clock = appClock.Clock;
        alarm.Rang();
        var settings = options.Value;
        var batch = Math.Max(1, settings.BatchSize);
        var backlog = clock.AppTime(TimeSpan.FromSeconds(Math.Max(0, settings.BacklogSeconds)));
        try
        {
            await DueTimerFiring.FireAsync(engine, clock, batch, settings.LoopsFor(database.Value.Provider), async (fired, _, ct) =>
            {
                // A node back from an outage fires its backlog with pauses, leaving room for the officials' requests;
                // the timers of the moment (07:30's reminders, say) go without, so none is late for a pause.
                if (fired == batch && await engine.NextTimerDueAsync(ct) is { } next && next < clock.GetUtcNow() - backlog)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(settings.StaggerMilliseconds), ct);
                }
            }, ct);
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
        await alarm.RingAtAsync(next is { } due && due > now ? due : now + clock.AppTime(TimeSpan.FromSeconds(Math.Max(1, settings.PollSeconds))), force: true, ct);
    }
}

/// <summary>How a node fires the timers due now; the alarm's job and <c>ntm simulate</c> both fire this way.</summary>
public static class DueTimerFiring
{
    /// <summary>
    /// Fires every timer due at the clock's now, in batches of <paramref name="batch"/>, with <paramref name="loops"/> claimers
    /// side by side (each claim skips timers another holds, so no timer fires twice); <paramref name="afterBatch"/> sees each
    /// batch's count and time. Returns how many fired. A burst (every reminder of a morning is due at the office's opening) is
    /// shared by the loops, and by the other nodes' loops.
    /// </summary>
    public static async Task<int> FireAsync(WorkflowEngine engine, TimeProvider clock, int batch, int loops, Func<int, TimeSpan, CancellationToken, Task>? afterBatch,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(clock);
        batch = Math.Max(1, batch);
        var total = 0;
        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, loops)).Select(_ => Task.Run(async () =>
        {
            int fired;
            do
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                fired = await engine.FireDueTimersAsync(clock.GetUtcNow(), batch, cancellationToken);
                Interlocked.Add(ref total, fired);
                if (afterBatch is not null && fired > 0)
                {
                    await afterBatch(fired, System.Diagnostics.Stopwatch.GetElapsedTime(started), cancellationToken);
                }
            }
            while (fired == batch);
        }, cancellationToken)));
        return total;
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

    /// <summary>Timers overdue by more than this (a node back from an outage) are a backlog, fired with the pauses above.</summary>
    public int BacklogSeconds { get; set; } = 300;

    /// <summary>
    /// Claimers firing side by side on this node; 0 chooses: on PostgreSQL the processor count (each claim skips timers
    /// another holds, and a step waits on the database as much as it works), on SQLite one (one writer at a time).
    /// </summary>
    public int Parallelism { get; set; }

    /// <summary>The claimers for <paramref name="provider"/>: <see cref="Parallelism"/>, or its choice when 0.</summary>
    public int LoopsFor(Persistence.DatabaseProvider provider) =>
        Parallelism > 0 ? Math.Min(Parallelism, 64) : provider == Persistence.DatabaseProvider.Postgres ? Math.Max(2, Environment.ProcessorCount) : 1;

    /// <summary>How long a claimed timer stays reserved for the node firing it.</summary>
    public int LeaseSeconds { get; set; } = 120;
}
