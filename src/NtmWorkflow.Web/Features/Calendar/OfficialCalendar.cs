using System.Text.Json;
using NtmWorkflow.Engine.Calendar;

namespace NtmWorkflow.Web.Features.Calendar;

/// <summary>Section <c>Calendar</c>.</summary>
public sealed class CalendarOptions
{
    public const string SectionName = "Calendar";

    /// <summary>Office hours, morning and afternoon (07:30-11:30,13:30-17:00 by default); events after closing count from the next working day.</summary>
    public string OfficeHours { get; set; } = "07:30-11:30,13:30-17:00";

    /// <summary>
    /// Provinces that keep other office hours (a provincial People's Committee may set its own), by province
    /// code, e.g. <c>Calendar:ProvinceOfficeHours:10 = 07:00-11:30,13:00-16:30</c>. An instance whose
    /// <c>provinceCode</c> variable names one counts its deadlines with them.
    /// </summary>
    public Dictionary<string, string> ProvinceOfficeHours { get; set; } = new(StringComparer.Ordinal);
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
