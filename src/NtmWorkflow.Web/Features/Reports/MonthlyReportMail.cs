using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Infrastructure.Documents;
using NtmWorkflow.Web.Persistence;
using Quartz;

namespace NtmWorkflow.Web.Features.Reports;

/// <summary>Section <c>Reports:Monthly</c>: whether and when the monthly report is mailed to the coordination offices.</summary>
public sealed class MonthlyReportOptions
{
    public const string SectionName = "Reports:Monthly";

    /// <summary>False: no Quartz trigger (the report can still be downloaded from the dashboard).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The day of the month the previous month's report is mailed: 1 to 14, so it goes out before the 15th.</summary>
    public int SendOnDay { get; set; } = 10;

    /// <summary>Local time in Vietnam at which each node's job runs on that day, as HH:mm.</summary>
    public string SendAt { get; set; } = "07:30";

    /// <summary>The day and time; throws a readable error when the day is not 1–14 or the time not HH:mm.</summary>
    public (int Day, TimeOnly At) Schedule()
    {
        if (SendOnDay is < 1 or > 14)
        {
            throw new OptionsValidationException(SectionName, typeof(MonthlyReportOptions),
                [$"{SectionName}:SendOnDay must be a day from 1 to 14 (the report is due before the 15th), not {SendOnDay}."]);
        }

        return TimeOnly.TryParseExact(SendAt?.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? (SendOnDay, time)
            : throw new OptionsValidationException(SectionName, typeof(MonthlyReportOptions), [$"{SectionName}:SendAt must be a time as HH:mm (e.g. 07:30), not '{SendAt}'."]);
    }
}

/// <summary>What one run of the monthly report mail did.</summary>
/// <param name="Period">The month reported on.</param>
/// <param name="Enqueued">Provinces whose mail this run put in the outbox.</param>
/// <param name="AlreadyEnqueued">Provinces whose mail of the month was already there (an earlier run, another node).</param>
/// <param name="NoRecipients">Provinces with a coordination office none of whose officials has a mail address.</param>
/// <param name="Failed">Provinces whose report could not be made or stored (logged; the next run or "send now" tries again).</param>
public sealed record MonthlyReportRun(ReportPeriod Period, int Enqueued, int AlreadyEnqueued, int NoRecipients, int Failed = 0);

/// <summary>
/// The monthly report mail: for each province with a coordination office, one mail to the office's officials in
/// force (with a mail address, not locked) carrying the previous month's report as .docx and .xlsx, made when the mail
/// is enqueued and kept in the document store with the outbox row (<see cref="OutboxAttachments"/>), so the mail and a
/// resend carry the figures of that day; it also links to the downloads, which make the report afresh. In March, June,
/// September and December it is the quarter's report. The dedup key <c>report/{province}/{yyyy-MM}</c> is unique:
/// reruns, "send now" and other nodes add nothing.
/// </summary>
public sealed class MonthlyReportMail(AppDbContext db, ProgrammeReport report, IDocumentStore documents, WorkflowWakeups wakeups, IOptions<NotificationOptions> options,
    ILogger<MonthlyReportMail> logger)
{
    public const string TemplateKey = "programme-report";
    public const string ElementId = "monthly-report";

    /// <summary>The dedup key of a province's report of a month.</summary>
    public static string DedupKey(string provinceCode, ReportPeriod period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return $"report/{provinceCode}/{period.To.ToString("yyyy-MM", CultureInfo.InvariantCulture)}";
    }

    /// <summary>The start of every dedup key of a province's reports.</summary>
    public static string ProvincePrefix(string provinceCode) => $"report/{provinceCode}/";

    /// <summary>
    /// The coordination offices on <paramref name="now"/>'s day in Vietnam: each province with one, and the addresses of
    /// its officials in force who have an address and are not locked (none when no official has).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> RecipientsAsync(DateTimeOffset now, CancellationToken ct)
    {
        var day = now.VietnamDate();
        var assignments = await db.RoleAssignments.AsNoTracking()
            .Where(a => a.Role == Roles.CoordinationOffice && a.ValidFrom <= day && (a.ValidTo == null || a.ValidTo >= day))
            .Select(a => new { a.UserId, a.UnitKey }).ToListAsync(ct);
        var offices = assignments
            .Select(a => (a.UserId, Ok: UnitKey.TryParse(a.UnitKey, out var unit), Unit: unit))
            .Where(a => a.Ok && a.Unit.Kind == UnitKey.CoordinationOffice && a.Unit.ProvinceCode is not null)
            .GroupBy(a => a.Unit.ProvinceCode!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(a => a.UserId).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var userIds = offices.Values.SelectMany(u => u).ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id) && u.Email != null && u.Email != "")
            .Select(u => new { u.Id, u.Email, u.LockoutEnd }).ToListAsync(ct);
        return offices.OrderBy(o => o.Key, StringComparer.Ordinal).ToDictionary(
            o => o.Key,
            o => (IReadOnlyList<string>)[.. users.Where(u => o.Value.Contains(u.Id) && !(u.LockoutEnd is { } locked && locked > now)).Select(u => u.Email!)
                .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)],
            StringComparer.Ordinal);
    }

    /// <summary>
    /// Puts the report of the month before <paramref name="now"/>'s (in Vietnam) in the outbox for every province with a
    /// coordination office, or for <paramref name="onlyProvince"/> alone ("send now" on the settings page).
    /// </summary>
    public async Task<MonthlyReportRun> RunAsync(DateTimeOffset now, CancellationToken ct, string? onlyProvince = null)
    {
        var period = ReportPeriod.MonthBefore(now.VietnamDate());
        var offices = await RecipientsAsync(now, ct);
        var codes = offices.Keys.ToList();
        var names = await db.AdministrativeUnits.AsNoTracking()
            .Where(u => u.Level == AdministrativeUnits.AdministrativeLevel.Province && u.ValidTo == null && codes.Contains(u.Code))
            .ToDictionaryAsync(u => u.Code, u => u.Name, StringComparer.Ordinal, ct);
        var templates = await ScheduledMail.TemplatesAsync(db, TemplateKey, ct);
        var baseUrl = options.Value.PublicBaseUrl.TrimEnd('/');

        int enqueued = 0, already = 0, none = 0, failed = 0;
        foreach (var (province, to) in offices.Where(o => onlyProvince is null || o.Key == onlyProvince))
        {
            if (to.Count == 0)
            {
                none++;
                continue;
            }

            var key = DedupKey(province, period);
            if (await db.OutboxMessages.AsNoTracking().AnyAsync(o => o.DedupKey == key, ct))
            {
                already++;
                continue;
            }

            try
            {
                // The report as it stands now, frozen with the mail: its bytes go to the document store before the row.
                var data = await report.DataAsync(province, period, ct);
                var files = new List<OutboxFile>
                {
                    new(ProgrammeReport.FileName(data, "docx"), ProgrammeReport.DocxContentType, ProgrammeReport.Docx(data)),
                    new(ProgrammeReport.FileName(data, "xlsx"), ProgrammeReport.XlsxContentType, ProgrammeReport.Xlsx(data)),
                };
                var attachments = await OutboxAttachments.StoreAsync(documents, key, files, ct);
                var model = Model(province, names.GetValueOrDefault(province) ?? province, period, baseUrl);
                model["attachments"] = files.Select(f => f.FileName).ToList();
                model["dataDate"] = data.DataDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
                var payload = ScheduledMail.Payload(templates, model, to, []) with { Attachments = attachments };
                bool added;
                try
                {
                    added = await ScheduledMail.EnqueueOnceAsync(db, key, payload, ElementId, options.Value.MessageIdDomain, now, ct);
                }
                catch
                {
                    await OutboxAttachments.DeleteAsync(documents, attachments, CancellationToken.None);
                    throw;
                }

                if (added)
                {
                    enqueued++;
                }
                else
                {
                    // Another node enqueued the month's mail first, with its own copies: ours are nobody's.
                    await OutboxAttachments.DeleteAsync(documents, attachments, CancellationToken.None);
                    already++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One province's report failing (its data, the document store) does not keep the others' from going.
                logger.LogError(e, "The monthly report of {Period} for province {Province} could not be enqueued", period.Slug, province);
                failed++;
            }
        }

        if (enqueued > 0)
        {
            wakeups.OutboxWritten();
        }

        logger.LogInformation("Monthly report of {Period}: {Enqueued} enqueued, {Already} already enqueued, {None} offices without a mail address, {Failed} failed",
            period.Slug, enqueued, already, none, failed);
        return new MonthlyReportRun(period, enqueued, already, none, failed);
    }

    /// <summary>What the template <c>programme-report</c> receives (also the preview's sample).</summary>
    internal static Dictionary<string, object?> Model(string province, string provinceName, ReportPeriod period, string baseUrl)
    {
        var link = $"{baseUrl}/reports?handler=Report&province={Uri.EscapeDataString(province)}&month={period.Slug}";
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["provinceCode"] = province,
            ["provinceName"] = provinceName,
            ["period"] = period.Text,
            ["month"] = period.Slug,
            ["year"] = period.To.Year,
            ["quarterReport"] = period.IsQuarterReport,
            ["quarter"] = period.QuarterText["quý ".Length..],
            ["docxLink"] = link + "&format=docx",
            ["xlsxLink"] = link + "&format=xlsx",
            ["attachments"] = new List<string> { $"bao-cao-ntm-{province}-{period.Slug}.docx", $"bao-cao-ntm-{province}-{period.Slug}.xlsx" },
            ["dataDate"] = period.To.AddDays(10).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture),
            ["dashboardLink"] = $"{baseUrl}/reports?province={Uri.EscapeDataString(province)}&year={period.To.Year.ToString(CultureInfo.InvariantCulture)}",
        };
    }
}

