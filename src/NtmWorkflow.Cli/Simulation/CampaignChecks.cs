using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Cli.Simulation;

/// <summary>What must hold after the campaign, read from the database and the mail folder, not from the simulator's own counts alone.</summary>
internal static class CampaignChecks
{
    // nodesDied: app nodes were killed, so a mail a dead node wrote but could not mark sent goes out again, under the same Message-ID.
    public static async Task<List<string>> CheckAsync(IServiceProvider services, Campaign campaign, Figures figures, string mailFolder, bool nodesDied, CancellationToken ct)
    {
        var failures = new List<string>();
        void Fail(string text)
        {
            if (failures.Count < 40)
            {
                failures.Add(text);
            }
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var end = campaign.End;

        // Every dossier ended as its council vote and decision say, or waits where the simulator has a next step for it.
        var dossiers = await db.Dossiers.AsNoTracking().ToDictionaryAsync(d => d.Id, d => new { d.Code, d.Status, d.InstanceId }, ct);
        var instances = await db.WorkflowInstances.AsNoTracking().Select(i => new { i.Id, i.Status, i.HasIncident, i.ProcessId }).ToDictionaryAsync(i => i.Id, ct);
        var openTasks = (await db.WorkflowTasks.AsNoTracking().Select(t => new { t.Id, t.InstanceId, t.FormKey }).ToListAsync(ct)).ToLookup(t => t.InstanceId);
        foreach (var track in campaign.Dossiers)
        {
            if (track.Id == Guid.Empty || !dossiers.TryGetValue(track.Id, out var dossier))
            {
                Fail($"{track.Commune.Code}: its dossier was not opened");
                continue;
            }

            if (dossier.Status != track.Expected)
            {
                Fail($"{dossier.Code}: {dossier.Status}, expected {track.Expected}");
            }

            var instance = instances.GetValueOrDefault(track.InstanceId);
            if (instance is null || dossier.InstanceId != track.InstanceId)
            {
                Fail($"{dossier.Code}: its workflow instance is missing");
                continue;
            }

            if ((instance.Status == InstanceStatus.Running) != (track.Expected == DossierStatus.InProgress))
            {
                Fail($"{dossier.Code}: the instance is {instance.Status} while the dossier is expected {track.Expected}");
            }

            if (instance.Status == InstanceStatus.Running)
            {
                var tasks = openTasks[track.InstanceId].ToList();
                var waiting = tasks.Count == 0
                    ? track.Session is not null
                    : tasks.All(t => track.PlannedTasks.Contains(t.Id) || t.FormKey is "ntm:council-agenda" or "ntm:recognition-decision");
                if (!waiting)
                {
                    Fail($"{dossier.Code}: waits at {(tasks.Count == 0 ? "no task and on no session" : string.Join(", ", tasks.Select(t => t.FormKey)))} with nothing planned");
                }
            }
        }

        foreach (var incident in instances.Values.Where(i => i.HasIncident))
        {
            Fail($"instance {incident.Id} ({incident.ProcessId}) has an open incident");
        }

        // No lost timer: nothing due is left, each timer fired once in the history, every waiting dossier keeps its deadline timers.
        var overdueTimers = await db.WorkflowTimers.CountAsync(t => t.Due <= end, ct);
        if (overdueTimers > 0)
        {
            Fail($"{overdueTimers} timer(s) due before the end did not fire");
        }

        var firedInHistory = await db.WorkflowHistory.CountAsync(h => h.Event == "timerFired", ct);
        if (firedInHistory != figures.Counter("timers fired"))
        {
            Fail($"the engine reported {figures.Counter("timers fired")} timers fired, the history has {firedInHistory}");
        }

        var firedTwice = await db.WorkflowHistory.Where(h => h.Event == "timerFired").GroupBy(h => new { h.InstanceId, h.ElementId, h.Detail })
            .Where(g => g.Count() > 1).Select(g => new { g.Key.InstanceId, g.Key.ElementId, g.Key.Detail, Count = g.Count() }).Take(5).ToListAsync(ct);
        foreach (var twice in firedTwice)
        {
            Fail($"instance {twice.InstanceId}: the timer of {twice.ElementId} due {twice.Detail} fired {twice.Count} times");
        }

        var withTimers = (await db.WorkflowTimers.AsNoTracking().Select(t => t.InstanceId).Distinct().ToListAsync(ct)).ToHashSet();
        foreach (var track in campaign.Dossiers.Where(t => t.Expected == DossierStatus.InProgress && openTasks[t.InstanceId].Any() && !withTimers.Contains(t.InstanceId)))
        {
            Fail($"{track.Commune.Code}: waits at a task with no deadline timer");
        }

        // History complete: one start per instance, an end for each ended one, and each created task completed, cancelled or open.
        var history = (await db.WorkflowHistory.AsNoTracking()
                .Where(h => h.Event == "instanceStarted" || h.Event == "instanceEnded" || h.Event == "taskCreated" || h.Event == "taskCompleted" || h.Event == "taskCancelled")
                .GroupBy(h => new { h.InstanceId, h.Event }).Select(g => new { g.Key.InstanceId, g.Key.Event, Count = g.Count() }).ToListAsync(ct))
            .ToLookup(h => h.InstanceId);
        var completedByOfficials = 0;
        foreach (var instance in instances.Values)
        {
            var events = history[instance.Id].ToDictionary(h => h.Event, h => h.Count, StringComparer.Ordinal);
            int Count(string e) => events.GetValueOrDefault(e);
            if (Count("instanceStarted") != 1)
            {
                Fail($"instance {instance.Id}: {Count("instanceStarted")} start entries");
            }

            if (Count("instanceEnded") != (instance.Status == InstanceStatus.Running ? 0 : 1))
            {
                Fail($"instance {instance.Id} ({instance.Status}): {Count("instanceEnded")} end entries");
            }

            var open = openTasks[instance.Id].Count();
            if (Count("taskCreated") != Count("taskCompleted") + Count("taskCancelled") + open)
            {
                Fail($"instance {instance.Id}: {Count("taskCreated")} tasks created, {Count("taskCompleted")} completed, {Count("taskCancelled")} cancelled, {open} open");
            }

            if (instance.ProcessId is DossierService.ThreeTierProcess or DossierService.TwoTierProcess)
            {
                completedByOfficials += Count("taskCompleted");
            }
        }

        if (completedByOfficials != figures.Counter("dossier tasks completed"))
        {
            Fail($"the officials completed {figures.Counter("dossier tasks completed")} dossier tasks, the history records {completedByOfficials}");
        }

        // The outbox: everything due was sent, nothing is dead, and no dedup key went out under two Message-IDs or twice.
        var outbox = await db.OutboxMessages.AsNoTracking().Select(o => new { o.DedupKey, o.Channel, o.MessageId, o.Status, o.NextAttemptAt, o.Attempts }).ToListAsync(ct);
        var stuck = outbox.Count(o => o.Status == OutboxStatus.Pending && o.NextAttemptAt <= end);
        if (stuck > 0)
        {
            Fail($"{stuck} outbox message(s) due were not sent");
        }

        if (outbox.Count(o => o.Status == OutboxStatus.Dead) is var dead and > 0)
        {
            Fail($"{dead} outbox message(s) are dead letters");
        }

        foreach (var shared in outbox.GroupBy(o => o.MessageId).Where(g => g.Select(o => o.DedupKey).Distinct().Count() > 1).Take(5))
        {
            Fail($"Message-ID {shared.Key} belongs to {shared.Count()} dedup keys");
        }

        var mailed = outbox.Where(o => o.Channel == EmailNotificationHandler.EmailChannel && o.Status == OutboxStatus.Sent).Select(o => o.MessageId).ToHashSet(StringComparer.Ordinal);
        var delivered = Directory.Exists(mailFolder)
            ? Directory.EnumerateFiles(mailFolder, "*.eml").Select(MessageIdOf).ToList()
            : [];
        var retried = outbox.Where(o => o.Attempts > 1).Select(o => o.MessageId).ToHashSet(StringComparer.Ordinal);
        foreach (var twice in delivered.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            if (nodesDied && twice.Count() == 2 && retried.Contains(twice.Key))
            {
                figures.Count("mails delivered again after a node's death (same Message-ID)");
            }
            else
            {
                Fail($"Message-ID {twice.Key} was delivered {twice.Count()} times");
            }
        }

        if (!mailed.SetEquals(delivered))
        {
            Fail($"the outbox marks {mailed.Count} mails sent, the mail folder holds {delivered.Count} ({delivered.Distinct().Count()} distinct)");
        }

        figures.Count("mails sent", mailed.Count);
        return failures;
    }

    private static string MessageIdOf(string file)
    {
        foreach (var line in File.ReadLines(file))
        {
            if (line.Length == 0)
            {
                break; // the end of the headers
            }

            if (line.StartsWith("Message-ID:", StringComparison.OrdinalIgnoreCase))
            {
                return line["Message-ID:".Length..].Trim().Trim('<', '>');
            }
        }

        return $"(none in {Path.GetFileName(file)})";
    }
}
