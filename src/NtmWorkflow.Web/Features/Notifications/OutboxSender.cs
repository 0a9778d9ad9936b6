using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Infrastructure;
using NtmWorkflow.Web.Infrastructure.Documents;
using NtmWorkflow.Web.Infrastructure.Email;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Notifications;

/// <summary>
/// Delivers the outbox: claims due messages with a lease (one statement; PostgreSQL skips rows other
/// nodes hold), sends each, and marks it sent. A failure waits with exponential backoff; after
/// <see cref="NotificationOptions.MaxAttempts"/> the message is a dead letter. A node that dies mid-send
/// leaves a lease that runs out, and another node (or this one, restarted) sends the message again,
/// with the same Message-ID. Thrown BPMN messages and signals (<see cref="WorkflowChannels"/>) that the
/// engine could not deliver right after their step go the same way, to the engine.
/// A mail's attachments are read from the document store and checked (size, SHA-256) before sending; one missing or
/// changed makes the message a dead letter at once, with the reason, and it is never sent without it.
/// </summary>
public sealed class OutboxSender(
    IServiceScopeFactory scopes,
    IEmailSender email,
    IDocumentStore documents,
    WorkflowEngine engine,
    WorkflowWakeups wakeups,
    CrashPoints crashPoints,
    TimeProvider clock,
    IOptions<NotificationOptions> options,
    NodeIdentity node,
    ILogger<OutboxSender> logger) : BackgroundService
{
    private const int BatchSize = 20;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await SendDueAsync(stoppingToken) == BatchSize)
                {
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database may be away for a moment; the messages wait in it.
                logger.LogWarning(e, "The outbox could not be read; trying again in {Poll}", poll);
            }

            try
            {
                await wakeups.WaitForOutboxAsync(poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims and sends one batch of due messages; returns how many it claimed.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var claimed = await ClaimAsync(cancellationToken);
        foreach (var message in claimed)
        {
            await DeliverAsync(message, cancellationToken);
        }

        return claimed.Count;
    }

    private async Task<List<OutboxMessageRow>> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        var until = now + clock.AppTime(TimeSpan.FromSeconds(options.Value.LeaseSeconds));
        if (db is PostgresAppDbContext)
        {
            // One statement: rows another node holds are skipped, not waited for.
            return await db.OutboxMessages.FromSql($"""
                UPDATE "OutboxMessages" AS o
                SET "LockedBy" = {node.Id}, "LockedUntil" = {until.UtcDateTime}, "Attempts" = o."Attempts" + 1
                FROM (SELECT "Id" FROM "OutboxMessages"
                      WHERE "Status" = 'Pending' AND "NextAttemptAt" <= {now.UtcDateTime}
                        AND ("LockedUntil" IS NULL OR "LockedUntil" < {now.UtcDateTime})
                      ORDER BY "NextAttemptAt", "Id" LIMIT {BatchSize}
                      FOR UPDATE SKIP LOCKED) AS c
                WHERE o."Id" = c."Id"
                RETURNING o.*
                """).AsNoTracking().ToListAsync(cancellationToken);
        }

        // SQLite is single-node and has one writer: a conditional update per candidate is enough.
        var candidates = await db.OutboxMessages.AsNoTracking()
            .Where(o => o.Status == OutboxStatus.Pending && o.NextAttemptAt <= now && (o.LockedUntil == null || o.LockedUntil < now))
            .OrderBy(o => o.NextAttemptAt).ThenBy(o => o.Id).Take(BatchSize).ToListAsync(cancellationToken);
        var claimed = new List<OutboxMessageRow>();
        foreach (var candidate in candidates)
        {
            var taken = await db.OutboxMessages
                .Where(o => o.Id == candidate.Id && o.Status == OutboxStatus.Pending && (o.LockedUntil == null || o.LockedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedBy, node.Id).SetProperty(o => o.LockedUntil, until).SetProperty(o => o.Attempts, o => o.Attempts + 1), cancellationToken);
            if (taken == 1)
            {
                candidate.Attempts++;
                claimed.Add(candidate);
            }
        }

        return claimed;
    }

    private async Task DeliverAsync(OutboxMessageRow message, CancellationToken cancellationToken)
    {
        string? error = null;
        var permanent = false;
        try
        {
            if (WorkflowChannels.IsWorkflowChannel(message.Channel))
            {
                await engine.DeliverAsync(new OutboxMessage(message.DedupKey, message.Channel, message.Payload, message.InstanceId, message.ElementId, message.CreatedAt), cancellationToken);
                return; // delivering marks it sent
            }

            crashPoints.Reached("mail-before-send");
            var payload = message.Channel == EmailNotificationHandler.EmailChannel
                ? JsonSerializer.Deserialize<EmailPayload>(message.Payload, EmailPayload.Json) ?? throw new InvalidOperationException("the payload is empty")
                : throw new InvalidOperationException($"no sender for channel '{message.Channel}'");
            var attachments = payload.Attachments is { Count: > 0 } files ? await OutboxAttachments.LoadAsync(documents, files, cancellationToken) : null;
            await email.SendAsync(new EmailMessage(payload.To, payload.Subject, payload.Body, MessageId: message.MessageId, Attachments: attachments), cancellationToken);
            crashPoints.Reached("mail-accepted");
        }
        catch (OutboxAttachmentException e)
        {
            // Trying again cannot bring the file back: a dead letter now, for an administrator to see.
            error = e.Message;
            permanent = true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = e.Message;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        var mine = db.OutboxMessages.Where(o => o.Id == message.Id && o.LockedBy == node.Id);
        if (error is null)
        {
            await mine.ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OutboxStatus.Sent).SetProperty(o => o.SentAt, now)
                .SetProperty(o => o.LockedBy, (string?)null).SetProperty(o => o.LockedUntil, (DateTimeOffset?)null).SetProperty(o => o.LastError, (string?)null), CancellationToken.None);
            logger.LogInformation("{Channel} {Key} sent as <{MessageId}>", message.Channel, message.DedupKey, message.MessageId);
            return;
        }

        var dead = permanent || message.Attempts >= options.Value.MaxAttempts;
        var wait = clock.AppTime(TimeSpan.FromSeconds(Math.Min(6 * 3600, options.Value.FirstRetrySeconds * Math.Pow(2, Math.Max(0, message.Attempts - 1)))));
        var shown = error.Length > 2000 ? error[..2000] : error;
        await mine.ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, dead ? OutboxStatus.Dead : OutboxStatus.Pending).SetProperty(o => o.NextAttemptAt, now + wait)
            .SetProperty(o => o.LockedBy, (string?)null).SetProperty(o => o.LockedUntil, (DateTimeOffset?)null).SetProperty(o => o.LastError, shown), CancellationToken.None);
        if (dead)
        {
            logger.LogError("{Channel} {Key} is a dead letter after {Attempts} attempts: {Error}", message.Channel, message.DedupKey, message.Attempts, error);
        }
        else
        {
            logger.LogWarning("{Channel} {Key} failed (attempt {Attempts}), next try in {Wait}: {Error}", message.Channel, message.DedupKey, message.Attempts, wait, error);
        }
    }
}
