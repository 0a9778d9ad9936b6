namespace NtmWorkflow.Engine.Calendar;

/// <summary>
/// Deadlines in working days, counted the way the Civil Code 2015 (Art. 147–148) counts them:
/// the day of the event is not counted, and an event on a non-working day or after office hours is
/// taken as happening on the next working day.
/// </summary>
public sealed class WorkingCalendar
{
    private readonly IWorkingDays _days;

    /// <summary>Creates a calendar over the given working days, with offices closing at <paramref name="closeOfBusiness"/> (17:00 by default).</summary>
    public WorkingCalendar(IWorkingDays days, TimeOnly? closeOfBusiness = null)
    {
        ArgumentNullException.ThrowIfNull(days);
        _days = days;
        CloseOfBusiness = closeOfBusiness ?? new TimeOnly(17, 0);
    }

    /// <summary>When offices close; an event later than this counts from the next working day.</summary>
    public TimeOnly CloseOfBusiness { get; }

    /// <summary>True when <paramref name="day"/> is a working day.</summary>
    public bool IsWorkingDay(DateOnly day) => _days.IsWorkingDay(day);

    /// <summary>
    /// The close of office hours on the <paramref name="workingDays"/>-th working day after the event at
    /// <paramref name="instant"/>. Zero gives the close of the day the event counts on.
    /// </summary>
    public DateTimeOffset AddWorkingDays(DateTimeOffset instant, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var day = EffectiveDay(instant);
        for (var counted = 0; counted < workingDays;)
        {
            day = day.AddDays(1);
            if (_days.IsWorkingDay(day))
            {
                counted++;
            }
        }

        return VietnamTime.At(day, CloseOfBusiness);
    }

    /// <summary>Counts the working days d with day(<paramref name="from"/>) &lt; d ≤ day(<paramref name="to"/>); negative when <paramref name="to"/> is earlier.</summary>
    public int WorkingDaysBetween(DateTimeOffset from, DateTimeOffset to)
    {
        var start = from.VietnamDate();
        var end = to.VietnamDate();
        if (end < start)
        {
            return -WorkingDaysBetween(to, from);
        }

        var count = 0;
        for (var day = start.AddDays(1); day <= end; day = day.AddDays(1))
        {
            if (_days.IsWorkingDay(day))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The working day an event counts on: its own day during office hours, else the next working day.</summary>
    private DateOnly EffectiveDay(DateTimeOffset instant)
    {
        var local = instant.ToVietnamTime();
        var day = DateOnly.FromDateTime(local.DateTime);
        var afterHours = TimeOnly.FromDateTime(local.DateTime) > CloseOfBusiness;
        if (_days.IsWorkingDay(day) && !afterHours)
        {
            return day;
        }

        do
        {
            day = day.AddDays(1);
        }
        while (!_days.IsWorkingDay(day));

        return day;
    }
}
