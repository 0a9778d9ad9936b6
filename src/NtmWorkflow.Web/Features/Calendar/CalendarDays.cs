using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Calendar;

/// <summary>
/// One entry of the yearly days-off table (lịch nghỉ): a Tết day, the extra Quốc khánh day, a swapped day
/// off, a make-up Saturday, each with the notice it comes from. The Labour Code's holidays and their
/// compensatory days are computed by rule; rows for them only document or override.
/// </summary>
public sealed class CalendarDayRow
{
    public DateOnly Date { get; set; }

    public DayOffKind Kind { get; set; }

    public required string Name { get; set; }

    /// <summary>The decision or notice number (e.g. "Thông báo 6150/TB-BLĐTBXH"), or the article of law.</summary>
    public string? Source { get; set; }

    /// <summary>Unconfirmed entries are kept and shown, but not applied.</summary>
    public bool Confirmed { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }

    public DayOffEntry ToEntry() => new(Date, Kind, Name, Source, Confirmed);
}

/// <summary>The days-off file format (import, export, and the shipped table): <c>{"entries": [{date, kind, name, source, confirmed}]}</c>.</summary>
public sealed record CalendarFile(List<DayOffEntry> Entries)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>
/// The working days the engine counts with, backed by the days-off table in the database. The engine
/// asks on every deadline, so the table is held in memory and swapped whole when it changes (on this
/// node at once; other nodes reload every <c>Calendar:ReloadMinutes</c>).
/// </summary>
public sealed class LiveWorkingDays : IWorkingDays
{
    private volatile VietnameseWorkingDays _current = new(OfficialCalendar.ShippedTable);

    public bool IsWorkingDay(DateOnly day) => _current.IsWorkingDay(day);

    public void Replace(IEnumerable<DayOffEntry> table) => _current = new VietnameseWorkingDays(table);
}

/// <summary>
/// Reads, edits, imports and exports the days-off table, and sets office hours; every change reloads
/// <see cref="LiveWorkingDays"/> and <see cref="LiveOfficeHours"/>.
/// </summary>
public sealed class CalendarService(AppDbContext db, LiveWorkingDays workingDays, LiveOfficeHours officeHours, TimeProvider clock)
{
    /// <summary>Rows, by date; of one year when given.</summary>
    public async Task<List<CalendarDayRow>> ListAsync(int? year, CancellationToken cancellationToken)
    {
        var query = db.CalendarDays.AsNoTracking();
        if (year is { } y)
        {
            query = query.Where(d => d.Date >= new DateOnly(y, 1, 1) && d.Date <= new DateOnly(y, 12, 31));
        }

        return await query.OrderBy(d => d.Date).ToListAsync(cancellationToken);
    }

    /// <summary>Checks an entry; null when it may be stored, else why not.</summary>
    public static string? Check(DayOffEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (string.IsNullOrWhiteSpace(entry.Name) || entry.Name.Length > 200)
        {
            return $"{entry.Date:yyyy-MM-dd}: a name of 1 to 200 characters is required";
        }

        if (entry.Source is { Length: > 300 })
        {
            return $"{entry.Date:yyyy-MM-dd}: the source is longer than 300 characters";
        }

        if (!Enum.IsDefined(entry.Kind))
        {
            return $"{entry.Date:yyyy-MM-dd}: unknown kind {entry.Kind}";
        }

        if (entry.Date.Year is < 2000 or > 2100)
        {
            return $"{entry.Date:yyyy-MM-dd}: the year must be between 2000 and 2100";
        }

        var weekend = entry.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        return entry.Kind switch
        {
            DayOffKind.MakeUpWorkingDay when !weekend => $"{entry.Date:yyyy-MM-dd}: a make-up working day (làm bù) is a Saturday or Sunday, not a {entry.Date.DayOfWeek}",
            DayOffKind.CompensatoryDay or DayOffKind.SwappedDayOff when weekend => $"{entry.Date:yyyy-MM-dd}: a {entry.Kind} falls on a weekday, not a {entry.Date.DayOfWeek}",
            _ => null,
        };
    }

