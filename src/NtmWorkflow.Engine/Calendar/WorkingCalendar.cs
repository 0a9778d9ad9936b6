namespace NtmWorkflow.Engine.Calendar;

/// <summary>
/// Deadlines in working days, counted the way the Civil Code 2015 (Art. 147–148) counts them:
/// the day of the event is not counted, and an event on a non-working day or after office hours is
/// taken as happening on the next working day.
/// </summary>
public sealed class WorkingCalendar
{
    private readonly IWorkingDays _days;

    /// <summary>Creates a calendar over the given working days and office hours (07:30–11:30, 13:30–17:00 by default).</summary>
    public WorkingCalendar(IWorkingDays days, OfficeHours? hours = null)
    {
        ArgumentNullException.ThrowIfNull(days);
        _days = days;
        Hours = hours ?? OfficeHours.Default;
    }

    /// <summary>Office hours; an event after they end counts from the next working day.</summary>
    public OfficeHours Hours { get; }

    /// <summary>When offices close.</summary>
    public TimeOnly CloseOfBusiness => Hours.AfternoonEnd;

    /// <summary>True when <paramref name="day"/> is a working day.</summary>
    public bool IsWorkingDay(DateOnly day) => _days.IsWorkingDay(day);

    /// <summary>
    /// The close of office hours on the <paramref name="workingDays"/>-th working day after the event at
    /// <paramref name="instant"/>; a negative number counts back from the day the event counts on. Zero
    /// gives the close of the day the event counts on.
    /// </summary>
    public DateTimeOffset AddWorkingDays(DateTimeOffset instant, int workingDays)
    {
        var day = EffectiveDay(instant);
        var step = workingDays < 0 ? -1 : 1;
        for (var counted = 0; counted < Math.Abs(workingDays);)
        {
            day = day.AddDays(step);
            if (_days.IsWorkingDay(day))
            {
                counted++;
            }
        }

        return VietnamTime.At(day, CloseOfBusiness);
    }

    /// <summary>The opening of office hours on the working day the event at <paramref name="instant"/> counts on.</summary>
    public DateTimeOffset StartOfWorkingDay(DateTimeOffset instant) => VietnamTime.At(EffectiveDay(instant), Hours.MorningStart);

    /// <summary>
    /// Office time between two instants: only working days, only within office hours. Negative when
    /// <paramref name="to"/> is earlier. This is what a paused deadline moves by.
    /// </summary>
    public TimeSpan WorkingTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to < from)
        {
            return -WorkingTimeBetween(to, from);
        }

        var start = from.ToVietnamTime();
        var end = to.ToVietnamTime();
        var total = TimeSpan.Zero;
        for (var day = DateOnly.FromDateTime(start.DateTime); day <= DateOnly.FromDateTime(end.DateTime); day = day.AddDays(1))
        {
            if (!_days.IsWorkingDay(day))
            {
                continue;
            }

            var upTo = day == DateOnly.FromDateTime(end.DateTime) ? Hours.WorkedBefore(TimeOnly.FromDateTime(end.DateTime)) : Hours.Length;
            var before = day == DateOnly.FromDateTime(start.DateTime) ? Hours.WorkedBefore(TimeOnly.FromDateTime(start.DateTime)) : TimeSpan.Zero;
            total += upTo - before;
        }

        return total;
    }

    /// <summary>
    /// The instant by which <paramref name="time"/> of office time has passed after <paramref name="instant"/>
    /// (a paused deadline moved on by the paused time). Zero or less gives <paramref name="instant"/>.
    /// </summary>
    public DateTimeOffset AddWorkingTime(DateTimeOffset instant, TimeSpan time)
    {
        if (time <= TimeSpan.Zero)
        {
            return instant;
        }

        var local = instant.ToVietnamTime();
        var day = DateOnly.FromDateTime(local.DateTime);
        var worked = _days.IsWorkingDay(day) ? Hours.WorkedBefore(TimeOnly.FromDateTime(local.DateTime)) : Hours.Length;
        var left = time;
        while (true)
        {
            var available = _days.IsWorkingDay(day) ? Hours.Length - worked : TimeSpan.Zero;
            if (left <= available && available > TimeSpan.Zero)
            {
                return VietnamTime.At(day, Hours.After(worked + left));
            }

            left -= available;
            day = day.AddDays(1);
            worked = TimeSpan.Zero;
        }
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
