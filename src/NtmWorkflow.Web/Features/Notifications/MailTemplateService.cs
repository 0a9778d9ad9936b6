using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Notifications;

/// <summary>Why a template was refused: each problem (a missing part, the Liquid parser's message).</summary>
public sealed class MailTemplateException(IReadOnlyList<string> problems) : Exception(string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// A template rendered on the sample model of its key: the template itself, and the mail as it is sent (the
/// Vietnamese subject, the bodies of every language of the key, Vietnamese first, separated as the handler does).
/// </summary>
public sealed record MailPreview(string Subject, string Body, string MailSubject, string MailBody, IReadOnlyDictionary<string, object?> Model);

/// <summary>
/// The mail templates (Liquid, rendered with Fluid as <see cref="EmailNotificationHandler"/> does): listed by key and
/// language, edited (refused when the Liquid does not parse, with the parser's message; audited as
/// <c>mail-template.set</c>), and previewed on a sample of the model a real mail of the key receives.
/// </summary>
public sealed class MailTemplateService(AppDbContext db, TimeProvider clock, IOptions<NotificationOptions> options)
{
    public static IReadOnlyList<string> Cultures { get; } = ["vi", "en"];

    public async Task<List<MailTemplateRow>> ListAsync(CancellationToken cancellationToken) =>
        await db.MailTemplates.AsNoTracking().OrderBy(t => t.Key).ThenBy(t => t.Culture).ToListAsync(cancellationToken);

    public async Task<MailTemplateRow?> FindAsync(string key, string culture, CancellationToken cancellationToken) =>
        await db.MailTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Key == key && t.Culture == culture, cancellationToken);

    /// <summary>What is wrong with a template (empty when it may be stored): the key and language, a missing part, Liquid that does not parse.</summary>
    public static List<string> Check(string key, string culture, string? subject, string? body)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > 100 || !Cultures.Contains(culture))
        {
            return ["The key is 1 to 100 characters and the language vi or en."];
        }

        return [.. new[] { ("subject", subject), ("body", body) }
            .Select(p => string.IsNullOrWhiteSpace(p.Item2) ? $"{p.Item1} is required"
                : EmailNotificationHandler.CheckTemplate(p.Item2) is { } error ? $"{p.Item1} does not parse: {error}" : null)
            .OfType<string>()];
    }

    /// <summary>Sets a template's subject and body (adding the template when the key and language have none).</summary>
    public async Task<MailTemplateRow> SaveAsync(string key, string culture, string? subject, string? body, string? actor, CancellationToken cancellationToken)
    {
        if (Check(key, culture, subject, body) is { Count: > 0 } problems)
        {
            throw new MailTemplateException(problems);
        }

        var row = await db.MailTemplates.SingleOrDefaultAsync(t => t.Key == key && t.Culture == culture, cancellationToken);
        var before = row is null ? null : new { row.Subject, row.Body };
        if (row is null)
        {
            row = new MailTemplateRow { Key = key, Culture = culture, Subject = "", Body = "" };
            db.MailTemplates.Add(row);
        }

        row.Subject = subject!;
        row.Body = body!;
        row.UpdatedAt = clock.GetUtcNow();
        row.UpdatedBy = actor;
        AuditTrail.Record(db, actor ?? "api", "mail-template.set", $"mail-template/{key}/{culture}", new { key, culture, before, after = new { row.Subject, row.Body } });
        await db.SaveChangesAsync(cancellationToken);
        return row;
    }

    /// <summary>
    /// Renders <paramref name="subject"/> and <paramref name="body"/> (the template of <paramref name="key"/> in
    /// <paramref name="culture"/>, as edited) on the key's sample model, and the whole mail with the key's other
    /// languages as stored. Refused like <see cref="SaveAsync"/> when the text does not parse or does not render.
    /// </summary>
    public async Task<MailPreview> PreviewAsync(string key, string culture, string? subject, string? body, CancellationToken cancellationToken)
    {
        if (Check(key, culture, subject, body) is { Count: > 0 } problems)
        {
            throw new MailTemplateException(problems);
        }

        var model = SampleModel(key);
        var (renderedSubject, renderedBody) = (Render(subject!, "subject", model), Render(body!, "body", model));
        var others = (await db.MailTemplates.AsNoTracking().Where(t => t.Key == key && t.Culture != culture).ToListAsync(cancellationToken))
            .Select(t => (t.Culture, Subject: Render(t.Subject, $"the stored {t.Culture} subject", model), Body: Render(t.Body, $"the stored {t.Culture} body", model)));
        var parts = others.Append((Culture: culture, Subject: renderedSubject, Body: renderedBody))
            .OrderBy(p => p.Culture switch { "vi" => 0, "en" => 1, _ => 2 }).ThenBy(p => p.Culture, StringComparer.Ordinal).ToList();
        return new MailPreview(renderedSubject, renderedBody, parts[0].Subject, string.Join("\n\n———\n\n", parts.Select(p => p.Body)).Trim(), model);
    }

    /// <summary>
    /// A representative model of what a mail of the key receives (see <see cref="EmailNotificationHandler"/>): the
    /// variables of a commune's dossier, <c>businessKey</c>, <c>processId</c>, <c>run</c>, and <c>task</c> (and
    /// <c>tasks</c>) for the self-assessment task, with the days left or overdue that the key's mails are sent at.
    /// </summary>
    public Dictionary<string, object?> SampleModel(string key)
    {
        if (key == DefaultMailTemplates.ProgrammeReport)
        {
            // The monthly report mail's own model: a province and the quarter's last month, so both wordings show.
            return Reports.MonthlyReportMail.Model("08", "Tỉnh Phú Thọ", Reports.ReportPeriod.Month(2026, 9), options.Value.PublicBaseUrl.TrimEnd('/'));
        }

        var (run, left, overdue, due, responsible) = key switch
        {
            DefaultMailTemplates.TaskReminder => (1, 2, 0, new DateTime(2026, 3, 18, 17, 0, 0), "xa.lan"),
            DefaultMailTemplates.TaskDue => (1, 0, 0, new DateTime(2026, 3, 16, 17, 0, 0), "xa.lan"),
            DefaultMailTemplates.TaskOverdue => (2, 0, 2, new DateTime(2026, 3, 12, 17, 0, 0), "xa.lan"),
            DefaultMailTemplates.TaskEscalation => (1, 0, 3, new DateTime(2026, 3, 11, 17, 0, 0), "commune-00700"),
            _ => (1, 5, 0, new DateTime(2026, 3, 23, 17, 0, 0), "xa.lan"),
        };
        const string taskId = "3f2b8c1e-5d4a-4e6b-9c7d-2a1f0e9d8c7b";
        var task = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = taskId,
            ["name"] = "Xã tự đánh giá mức đạt từng tiêu chí",
            ["elementId"] = "selfAssessment",
            ["due"] = due.ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture),
            ["link"] = $"{options.Value.PublicBaseUrl.TrimEnd('/')}/tasks/{taskId}",
            ["workingDaysLeft"] = left,
            ["workingDaysOverdue"] = overdue,
            ["responsible"] = responsible,
        };
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["dossierId"] = "9b1d3c5e-7f80-4a2b-8c6d-0e1f2a3b4c5d",
            ["communeCode"] = "00700",
            ["communeName"] = "Xã Ngọc Đường",
            ["provinceCode"] = "08",
            ["tier"] = "ntm",
            ["year"] = 2026m,
            ["criteriaSet"] = "xa-ntm-2021-2025",
            ["businessKey"] = "2026-NTM-00700",
            ["processId"] = "ntm-commune-two-tier",
            ["run"] = run,
            ["tasks"] = new List<Dictionary<string, object?>> { task },
            ["task"] = task,
        };
    }

    private static string Render(string source, string what, Dictionary<string, object?> model)
    {
        try
        {
            return EmailNotificationHandler.RenderTemplate(source, what, model);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new MailTemplateException([e.Message]);
        }
    }
}
