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
        var calendar = new WorkingCalendar(WeekdaysOnly.Instance, new OfficeHours(new(7, 0), new(11, 0), new(13, 0), new(16, 30)));
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
    public void Negative_working_days_count_back_from_the_day_the_event_counts_on()
    {
        // Tuesday 3 March 2026 − 2 working days: Monday 2 March is the first day back, Friday 27 February the second.
        Assert.Equal("2026-02-27T17:00:00+07:00", VietnamTime.Format(Calendar.AddWorkingDays(Vn(3, 3, 9), -2)));

        // After hours on Friday 6 March counts on Monday 9: one working day back is Friday 6.
        Assert.Equal("2026-03-06T17:00:00+07:00", VietnamTime.Format(Calendar.AddWorkingDays(Vn(3, 6, 18), -1)));
    }

    [Fact]
    public void The_working_day_starts_at_the_opening_of_the_day_the_event_counts_on()
    {
        Assert.Equal("2026-03-03T07:30:00+07:00", VietnamTime.Format(Calendar.StartOfWorkingDay(Vn(3, 3, 15))));
        Assert.Equal("2026-03-09T07:30:00+07:00", VietnamTime.Format(Calendar.StartOfWorkingDay(Vn(3, 7, 10)))); // Saturday → Monday
    }

    [Theory]
    [InlineData(3, 2, 8, 0, 3, 2, 10, 0, 120)] // inside the morning session
    [InlineData(3, 2, 11, 0, 3, 2, 14, 0, 60)] // 11:00–11:30 and 13:30–14:00: lunch does not count
    [InlineData(3, 2, 6, 0, 3, 2, 20, 0, 450)] // a whole day: 4 h + 3 h 30
    [InlineData(3, 6, 16, 0, 3, 9, 8, 30, 120)] // Friday 16:00 → Monday 08:30: the weekend does not count
    [InlineData(3, 2, 10, 0, 3, 2, 9, 0, -60)]
    public void Working_time_counts_only_office_hours_of_working_days(int m1, int d1, int h1, int min1, int m2, int d2, int h2, int min2, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), Calendar.WorkingTimeBetween(Vn(m1, d1, h1, min1), Vn(m2, d2, h2, min2)));

    [Theory]
    [InlineData(3, 2, 10, 0, 60, "2026-03-02T11:00:00+07:00")]
    [InlineData(3, 2, 11, 0, 60, "2026-03-02T14:00:00+07:00")] // over lunch
    [InlineData(3, 6, 16, 0, 120, "2026-03-09T08:30:00+07:00")] // over the weekend
    [InlineData(3, 7, 10, 0, 30, "2026-03-09T08:00:00+07:00")] // from a Saturday
    [InlineData(3, 2, 17, 0, 450, "2026-03-03T17:00:00+07:00")] // a full day from the close
    public void Adding_working_time_skips_lunch_nights_and_days_off(int month, int day, int hour, int minute, int minutes, string expected) =>
        Assert.Equal(expected, VietnamTime.Format(Calendar.AddWorkingTime(Vn(month, day, hour, minute), TimeSpan.FromMinutes(minutes))));

    [Theory]
    [InlineData("07:30-11:30,13:30-17:00", true)]
    [InlineData("07:00-11:00,13:00-16:30", true)]
    [InlineData("07:30-11:30", false)]
    [InlineData("11:30-07:30,13:30-17:00", false)]
    [InlineData("7h30-11h30,13h30-17h00", false)]
    public void Office_hours_are_read_from_configuration_text(string text, bool valid)
    {
        Assert.Equal(valid, OfficeHours.TryParse(text, out var hours));
        if (valid)
        {
            Assert.Equal(text, hours.ToString());
        }
    }

    private sealed class DaysOff(params DateOnly[] days) : IWorkingDays
    {
        public bool IsWorkingDay(DateOnly day) => WeekdaysOnly.Instance.IsWorkingDay(day) && !days.Contains(day);
    }
}