    /// <summary>Adds or replaces the entry of a date.</summary>
    public async Task<CalendarDayRow> SaveAsync(DayOffEntry entry, string? actor, CancellationToken cancellationToken)
    {
        if (Check(entry) is { } problem)
        {
            throw new CalendarException(problem);
        }

        var row = await db.CalendarDays.SingleOrDefaultAsync(d => d.Date == entry.Date, cancellationToken);
        var before = row is null ? null : new { row.Kind, row.Name, row.Source, row.Confirmed };
        if (row is null)
        {
            row = new CalendarDayRow { Date = entry.Date, Name = entry.Name };
            db.CalendarDays.Add(row);
        }

        Apply(row, entry, actor);
        Audit.AuditTrail.Record(db, actor ?? "api", "calendar.day-set", $"calendar/{entry.Date:yyyy-MM-dd}",
            new { date = entry.Date, before, after = new { row.Kind, row.Name, row.Source, row.Confirmed } });
        await db.SaveChangesAsync(cancellationToken);
        await ReloadAsync(cancellationToken);
        return row;
    }

    /// <summary>Removes the entry of a date; false when there was none.</summary>
    public async Task<bool> DeleteAsync(DateOnly date, string? actor, CancellationToken cancellationToken)
    {
        var row = await db.CalendarDays.SingleOrDefaultAsync(d => d.Date == date, cancellationToken);
        if (row is not null)
        {
            db.CalendarDays.Remove(row);
            Audit.AuditTrail.Record(db, actor ?? "api", "calendar.day-removed", $"calendar/{date:yyyy-MM-dd}", new { date, row.Kind, row.Name, row.Source, row.Confirmed });
            await db.SaveChangesAsync(cancellationToken);
        }

        await ReloadAsync(cancellationToken);
        return row is not null;
    }

    /// <summary>
    /// Imports a days-off file: every entry is checked first (one bad entry refuses the whole file);
    /// then, for each year the file covers, that year's rows are replaced by the file's. Returns the years replaced.
    /// </summary>
    public async Task<IReadOnlyList<int>> ImportAsync(CalendarFile file, string? actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Entries is null || file.Entries.Count == 0)
        {
            throw new CalendarException("the file has no entries");
        }

        var problems = file.Entries.Select(Check).OfType<string>().ToList();
        if (file.Entries.GroupBy(e => e.Date).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            problems.Add($"{twice.Key:yyyy-MM-dd} appears {twice.Count()} times");
        }

        if (problems.Count > 0)
        {
            throw new CalendarException(string.Join("; ", problems.Take(20)));
        }

        var years = file.Entries.Select(e => e.Date.Year).Distinct().Order().ToList();

        // One transaction, run by the execution strategy (PostgreSQL's retries on a dropped connection); each try starts clean.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            foreach (var year in years)
            {
                await db.CalendarDays.Where(d => d.Date >= new DateOnly(year, 1, 1) && d.Date <= new DateOnly(year, 12, 31)).ExecuteDeleteAsync(token);
            }

            foreach (var entry in file.Entries)
            {
                var row = new CalendarDayRow { Date = entry.Date, Name = entry.Name };
                Apply(row, entry, actor);
                db.CalendarDays.Add(row);
            }

