using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Calendar;

namespace NtmWorkflow.Web.Tests.Calendar;

/// <summary>The app counts deadlines in the civil service's working days, from the shipped table (shared/domain/vn-days-off.md).</summary>
public sealed class OfficialCalendarTests(OfficialCalendarTests.App app) : IClassFixture<OfficialCalendarTests.App>
{
    /// <summary>One app for the class: starting it imports the units, which takes seconds.</summary>
    public sealed class App : IDisposable
    {
        private readonly TemporaryDirectory _data = new();

        public App() => Factory = new NtmWorkflowAppFactory(_data);

        public NtmWorkflowAppFactory Factory { get; }

        public WorkingCalendar Calendar => Factory.Services.GetRequiredService<WorkflowEngine>().Calendar;

        public void Dispose()
        {
            Factory.Dispose();
            _data.Dispose();
        }
    }

    [Fact]
    public void The_shipped_table_covers_2024_to_2027_and_names_a_source_for_every_day()
    {
        var table = OfficialCalendar.ShippedTable;
        Assert.Equal([2024, 2025, 2026, 2027], table.Select(e => e.Date.Year).Distinct().Order());
        Assert.All(table, e => Assert.False(string.IsNullOrWhiteSpace(e.Source)));
        Assert.Contains(table, e => e.Date == new DateOnly(2026, 11, 24) && !e.Confirmed);
    }

    [Theory]
    [InlineData("2026-02-16", false)] // Tết 2026, 29 Chạp
    [InlineData("2026-02-20", false)] // Tết 2026, Mùng 4
    [InlineData("2026-02-23", true)]
    [InlineData("2026-01-02", false)] // swapped day off
    [InlineData("2026-01-10", true)]  // make-up Saturday
    [InlineData("2026-04-27", false)] // Giỗ Tổ compensatory day
    [InlineData("2026-08-22", true)]  // make-up Saturday
    [InlineData("2026-11-24", true)]  // not yet a legal holiday
    [InlineData("2025-05-02", false)]
    public void The_apps_engine_uses_the_official_calendar(string date, bool working) =>
        Assert.Equal(working, app.Calendar.IsWorkingDay(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_deadline_set_before_Tet_2026_lands_after_the_break()
    {
        var calendar = app.Calendar;
        // Received Thursday 12 February 2026; 5 working days: 13, 23, 24, 25, 26 February.
        var due = calendar.AddWorkingDays(new DateTimeOffset(2026, 2, 12, 9, 0, 0, VietnamTime.Offset), 5);
        Assert.Equal("2026-02-26T17:00:00+07:00", VietnamTime.Format(due));
    }
}