public sealed class LunarCalendarTests
{
    // Solar dates of Mùng 1 Tết and of Giỗ Tổ (lunar 10/3), from shared/domain/vn-days-off.md and the
    // official notices it cites (2027 is computed there too), plus well-known earlier years.
    [Theory]
    [InlineData(2020, "2020-01-25", "2020-04-02")]
    [InlineData(2023, "2023-01-22", "2023-04-29")]
    [InlineData(2024, "2024-02-10", "2024-04-18")]
    [InlineData(2025, "2025-01-29", "2025-04-07")]
    [InlineData(2026, "2026-02-17", "2026-04-26")]
    [InlineData(2027, "2027-02-06", "2027-04-16")]
    public void Tet_and_the_Hung_Kings_day_fall_where_the_notices_say(int year, string tet, string gioTo)
    {
        Assert.Equal(DateOnly.Parse(tet, System.Globalization.CultureInfo.InvariantCulture), LunarCalendar.LunarNewYear(year));
        Assert.Equal(DateOnly.Parse(gioTo, System.Globalization.CultureInfo.InvariantCulture), LunarCalendar.ToSolar(10, 3, year));
    }

    [Fact]
    public void The_eve_of_Tet_is_the_day_before_new_year()
    {
        // 2025 has a leap 6th month; Tết 2026 still comes out right (above), and the last day of the
        // 12th month of 2025 is the day before it.
        Assert.Equal(new DateOnly(2026, 2, 16), LunarCalendar.LunarNewYear(2026).AddDays(-1));
        Assert.Equal(new DateOnly(2025, 1, 28), LunarCalendar.LunarNewYear(2025).AddDays(-1));
    }
}

public sealed class VietnameseWorkingDaysTests
{
    private static DateOnly D(string date) => DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);

    // Extracts of the yearly tables in shared/domain/vn-days-off.md (2024, 2026).
    private static readonly VietnameseWorkingDays Calendar = new(
    [
        new(D("2024-02-08"), DayOffKind.Holiday, "Tết Âm lịch (29 Chạp)", "TB 5015/TB-LĐTBXH"),
        new(D("2024-02-09"), DayOffKind.Holiday, "Tết Âm lịch (30 Chạp)", "TB 5015/TB-LĐTBXH"),
        new(D("2024-02-12"), DayOffKind.Holiday, "Tết Âm lịch (Mùng 3)", "TB 5015/TB-LĐTBXH"),
        new(D("2024-02-13"), DayOffKind.CompensatoryDay, "Tết", "TB 5015/TB-LĐTBXH"),
        new(D("2024-02-14"), DayOffKind.CompensatoryDay, "Tết (Mùng 5)", "TB 5015/TB-LĐTBXH"),
        new(D("2024-04-29"), DayOffKind.SwappedDayOff, "nghỉ hoán đổi", "VPCP 2450/VPCP-KGVX"),
        new(D("2024-05-04"), DayOffKind.MakeUpWorkingDay, "làm bù cho 29/4", "VPCP 2450/VPCP-KGVX"),
        new(D("2024-09-03"), DayOffKind.Holiday, "Quốc khánh (ngày liền sau)", "TB 5015/TB-LĐTBXH"),
        new(D("2026-11-24"), DayOffKind.Holiday, "Ngày Văn hóa Việt Nam", "NQ 80-NQ/TW", Confirmed: false),
    ]);

    [Fact]
    public void The_Tet_2024_break_runs_from_8_to_14_February()
    {
        var days = Enumerable.Range(0, 10).Select(i => D("2024-02-06").AddDays(i)).Where(d => !Calendar.IsWorkingDay(d));
        Assert.Equal([D("2024-02-08"), D("2024-02-09"), D("2024-02-10"), D("2024-02-11"), D("2024-02-12"), D("2024-02-13"), D("2024-02-14")], days);
        Assert.True(Calendar.IsWorkingDay(D("2024-02-15")));
    }

    [Fact]
    public void A_make_up_Saturday_is_a_working_day_and_the_swapped_Monday_is_not()
    {
        Assert.True(Calendar.IsWorkingDay(D("2024-05-04")));
        Assert.False(Calendar.IsWorkingDay(D("2024-04-29")));
        Assert.False(Calendar.IsWorkingDay(D("2024-04-30")));
        Assert.False(Calendar.IsWorkingDay(D("2024-05-01")));
    }

    [Fact]
    public void A_statutory_holiday_on_a_Sunday_gives_the_next_working_day_off_even_without_a_notice()
    {
        // Giỗ Tổ 2026 is lunar 10/3 = Sunday 26 April: Monday 27 April is off (Art. 111(3)).
        Assert.False(Calendar.IsWorkingDay(D("2026-04-27")));
        // 1 May 2027 is a Saturday: Monday 3 May 2027 is off.
        Assert.False(Calendar.IsWorkingDay(D("2027-05-03")));
        Assert.True(Calendar.IsWorkingDay(D("2027-05-04")));
    }

    [Fact]
    public void Unconfirmed_days_are_not_applied()
    {
        Assert.True(Calendar.IsWorkingDay(D("2026-11-24")));
    }

    [Fact]
    public void Deadlines_skip_the_break()
    {
        var calendar = new WorkingCalendar(Calendar);
        // A dossier received on Wednesday 7 February 2024, 10:00, with 3 working days: 15, 16, 19 February.
        var due = calendar.AddWorkingDays(new DateTimeOffset(2024, 2, 7, 10, 0, 0, VietnamTime.Offset), 3);
        Assert.Equal("2024-02-19T17:00:00+07:00", VietnamTime.Format(due));
        Assert.Equal(2, calendar.WorkingDaysBetween(new DateTimeOffset(2024, 2, 7, 9, 0, 0, VietnamTime.Offset), new DateTimeOffset(2024, 2, 16, 9, 0, 0, VietnamTime.Offset)));
    }
}

