namespace NtmWorkflow.Cli.Scenarios;

/// <summary>The scenario's clock: it moves only when a step moves it.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Set(DateTimeOffset now) => _now = now;
}
