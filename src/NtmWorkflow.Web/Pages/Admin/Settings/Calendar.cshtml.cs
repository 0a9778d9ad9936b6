using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Calendar;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Admin.Settings;

/// <summary>A line of the year's list: a row of the table, or a holiday the Labour Code fixes that no row documents.</summary>
public sealed record CalendarLine(DateOnly Date, DayOffKind Kind, string Name, string? Source, bool Confirmed, bool ByRule, DateTimeOffset? UpdatedAt, string? UpdatedBy);

/// <summary>What the refused entry form held, shown again in it.</summary>
public sealed record CalendarAttempt(string? Date, DayOffKind? Kind, string? Name, string? Source, bool Confirmed);

/// <summary>What the office hours form holds: the refused attempt, or the hours of the scope being changed. Province empty: national.</summary>
public sealed record OfficeHoursAttempt(string? Province, string? MorningStart, string? MorningEnd, string? AfternoonStart, string? AfternoonEnd, string? Source);

/// <summary>
/// Lịch làm việc: a year's days off and make-up working days with their kind and source (the Labour Code's holidays
/// computed by rule are listed too), the working days the year has, adding, changing and removing an entry, importing
/// and exporting the days-off file, and the office hours deadlines count with. The table is national: national
/// administrators change it, administrators of a province read it. Office hours come from the server's configuration
/// unless set here: the national ones by a national administrator, a province's own by its administrators too.
/// </summary>
[Authorize]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(NtmWorkflow.Web.Infrastructure.RateLimits.Uploads)]
[NtmWorkflow.Web.Infrastructure.UploadHandlers("Import")]
public sealed class CalendarModel(CalendarService calendar, LiveOfficeHours officeHours, AppDbContext db, TimeProvider clock,
    OrganisationService organisation) : SettingsPageModel(organisation)
{
    /// <summary>The largest days-off file taken.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    /// <summary>The date whose entry the form is filled with (yyyy-MM-dd).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Edit { get; set; }

    public int ShownYear => Year ?? VietnamTime.VietnamDate(clock.GetUtcNow()).Year;

    public IReadOnlyList<int> Years { get; private set; } = [];

    public IReadOnlyList<CalendarLine> Lines { get; private set; } = [];

    public int WorkingDays { get; private set; }

    public int WeekdaysOff { get; private set; }

    /// <summary>What the entry form shows: the refused attempt, the entry being changed, or an empty one.</summary>
    public CalendarAttempt Form { get; private set; } = new(null, null, null, null, true);

    /// <summary>The scope whose office hours the form is filled with ("national" or a province code).</summary>
    [BindProperty(SupportsGet = true)]
    public string? HoursFor { get; set; }

    /// <summary>The national office hours and every province's own, as they apply now, with where they come from.</summary>
    public IReadOnlyList<OfficeHoursLine> Hours { get; private set; } = [];

    /// <summary>Province names by code (provinces in force).</summary>
    public IReadOnlyDictionary<string, string> ProvinceNames { get; private set; } = new Dictionary<string, string>();

    /// <summary>The scopes whose office hours the official may set: national ("") for a national administrator, and the provinces they administer.</summary>
    public IReadOnlyList<ProvinceChoice> HoursScopes { get; private set; } = [];

    public OfficeHoursAttempt HoursForm { get; private set; } = new(null, null, null, null, null, null);

    /// <summary>True when the official may set or clear the office hours of the scope (null: national).</summary>
    public bool MaySetHours(string? province) => Official.Administers(province);

    public async Task<IActionResult> OnGetAsync() => await SignedInAsync() ? await ShowAsync() : Forbidden();

    /// <summary>The days-off file of the year shown, or of every year.</summary>
    public async Task<IActionResult> OnGetExportAsync(bool all)
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        var file = await calendar.ExportAsync(all ? null : ShownYear, HttpContext.RequestAborted);
        return File(JsonSerializer.SerializeToUtf8Bytes(file, CalendarFile.Json), "application/json", all ? "days-off.json" : $"days-off-{ShownYear}.json");
    }

    /// <summary>Adds the entry of a date, or changes it when the date has one.</summary>
    public async Task<IActionResult> OnPostSaveAsync(string? date, DayOffKind? kind, string? name, string? source, bool confirmed)
    {
        if (!await SignedInAsync() || !IsNational)
        {
            return Forbidden();
        }

        var attempt = new CalendarAttempt(date, kind, name, source, confirmed);
        try
        {
            var day = Day(date) ?? throw new CalendarException($"'{date}' is not a date.");
            var entry = new DayOffEntry(day, kind ?? throw new CalendarException($"{day:yyyy-MM-dd}: choose what the day is (a holiday, a day off, a make-up working day)."),
                name?.Trim() ?? "", source, confirmed);
            await calendar.SaveAsync(entry, Official.UserName, HttpContext.RequestAborted);
            Notice = "DaySaved";
            NoticeDetail = day.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
            return RedirectToPage(new { year = day.Year });
        }
        catch (CalendarException e)
        {
            Refusal = e.Message;
            Form = attempt;
            if (Day(date) is { } shown)
            {
                Year = shown.Year;
            }

            return await ShowAsync();
        }
    }

    public async Task<IActionResult> OnPostRemoveAsync(string? date)
    {
        if (!await SignedInAsync() || !IsNational)
        {
            return Forbidden();
        }

        if (Day(date) is { } day && await calendar.DeleteAsync(day, Official.UserName, HttpContext.RequestAborted))
        {
            Notice = "DayRemoved";
            NoticeDetail = day.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
        }
        else
        {
            Problem = $"The table has no entry for {date}.";
        }

        return RedirectToPage(new { year = ShownYear });
    }

    /// <summary>Replaces the years a days-off file covers with its entries; one bad entry refuses the whole file.</summary>
    public async Task<IActionResult> OnPostImportAsync(IFormFile? file)
    {
        if (!await SignedInAsync() || !IsNational)
        {
            return Forbidden();
        }

        try
        {
            if (file is null || file.Length == 0)
            {
                throw new CalendarException("choose a days-off file (.json) to import");
            }

            if (file.Length > MaxFileBytes)
            {
                throw new CalendarException($"the file is larger than {MaxFileBytes / 1024} KB");
            }

            CalendarFile? read;
            try
            {
                await using var stream = file.OpenReadStream();
                read = await JsonSerializer.DeserializeAsync<CalendarFile>(stream, CalendarFile.Json, HttpContext.RequestAborted);
            }
            catch (JsonException e)
            {
                throw new CalendarException($"{file.FileName} is not a days-off file ({{\"entries\": [{{\"date\", \"kind\", \"name\", \"source\", \"confirmed\"}}]}}): {e.Message}");
            }

            var years = await calendar.ImportAsync(read ?? new CalendarFile([]), Official.UserName, HttpContext.RequestAborted);
            Notice = "Imported";
            NoticeDetail = string.Join(", ", years);
            return RedirectToPage(new { year = years.Contains(ShownYear) ? ShownYear : years[0] });
        }
        catch (CalendarException e)
        {
            Refusal = e.Message;
            return await ShowAsync();
        }
    }

    /// <summary>Sets the national office hours (province empty) or a province's own, from the decision named.</summary>
    public async Task<IActionResult> OnPostOfficeHoursAsync(string? province, string? morningStart, string? morningEnd, string? afternoonStart, string? afternoonEnd, string? source)
    {
        var scope = string.IsNullOrWhiteSpace(province) ? null : province.Trim();
        if (!await SignedInAsync() || !MaySetHours(scope))
        {
            return Forbidden();
        }

        try
        {
            var row = await calendar.SetOfficeHoursAsync(scope, $"{morningStart}-{morningEnd},{afternoonStart}-{afternoonEnd}", source, Official.UserName, HttpContext.RequestAborted);
            Notice = "OfficeHoursSet";
            NoticeDetail = row.Hours;
            return RedirectToPage(null, null, new { year = Year }, "office-hours");
        }
        catch (CalendarException e)
        {
            Refusal = e.Message;
            HoursForm = new OfficeHoursAttempt(scope, morningStart, morningEnd, afternoonStart, afternoonEnd, source);
            return await ShowAsync();
        }
    }

    /// <summary>Removes the office hours set here for a scope: the configured ones apply again.</summary>
    public async Task<IActionResult> OnPostClearOfficeHoursAsync(string? province)
    {
        var scope = string.IsNullOrWhiteSpace(province) ? null : province.Trim();
        if (!await SignedInAsync() || !MaySetHours(scope))
        {
            return Forbidden();
        }

        if (await calendar.ClearOfficeHoursAsync(scope, Official.UserName, HttpContext.RequestAborted))
        {
            Notice = "OfficeHoursCleared";
            NoticeDetail = scope ?? "";
        }
        else
        {
            Problem = $"No office hours were set here for {scope ?? "the whole country"}.";
        }

        return RedirectToPage(null, null, new { year = Year }, "office-hours");
    }

    private async Task<IActionResult> ShowAsync()
    {
        var year = ShownYear;
        if (year is < 2000 or > 2100)
        {
            Year = year = VietnamTime.VietnamDate(clock.GetUtcNow()).Year;
        }

        var all = await calendar.ListAsync(null, HttpContext.RequestAborted);
        var own = all.Where(r => r.Date.Year == year).ToList();

        // The year as the engine counts it (rows of every year, so a compensatory day across New Year is right); the
        // holidays the Labour Code fixes and their compensatory days are listed where no row documents them.
        var days = new VietnameseWorkingDays(all.Select(r => r.ToEntry()));
        var statutory = VietnameseWorkingDays.StatutoryHolidays(year);
        var byRule = statutory.Where(h => own.All(r => r.Date != h.Date)).Select(h => new CalendarLine(h.Date, h.Kind, h.Name, h.Source, true, true, null, null))
            .Concat(days.DaysOff(year).Where(d => own.All(r => r.Date != d) && statutory.All(h => h.Date != d))
                .Select(d => new CalendarLine(d, DayOffKind.CompensatoryDay, "Nghỉ bù ngày lễ trùng ngày nghỉ hằng tuần", "Bộ luật Lao động 2019, Điều 111", true, true, null, null)));
        Lines = [.. own.Select(r => new CalendarLine(r.Date, r.Kind, r.Name, r.Source, r.Confirmed, false, r.UpdatedAt, r.UpdatedBy)).Concat(byRule).OrderBy(l => l.Date)];
        Years = [.. all.Select(r => r.Date.Year).Append(year - 1).Append(year).Append(year + 1).Append(VietnamTime.VietnamDate(clock.GetUtcNow()).Year).Distinct().Order()];
        for (var day = new DateOnly(year, 1, 1); day.Year == year; day = day.AddDays(1))
        {
            var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var isWorking = days.IsWorkingDay(day);
            WorkingDays += isWorking ? 1 : 0;
            WeekdaysOff += !weekend && !isWorking ? 1 : 0;
        }

        if (Form.Date is null && Day(Edit) is { } editing && own.FirstOrDefault(r => r.Date == editing) is { } row)
        {
            Form = new CalendarAttempt(row.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), row.Kind, row.Name, row.Source, row.Confirmed);
        }

        ProvinceNames = (await db.AdministrativeUnits.AsNoTracking().Where(u => u.Level == AdministrativeLevel.Province && u.ValidTo == null)
            .Select(u => new { u.Code, u.Name }).ToListAsync(HttpContext.RequestAborted)).ToDictionary(p => p.Code, p => p.Name, StringComparer.Ordinal);
        Hours = officeHours.Lines();
        var provinces = await ProvincesAsync(db, Official, HttpContext.RequestAborted);
        HoursScopes = IsNational ? [new ProvinceChoice("", ""), .. provinces] : provinces;
        if (HoursForm.Source is null && HoursForm.MorningStart is null && HoursScopes.Count > 0)
        {
            // The form starts from the hours of the scope asked for (or the first the official may set), as they apply now.
            var scope = HoursFor is { Length: > 0 } asked && asked != "national" && HoursScopes.Any(p => p.Code == asked) ? asked
                : HoursFor == "national" && IsNational ? "" : HoursScopes[0].Code;
            var current = Hours.FirstOrDefault(l => (l.ProvinceCode ?? "") == scope);
            var hours = current?.Hours ?? officeHours.OfProvince(scope.Length == 0 ? null : scope);
            static string Text(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);
            HoursForm = new OfficeHoursAttempt(scope, Text(hours.MorningStart), Text(hours.MorningEnd), Text(hours.AfternoonStart), Text(hours.AfternoonEnd),
                current?.Origin == OfficeHoursOrigin.Settings ? current.Source : null);
        }

        return Page();
    }
}
