using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Infrastructure;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Workflows.Store;

/// <summary>
/// The engine's store on EF Core (SQLite or PostgreSQL). A save is one SaveChanges, so one transaction
/// with its statements batched: a conditional update of the instance row on the revision the caller
/// loaded (none updated means someone else saved first), the index rows that were added or removed, and
/// the history entries appended.
/// </summary>
/// <remarks>The engine is a singleton and calls concurrently, so each call uses its own scope and context.</remarks>
/// <remarks>
/// Outside the app (the CLI, benchmarks) there are no wake-ups to give and no crash points; the
/// Message-ID domain then is the default one.
/// </remarks>
public sealed class EfWorkflowStore(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<NotificationOptions>? notifications = null,
    WorkflowWakeups? wakeups = null,
    CrashPoints? crashPoints = null) : IWorkflowStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The events a person causes (the engine's own steps, like timers firing, are not audited).</summary>
    private static readonly HashSet<string> AuditedEvents = new(StringComparer.Ordinal) { "instanceStarted", "taskCompleted", "taskAssigned", "messageCorrelated", "instanceMigrated", "instanceRelocated", "instanceEnded" };

    public async Task<StoredInstance?> LoadAsync(Guid instanceId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var row = await db.WorkflowInstances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == instanceId, cancellationToken);
        if (row is null)
        {
            return null;
        }

        // The index rows are derived from the state; a load only needs the state.
        return new StoredInstance(row.Id, row.ProcessId, row.Version, row.BusinessKey, row.Status, row.Revision, row.State, [], [], []);
    }

    public async Task SaveAsync(StoredInstance instance, StoredInstance? loaded, IReadOnlyList<WorkflowEvent> history, IReadOnlyList<OutboxMessage> outbox,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(outbox);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        if (loaded is null)
        {
            db.WorkflowInstances.Add(new WorkflowInstanceRow
            {
                Id = instance.Id, ProcessId = instance.ProcessId, Version = instance.Version, BusinessKey = instance.BusinessKey,
                Status = instance.Status, Revision = instance.Revision, State = instance.State, UpdatedAt = now,
                StartedAt = instance.StartedAt, HasIncident = instance.IncidentCount > 0, NextTaskDue = NextDue(instance), ProvinceCode = instance.ProvinceCode,
            });
        }
        else
        {
            // Attached as loaded, then changed: EF writes UPDATE … WHERE Id = @id AND Revision = @loaded,
            // and a zero row count means someone else saved first.
            var row = new WorkflowInstanceRow
            {
                Id = loaded.Id, ProcessId = loaded.ProcessId, Version = loaded.Version, BusinessKey = loaded.BusinessKey,
                Status = loaded.Status, Revision = loaded.Revision, State = loaded.State,
            };
            db.WorkflowInstances.Attach(row);
            row.Status = instance.Status;
            row.Version = instance.Version; // changes only when the instance is migrated to another version
            row.Revision = instance.Revision;
            row.State = instance.State;
            row.UpdatedAt = now;

            // The monitor's columns, written whatever they were (the loaded instance does not carry them); the
            // province stays when the state no longer names it (an ended instance has no variables left).
            row.HasIncident = instance.IncidentCount > 0;
            row.NextTaskDue = NextDue(instance);
            var entry = db.Entry(row);
            entry.Property(r => r.HasIncident).IsModified = true;
            entry.Property(r => r.NextTaskDue).IsModified = true;
            if (instance.ProvinceCode is not null)
            {
                row.ProvinceCode = instance.ProvinceCode;
                entry.Property(r => r.ProvinceCode).IsModified = true;
            }
        }

        // Only the index rows that changed are written: a timer or subscription never changes once made (a
        // rescheduled timer is a new one), and a task only its assignee, so the difference is what was added
        // and removed, plus reassigned tasks.
        var timers = Difference(loaded?.Timers ?? [], instance.Timers, t => t.TimerId);
        db.WorkflowTimers.RemoveRange(timers.Removed.Select(t => Attach(db, new WorkflowTimerRow { InstanceId = instance.Id, TimerId = t.TimerId, ElementId = t.ElementId })));
        db.WorkflowTimers.AddRange(timers.Added.Select(t => new WorkflowTimerRow
        {
            InstanceId = instance.Id, TimerId = t.TimerId, ElementId = t.ElementId, Due = t.Due, ScheduledAt = t.ScheduledAt, Sequence = t.Sequence,
        }));

        var subscriptions = Difference(loaded?.Subscriptions ?? [], instance.Subscriptions, s => s.SubscriptionId);
        db.WorkflowSubscriptions.RemoveRange(subscriptions.Removed.Select(s => Attach(db, new WorkflowSubscriptionRow { InstanceId = instance.Id, SubscriptionId = s.SubscriptionId, Name = s.MessageName })));
        db.WorkflowSubscriptions.AddRange(subscriptions.Added.Select(s => new WorkflowSubscriptionRow
        {
            InstanceId = instance.Id, SubscriptionId = s.SubscriptionId, Name = s.MessageName, IsSignal = s.IsSignal, BusinessKey = s.BusinessKey, Created = s.Created, Sequence = s.Sequence,
        }));

        var tasks = Difference(loaded?.Tasks ?? [], instance.Tasks, t => t.Id.ToString());

        // A task changes only its assignee (claimed, delegated, released): that column is updated in place, and
        // a claim takes the task out of its groups' queue (WorkflowTaskGroups), a release puts it back. Its groups
        // change only when the instance moves to other units (an administrative merger): the queue rows follow.
        foreach (var (before, after) in (loaded?.Tasks ?? []).Join(instance.Tasks, t => t.Id, t => t.Id, (b, a) => (b, a))
                     .Where(p => p.b.Assignee != p.a.Assignee || !p.b.CandidateGroups.SequenceEqual(p.a.CandidateGroups, StringComparer.Ordinal)))
        {
            var row = Attach(db, new WorkflowTaskRow
            {
                Id = after.Id, InstanceId = instance.Id, ElementId = after.ElementId, Assignee = before.Assignee, CandidateUsers = "",
                CandidateGroups = JsonSerializer.Serialize(before.CandidateGroups, Json), Properties = "",
            });
            row.Assignee = after.Assignee;
            row.CandidateGroups = JsonSerializer.Serialize(after.CandidateGroups, Json);
            var queuedBefore = before.Assignee is null ? GroupRows(before).Select(g => g.Group).ToHashSet(StringComparer.Ordinal) : [];
            var queuedAfter = after.Assignee is null ? GroupRows(after).Select(g => g.Group).ToHashSet(StringComparer.Ordinal) : [];
            db.WorkflowTaskGroups.RemoveRange(queuedBefore.Except(queuedAfter).Select(g => Attach(db, new WorkflowTaskGroupRow { TaskId = after.Id, Group = g })));
            db.WorkflowTaskGroups.AddRange(queuedAfter.Except(queuedBefore).Select(g => new WorkflowTaskGroupRow { TaskId = after.Id, Group = g }));
        }

        // A migration to another version keeps the ids of tasks, timers and waits but moves them to the new
        // version's elements: their element, name and message columns follow.
        if (loaded is not null && loaded.Version != instance.Version)
        {
            UpdateMigratedRows(db, loaded, instance);
        }

        // A removed task's group rows go with it (ON DELETE CASCADE).
        db.WorkflowTasks.RemoveRange(tasks.Removed.Select(t => Attach(db, new WorkflowTaskRow { Id = t.Id, InstanceId = instance.Id, ElementId = t.ElementId, CandidateUsers = "", CandidateGroups = "", Properties = "" })));

        // The dossier's columns of the tasks a step makes (the inbox) and completes (the dashboard), read once for both.
        // A new instance has no dossier linked yet: linking fills its tasks.
        var completed = Features.Reports.CompletedTasks.Of(tasks.Removed, history);
        var dossier = loaded is not null && (tasks.Added.Count > 0 || completed.Count > 0)
            ? await Features.Inbox.InboxColumns.OfInstanceAsync(db, instance.Id, cancellationToken)
            : null;
        db.WorkflowTasks.AddRange(tasks.Added.Select(t => new WorkflowTaskRow
        {
            Id = t.Id, InstanceId = instance.Id, ElementId = t.ElementId, Name = t.Name, Assignee = t.Assignee,
            CandidateUsers = JsonSerializer.Serialize(t.CandidateUsers, Json), CandidateGroups = JsonSerializer.Serialize(t.CandidateGroups, Json),
            Due = t.Due, FollowUp = t.FollowUp, Priority = t.Priority, FormKey = t.FormKey, Properties = JsonSerializer.Serialize(t.Properties, Json),
            Created = t.Created, LoopCounter = t.LoopCounter,
            DueUnverified = t.DueUnverifiedParameters is { Count: > 0 } unverified ? string.Join(',', unverified) : null,
            BusinessKey = instance.BusinessKey, DossierId = dossier?.DossierId, CommuneCode = dossier?.CommuneCode, CommuneName = dossier?.CommuneName,
        }));
        db.WorkflowTaskGroups.AddRange(tasks.Added.Where(t => t.Assignee is null).SelectMany(GroupRows));

        db.WorkflowHistory.AddRange(history.Select(h => new WorkflowHistoryRow
        {
            InstanceId = h.InstanceId, Time = h.Time, Event = h.Event, ElementId = h.ElementId, Actor = h.Actor,
            Detail = h.Detail is { Length: > 4000 } text ? text[..4000] : h.Detail,
        }));

        // A dossier's process that ends closes the dossier in the same transaction, whoever ended it (a council's tally
        // delivered by the outbox ends a rejected dossier with no official on its page).
        if (loaded is { Status: InstanceStatus.Running } && instance.Status != InstanceStatus.Running
            && await db.Dossiers.FirstOrDefaultAsync(d => d.InstanceId == instance.Id && d.Status == Features.Dossiers.DossierStatus.InProgress, cancellationToken) is { } closing)
        {
            closing.Status = Features.Dossiers.DossierService.StatusAtEnd(instance.Status, history.Where(h => h.Event == "completed").Select(h => h.ElementId));
            closing.UpdatedAt = now;
            Features.Audit.AuditTrail.Record(db, "system", "dossier.closed", Features.Dossiers.DossierService.Subject(closing.Id), new { status = closing.Status });
        }

        // Completed user tasks, for the dashboard's on-time figures, in the same transaction as the completion.
        await Features.Reports.CompletedTasks.AddAsync(db, instance, completed, dossier, cancellationToken);

        // What a person did to the instance goes to the audit chain in the same transaction.
        foreach (var acted in history.Where(h => h.Actor is not null && AuditedEvents.Contains(h.Event)))
        {
            Features.Audit.AuditTrail.Record(db, acted.Actor!, "workflow." + acted.Event, $"instance/{instance.Id}",
                new { process = instance.ProcessId, instance.BusinessKey, element = acted.ElementId, detail = acted.Detail });
        }

        var received = instance.ReceivedMessages.Except(loaded?.ReceivedMessages ?? [], StringComparer.Ordinal).ToList();
        db.WorkflowReceivedMessages.AddRange(received.Select(k => new WorkflowReceivedMessageRow { DedupKey = k, InstanceId = instance.Id, ReceivedAt = now }));

        var settings = notifications?.Value ?? new NotificationOptions();
        db.OutboxMessages.AddRange(outbox.Select(m => new OutboxMessageRow
        {
            DedupKey = m.DedupKey, Channel = m.Channel, Payload = m.Payload, InstanceId = m.InstanceId, ElementId = m.ElementId,
            MessageId = MessageIds.FromDedupKey(m.DedupKey, settings.MessageIdDomain), Status = OutboxStatus.Pending, CreatedAt = now,

            // The engine delivers what a step throws right after the save; the sender steps in only if it did not.
            NextAttemptAt = WorkflowChannels.IsWorkflowChannel(m.Channel) ? now + clock.AppTime(TimeSpan.FromSeconds(settings.WorkflowDeliveryGraceSeconds)) : now,
        }));

        var firesTimer = history.Any(h => h.Event == "timerFired");
        if (firesTimer)
        {
            crashPoints?.Reached("timer-fired-before-commit");
        }

        var completing = db.ChangeTracker.Entries<Features.Reports.CompletedTaskRow>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.TaskId).ToList();
        try
        {
            // One SaveChanges: one transaction, the statements batched.
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new WorkflowConcurrencyException(instance.Id);
        }
        catch (DbUpdateException) when (loaded is null || received.Count > 0)
        {
            // A new instance whose id exists, or a thrown message another instance took first.
            throw new WorkflowConcurrencyException(instance.Id);
        }
        catch (DbUpdateException) when (completing.Count > 0)
        {
            // A task is completed once: when another save completed it first, its CompletedTasks row can fail the
            // unique key before the instance's revision check runs. That is the same lost race, not an error.
            db.ChangeTracker.Clear();
            if (await db.CompletedTasks.AsNoTracking().AnyAsync(c => completing.Contains(c.TaskId), cancellationToken))
            {
                throw new WorkflowConcurrencyException(instance.Id);
            }

            throw;
        }

        if (firesTimer)
        {
            crashPoints?.Reached("timer-fired-after-commit");
        }

        if (outbox.Count > 0)
        {
            crashPoints?.Reached("step-committed");
            wakeups?.OutboxWritten();
        }

        if (timers.Added.Count > 0)
        {
            wakeups?.TimersAdded(timers.Added.Min(t => t.Due));
        }
    }

    private static DateTimeOffset? NextDue(StoredInstance instance) => instance.Tasks.Where(t => t.Due is not null).Min(t => t.Due);

    private static (List<T> Removed, List<T> Added) Difference<T>(IReadOnlyList<T> before, IReadOnlyList<T> after, Func<T, string> key)
    {
        var beforeKeys = before.Select(key).ToHashSet(StringComparer.Ordinal);
        var afterKeys = after.Select(key).ToHashSet(StringComparer.Ordinal);
        return ([.. before.Where(b => !afterKeys.Contains(key(b)))], [.. after.Where(a => !beforeKeys.Contains(key(a)))]);
    }

    private static IEnumerable<WorkflowTaskGroupRow> GroupRows(TaskView task) =>
        task.CandidateGroups.Distinct(StringComparer.Ordinal).Select(g => new WorkflowTaskGroupRow { TaskId = task.Id, Group = g });

    private static void UpdateMigratedRows(AppDbContext db, StoredInstance loaded, StoredInstance instance)
    {
        foreach (var (before, after) in loaded.Tasks.Join(instance.Tasks, t => t.Id, t => t.Id, (b, a) => (b, a)).Where(p => p.b.ElementId != p.a.ElementId || p.b.Name != p.a.Name))
        {
            var row = Attach(db, new WorkflowTaskRow
            {
                Id = after.Id, InstanceId = instance.Id, ElementId = before.ElementId, Name = before.Name, CandidateUsers = "", CandidateGroups = "",
                Properties = JsonSerializer.Serialize(before.Properties, Json),
            });
            row.ElementId = after.ElementId;
            row.Name = after.Name;
            row.Properties = JsonSerializer.Serialize(after.Properties, Json);
        }

        foreach (var (before, after) in loaded.Timers.Join(instance.Timers, t => t.TimerId, t => t.TimerId, (b, a) => (b, a)).Where(p => p.b.ElementId != p.a.ElementId))
        {
            Attach(db, new WorkflowTimerRow { InstanceId = instance.Id, TimerId = after.TimerId, ElementId = before.ElementId }).ElementId = after.ElementId;
        }

        foreach (var (before, after) in loaded.Subscriptions.Join(instance.Subscriptions, s => s.SubscriptionId, s => s.SubscriptionId, (b, a) => (b, a))
                     .Where(p => p.b.MessageName != p.a.MessageName || p.b.IsSignal != p.a.IsSignal))
        {
            var row = Attach(db, new WorkflowSubscriptionRow { InstanceId = instance.Id, SubscriptionId = after.SubscriptionId, Name = before.MessageName, IsSignal = before.IsSignal });
            row.Name = after.MessageName;
            row.IsSignal = after.IsSignal;
        }
    }

    private static TRow Attach<TRow>(AppDbContext db, TRow row)
        where TRow : class
    {
        db.Attach(row);
        return row;
    }

    public async Task<Guid?> FindMessageReceiverAsync(string dedupKey, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.WorkflowReceivedMessages.Where(r => r.DedupKey == dedupKey).Select(r => (Guid?)r.InstanceId).SingleOrDefaultAsync(cancellationToken);
    }

    public async Task MarkOutboxDeliveredAsync(string dedupKey, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        await db.OutboxMessages.Where(o => o.DedupKey == dedupKey && o.Status != OutboxStatus.Sent)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OutboxStatus.Sent).SetProperty(o => o.SentAt, now)
                .SetProperty(o => o.LockedBy, (string?)null).SetProperty(o => o.LockedUntil, (DateTimeOffset?)null).SetProperty(o => o.LastError, (string?)null), cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxMessage>> ListUndeliveredAsync(string channel, int max, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.OutboxMessages.AsNoTracking().Where(o => o.Channel == channel && o.Status == OutboxStatus.Pending)
            .OrderBy(o => o.Id).Take(max)
            .Select(o => new OutboxMessage(o.DedupKey, o.Channel, o.Payload, o.InstanceId, o.ElementId, o.CreatedAt))
            .ToListAsync(cancellationToken);
    }

    public async Task<StoredInstance?> LoadInstanceOfTaskAsync(Guid taskId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var row = await db.WorkflowTasks.Where(t => t.Id == taskId)
            .Join(db.WorkflowInstances, t => t.InstanceId, i => i.Id, (t, i) => i)
            .AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        return row is null ? null : new StoredInstance(row.Id, row.ProcessId, row.Version, row.BusinessKey, row.Status, row.Revision, row.State, [], [], []);
    }

    public async Task<IReadOnlyList<StoredSubscription>> FindMessageSubscriptionsAsync(string messageName, string? businessKey, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var query = db.WorkflowSubscriptions.AsNoTracking().Where(s => !s.IsSignal && s.Name == messageName);
        if (businessKey is not null)
        {
            query = query.Where(s => s.BusinessKey == businessKey);
        }

        return await query.OrderBy(s => s.Created).ThenBy(s => s.Sequence).ThenBy(s => s.InstanceId)
            .Select(s => new StoredSubscription(s.InstanceId, s.SubscriptionId, s.Name, s.BusinessKey, s.Created, s.Sequence, false))
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Guid>> FindSignalSubscribersAsync(string signalName, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.WorkflowSubscriptions.Where(s => s.IsSignal && s.Name == signalName).Select(s => s.InstanceId).Distinct().ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredTimer>> ClaimDueTimersAsync(DateTimeOffset upTo, int max, string owner, DateTimeOffset now, DateTimeOffset leaseUntil,
        CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        List<WorkflowTimerRow> claimed;
        if (db is PostgresAppDbContext)
        {
            // One statement: timers another node holds are skipped, not waited for.
            claimed = await db.WorkflowTimers.FromSql($"""
                UPDATE "WorkflowTimers" AS t
                SET "LockedBy" = {owner}, "LockedUntil" = {leaseUntil.UtcDateTime}
                FROM (SELECT "InstanceId", "TimerId" FROM "WorkflowTimers"
                      WHERE "Due" <= {upTo.UtcDateTime} AND ("LockedUntil" IS NULL OR "LockedUntil" < {now.UtcDateTime})
                      ORDER BY "Due", "ScheduledAt", "Sequence" LIMIT {max}
                      FOR UPDATE SKIP LOCKED) AS c
                WHERE t."InstanceId" = c."InstanceId" AND t."TimerId" = c."TimerId"
                RETURNING t.*
                """).AsNoTracking().ToListAsync(cancellationToken);
        }
        else
        {
            // SQLite is single-node and has one writer, so one statement claims the batch (a batch of 200 used to take
            // a conditional update each). Instants are bound as the UTC date-times the columns hold.
            claimed = await db.WorkflowTimers.FromSql($"""
                UPDATE "WorkflowTimers"
                SET "LockedBy" = {owner}, "LockedUntil" = {leaseUntil.UtcDateTime}
                WHERE ("InstanceId", "TimerId") IN (
                      SELECT "InstanceId", "TimerId" FROM "WorkflowTimers"
                      WHERE "Due" <= {upTo.UtcDateTime} AND ("LockedUntil" IS NULL OR "LockedUntil" < {now.UtcDateTime})
                      ORDER BY "Due", "ScheduledAt", "Sequence" LIMIT {max})
                RETURNING *
                """).AsNoTracking().ToListAsync(cancellationToken);
        }

        return [.. claimed.OrderBy(t => t.Due).ThenBy(t => t.ScheduledAt).ThenBy(t => t.Sequence)
            .Select(t => new StoredTimer(t.TimerId, t.InstanceId, t.ElementId, t.Due, t.ScheduledAt, t.Sequence))];
    }

    public async Task<StoredTimer?> FindNextTimerAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await Ordered(db.WorkflowTimers.AsNoTracking()).Select(AsStoredTimer).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<TaskView>> ListOpenTasksAsync(Guid? instanceId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var query = db.WorkflowTasks.AsNoTracking();
        if (instanceId is not null)
        {
            query = query.Where(t => t.InstanceId == instanceId);
        }

        var rows = await query.OrderBy(t => t.Created).ThenBy(t => t.LoopCounter).ToListAsync(cancellationToken);
        return [.. rows.Select(t => new TaskView(
            t.Id, t.InstanceId, t.ElementId, t.Name, t.Assignee,
            JsonSerializer.Deserialize<List<string>>(t.CandidateUsers, Json) ?? [], JsonSerializer.Deserialize<List<string>>(t.CandidateGroups, Json) ?? [],
            t.Due, t.FollowUp, t.Priority, t.FormKey, JsonSerializer.Deserialize<Dictionary<string, string>>(t.Properties, Json) ?? [], t.Created, t.LoopCounter,
            t.DueUnverified?.Split(',') ?? []))];
    }

    public async Task<IReadOnlyList<WorkflowEvent>> ReadHistoryAsync(Guid instanceId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.WorkflowHistory.AsNoTracking().Where(h => h.InstanceId == instanceId).OrderBy(h => h.Id)
            .Select(h => new WorkflowEvent(h.Time, h.Event, h.ElementId, h.InstanceId, h.Actor, h.Detail))
            .ToListAsync(cancellationToken);
    }

    private static readonly System.Linq.Expressions.Expression<Func<WorkflowTimerRow, StoredTimer>> AsStoredTimer =
        t => new StoredTimer(t.TimerId, t.InstanceId, t.ElementId, t.Due, t.ScheduledAt, t.Sequence);

    /// <summary>Earliest first; ties in scheduling order.</summary>
    private static IQueryable<WorkflowTimerRow> Ordered(IQueryable<WorkflowTimerRow> timers) =>
        timers.OrderBy(t => t.Due).ThenBy(t => t.ScheduledAt).ThenBy(t => t.Sequence);
}
