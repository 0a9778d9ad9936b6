using NtmWorkflow.Engine.Calendar;

namespace NtmWorkflow.Engine.Tests.Calendar;

public sealed class WorkingCalendarTests
{
    private static readonly WorkingCalendar Calendar = new(WeekdaysOnly.Instance);

    private static DateTimeOffset Vn(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, VietnamTime.Offset);

    [Theory]
    // Monday 2 March 2026, during office hours: the day itself is not counted.
    [InlineData(3, 2, 8, 1, "2026-03-03T17:00:00+07:00")]
    [InlineData(3, 2, 8, 5, "2026-03-09T17:00:00+07:00")]
    // Friday: the weekend is skipped.
    [InlineData(3, 6, 10, 1, "2026-03-09T17:00:00+07:00")]
    // After office hours on Monday: taken as Tuesday, so day 1 is Wednesday.
    [InlineData(3, 2, 18, 1, "2026-03-04T17:00:00+07:00")]
    // At the close itself the day still counts as Monday (a daily 17:00 notice moves one day at a time).
    [InlineData(3, 2, 17, 1, "2026-03-03T17:00:00+07:00")]
    [InlineData(3, 2, 16, 1, "2026-03-03T17:00:00+07:00")]
    // Saturday: taken as Monday, so day 1 is Tuesday.
    [InlineData(3, 7, 9, 1, "2026-03-10T17:00:00+07:00")]
    // Zero days: the close of the day the event counts on.
    [InlineData(3, 7, 9, 0, "2026-03-09T17:00:00+07:00")]
    public void AddWorkingDays_counts_from_the_day_after_the_event(int month, int day, int hour, int days, string expected) =>
        Assert.Equal(expected, VietnamTime.Format(Calendar.AddWorkingDays(Vn(month, day, hour), days)));

    [Fact]
    public void The_machine_zone_does_not_matter_only_the_instant()
    {
        // 2026-03-02 23:30 UTC is already Tuesday 06:30 in Vietnam.
        var utc = new DateTimeOffset(2026, 3, 2, 23, 30, 0, TimeSpan.Zero);
        Assert.Equal("2026-03-04T17:00:00+07:00", VietnamTime.Format(Calendar.AddWorkingDays(utc, 1)));
    }

    [Theory]
    [InlineData(2, 2, 0)] // same day
    [InlineData(2, 3, 1)]
    [InlineData(2, 6, 4)] // Tue..Fri
    [InlineData(6, 9, 1)] // Fri → Mon: Saturday and Sunday are not counted
    [InlineData(2, 16, 10)]
    [InlineData(9, 2, -5)]
    public void WorkingDaysBetween_counts_days_after_the_first_up_to_the_last(int fromDay, int toDay, int expected) =>
        Assert.Equal(expected, Calendar.WorkingDaysBetween(Vn(3, fromDay, 10), Vn(3, toDay, 10)));

    [Fact]
    public void A_custom_close_of_business_moves_the_after_hours_line()
    {
        var calendar = new WorkingCalendar(WeekdaysOnly.Instance, new TimeOnly(16, 30));
        Assert.Equal("2026-03-04T16:30:00+07:00", VietnamTime.Format(calendar.AddWorkingDays(Vn(3, 2, 16, 45), 1)));
    }

    [Fact]
    public void A_holiday_from_the_host_calendar_is_skipped()
    {
        var calendar = new WorkingCalendar(new DaysOff(new DateOnly(2026, 4, 27)));
        // Friday 24 April 2026 + 1 working day: Monday 27 is a day off, so Tuesday 28.
        Assert.Equal("2026-04-28T17:00:00+07:00", VietnamTime.Format(calendar.AddWorkingDays(Vn(4, 24, 9), 1)));
    }

    [Fact]
    public void Negative_working_days_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Calendar.AddWorkingDays(Vn(3, 2, 9), -1));

    private sealed class DaysOff(params DateOnly[] days) : IWorkingDays
    {
        public bool IsWorkingDay(DateOnly day) => WeekdaysOnly.Instance.IsWorkingDay(day) && !days.Contains(day);
    }
}
