using System.Globalization;

namespace NtmWorkflow.Engine.Calendar;

/// <summary>
/// The office hours of a working day, in Vietnam time: a morning and an afternoon session
/// (07:30–11:30 and 13:30–17:00 in most provinces; each province may set its own).
/// </summary>
public sealed record OfficeHours(TimeOnly MorningStart, TimeOnly MorningEnd, TimeOnly AfternoonStart, TimeOnly AfternoonEnd)
{
    /// <summary>07:30–11:30, 13:30–17:00.</summary>
    public static OfficeHours Default { get; } = new(new(7, 30), new(11, 30), new(13, 30), new(17, 0));

    /// <summary>Working time in one day.</summary>
    public TimeSpan Length => MorningEnd - MorningStart + (AfternoonEnd - AfternoonStart);

    /// <summary>Reads <c>HH:mm-HH:mm,HH:mm-HH:mm</c>, e.g. <c>07:30-11:30,13:30-17:00</c>.</summary>
    public static bool TryParse(string? text, out OfficeHours hours)
    {
        hours = Default;
        var sessions = (text ?? "").Split(',', StringSplitOptions.TrimEntries);
        if (sessions.Length != 2)
        {
            return false;
        }

        var times = new List<TimeOnly>();
        foreach (var part in sessions.SelectMany(s => s.Split('-', StringSplitOptions.TrimEntries)))
        {
            if (!TimeOnly.TryParseExact(part, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            {
                return false;
            }

            times.Add(time);
        }

        if (times.Count != 4 || !(times[0] < times[1] && times[1] <= times[2] && times[2] < times[3]))
        {
            return false;
        }

        hours = new OfficeHours(times[0], times[1], times[2], times[3]);
        return true;
    }

    /// <summary>Working time of one day that lies before <paramref name="time"/>.</summary>
    public TimeSpan WorkedBefore(TimeOnly time) =>
        Clamp(time, MorningStart, MorningEnd) - MorningStart + (Clamp(time, AfternoonStart, AfternoonEnd) - AfternoonStart);

    /// <summary>The time of day by which <paramref name="worked"/> of working time has passed (0 ≤ worked ≤ <see cref="Length"/>).</summary>
    public TimeOnly After(TimeSpan worked)
    {
        var morning = MorningEnd - MorningStart;
        return worked <= morning ? MorningStart.Add(worked) : AfternoonStart.Add(worked - morning);
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{MorningStart:HH:mm}-{MorningEnd:HH:mm},{AfternoonStart:HH:mm}-{AfternoonEnd:HH:mm}");

    private static TimeOnly Clamp(TimeOnly value, TimeOnly min, TimeOnly max) => value < min ? min : value > max ? max : value;
}
