using System.Globalization;

namespace NtmWorkflow.Engine.Calendar;

/// <summary>
/// Vietnam time: a fixed UTC+07:00 offset (Vietnam has no daylight saving). All calendar arithmetic
/// happens here, whatever the machine's time zone, so a server in UTC computes the same deadlines.
/// </summary>
public static class VietnamTime
{
    /// <summary>The offset of Vietnam time from UTC.</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(7);

    /// <summary>The same instant, expressed in Vietnam time.</summary>
    public static DateTimeOffset ToVietnamTime(this DateTimeOffset instant) => instant.ToOffset(Offset);

    /// <summary>The calendar day in Vietnam on which the instant falls.</summary>
    public static DateOnly VietnamDate(this DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    /// <summary>The instant at the given local time of day on a Vietnamese calendar day.</summary>
    public static DateTimeOffset At(DateOnly day, TimeOnly time) => new(day.ToDateTime(time), Offset);

    /// <summary>Formats an instant as <c>yyyy-MM-ddTHH:mm:ss+07:00</c>, the form traces and logs use.</summary>
    public static string Format(DateTimeOffset instant) =>
        instant.ToOffset(Offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
