using System.Globalization;

namespace NtmWorkflow.Web.Infrastructure;

/// <summary>
/// Section <c>Clock</c>: a fast-forwarded clock for rehearsals and drills (a campaign year in minutes on several nodes).
/// Refused in Production: there the app's time is the real time.
/// </summary>
public sealed class ClockOptions
{
    public const string SectionName = "Clock";

    /// <summary>The app's date and time at <see cref="Origin"/>; none means the real clock.</summary>
    public DateTimeOffset? Start { get; set; }

    /// <summary>App seconds per real second.</summary>
    public double Speed { get; set; } = 1;

    /// <summary>
    /// The real instant at which the app's clock reads <see cref="Start"/>. Nodes of one drill are given the same one, so
    /// they agree on the time, and a node restarted mid-drill finds the time where the others are. Default: the node's start.
    /// </summary>
    public DateTimeOffset? Origin { get; set; }
}

/// <summary>
/// The app's time running <see cref="Speed"/> times faster than the real clock from <c>Start</c> at <c>Origin</c>. Only
/// <see cref="GetUtcNow"/> is fast: timestamps, timers and time-outs of the framework stay real.
/// </summary>
public sealed class FastForwardClock : TimeProvider
{
    private readonly DateTimeOffset _start;
    private readonly DateTimeOffset _origin;
    private readonly TimeProvider _real;

    public FastForwardClock(DateTimeOffset start, double speed, DateTimeOffset origin, TimeProvider? real = null)
    {
        if (!(speed >= 1 && speed <= 10_000_000))
        {
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "The clock's speed is between 1 and 10,000,000 app seconds per real second.");
        }

        (_start, _origin, Speed, _real) = (start, origin, speed, real ?? System);
    }

    public double Speed { get; }

    public override DateTimeOffset GetUtcNow() => _start + (_real.GetUtcNow() - _origin) * Speed;

    public override TimeZoneInfo LocalTimeZone => _real.LocalTimeZone;
}

/// <summary>
/// The app's clock for Quartz's jobs: Quartz resolves their <see cref="TimeProvider"/> as its own scheduler's (real time,
/// WorkflowRegistration), so a job that needs the app's time takes this instead.
/// </summary>
public sealed class AppClockSource(TimeProvider clock)
{
    public TimeProvider Clock { get; } = clock;
}

public static class AppClock
{
    /// <summary>The clock the <c>Clock</c> section asks for: the real one unless <c>Clock:Start</c> is set outside Production.</summary>
    public static TimeProvider FromConfiguration(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var section = configuration.GetSection(ClockOptions.SectionName);
        if (string.IsNullOrWhiteSpace(section["Start"]))
        {
            return TimeProvider.System;
        }

        if (environment.IsProduction())
        {
            throw new InvalidOperationException("Clock:Start fast-forwards the app's time for a rehearsal; it is refused in Production. Remove the setting, or run the rehearsal in another environment (ASPNETCORE_ENVIRONMENT).");
        }

        var options = new ClockOptions();
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"The Clock section cannot be read ({e.InnerException?.Message ?? e.Message}); Start and Origin are ISO 8601 instants, Speed a number.", e);
        }

        return new FastForwardClock(options.Start!.Value, options.Speed, options.Origin ?? TimeProvider.System.GetUtcNow());
    }

    /// <summary>The real time an app-clock span takes to pass.</summary>
    public static TimeSpan RealTime(this TimeProvider clock, TimeSpan span) => clock is FastForwardClock fast ? span / fast.Speed : span;

    /// <summary>
    /// The app-clock span that passes in <paramref name="real"/> real time. Leases, polls and retry waits are budgets of real
    /// work: under a fast clock they stretch, so a lease still outlasts the work it covers.
    /// </summary>
    public static TimeSpan AppTime(this TimeProvider clock, TimeSpan real) => clock is FastForwardClock fast ? real * fast.Speed : real;

    /// <summary>How the clock runs, for the start-up log.</summary>
    public static string Describe(this TimeProvider clock) => clock is FastForwardClock fast
        ? string.Create(CultureInfo.InvariantCulture, $"fast-forwarded ×{fast.Speed:0.###}, now {fast.GetUtcNow():O}")
        : "real time";
}
