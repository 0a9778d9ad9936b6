using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.Calendar;

namespace NtmWorkflow.Web.Tests.Settings;

/// <summary>
/// Lịch làm việc as Chị Mai uses it: a year's days off and make-up days with kind and source (the Labour Code's holidays
/// by rule too), the year's working days, an entry added, changed and removed (stored, applied to the working days at
/// once, audited), a refused entry shown with what was typed, the days-off file exported and imported (a bad file
/// refused whole), and the office hours with a province's own. A province's administrator reads it and changes nothing.
/// </summary>
public sealed class CalendarPageTests : SettingsTestHost
{
    private const string HoursAction = Page + "?handler=OfficeHours";

    private const string Page = "/admin/settings/calendar";

    protected override void Configure(Dictionary<string, string?> settings) => settings["Calendar:ProvinceOfficeHours:08"] = "07:00-11:00,13:30-16:30";

    private Task<CalendarDayRow?> RowAsync(DateOnly date) => QueryAsync(db => db.CalendarDays.AsNoTracking().SingleOrDefaultAsync(d => d.Date == date));

    private bool IsWorkingDay(DateOnly day) => App.Services.GetRequiredService<WorkingCalendar>().IsWorkingDay(day);

    [Fact]
    public async Task A_year_lists_its_days_off_with_kind_and_source_the_rules_holidays_its_working_days_and_the_office_hours()
    {
        using var mai = await SignedInAsync("admin");
        var page = await PageAsync(mai, $"{Page}?year=2026");
        Assert.Contains("<tr id=\"day-2026-01-10\" data-date=\"2026-01-10\" data-kind=\"MakeUpWorkingDay\" data-by-rule=\"false\" data-confirmed=\"true\">", page, StringComparison.Ordinal);
        Assert.Contains("Làm bù cho thứ Sáu 2/1", page, StringComparison.Ordinal);
        Assert.Contains("Công văn 12729/VPCP-KGVX (25/12/2025)", page, StringComparison.Ordinal);
        var tet = Row(page, "2026-02-17");
        Assert.Contains("Ngày lễ, Tết", tet, StringComparison.Ordinal);
        Assert.Contains("Thông báo 9441 của Bộ Nội vụ (16/10/2025)", tet, StringComparison.Ordinal);
        Assert.Contains("⚠ Chưa xác nhận: không áp dụng", Row(page, "2026-11-24"), StringComparison.Ordinal);

        // Giỗ Tổ falls on Sunday 26/4/2026: listed by rule, with the table's compensatory Monday.
        Assert.Contains("data-by-rule=\"true\"", Row(page, "2026-04-26"), StringComparison.Ordinal);
        Assert.Contains("Giỗ Tổ Hùng Vương", Row(page, "2026-04-26"), StringComparison.Ordinal);
        Assert.Contains("Nghỉ bù", Row(page, "2026-04-27"), StringComparison.Ordinal);

        var working = 0;
        for (var day = new DateOnly(2026, 1, 1); day.Year == 2026; day = day.AddDays(1))
        {
            working += IsWorkingDay(day) ? 1 : 0;
        }

        Assert.Contains($"Năm 2026 có {working} ngày làm việc;", page, StringComparison.Ordinal);
        Assert.Contains("<option value=\"2026\" selected=\"selected\">2026</option>", page, StringComparison.Ordinal);
        Assert.Contains("<option value=\"2024\">2024</option>", page, StringComparison.Ordinal);

        // Office hours: the default and Tuyên Quang's own, from configuration.
        Assert.Contains("<tr id=\"hours-national\" data-hours=\"07:30-11:30,13:30-17:00\" data-origin=\"Default\">", page, StringComparison.Ordinal);
        Assert.Contains("<tr id=\"hours-08\" data-hours=\"07:00-11:00,13:30-16:30\" data-origin=\"Configuration\">", page, StringComparison.Ordinal);
        Assert.Contains("13:30 – 16:30", Row(page, "hours-08", prefix: ""), StringComparison.Ordinal);
        Assert.Contains("Calendar:ProvinceOfficeHours:08", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entry_is_added_changed_and_removed_applying_at_once_and_a_refused_one_keeps_what_was_typed()
    {
        using var mai = await SignedInAsync("admin");
        var day = new DateOnly(2026, 12, 31);
        Assert.True(IsWorkingDay(day));
        Assert.Null(await RowAsync(day));

        var added = await PostAsync(mai, Page, $"{Page}?year=2026&handler=Save", ("date", "2026-12-31"), ("kind", "SwappedDayOff"),
            ("name", "Nghỉ hoán đổi cuối năm"), ("source", "Thông báo 1/TB-BNV"), ("confirmed", "true"));
        Assert.Equal("/admin/settings/calendar?year=2026", Location(added));
        var page = await FollowAsync(mai, added);
        Assert.Contains("Đã lưu ngày 31/12/2026.", page, StringComparison.Ordinal);
        Assert.Contains("Nghỉ hoán đổi cuối năm", Row(page, "2026-12-31"), StringComparison.Ordinal);
        var row = (await RowAsync(day))!;
        Assert.Equal((DayOffKind.SwappedDayOff, "Nghỉ hoán đổi cuối năm", "Thông báo 1/TB-BNV", true, "admin"), (row.Kind, row.Name, row.Source, row.Confirmed, row.UpdatedBy));
        Assert.False(IsWorkingDay(day));

        // The edit link fills the form; saving again changes the entry (unconfirmed: kept but not applied).
        var form = await PageAsync(mai, $"{Page}?year=2026&edit=2026-12-31");
        Assert.Contains("id=\"day-date\" name=\"date\" value=\"2026-12-31\"", form, StringComparison.Ordinal);
        Assert.Contains("<option value=\"SwappedDayOff\" selected=\"selected\">", form, StringComparison.Ordinal);
        await FollowAsync(mai, await PostAsync(mai, Page, $"{Page}?year=2026&handler=Save", ("date", "2026-12-31"), ("kind", "SwappedDayOff"),
            ("name", "Nghỉ hoán đổi, chờ thông báo"), ("source", "")));
        row = (await RowAsync(day))!;
        Assert.Equal(("Nghỉ hoán đổi, chờ thông báo", null, false), (row.Name, row.Source, row.Confirmed));
        Assert.True(IsWorkingDay(day));

        // A make-up working day on a Wednesday is refused; the form keeps what was typed and nothing is stored.
        var refused = await RenderedAsync(await PostAsync(mai, Page, $"{Page}?year=2026&handler=Save", ("date", "2026-12-30"), ("kind", "MakeUpWorkingDay"),
            ("name", "Làm bù <thử>"), ("source", "TB 2"), ("confirmed", "true")));
        Assert.Contains("2026-12-30: a make-up working day (làm bù) is a Saturday or Sunday, not a Wednesday", refused, StringComparison.Ordinal);
        Assert.Contains("id=\"day-date\" name=\"date\" value=\"2026-12-30\"", refused, StringComparison.Ordinal);
        Assert.Contains("<option value=\"MakeUpWorkingDay\" selected=\"selected\">", refused, StringComparison.Ordinal);
        Assert.Contains("value=\"Làm bù &lt;thử&gt;\"", refused, StringComparison.Ordinal);
        Assert.Null(await RowAsync(new DateOnly(2026, 12, 30)));
        Assert.Contains("is not a date", await RenderedAsync(await PostAsync(mai, Page, $"{Page}?handler=Save", ("date", "31/12/2026"), ("kind", "Holiday"), ("name", "x"))),
            StringComparison.Ordinal);

        var removed = await PostAsync(mai, Page, $"{Page}?year=2026&handler=Remove", ("date", "2026-12-31"));
        Assert.Contains("Đã xoá ngày 31/12/2026 khỏi bảng.", await FollowAsync(mai, removed), StringComparison.Ordinal);
        Assert.Null(await RowAsync(day));
        Assert.Contains("The table has no entry for 2026-12-31.", await FollowAsync(mai, await PostAsync(mai, Page, $"{Page}?year=2026&handler=Remove", ("date", "2026-12-31"))),
            StringComparison.Ordinal);

        var audit = await QueryAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Subject == "calendar/2026-12-31").OrderBy(a => a.Sequence).Select(a => a.Actor + " " + a.Action).ToListAsync());
        Assert.Equal(["admin calendar.day-set", "admin calendar.day-set", "admin calendar.day-removed"], audit);
    }

