using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.LegalParameters;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;
using Quartz;

namespace NtmWorkflow.Web.Features.Notifications;

/// <summary>Section <c>Notifications:Digest</c>: whether and when the daily digest goes out.</summary>
public sealed class DigestOptions
{
    public const string SectionName = "Notifications:Digest";

    /// <summary>False: no Quartz trigger (an administrator can still send a day's digest from <c>/admin/settings/digest</c>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Local time in Vietnam (Asia/Ho_Chi_Minh, UTC+7) at which each node's job runs, as HH:mm.</summary>
    public string SendAt { get; set; } = "07:00";

    /// <summary>The time of day <see cref="SendAt"/> names; throws a readable error when it is not HH:mm.</summary>
    public TimeOnly SendAtTime() =>
        TimeOnly.TryParseExact(SendAt?.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new OptionsValidationException(SectionName, typeof(DigestOptions), [$"{SectionName}:SendAt must be a time as HH:mm (e.g. 07:00), not '{SendAt}'."]);
}

/// <summary>What one run of the digest did.</summary>
/// <param name="Day">The day in Vietnam the run was for.</param>
/// <param name="WorkingDay">False on a day off: nothing is sent.</param>
/// <param name="Enqueued">Mails put in the outbox by this run.</param>
/// <param name="AlreadyEnqueued">Officials whose digest of the day was already in the outbox (an earlier run, another node).</param>
/// <param name="NothingDue">Officials with a mail address and nothing due soon or overdue: no mail.</param>
/// <param name="OptedOut">Officials who opted out and had something to say.</param>
public sealed record DigestRun(DateOnly Day, bool WorkingDay, int Enqueued, int AlreadyEnqueued, int NothingDue, int OptedOut);

/// <summary>
/// The daily digest (thư tổng hợp hằng ngày): on a working day, each official with a mail address gets at most one
/// mail listing their tasks overdue and due within <c>digest.dueSoonWorkingDays</c> working days (a legal
/// parameter, per province), with links; none when there is nothing to say, none on a day off, none to an official
/// who opted out (<see cref="Accounts.AppUser.DigestOptOut"/>) or whose account is locked. "Their tasks" are what the
/// inbox shows them: the tasks they hold and the unclaimed tasks of their candidate groups today.
/// The digest only writes to the outbox, under the dedup key <c>digest/{day}/{user id}</c>, which is unique: a second
/// run on the day, or the same run on another node, adds nothing, and the outbox sender delivers each mail once.
/// </summary>
public sealed class DailyDigest(AppDbContext db, Engine.Runtime.WorkflowEngine engine, LiveLegalParameters parameters, WorkflowWakeups wakeups, IOptions<NotificationOptions> options, ILogger<DailyDigest> logger)
{
    public const string TemplateKey = "daily-digest";
    public const string WindowParameter = "digest.dueSoonWorkingDays";
    public const string ElementId = "daily-digest";
    private const int DefaultWindow = 3;

    /// <summary>The dedup key of an official's digest of a day.</summary>
    public static string DedupKey(DateOnly day, string userId) => $"digest/{day:yyyy-MM-dd}/{userId}";

    /// <summary>The prefix of every dedup key of a day's digests.</summary>
    public static string DayPrefix(DateOnly day) => $"digest/{day:yyyy-MM-dd}/";

    /// <summary>The window in working days: the national value of <see cref="WindowParameter"/> and each province's own, as the engine holds them.</summary>
    public (int National, IReadOnlyDictionary<string, int> Provinces) Windows()
    {
        var national = DefaultWindow;
        var provinces = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (province, parameter) in parameters.ValuesOf(WindowParameter))
        {
            if (parameter.Value is JsonValue value && value.TryGetValue(out decimal days) && days >= 0)
            {
                var whole = (int)Math.Min(days, 60);
                if (province == LegalParameterRow.National)
                {
                    national = whole;
                }
                else
                {
                    provinces[province] = whole;
                }
            }
        }

        return (national, provinces);
    }

    /// <summary>Puts the digest of the day <paramref name="now"/> falls on (in Vietnam) in the outbox for every official who should get one.</summary>
    public async Task<DigestRun> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        var day = now.VietnamDate();
        var calendar = engine.Calendar;
        if (!calendar.IsWorkingDay(day))
        {
            logger.LogInformation("No daily digest on {Day}: it is not a working day", day);
            return new DigestRun(day, false, 0, 0, 0, 0);
        }