public sealed class ProvinceOfficeHoursTests
{
    [Fact]
    public async Task An_instance_counts_its_deadline_in_its_provinces_office_hours()
    {
        // Province 10 closes at 16:30 (a configured exception); everyone else at 17:00.
        Assert.True(OfficeHours.TryParse("07:00-11:30,13:00-16:30", out var early));
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 16, 0, 0, VietnamTime.Offset));
        var engine = new NtmWorkflow.Engine.Runtime.WorkflowEngine(new NtmWorkflow.Engine.Runtime.InMemoryWorkflowStore(), new NtmWorkflow.Engine.Runtime.WorkflowEngineOptions
        {
            Clock = clock,
            ProvinceOfficeHours = new Dictionary<string, OfficeHours> { ["10"] = early },
        });
        var deployed = engine.Deploy(System.Text.Encoding.UTF8.GetBytes(Bpmn.Document("""
            <bpmn:startEvent id="s"/>
            <bpmn:scriptTask id="due" scriptFormat="javascript" camunda:resultVariable="answerBy"><bpmn:script>addWorkingMinutes(new Date(), 60).toISOString()</bpmn:script></bpmn:scriptTask>
            <bpmn:userTask id="wait"/>
            """ + Bpmn.Chain("s", "due", "wait"))));
        Assert.True(deployed.Validation.Valid);

        async Task<string> AnswerBy(object? province) =>
            (await engine.StartAsync("p", TestEngine.Vars(province is null ? new { } : new { provinceCode = province }))).Variables["answerBy"]!.GetValue<string>();

        // 16:00 Monday plus one office hour: 17:00 where the office closes at 17:00; Tuesday 07:30 in province 10.
        Assert.Equal("2026-03-02T10:00:00.000Z", await AnswerBy(null));
        Assert.Equal("2026-03-02T10:00:00.000Z", await AnswerBy("01"));
        Assert.Equal("2026-03-03T00:30:00.000Z", await AnswerBy("10"));
        Assert.Equal(new TimeOnly(16, 30), engine.CalendarFor(TestEngine.Vars(new { provinceCode = "10" })!).Hours.AfternoonEnd);
    }

    [Fact]
    public async Task A_handler_is_given_its_instances_calendar()
    {
        Assert.True(OfficeHours.TryParse("07:00-11:30,13:00-16:30", out var early));
        var seen = new List<TimeOnly>();
        var handlers = new NtmWorkflow.Engine.Runtime.HandlerRegistry().Register("notice", new CalendarProbe(seen));
        var engine = new NtmWorkflow.Engine.Runtime.WorkflowEngine(new NtmWorkflow.Engine.Runtime.InMemoryWorkflowStore(), new NtmWorkflow.Engine.Runtime.WorkflowEngineOptions
        {
            Handlers = handlers,
            ProvinceOfficeHours = new Dictionary<string, OfficeHours> { ["10"] = early },
        });
        Assert.True(engine.Deploy(System.Text.Encoding.UTF8.GetBytes(Bpmn.Document("""
            <bpmn:startEvent id="s"/><bpmn:serviceTask id="n" camunda:type="external" camunda:topic="notice"/><bpmn:endEvent id="e"/>
            """ + Bpmn.Chain("s", "n", "e")))).Validation.Valid);

        await engine.StartAsync("p", TestEngine.Vars(new { provinceCode = "10" }));
        await engine.StartAsync("p");
        Assert.Equal([new TimeOnly(16, 30), new TimeOnly(17, 0)], seen);
    }

    [Fact]
    public async Task Office_hours_changed_at_the_source_apply_to_the_next_deadline_and_leave_earlier_ones()
    {
        Assert.True(OfficeHours.TryParse("07:00-11:30,13:00-16:30", out var early));
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 16, 0, 0, VietnamTime.Offset));
        var hours = new EditableHours { National = OfficeHours.Default };
        var engine = new NtmWorkflow.Engine.Runtime.WorkflowEngine(new NtmWorkflow.Engine.Runtime.InMemoryWorkflowStore(), new NtmWorkflow.Engine.Runtime.WorkflowEngineOptions
        {
            Clock = clock,
            OfficeHoursSource = hours,
        });
        Assert.True(engine.Deploy(System.Text.Encoding.UTF8.GetBytes(Bpmn.Document("""
            <bpmn:startEvent id="s"/>
            <bpmn:scriptTask id="due" scriptFormat="javascript" camunda:resultVariable="answerBy"><bpmn:script>addWorkingMinutes(new Date(), 60).toISOString()</bpmn:script></bpmn:scriptTask>
            <bpmn:userTask id="wait"/>
            """ + Bpmn.Chain("s", "due", "wait")))).Validation.Valid);

        var before = await engine.StartAsync("p", TestEngine.Vars(new { provinceCode = "10" }));
        Assert.Equal("2026-03-02T10:00:00.000Z", before.Variables["answerBy"]!.GetValue<string>());

        // The province now closes at 16:30: one office hour from 16:00 Monday ends 07:30 Tuesday.
        hours.Provinces["10"] = early;
        var after = await engine.StartAsync("p", TestEngine.Vars(new { provinceCode = "10" }));
        Assert.Equal("2026-03-03T00:30:00.000Z", after.Variables["answerBy"]!.GetValue<string>());
        Assert.Equal("2026-03-02T10:00:00.000Z", (await engine.GetInstanceAsync(before.Id))!.Variables["answerBy"]!.GetValue<string>());
        Assert.Equal(new TimeOnly(16, 30), engine.CalendarForProvince("10").CloseOfBusiness);
        Assert.Equal(new TimeOnly(17, 0), engine.Calendar.CloseOfBusiness);
    }

    private sealed class EditableHours : IOfficeHoursSource
    {
        public required OfficeHours National { get; set; }

        public Dictionary<string, OfficeHours> Provinces { get; } = new(StringComparer.Ordinal);

        public OfficeHours OfProvince(string? province) => province is not null && Provinces.TryGetValue(province, out var own) ? own : National;
    }

    private sealed class CalendarProbe(List<TimeOnly> seen) : NtmWorkflow.Engine.Runtime.IServiceTaskHandler
    {
        public ValueTask<IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?>> HandleAsync(NtmWorkflow.Engine.Runtime.ServiceTaskContext context, CancellationToken cancellationToken)
        {
            seen.Add(context.Calendar!.Hours.AfternoonEnd);
            return ValueTask.FromResult<IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?>>(new Dictionary<string, System.Text.Json.Nodes.JsonNode?>());
        }
    }
}