    [Fact]
    public async Task The_days_off_file_is_exported_and_imported_and_a_bad_file_changes_nothing()
    {
        using var mai = await SignedInAsync("admin");
        var export = await mai.GetAsync($"{Page}?handler=Export&year=2026");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("days-off-2026.json", export.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var file = JsonSerializer.Deserialize<CalendarFile>(await export.Content.ReadAsStringAsync(), CalendarFile.Json)!;
        Assert.Equal(await QueryAsync(db => db.CalendarDays.CountAsync(d => d.Date >= new DateOnly(2026, 1, 1) && d.Date <= new DateOnly(2026, 12, 31))), file.Entries.Count);
        Assert.Contains(file.Entries, e => e.Date == new DateOnly(2026, 1, 10) && e.Kind == DayOffKind.MakeUpWorkingDay);

        var before2027 = await QueryAsync(db => db.CalendarDays.AsNoTracking().Where(d => d.Date >= new DateOnly(2027, 1, 1) && d.Date <= new DateOnly(2027, 12, 31)).OrderBy(d => d.Date).Select(d => d.Date).ToListAsync());
        Assert.NotEmpty(before2027);

        // One bad entry refuses the whole file; a file that is not JSON is refused too.
        var bad = await RenderedAsync(await ImportAsync(mai, """{"entries": [{"date": "2027-02-05", "kind": "Holiday", "name": "Tết"}, {"date": "2027-02-03", "kind": "MakeUpWorkingDay", "name": "Làm bù"}]}"""));
        Assert.Contains("2027-02-03: a make-up working day (làm bù) is a Saturday or Sunday", bad, StringComparison.Ordinal);
        Assert.Contains("is not a days-off file", await RenderedAsync(await ImportAsync(mai, "ngày nghỉ 2027")), StringComparison.Ordinal);
        Assert.Equal(before2027, await QueryAsync(db => db.CalendarDays.AsNoTracking().Where(d => d.Date >= new DateOnly(2027, 1, 1) && d.Date <= new DateOnly(2027, 12, 31)).OrderBy(d => d.Date).Select(d => d.Date).ToListAsync()));

        var imported = await ImportAsync(mai, """{"entries": [{"date": "2027-02-05", "kind": "Holiday", "name": "Tết Âm lịch (29 Chạp)", "source": "Thông báo thử", "confirmed": true}]}""");
        Assert.Contains("Đã nhập tệp lịch nghỉ, thay các dòng của năm 2027.", await FollowAsync(mai, imported), StringComparison.Ordinal);
        var after = await QueryAsync(db => db.CalendarDays.AsNoTracking().Where(d => d.Date >= new DateOnly(2027, 1, 1) && d.Date <= new DateOnly(2027, 12, 31)).ToListAsync());
        Assert.Equal((new DateOnly(2027, 2, 5), "Thông báo thử", "admin"), (Assert.Single(after).Date, after[0].Source, after[0].UpdatedBy));
        Assert.False(IsWorkingDay(new DateOnly(2027, 2, 5)));
        Assert.Contains("admin calendar.imported", await QueryAsync(db => db.AuditEntries.AsNoTracking().Select(a => a.Actor + " " + a.Action).ToListAsync()));
    }

    [Fact]
    public async Task A_provinces_administrator_reads_the_national_calendar_and_changes_nothing()
    {
        using var qt = await SignedInAsync("qt.08");
        var page = await PageAsync(qt, $"{Page}?year=2026");
        Assert.Contains("id=\"day-2026-01-10\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"day-form\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"import-form\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"remove-", page, StringComparison.Ordinal);
        Assert.Contains("id=\"export-year\"", page, StringComparison.Ordinal);

        var save = await PostAsync(qt, Page, $"{Page}?handler=Save", ("date", "2026-12-31"), ("kind", "SwappedDayOff"), ("name", "x"), ("confirmed", "true"));
        Assert.Equal(HttpStatusCode.Forbidden, save.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(qt, Page, $"{Page}?handler=Remove", ("date", "2026-01-10"))).StatusCode);
        Assert.Null(await RowAsync(new DateOnly(2026, 12, 31)));
        Assert.NotNull(await RowAsync(new DateOnly(2026, 1, 10)));
    }

    private static async Task<HttpResponseMessage> ImportAsync(HttpClient client, string json)
    {
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Add(file, "file", "days-off-2027.json");
        content.Add(new StringContent(await PageForms.TokenAsync(client, Page)), "__RequestVerificationToken");
        return await client.PostAsync($"{Page}?year=2027&handler=Import", content);
    }

    /// <summary>The row of a date (or of another id) in the page.</summary>
    private static string Row(string page, string id, string prefix = "day-")
    {
        var start = page.IndexOf($"<tr id=\"{prefix}{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no row {prefix}{id}");
        return page[start..page.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task The_national_office_hours_are_set_from_a_decision_a_refused_form_keeps_what_was_typed_and_removing_them_restores_configuration()
    {
        using var mai = await SignedInAsync("admin");
        var refused = await RenderedAsync(await PostAsync(mai, Page, HoursAction, ("province", ""), ("morningStart", "07:00"), ("morningEnd", "11:00"),
            ("afternoonStart", "10:00"), ("afternoonEnd", "16:00"), ("source", "Quyết định 5/QĐ-UBND")));
        Assert.Contains("are not office hours", refused, StringComparison.Ordinal);
        Assert.Contains("id=\"hours-afternoon-start\" name=\"afternoonStart\" value=\"10:00\"", refused, StringComparison.Ordinal);
        Assert.Contains("value=\"Quyết định 5/QĐ-UBND\"", refused, StringComparison.Ordinal);
        var unsourced = await RenderedAsync(await PostAsync(mai, Page, HoursAction, ("province", ""), ("morningStart", "07:00"), ("morningEnd", "11:00"),
            ("afternoonStart", "13:00"), ("afternoonEnd", "16:00"), ("source", "")));
        Assert.Contains("name the decision", unsourced, StringComparison.Ordinal);
        Assert.False(await QueryAsync(db => db.OfficeHours.AnyAsync()));
        Assert.Equal(new TimeOnly(17, 0), App.Services.GetRequiredService<WorkingCalendar>().CloseOfBusiness);

        var saved = await PostAsync(mai, Page, HoursAction, ("province", ""), ("morningStart", "07:00"), ("morningEnd", "11:00"),
            ("afternoonStart", "13:00"), ("afternoonEnd", "16:00"), ("source", "Quyết định 5/QĐ-UBND"));
        var page = await FollowAsync(mai, saved);
        Assert.Contains("Đã đặt giờ làm việc 07:00-11:00,13:00-16:00.", page, StringComparison.Ordinal);
        var national = Row(page, "hours-national", prefix: "");
        Assert.Contains("data-origin=\"Settings\"", national, StringComparison.Ordinal);
        Assert.Contains("Quyết định 5/QĐ-UBND", national, StringComparison.Ordinal);
        Assert.Contains("13:00 – 16:00", national, StringComparison.Ordinal);
        Assert.Equal(new TimeOnly(16, 0), App.Services.GetRequiredService<WorkingCalendar>().CloseOfBusiness);

        // Tuyên Quang keeps its configured hours; a province without its own follows the new national ones.
        var engine = App.Services.GetRequiredService<Engine.Runtime.WorkflowEngine>();
        Assert.Equal(new TimeOnly(16, 30), engine.CalendarForProvince("08").CloseOfBusiness);
        Assert.Equal(new TimeOnly(16, 0), engine.CalendarForProvince("01").CloseOfBusiness);

        var cleared = await FollowAsync(mai, await PostAsync(mai, Page, Page + "?handler=ClearOfficeHours", ("province", "")));
        Assert.Contains("data-origin=\"Default\"", Row(cleared, "hours-national", prefix: ""), StringComparison.Ordinal);
        Assert.Equal(new TimeOnly(17, 0), engine.Calendar.CloseOfBusiness);
        Assert.Equal(2, await QueryAsync(db => db.AuditEntries.CountAsync(a => a.Subject == "calendar/office-hours" && a.Actor == "admin")));
    }

    [Fact]
    public async Task A_provinces_administrator_sets_that_provinces_office_hours_only()
    {
        using var qt = await SignedInAsync("qt.08");
        var page = await PageAsync(qt, $"{Page}?hoursFor=08");
        Assert.Contains("<option value=\"08\" selected=\"selected\">", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<option value=\"\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"hours-afternoon-end\" name=\"afternoonEnd\" value=\"16:30\"", page, StringComparison.Ordinal);

        (string, string)[] Hours(string province) => [("province", province), ("morningStart", "07:00"), ("morningEnd", "11:30"),
            ("afternoonStart", "13:00"), ("afternoonEnd", "16:00"), ("source", "Quyết định 12/QĐ-UBND tỉnh Tuyên Quang")];
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(qt, Page, HoursAction, Hours(""))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(qt, Page, HoursAction, Hours("01"))).StatusCode);
        Assert.False(await QueryAsync(db => db.OfficeHours.AnyAsync()));

        var own = Row(await FollowAsync(qt, await PostAsync(qt, Page, HoursAction, Hours("08"))), "hours-08", prefix: "");
        Assert.Contains("data-hours=\"07:00-11:30,13:00-16:00\" data-origin=\"Settings\"", own, StringComparison.Ordinal);
        Assert.Contains(Html("Cấu hình máy chủ: 07:00-11:00,13:30-16:30"), own, StringComparison.Ordinal);
        Assert.Equal(new TimeOnly(16, 0), App.Services.GetRequiredService<Engine.Runtime.WorkflowEngine>().CalendarForProvince("08").CloseOfBusiness);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(qt, Page, Page + "?handler=ClearOfficeHours", ("province", ""))).StatusCode);

        var back = Row(await FollowAsync(qt, await PostAsync(qt, Page, Page + "?handler=ClearOfficeHours", ("province", "08"))), "hours-08", prefix: "");
        Assert.Contains("data-hours=\"07:00-11:00,13:30-16:30\" data-origin=\"Configuration\"", back, StringComparison.Ordinal);
    }
}
