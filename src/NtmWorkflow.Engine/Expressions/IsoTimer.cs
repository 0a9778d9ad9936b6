using System.Globalization;
using System.Text.RegularExpressions;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Definitions;

namespace NtmWorkflow.Engine.Expressions;

/// <summary>An ISO 8601 duration. Years, months and days are calendar units in Vietnam time; the rest is elapsed time.</summary>
internal readonly record struct IsoDuration(int Years, int Months, int Days, TimeSpan Time)
{
    public bool HasCalendarMonths => Years != 0 || Months != 0;

    public bool IsZero => Years == 0 && Months == 0 && Days == 0 && Time == TimeSpan.Zero;

    public DateTimeOffset AddTo(DateTimeOffset instant)
    {
        var local = instant.ToVietnamTime();
        return local.AddYears(Years).AddMonths(Months).AddDays(Days).Add(Time);
    }
}

/// <summary>A repeating timer: <c>R[n]/[start/]duration</c>; <see cref="Repetitions"/> is null for unbounded.</summary>
internal readonly record struct IsoCycle(int? Repetitions, DateTimeOffset? Start, IsoDuration Interval);

/// <summary>Parses ISO 8601 dates, durations and repeating intervals as timers use them.</summary>
internal static partial class IsoTimer
{
    private static readonly string[] LocalFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd",
    ];

    /// <summary>A date-time with an offset, or without one (then Vietnam time).</summary>
    public static bool TryParseDate(string text, out DateTimeOffset value)
    {
        text = text.Trim();
        if (HasOffset().IsMatch(text) &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out value))
        {
            return true;
        }

        if (DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            value = new DateTimeOffset(local, VietnamTime.Offset);
            return true;
        }

        value = default;
        return false;
    }

    public static bool TryParseDuration(string text, out IsoDuration duration)
    {
        duration = default;
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success || match.Groups.Cast<Group>().Skip(1).All(g => !g.Success) ||
            (text.Trim().EndsWith('T')))
        {
            return false;
        }

        int Int(string name) => match.Groups[name].Success ? int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        double Dbl(string name) => match.Groups[name].Success ? double.Parse(match.Groups[name].Value.Replace(',', '.'), CultureInfo.InvariantCulture) : 0;
        try
        {
            var time = TimeSpan.FromHours(Int("h")) + TimeSpan.FromMinutes(Int("min")) + TimeSpan.FromSeconds(Dbl("s"));
            duration = new IsoDuration(Int("y"), Int("mon"), checked((Int("w") * 7) + Int("d")), time);
            return true;
        }
        catch (Exception e) when (e is OverflowException or FormatException)
        {
            return false;
        }
    }

    public static bool TryParseCycle(string text, out IsoCycle cycle)
    {
        cycle = default;
        var parts = text.Trim().Split('/');
        if (parts.Length is < 2 or > 3 || !parts[0].StartsWith('R'))
        {
            return false;
        }

        int? repetitions = null;
        if (parts[0].Length > 1)
        {
            if (!int.TryParse(parts[0].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return false;
            }

            repetitions = n;
        }

        DateTimeOffset? start = null;
        if (parts.Length == 3)
        {
            if (!TryParseDate(parts[1], out var s))
            {
                return false;
            }

            start = s;
        }

        if (!TryParseDuration(parts[^1], out var interval) || interval.IsZero)
        {
            return false;
        }

        cycle = new IsoCycle(repetitions, start, interval);
        return true;
    }

    /// <summary>Why a literal timer value is not valid for its kind; null when it is.</summary>
    public static string? Check(TimerKind kind, string text) => kind switch
    {
        TimerKind.Date when !TryParseDate(text, out _) => $"timeDate '{text}' is not an ISO 8601 date-time (e.g. 2026-03-02T08:00:00+07:00)",
        TimerKind.Duration when !TryParseDuration(text, out _) => $"timeDuration '{text}' is not an ISO 8601 duration (e.g. P3D, PT4H)",
        TimerKind.Cycle when !TryParseCycle(text, out _) => $"timeCycle '{text}' is not an ISO 8601 repeating interval (e.g. R3/PT1H, R/P1D, R3/2026-03-02T08:00:00+07:00/PT1H)",
        _ => null,
    };

    [GeneratedRegex(@"(Z|[+-]\d\d:?\d\d)$")]
    private static partial Regex HasOffset();

    [GeneratedRegex(@"^P(?:(?<y>\d+)Y)?(?:(?<mon>\d+)M)?(?:(?<w>\d+)W)?(?:(?<d>\d+)D)?(?:T(?:(?<h>\d+)H)?(?:(?<min>\d+)M)?(?:(?<s>\d+(?:[.,]\d+)?)S)?)?$")]
    private static partial Regex DurationPattern();
}
