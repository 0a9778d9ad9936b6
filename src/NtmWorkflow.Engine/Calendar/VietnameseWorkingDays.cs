namespace NtmWorkflow.Engine.Calendar;

/// <summary>What an entry of the yearly days-off table does to a day.</summary>
public enum DayOffKind
{
    /// <summary>A public holiday (ngày lễ, Tết).</summary>
    Holiday,

    /// <summary>A compensatory day off for a holiday that fell on a weekly rest day (nghỉ bù).</summary>
    CompensatoryDay,

    /// <summary>A weekday made a day off by a swap (hoán đổi).</summary>
    SwappedDayOff,

    /// <summary>A Saturday made a working day in return for a swapped day off (làm bù).</summary>
    MakeUpWorkingDay,
}

/// <summary>One dated entry of the yearly table, with the notice it comes from.</summary>
/// <param name="Date">The day.</param>
/// <param name="Kind">What it does to the day.</param>
/// <param name="Name">Its name, e.g. "Tết Âm lịch (Mùng 1)".</param>
/// <param name="Source">The notice or article it comes from, e.g. "Thông báo 5015/TB-LĐTBXH".</param>
/// <param name="Confirmed">False for a day not yet confirmed by a notice; such days are not applied.</param>
public sealed record DayOffEntry(DateOnly Date, DayOffKind Kind, string Name, string? Source, bool Confirmed = true);

/// <summary>
/// Working days of the civil service in Vietnam: Monday to Friday, less the holidays the Labour Code
/// fixes (Art. 112: 1/1, 30/4, 1/5, 2/9, lunar 1/1 and lunar 10/3, computed here), less a compensatory
/// day for each of those that falls on a Saturday or Sunday (Art. 111(3): the next working day), and
/// with the yearly table applied on top: the other Tết days, the extra Quốc khánh day, swapped days off
/// and make-up Saturdays, as each year's notices set them. Unconfirmed entries are not applied.
/// </summary>
public sealed class VietnameseWorkingDays : IWorkingDays
{
    private readonly Dictionary<DateOnly, DayOffEntry> _table;
    private readonly Dictionary<int, HashSet<DateOnly>> _daysOffByYear = [];
    private readonly Lock _lock = new();

    /// <summary>Creates the calendar over the yearly table (which may be empty: the rules still apply).</summary>
    public VietnameseWorkingDays(IEnumerable<DayOffEntry> table)
    {
        ArgumentNullException.ThrowIfNull(table);
        _table = table.Where(e => e.Confirmed).GroupBy(e => e.Date).ToDictionary(g => g.Key, g => g.Last());
    }

    /// <summary>The holidays the Labour Code fixes in a year (Art. 112), before any compensatory day.</summary>
    public static IReadOnlyList<DayOffEntry> StatutoryHolidays(int year) =>
    [
        new(new DateOnly(year, 1, 1), DayOffKind.Holiday, "Tết Dương lịch", "Bộ luật Lao động 2019, Điều 112"),
        new(LunarCalendar.LunarNewYear(year), DayOffKind.Holiday, "Tết Âm lịch (Mùng 1)", "Bộ luật Lao động 2019, Điều 112"),
        new(LunarCalendar.ToSolar(10, 3, year), DayOffKind.Holiday, "Giỗ Tổ Hùng Vương", "Bộ luật Lao động 2019, Điều 112"),
        new(new DateOnly(year, 4, 30), DayOffKind.Holiday, "Ngày Chiến thắng", "Bộ luật Lao động 2019, Điều 112"),
        new(new DateOnly(year, 5, 1), DayOffKind.Holiday, "Quốc tế Lao động", "Bộ luật Lao động 2019, Điều 112"),
        new(new DateOnly(year, 9, 2), DayOffKind.Holiday, "Quốc khánh", "Bộ luật Lao động 2019, Điều 112"),
    ];

    /// <inheritdoc />
    public bool IsWorkingDay(DateOnly day)
    {
        if (_table.TryGetValue(day, out var entry) && entry.Kind == DayOffKind.MakeUpWorkingDay)
        {
            return true;
        }

        return !IsWeekend(day) && !DaysOff(day.Year).Contains(day);
    }

    /// <summary>Every day off in a year that is not a weekend day: holidays, compensatory and swapped days.</summary>
    public IReadOnlySet<DateOnly> DaysOff(int year)
    {
        lock (_lock)
        {
            if (!_daysOffByYear.TryGetValue(year, out var days))
            {
                _daysOffByYear[year] = days = Compute(year);
            }

            return days;
        }
    }

    private HashSet<DateOnly> Compute(int year)
    {
        var off = _table.Values.Where(e => e.Date.Year == year && e.Kind != DayOffKind.MakeUpWorkingDay).Select(e => e.Date).ToHashSet();
        var statutory = StatutoryHolidays(year).Select(h => h.Date).ToList();
        off.UnionWith(statutory);

        // Art. 111(3): a statutory holiday on a weekly rest day gives the next working day off, unless
        // the year's notice already sets a compensatory day for that break (as it does for Tết).
        var noticed = _table.Values.Where(e => e.Kind == DayOffKind.CompensatoryDay).Select(e => e.Date).ToList();
        foreach (var holiday in statutory.Where(IsWeekend).Order())
        {
            if (noticed.Any(d => d > holiday && d <= holiday.AddDays(7)))
            {
                continue;
            }

            var day = holiday.AddDays(1);
            while (IsWeekend(day) || off.Contains(day))
            {
                day = day.AddDays(1);
            }

            off.Add(day);
        }

        off.RemoveWhere(IsWeekend);
        return off;
    }

    private static bool IsWeekend(DateOnly day) => day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
}
