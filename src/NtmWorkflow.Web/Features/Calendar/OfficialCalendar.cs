using System.Text.Json;
using NtmWorkflow.Engine.Calendar;

namespace NtmWorkflow.Web.Features.Calendar;

/// <summary>Section <c>Calendar</c>.</summary>
public sealed class CalendarOptions
{
    public const string SectionName = "Calendar";

    /// <summary>Office hours, morning and afternoon (07:30-11:30,13:30-17:00 by default); events after closing count from the next working day.</summary>
    public string OfficeHours { get; set; } = "07:30-11:30,13:30-17:00";
}

/// <summary>The shipped table of days off (Features/Calendar/Data/vn-days-off.json), read once.</summary>
public static class OfficialCalendar
{
    public static IReadOnlyList<DayOffEntry> ShippedTable { get; } = Load();

    private static List<DayOffEntry> Load()
    {
        using var stream = typeof(OfficialCalendar).Assembly.GetManifestResourceStream("Calendar/vn-days-off.json")
                           ?? throw new InvalidOperationException("The days-off table is missing from the build.");
        return JsonSerializer.Deserialize<CalendarFile>(stream, CalendarFile.Json)!.Entries;
    }
}