            Audit.AuditTrail.Record(db, actor ?? "api", "calendar.imported", "calendar", new { years, entries = file.Entries.Count });
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
        }, cancellationToken);

        await ReloadAsync(cancellationToken);
        return years;
    }

    public async Task<CalendarFile> ExportAsync(int? year, CancellationToken cancellationToken) =>
        new([.. (await ListAsync(year, cancellationToken)).Select(r => r.ToEntry())]);

    /// <summary>Seeds the shipped table into an empty database.</summary>
    public async Task SeedIfEmptyAsync(CancellationToken cancellationToken)
    {
        if (!await db.CalendarDays.AnyAsync(cancellationToken))
        {
            foreach (var entry in OfficialCalendar.ShippedTable)
            {
                var row = new CalendarDayRow { Date = entry.Date, Name = entry.Name };
                Apply(row, entry, "seed");
                db.CalendarDays.Add(row);
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        await ReloadAsync(cancellationToken);
    }

    /// <summary>
    /// Sets the national office hours (<paramref name="provinceCode"/> null or empty) or a province's own, from the
    /// decision named in <paramref name="source"/>. Deadlines set from now on count with them.
    /// </summary>
    public async Task<OfficeHoursRow> SetOfficeHoursAsync(string? provinceCode, string? hours, string? source, string actor, CancellationToken cancellationToken)
    {
        var code = await OfficeHoursScopeAsync(provinceCode, cancellationToken);
        if (!OfficeHours.TryParse(hours?.Trim(), out var parsed))
        {
            throw new CalendarException($"'{hours}' are not office hours: write the morning and the afternoon session as 07:30-11:30,13:30-17:00, each ending after it starts and the afternoon after the morning");
        }

        if (string.IsNullOrWhiteSpace(source) || source.Trim().Length > 300)
        {
            throw new CalendarException("name the decision that sets these office hours (1 to 300 characters), e.g. Quyết định 12/2025/QĐ-UBND");
        }

        var row = await db.OfficeHours.SingleOrDefaultAsync(h => h.ProvinceCode == code, cancellationToken);
        var before = row is null ? null : new { row.Hours, row.Source };
        if (row is null)
        {
            row = new OfficeHoursRow { ProvinceCode = code, Hours = "", Source = "" };
            db.OfficeHours.Add(row);
        }

        row.Hours = parsed.ToString();
        row.Source = source.Trim();
        row.UpdatedAt = clock.GetUtcNow();
        row.UpdatedBy = actor;
        Audit.AuditTrail.Record(db, actor, "calendar.office-hours-set", OfficeHoursSubject(code),
            new { province = code.Length == 0 ? null : code, before, after = new { row.Hours, row.Source } });
        await db.SaveChangesAsync(cancellationToken);
        await ReloadAsync(cancellationToken);
        return row;
    }

    /// <summary>Removes the office hours an administrator set for a scope: the configured ones apply again. False when none were set.</summary>
    public async Task<bool> ClearOfficeHoursAsync(string? provinceCode, string actor, CancellationToken cancellationToken)
    {
        var code = string.IsNullOrWhiteSpace(provinceCode) ? OfficeHoursRow.National : provinceCode.Trim();
        var row = await db.OfficeHours.SingleOrDefaultAsync(h => h.ProvinceCode == code, cancellationToken);
        if (row is not null)
        {
            db.OfficeHours.Remove(row);
            Audit.AuditTrail.Record(db, actor, "calendar.office-hours-cleared", OfficeHoursSubject(code),
                new { province = code.Length == 0 ? null : code, row.Hours, row.Source });
            await db.SaveChangesAsync(cancellationToken);
        }

        await ReloadAsync(cancellationToken);
        return row is not null;
    }

    /// <summary>Reloads the days-off table and the office hours into memory.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        workingDays.Replace((await db.CalendarDays.AsNoTracking().ToListAsync(cancellationToken)).Select(r => r.ToEntry()));
        officeHours.Replace(await db.OfficeHours.AsNoTracking().ToListAsync(cancellationToken));
    }

    private static string OfficeHoursSubject(string code) => code.Length == 0 ? "calendar/office-hours" : $"calendar/office-hours/{code}";

    private async Task<string> OfficeHoursScopeAsync(string? provinceCode, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(provinceCode))
        {
            return OfficeHoursRow.National;
        }

        var code = provinceCode.Trim();
        return await db.AdministrativeUnits.AnyAsync(u => u.Code == code && u.Level == AdministrativeUnits.AdministrativeLevel.Province && u.ValidTo == null, cancellationToken)
            ? code
            : throw new CalendarException($"'{code}' is not the code of a province today");
    }

    private void Apply(CalendarDayRow row, DayOffEntry entry, string? actor)
    {
        row.Kind = entry.Kind;
        row.Name = entry.Name.Trim();
        row.Source = string.IsNullOrWhiteSpace(entry.Source) ? null : entry.Source.Trim();
        row.Confirmed = entry.Confirmed;
        row.UpdatedAt = clock.GetUtcNow();
        row.UpdatedBy = actor;
    }
}

public sealed class CalendarException(string message) : Exception(message);

/// <summary>
/// Reloads what the engine holds in memory (the days-off table, the legal parameters) now and then, so an
/// edit made on another node reaches this one.
/// </summary>
public sealed class ReferenceDataReloader(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<ReferenceDataReloader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromMinutes(Math.Max(1, configuration.GetValue("Calendar:ReloadMinutes", 5)));
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<CalendarService>().ReloadAsync(stoppingToken);
                await scope.ServiceProvider.GetRequiredService<LegalParameters.LegalParameterService>().ReloadAsync(stoppingToken);
                await scope.ServiceProvider.GetRequiredService<Workflows.WorkflowDeployment>()
                    .CatchUpAsync(scope.ServiceProvider.GetRequiredService<Persistence.AppDbContext>(), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "The days-off table, the legal parameters or new workflow versions could not be reloaded; those in memory stay");
            }
        }
    }
}