        var (national, provinceWindows) = Windows();
        int WindowOf(string? province) => province is not null && provinceWindows.TryGetValue(province, out var own) ? own : national;
        // A day more than the longest window: a province's own office hours may end its day later than the national ones.
        var latest = calendar.AddWorkingDays(now, provinceWindows.Values.Append(national).Max() + 1);

        // The open tasks overdue or due within the longest window, with their instance's province.
        var tasks = await (from t in db.WorkflowTasks.AsNoTracking()
                           join i in db.WorkflowInstances.AsNoTracking() on t.InstanceId equals i.Id
                           where t.Due != null && t.Due <= latest
                           select new { t.Id, t.ElementId, t.Name, t.Assignee, t.CandidateGroups, t.Due, t.BusinessKey, t.DossierId, t.CommuneName, i.ProvinceCode })
            .ToListAsync(ct);
        var cutoffs = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        DateTimeOffset CutoffOf(string? province)
        {
            var key = province ?? "";
            if (!cutoffs.TryGetValue(key, out var cutoff))
            {
                cutoffs[key] = cutoff = engine.CalendarForProvince(province).AddWorkingDays(now, WindowOf(province));
            }

            return cutoff;
        }

        var baseUrl = options.Value.PublicBaseUrl.TrimEnd('/');
        var items = tasks.Where(t => t.Due < now || t.Due <= CutoffOf(t.ProvinceCode)).Select(t => new DigestItem(
            t.Id, t.Name ?? t.ElementId, t.BusinessKey, t.CommuneName, t.Due!.Value, t.Due < now, t.Assignee,
            t.Assignee is null ? JsonSerializer.Deserialize<List<string>>(t.CandidateGroups) ?? [] : [],
            t.DossierId is { } dossier ? $"{baseUrl}/dossiers/{dossier}" : $"{baseUrl}/inbox", WindowOf(t.ProvinceCode))).ToList();
        var byAssignee = items.Where(i => i.Assignee is not null).ToLookup(i => i.Assignee!, StringComparer.OrdinalIgnoreCase);
        var byGroup = items.SelectMany(i => i.Groups.Select(g => (Group: g, Item: i))).ToLookup(p => p.Group, p => p.Item, StringComparer.Ordinal);

        // Who is in which candidate group today, from the role assignments in force.
        var assignments = await db.RoleAssignments.AsNoTracking().Where(a => a.ValidFrom <= day && (a.ValidTo == null || a.ValidTo >= day))
            .Select(a => new { a.UserId, a.UnitKey, a.Role }).ToListAsync(ct);
        var groupsOf = assignments.GroupBy(a => a.UserId).ToDictionary(g => g.Key,
            g => g.SelectMany(a => UnitKey.TryParse(a.UnitKey, out var unit) ? CandidateGroups.Of(unit, a.Role) : []).ToHashSet(StringComparer.Ordinal));

        var users = await db.Users.AsNoTracking().Where(u => u.Email != null && u.Email != "")
            .Select(u => new { u.Id, u.UserName, u.FullName, u.Email, u.DigestOptOut, u.LockoutEnd }).ToListAsync(ct);
        var prefix = DayPrefix(day);
        var done = (await db.OutboxMessages.AsNoTracking().Where(o => o.DedupKey.StartsWith(prefix)).Select(o => o.DedupKey).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        var templates = await ScheduledMail.TemplatesAsync(db, TemplateKey, ct);

        int enqueued = 0, already = 0, nothing = 0, optedOut = 0;
        foreach (var user in users.OrderBy(u => u.UserName, StringComparer.Ordinal))
        {
            if (user.LockoutEnd is { } lockedUntil && lockedUntil > now)
            {
                continue;
            }

            var own = byAssignee[user.UserName!];
            var ofGroups = groupsOf.TryGetValue(user.Id, out var groups) ? groups.SelectMany(g => byGroup[g]) : [];
            var mine = own.Concat(ofGroups).DistinctBy(i => i.TaskId).OrderBy(i => i.Due).ThenBy(i => i.TaskId).ToList();
            if (mine.Count == 0)
            {
                nothing++;
                continue;
            }

            if (user.DigestOptOut)
            {
                optedOut++;
                continue;
            }

            var key = DedupKey(day, user.Id);
            if (done.Contains(key))
            {
                already++;
                continue;
            }

            var model = Model(calendar, user.UserName!, user.FullName, day, now, mine, national, baseUrl);
            var payload = ScheduledMail.Payload(templates, model, [user.Email!], [.. mine.Select(i => i.TaskId)]);
            if (await ScheduledMail.EnqueueOnceAsync(db, key, payload, ElementId, options.Value.MessageIdDomain, now, ct))
            {
                enqueued++;
            }
            else
            {
                already++;
            }
        }

        if (enqueued > 0)
        {
            wakeups.OutboxWritten();
        }

        logger.LogInformation("Daily digest of {Day}: {Enqueued} enqueued, {Already} already enqueued, {Nothing} with nothing due, {OptedOut} opted out",
            day, enqueued, already, nothing, optedOut);
        return new DigestRun(day, true, enqueued, already, nothing, optedOut);
    }

