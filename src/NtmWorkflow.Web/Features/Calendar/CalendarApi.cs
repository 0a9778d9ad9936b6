using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Infrastructure;

namespace NtmWorkflow.Web.Features.Calendar;

public sealed record CalendarDayRequest(DayOffKind? Kind, string? Name, string? Source, bool? Confirmed, string? Actor);

/// <summary>Office hours to set: <c>hours</c> as 07:30-11:30,13:30-17:00, the decision in <c>source</c>.</summary>
public sealed record OfficeHoursRequest(string? Hours, string? Source, string? Actor);

/// <summary>
/// The days-off table for administrators (the screen comes with the administrators' issue): list, set or
/// remove one date, import or export a whole file. Changes apply to deadlines computed from then on.
/// </summary>
public static class CalendarApi
{
    public static IEndpointRouteBuilder MapCalendarApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/calendar").RequireApiKey().WithTags("Calendar");
        api.MapGet("/days-off", List).WithSummary("The days-off table (lịch nghỉ), of one year when ?year= is given");
        api.MapPut("/days-off/{date}", Put).WithSummary("Sets the entry of a date (yyyy-MM-dd)");
        api.MapDelete("/days-off/{date}", Delete).WithSummary("Removes the entry of a date");
        api.MapGet("/export", Export).WithSummary("The table (or one year of it) as a days-off file");
        api.MapPost("/import", Import).RequireRateLimiting(NtmWorkflow.Web.Infrastructure.RateLimits.Uploads).WithSummary("Replaces the years a days-off file covers with its entries");
        api.MapGet("/working-days", WorkingDays).WithSummary("Whether each day from ?from= to ?to= (at most a year) is a working day");
        api.MapGet("/office-hours", OfficeHoursList).WithSummary("The national office hours and every province's own, with where they come from");
        api.MapPut("/office-hours/{scope}", PutOfficeHours).WithSummary("Sets the national office hours (scope 'national') or a province's own (scope = its code)");
        api.MapDelete("/office-hours/{scope}", DeleteOfficeHours).WithSummary("Removes the office hours set for a scope: the configured ones apply again");
        return app;
    }

    public static async Task<Ok<List<CalendarDayRow>>> List(int? year, CalendarService calendar, CancellationToken ct) =>
        TypedResults.Ok(await calendar.ListAsync(year, ct));

    public static async Task<Results<Ok<CalendarDayRow>, ProblemHttpResult>> Put(string date, CalendarDayRequest request, CalendarService calendar, CancellationToken ct)
    {
        if (!TryDate(date, out var day))
        {
            return BadRequest($"'{date}' is not a date as yyyy-MM-dd.");
        }

        if (request.Kind is null)
        {
            return BadRequest("kind is required: Holiday, CompensatoryDay, SwappedDayOff or MakeUpWorkingDay.");
        }

        try
        {
            return TypedResults.Ok(await calendar.SaveAsync(new DayOffEntry(day, request.Kind.Value, request.Name ?? "", request.Source, request.Confirmed ?? true), request.Actor, ct));
        }
        catch (CalendarException e)
        {
            return BadRequest(e.Message);
        }
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(string date, CalendarService calendar, CancellationToken ct)
    {
        if (!TryDate(date, out var day))
        {
            return BadRequest($"'{date}' is not a date as yyyy-MM-dd.");
        }

        return await calendar.DeleteAsync(day, null, ct) ? TypedResults.NoContent() : TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"The table has no entry for {date}.");
    }

    public static async Task<FileContentHttpResult> Export(int? year, CalendarService calendar, CancellationToken ct)
    {
        var file = await calendar.ExportAsync(year, ct);
        return TypedResults.File(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(file, CalendarFile.Json), "application/json", $"days-off{(year is null ? "" : "-" + year)}.json");
    }

    public static async Task<Results<Ok<object>, ProblemHttpResult>> Import(CalendarFile file, string? actor, CalendarService calendar, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok<object>(new { years = await calendar.ImportAsync(file, actor, ct), entries = file.Entries.Count });
        }
        catch (CalendarException e)
        {
            return BadRequest(e.Message);
        }
    }

    public static Results<Ok<List<object>>, ProblemHttpResult> WorkingDays(string from, string to, LiveWorkingDays calendar)
    {
        if (!TryDate(from, out var first) || !TryDate(to, out var last) || last < first || last.DayNumber - first.DayNumber > 366)
        {
            return BadRequest("from and to are dates as yyyy-MM-dd, from ≤ to, at most a year apart.");
        }

        var days = new List<object>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            days.Add(new { date = day, working = calendar.IsWorkingDay(day) });
        }

        return TypedResults.Ok(days);
    }

    public static Ok<List<object>> OfficeHoursList(LiveOfficeHours officeHours) =>
        TypedResults.Ok<List<object>>([.. officeHours.Lines().Select(l => (object)new
        {
            scope = l.ProvinceCode ?? National, hours = l.Hours.ToString(), origin = l.Origin.ToString(), l.Source, configured = l.Configured?.ToString(), l.UpdatedAt, l.UpdatedBy,
        })]);

    public static async Task<Results<Ok<OfficeHoursRow>, ProblemHttpResult>> PutOfficeHours(string scope, OfficeHoursRequest request, CalendarService calendar, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await calendar.SetOfficeHoursAsync(Province(scope), request.Hours, request.Source, request.Actor ?? "api", ct));
        }
        catch (CalendarException e)
        {
            return TypedResults.Problem(statusCode: 400, title: "The office hours were refused", detail: e.Message);
        }
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteOfficeHours(string scope, string? actor, CalendarService calendar, CancellationToken ct) =>
        await calendar.ClearOfficeHoursAsync(Province(scope), actor ?? "api", ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"No office hours were set for {scope}; the configured ones apply.");

    private const string National = "national";

    private static string? Province(string scope) => string.Equals(scope, National, StringComparison.OrdinalIgnoreCase) ? null : scope;

    private static bool TryDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static ProblemHttpResult BadRequest(string detail) => TypedResults.Problem(statusCode: 400, title: "The calendar entry was refused", detail: detail);
}
