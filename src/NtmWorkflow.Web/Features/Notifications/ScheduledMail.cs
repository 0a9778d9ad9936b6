using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Notifications;

/// <summary>
/// What the app's own scheduled mails (the daily digest, the monthly report) share: a template key's texts, Vietnamese
/// first; one payload with a subject and every language's body; and an outbox row added once per dedup key, so a
/// rerun or another node adds nothing.
/// </summary>
public static class ScheduledMail
{
    /// <summary>The stored texts of a template key (the shipped ones when none is stored), Vietnamese first, then English.</summary>
    public static async Task<List<MailTemplateRow>> TemplatesAsync(AppDbContext db, string key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var templates = await db.MailTemplates.AsNoTracking().Where(t => t.Key == key).ToListAsync(ct);
        if (templates.Count == 0)
        {
            templates = [.. DefaultMailTemplates.All.Where(t => t.Key == key).Select(t => new MailTemplateRow { Key = t.Key, Culture = t.Culture, Subject = t.Subject, Body = t.Body })];
        }

        return [.. templates.OrderBy(t => t.Culture switch { "vi" => 0, "en" => 1, _ => 2 }).ThenBy(t => t.Culture, StringComparer.Ordinal)];
    }

    /// <summary>The mail: the first template's subject, every template's body in turn, rendered on <paramref name="model"/>.</summary>
    public static EmailPayload Payload(IReadOnlyList<MailTemplateRow> templates, Dictionary<string, object?> model, IReadOnlyList<string> to, IReadOnlyList<Guid> tasks)
    {
        ArgumentNullException.ThrowIfNull(templates);
        var parts = templates.Select(t => (Subject: EmailNotificationHandler.Render(t.Subject, $"template {t.Key}/{t.Culture} subject", model),
            Body: EmailNotificationHandler.Render(t.Body, $"template {t.Key}/{t.Culture} body", model))).ToList();
        return new EmailPayload([.. to], parts[0].Subject, string.Join("\n\n———\n\n", parts.Select(p => p.Body)).Trim(), [.. tasks]);
    }

    /// <summary>
    /// Adds the mail to the outbox under <paramref name="dedupKey"/> in a save of its own; false when a row with that key
    /// exists already (written by another node between our check and our save). Leaves the context's tracker empty.
    /// </summary>
    public static async Task<bool> EnqueueOnceAsync(AppDbContext db, string dedupKey, EmailPayload payload, string elementId, string messageIdDomain, DateTimeOffset now,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.OutboxMessages.Add(new OutboxMessageRow
        {
            DedupKey = dedupKey, Channel = EmailNotificationHandler.EmailChannel, Payload = JsonSerializer.Serialize(payload, EmailPayload.Json),
            InstanceId = Guid.Empty, ElementId = elementId, MessageId = MessageIds.FromDedupKey(dedupKey, messageIdDomain),
            Status = OutboxStatus.Pending, CreatedAt = now, NextAttemptAt = now,
        });
        try
        {
            // One row per save: another node writing the same key fails this row alone.
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (!await db.OutboxMessages.AsNoTracking().AnyAsync(o => o.DedupKey == dedupKey, ct))
            {
                throw;
            }

            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