    private static Dictionary<string, object?> Model(WorkingCalendar calendar, string userName, string fullName, DateOnly day, DateTimeOffset now, List<DigestItem> items, int national, string baseUrl)
    {
        Dictionary<string, object?> Task(DigestItem i)
        {
            var days = calendar.WorkingDaysBetween(now, i.Due);
            return new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["id"] = i.TaskId.ToString(),
                ["name"] = i.Name,
                ["dossier"] = i.BusinessKey ?? "",
                ["commune"] = i.Commune ?? "",
                ["due"] = i.Due.ToVietnamTime().ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture),
                ["link"] = i.Link,
                ["workingDaysLeft"] = days > 0 ? days : 0,
                ["workingDaysOverdue"] = days < 0 ? -days : 0,
                ["held"] = i.Assignee is not null,
            };
        }

        var windows = items.Where(i => !i.Overdue).Select(i => i.Window).Distinct().ToList();
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["user"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["userName"] = userName, ["fullName"] = fullName },
            ["day"] = day.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture),
            ["dueSoonWorkingDays"] = windows.Count == 1 ? windows[0] : national,
            ["overdue"] = items.Where(i => i.Overdue).Select(Task).ToList(),
            ["dueSoon"] = items.Where(i => !i.Overdue).Select(Task).ToList(),
            ["inboxLink"] = $"{baseUrl}/inbox",
            ["preferencesLink"] = $"{baseUrl}/account/preferences",
        };
    }

    private sealed record DigestItem(Guid TaskId, string Name, string? BusinessKey, string? Commune, DateTimeOffset Due, bool Overdue, string? Assignee,
        IReadOnlyList<string> Groups, string Link, int Window);
}

/// <summary>
/// The Quartz job each node runs at <see cref="DigestOptions.SendAt"/> in Vietnam: it only enqueues (see
/// <see cref="DailyDigest"/>); the dedup keys make the nodes' runs, and any rerun, add each mail once.
/// </summary>
[DisallowConcurrentExecution]
public sealed class DailyDigestJob(IServiceScopeFactory scopes, NtmWorkflow.Web.Infrastructure.AppClockSource clock, ILogger<DailyDigestJob> logger) : IJob
{
    public static readonly JobKey Key = new("daily-digest", "ntm");
    public static readonly TriggerKey Trigger = new("daily-digest", "ntm");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DailyDigest>().RunAsync(clock.Clock.GetUtcNow(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The mails not enqueued are not lost for good: an administrator can send the day's digest from its settings page.
            logger.LogError(e, "The daily digest failed");
        }
    }

    /// <summary>Vietnam's time zone (no daylight saving: UTC+7), from the system's database or built when it has none.</summary>
    public static TimeZoneInfo VietnamZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Ho_Chi_Minh", VietnamTime.Offset, "Asia/Ho_Chi_Minh", "ICT");
        }
    }

    /// <summary>Quartz's cron expression for every day at <paramref name="sendAt"/>: "0 30 7 * * ?" for 07:30.</summary>
    public static string Cron(TimeOnly sendAt) => string.Create(CultureInfo.InvariantCulture, $"0 {sendAt.Minute} {sendAt.Hour} * * ?");

    /// <summary>Schedules the job every day at <paramref name="sendAt"/> in Vietnam.</summary>
    public static void Schedule(IQuartzBuilder quartz, TimeOnly sendAt)
    {
        ArgumentNullException.ThrowIfNull(quartz);
        quartz.ScheduleJob<DailyDigestJob>(
            trigger => trigger.WithIdentity(Trigger).WithCronSchedule(Cron(sendAt), cron => cron.InTimeZone(VietnamZone())),
            job => job.WithIdentity(Key));
    }
}