/// <summary>
/// The Quartz job each node runs on <see cref="MonthlyReportOptions.SendOnDay"/> at <see cref="MonthlyReportOptions.SendAt"/>
/// in Vietnam: it only enqueues (see <see cref="MonthlyReportMail"/>); the dedup keys make the nodes' runs send once.
/// </summary>
[DisallowConcurrentExecution]
public sealed class MonthlyReportJob(IServiceScopeFactory scopes, NtmWorkflow.Web.Infrastructure.AppClockSource clock, ILogger<MonthlyReportJob> logger) : IJob
{
    public static readonly JobKey Key = new("monthly-report", "ntm");
    public static readonly TriggerKey Trigger = new("monthly-report", "ntm");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<MonthlyReportMail>().RunAsync(clock.Clock.GetUtcNow(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing is lost: the report stays downloadable from the dashboard.
            logger.LogError(e, "The monthly report mail failed");
        }
    }

    /// <summary>Quartz's cron expression for <paramref name="day"/> of every month at <paramref name="at"/>: "0 30 7 10 * ?".</summary>
    public static string Cron(int day, TimeOnly at) => string.Create(CultureInfo.InvariantCulture, $"0 {at.Minute} {at.Hour} {day} * ?");

    public static void Schedule(IQuartzBuilder quartz, int day, TimeOnly at)
    {
        ArgumentNullException.ThrowIfNull(quartz);
        quartz.ScheduleJob<MonthlyReportJob>(
            trigger => trigger.WithIdentity(Trigger).WithCronSchedule(Cron(day, at), cron => cron.InTimeZone(DailyDigestJob.VietnamZone())),
            job => job.WithIdentity(Key));
    }
}
