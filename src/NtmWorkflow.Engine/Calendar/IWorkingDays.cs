namespace NtmWorkflow.Engine.Calendar;

/// <summary>Says which calendar days are working days. Hosts supply the official calendar.</summary>
public interface IWorkingDays
{
    /// <summary>True when offices work on that day.</summary>
    bool IsWorkingDay(DateOnly day);
}

/// <summary>Monday to Friday, no holidays: the calendar to use when no official one is configured.</summary>
public sealed class WeekdaysOnly : IWorkingDays
{
    /// <summary>The shared instance.</summary>
    public static readonly WeekdaysOnly Instance = new();

    /// <inheritdoc />
    public bool IsWorkingDay(DateOnly day) => day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
}
