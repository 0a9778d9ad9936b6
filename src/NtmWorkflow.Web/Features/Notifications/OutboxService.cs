using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Infrastructure.Excel;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Notifications;

/// <summary>Why a dead letter was not sent again: 404 (none the official may see), 409 (not a dead letter).</summary>
public sealed class OutboxException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>An outbox message as the administration page lists it: the row's state with the mail's recipients and subject.</summary>
public sealed record OutboxEntry(long Id, string DedupKey, string Channel, Guid InstanceId, string ElementId, string MessageId, OutboxStatus Status, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt, DateTimeOffset? SentAt, string? LastError, IReadOnlyList<string> Recipients, string? Subject);

/// <summary>One page of the outbox, newest first, with how many messages of each status the official sees.</summary>
public sealed record OutboxPage(IReadOnlyList<OutboxEntry> Items, int Page, int Pages, int Matching, IReadOnlyDictionary<OutboxStatus, int> Counts);

/// <summary>
/// The outbox for administrators: messages by status (pending, sent, dead letters) and sending a dead letter again.
/// A national administrator sees every message; an administrator of a province sees those of its instances (the
/// instance's <c>ProvinceCode</c>). Sending again keeps the row, so its dedup key and Message-ID stay the same; it is audited.
/// </summary>
public sealed class OutboxService(AppDbContext db, TimeProvider clock, WorkflowWakeups wakeups)
{
    public const int PageSize = 25;

    /// <summary>The messages of the API: newest first, at most <paramref name="take"/>.</summary>
    public async Task<List<OutboxMessageView>> ListAsync(OutboxStatus? status, Guid? instanceId, int take, CancellationToken cancellationToken)
    {
        var query = db.OutboxMessages.AsNoTracking();
        if (status is not null)
        {
            query = query.Where(o => o.Status == status);
        }

        if (instanceId is not null)
        {
            query = query.Where(o => o.InstanceId == instanceId);
        }

        return await query.OrderByDescending(o => o.Id).Take(take)
            .Select(o => new OutboxMessageView(o.Id, o.DedupKey, o.Channel, o.InstanceId, o.ElementId, o.MessageId, o.Status, o.Attempts, o.CreatedAt, o.NextAttemptAt, o.SentAt, o.LastError))
            .ToListAsync(cancellationToken);
    }

    /// <summary>A page of the messages the official sees (<paramref name="provinces"/> null: every message), of one status or all.</summary>
    public async Task<OutboxPage> PageAsync(OutboxStatus? status, int page, IReadOnlyList<string>? provinces, CancellationToken cancellationToken)
    {
        var counts = await CountsAsync(provinces, cancellationToken);
        var matching = status is { } s ? counts.GetValueOrDefault(s) : counts.Values.Sum();
        var pages = Math.Max(1, (matching + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pages);
        return new OutboxPage(await EntriesAsync(status, provinces, (page - 1) * PageSize, PageSize, cancellationToken), page, pages, matching, counts);
    }

    /// <summary>The messages <see cref="PageAsync"/> lists for the status, every page of them in the same order, at most <paramref name="limit"/>: the Excel export.</summary>
    public async Task<ExportRows<OutboxEntry>> ExportAsync(OutboxStatus? status, IReadOnlyList<string>? provinces, int limit, CancellationToken cancellationToken) =>
        new(await EntriesAsync(status, provinces, 0, limit, cancellationToken), await Matching(status, provinces).CountAsync(cancellationToken));

    /// <summary>The messages the official sees of one status or all (the list and its export share it).</summary>
    private IQueryable<OutboxMessageRow> Matching(OutboxStatus? status, IReadOnlyList<string>? provinces)
    {
        var visible = Visible(provinces);
        return status is null ? visible : visible.Where(o => o.Status == status);
    }

    /// <summary>Newest first: <paramref name="take"/> of them after <paramref name="skip"/>.</summary>
    private async Task<List<OutboxEntry>> EntriesAsync(OutboxStatus? status, IReadOnlyList<string>? provinces, int skip, int take, CancellationToken cancellationToken) =>
        [.. (await Matching(status, provinces).OrderByDescending(o => o.Id).Skip(skip).Take(take).ToListAsync(cancellationToken)).Select(Entry)];

    /// <summary>How many messages of each status the official sees (<paramref name="provinces"/> null: every message).</summary>
    public async Task<IReadOnlyDictionary<OutboxStatus, int>> CountsAsync(IReadOnlyList<string>? provinces, CancellationToken cancellationToken) =>
        (await Visible(provinces).GroupBy(o => o.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken))
            .ToDictionary(c => c.Key, c => c.Count);

    /// <summary>
    /// Puts a dead letter back in the queue: pending, no attempts, due now; the same row, so the same dedup key and
    /// Message-ID. Audited as <c>outbox.resent</c>.
    /// </summary>
    public async Task<OutboxMessageRow> ResendAsync(long id, string actor, IReadOnlyList<string>? provinces, CancellationToken cancellationToken)
    {
        var row = await Visible(provinces, tracked: true).SingleOrDefaultAsync(o => o.Id == id, cancellationToken)
                  ?? throw new OutboxException(StatusCodes.Status404NotFound, $"Outbox message {id} does not exist.");
        if (row.Status != OutboxStatus.Dead)
        {
            throw new OutboxException(StatusCodes.Status409Conflict, $"Outbox message {id} is not a dead letter (it is {row.Status}).");
        }

        row.Status = OutboxStatus.Pending;
        row.Attempts = 0;
        row.NextAttemptAt = clock.GetUtcNow();
        row.LockedBy = null;
        row.LockedUntil = null;
        AuditTrail.Record(db, actor, "outbox.resent", $"outbox/{row.Id}", new { row.DedupKey, row.MessageId, row.Channel, row.LastError });
        await db.SaveChangesAsync(cancellationToken);
        wakeups.OutboxWritten();
        return row;
    }

    private IQueryable<OutboxMessageRow> Visible(IReadOnlyList<string>? provinces, bool tracked = false)
    {
        var query = tracked ? db.OutboxMessages : db.OutboxMessages.AsNoTracking();
        if (provinces is null)
        {
            return query;
        }

        var codes = provinces.ToList();
        return query.Where(o => db.WorkflowInstances.Any(i => i.Id == o.InstanceId && i.ProvinceCode != null && codes.Contains(i.ProvinceCode)));
    }

    private static OutboxEntry Entry(OutboxMessageRow o)
    {
        var (to, subject) = Mail(o);
        return new OutboxEntry(o.Id, o.DedupKey, o.Channel, o.InstanceId, o.ElementId, o.MessageId, o.Status, o.Attempts, o.CreatedAt, o.NextAttemptAt, o.SentAt, o.LastError,
            to, subject);
    }

    /// <summary>The recipients and subject of an email; none for the engine's channels or a payload that does not read.</summary>
    private static (IReadOnlyList<string> To, string? Subject) Mail(OutboxMessageRow o)
    {
        if (o.Channel != EmailNotificationHandler.EmailChannel)
        {
            return ([], null);
        }

        try
        {
            var payload = JsonSerializer.Deserialize<EmailPayload>(o.Payload, EmailPayload.Json);
            return (payload?.To ?? [], payload?.Subject);
        }
        catch (JsonException)
        {
            return ([], null);
        }
    }
}
