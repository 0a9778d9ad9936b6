using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Time.Testing;
using NtmWorkflow.Web.Infrastructure;

namespace NtmWorkflow.Web.Tests.Workflows;

/// <summary>The fast-forwarded clock of rehearsals and drills (Clock section), and its refusal in Production.</summary>
public sealed class AppClockTests
{
    private static readonly DateTimeOffset Origin = new(2026, 11, 24, 1, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Runs_speed_times_faster_from_start_at_origin()
    {
        var real = new FakeTimeProvider(Origin);
        var clock = new FastForwardClock(Start, 3600, Origin, real);
        Assert.Equal(Start, clock.GetUtcNow());

        real.Advance(TimeSpan.FromSeconds(2.5));
        Assert.Equal(Start.AddHours(2.5), clock.GetUtcNow());

        // Nodes given the same origin agree, whenever each started.
        var later = new FastForwardClock(Start, 3600, Origin, real);
        Assert.Equal(clock.GetUtcNow(), later.GetUtcNow());
    }

    [Fact]
    public void Leases_and_polls_stretch_so_they_last_as_long_in_real_time()
    {
        var clock = new FastForwardClock(Start, 1000, Origin);
        Assert.Equal(TimeSpan.FromSeconds(120_000), clock.AppTime(TimeSpan.FromSeconds(120)));
        Assert.Equal(TimeSpan.FromSeconds(3.6), clock.RealTime(TimeSpan.FromHours(1)));

        Assert.Equal(TimeSpan.FromSeconds(120), TimeProvider.System.AppTime(TimeSpan.FromSeconds(120)));
        Assert.Equal(TimeSpan.FromHours(1), TimeProvider.System.RealTime(TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Configuration_without_start_is_real_time()
    {
        Assert.Same(TimeProvider.System, AppClock.FromConfiguration(Configuration(new() { ["Clock:Speed"] = "500" }), Environment(Environments.Development)));
    }

    [Fact]
    public void Configuration_with_start_fast_forwards_outside_production()
    {
        var clock = AppClock.FromConfiguration(Configuration(new()
        {
            ["Clock:Start"] = "2026-03-02T08:00:00+07:00", ["Clock:Speed"] = "20000", ["Clock:Origin"] = "2026-11-24T01:00:00Z",
        }), Environment("Rehearsal"));

        var fast = Assert.IsType<FastForwardClock>(clock);
        Assert.Equal(20000, fast.Speed);
        Assert.Contains("×20000", fast.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Production_refuses_a_fast_clock_with_a_reason()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AppClock.FromConfiguration(Configuration(new() { ["Clock:Start"] = "2026-03-02T08:00:00+07:00", ["Clock:Speed"] = "100" }),
            Environment(Environments.Production)));
        Assert.Contains("refused in Production", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("NaN")]
    public void A_speed_below_one_is_refused(string speed)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AppClock.FromConfiguration(Configuration(new() { ["Clock:Start"] = "2026-03-02T08:00:00+07:00", ["Clock:Speed"] = speed }),
            Environment(Environments.Development)));
    }

    [Fact]
    public void An_unreadable_start_is_refused_with_the_format()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AppClock.FromConfiguration(Configuration(new() { ["Clock:Start"] = "next Monday" }), Environment(Environments.Development)));
        Assert.Contains("ISO 8601", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static HostingEnvironment Environment(string name) => new() { EnvironmentName = name };
}
