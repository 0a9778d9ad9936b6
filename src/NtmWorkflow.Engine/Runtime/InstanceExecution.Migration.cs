using NtmWorkflow.Engine.Definitions;

namespace NtmWorkflow.Engine.Runtime;

/// <summary>
/// Moving a running instance to another version of its process (Camunda 7's migration plan): each element the
/// instance is at is mapped to an element of the new version, by the caller's mapping or else by the same id.
/// Tokens, tasks (with their assignee, due date and history), scopes and incidents move; the waits of each waiting
/// element are reconciled with the new version's events — kept when the mapped event is still there, cancelled when
/// not, and armed for events the new version adds. Nothing moves when a token would be lost.
/// </summary>
internal sealed partial class InstanceExecution
{
    /// <summary>
    /// Maps <see cref="State"/>, running <paramref name="source"/>, onto this execution's process. With
    /// <paramref name="apply"/> false nothing changes and the preview says what would; refusals leave the state as it was.
    /// </summary>
    public MigrationPreview Migrate(ProcessModel source, IReadOnlyDictionary<string, string> mapping, bool apply)
    {
        var refusals = new List<MigrationRefusal>();
        var changes = new List<MigrationChange>();
        string? Target(string sourceId) =>
            mapping.TryGetValue(sourceId, out var mapped) ? (process.NodesById.ContainsKey(mapped) ? mapped : null)
            : process.NodesById.ContainsKey(sourceId) ? sourceId : null;

        foreach (var (from, to) in mapping)
        {
            if (!source.NodesById.ContainsKey(from))
            {
                refusals.Add(new(MigrationRefusalKind.UnknownSourceElement, from, null, null, $"The mapping names '{from}', which version {source.Version} does not have."));
            }

            if (!process.NodesById.ContainsKey(to))
            {
                refusals.Add(new(MigrationRefusalKind.UnknownTargetElement, from, to, null, $"The mapping names '{to}', which version {process.Version} does not have."));
            }
        }

        foreach (var scope in State.Scopes.Where(s => s.ElementId is not null))
        {
            CheckCounterpart(scope.ElementId!, "a scope", source, Target, refusals);
        }

        foreach (var token in State.Tokens)
        {
            var from = source.NodesById[token.ElementId];
            if (CheckCounterpart(token.ElementId, "a token", source, Target, refusals) is not { } to)
            {
                continue;
            }

            var enclosing = EnclosingSubProcess(token.ScopeId);
            var targetParent = (to.Parent as FlowNode)?.Id;
            if ((enclosing is null ? null : Target(enclosing)) != targetParent)
            {
                refusals.Add(new(MigrationRefusalKind.ParentDiffers, from.Id, to.Id, targetParent, $"{Describe(from)} is {(enclosing is null ? "at the process level" : $"inside '{enclosing}'")}, but {Describe(to)} is {(targetParent is null ? "at the process level" : $"inside '{targetParent}'")}."));
            }

            if (token.Phase == TokenPhase.AtJoin && token.ArrivedVia is { } via && !to.Incoming.Any(f => f.Id == via))
            {
                refusals.Add(new(MigrationRefusalKind.JoinPathMissing, from.Id, to.Id, via, $"A token waits at the join '{from.Id}' having come by '{via}', which does not lead to '{to.Id}' in version {process.Version}."));
            }

            if (!token.IsInstanceOfMulti)
            {
                changes.Add(new MigrationChange(MigrationChangeKind.TokenMoved, from.Id, to.Id, from.Id == to.Id ? null : $"{Describe(from)} → {Describe(to)}"));
            }
        }

        if (refusals.Count > 0 || !apply)
        {
            ReconcileWaits(source, Target, changes, apply: false);
            return Preview(source, changes, refusals);
        }

        var fromVersion = State.Version;
        foreach (var scope in State.Scopes.Where(s => s.ElementId is not null))
        {
            scope.ElementId = Target(scope.ElementId!)!;
        }

        foreach (var token in State.Tokens)
        {
            token.ElementId = Target(token.ElementId)!;
            if (token.ArrivedVia is { } via && !process.NodesById[token.ElementId].Incoming.Any(f => f.Id == via))
            {
                token.ArrivedVia = null;
            }
        }

        foreach (var task in State.Tasks)
        {
            var to = Target(task.ElementId)!;
            changes.Add(new MigrationChange(MigrationChangeKind.TaskMoved, task.ElementId, to, task.Assignee));
            task.ElementId = to;
        }

        foreach (var retry in State.Timers.Where(t => t.IsRetry))
        {
            retry.ElementId = Target(retry.ElementId) ?? retry.ElementId;
        }

        foreach (var incident in State.Incidents)
        {
            incident.ElementId = Target(incident.ElementId) ?? incident.ElementId;
        }

        State.Version = process.Version;
        ReconcileWaits(source, Target, changes, apply: true);
        Emit("instanceMigrated", null, $"{State.ProcessId} v{fromVersion} → v{process.Version}");
        return Preview(source, changes, refusals);
    }

    private MigrationPreview Preview(ProcessModel source, List<MigrationChange> changes, List<MigrationRefusal> refusals) =>
        new(State.Id, State.ProcessId, source.Version, process.Version, changes, refusals);

    /// <summary>The counterpart of an element the instance is at, or null with the reason added to <paramref name="refusals"/>.</summary>
    private FlowNode? CheckCounterpart(string sourceId, string what, ProcessModel source, Func<string, string?> target, List<MigrationRefusal> refusals)
    {
        var from = source.NodesById[sourceId];
        if (target(sourceId) is not { } toId)
        {
            refusals.Add(new(MigrationRefusalKind.NoCounterpart, from.Id, null, what, $"{Describe(from)} holds {what} and has no counterpart in version {process.Version}: map it to an element of that version."));
            return null;
        }

        var to = process.NodesById[toId];
        if (from.Kind != to.Kind)
        {
            refusals.Add(new(MigrationRefusalKind.KindDiffers, from.Id, to.Id, $"{from.ElementType} → {to.ElementType}", $"{Describe(from)} is a {from.ElementType} but {Describe(to)} is a {to.ElementType}: an element maps only to one of its kind."));
            return null;
        }

        if ((from.MultiInstance is null) != (to.MultiInstance is null))
        {
            refusals.Add(new(MigrationRefusalKind.MultiInstanceDiffers, from.Id, to.Id, null, $"{Describe(from)} and {Describe(to)} differ in being multi-instance."));
            return null;
        }

        return to;
    }

    private static string Describe(FlowNode node) => node.Name is { Length: > 0 } name ? $"'{node.Id}' ({name})" : $"'{node.Id}'";

    /// <summary>The element id of the nearest embedded subprocess around the scope, or null at the process level.</summary>
    private string? EnclosingSubProcess(string scopeId)
    {
        for (var scope = State.Scopes.FirstOrDefault(s => s.Id == scopeId); scope is not null; scope = State.Scopes.FirstOrDefault(s => s.Id == scope.ParentId))
        {
            if (scope.Kind == ScopeKind.SubProcess)
            {
                return scope.ElementId;
            }
        }

        return null;
    }

    /// <summary>The events a token at <paramref name="node"/> waits for: its boundary events, its own catch event, or those after its event-based gateway.</summary>
    private static IEnumerable<FlowNode> AwaitedEvents(FlowNode node) =>
        node.Kind switch
        {
            NodeKind.TimerCatchEvent or NodeKind.MessageCatchEvent or NodeKind.SignalCatchEvent => [node],
            NodeKind.EventBasedGateway => node.Outgoing.Select(f => f.Target).Where(t => t.IsCatchEvent),
            _ => node.BoundaryEvents.Where(b => b.Kind is NodeKind.TimerBoundaryEvent or NodeKind.MessageBoundaryEvent or NodeKind.SignalBoundaryEvent),
        };

    /// <summary>
    /// Each waiting token's timers and subscriptions against the new version: kept where the new version still awaits
    /// the event there, dropped where it does not, added where it newly does. Without <paramref name="apply"/> it only
    /// says so: the tokens have not moved, so each is looked up through the mapping, and one that cannot move is skipped
    /// (the refusals say why).
    /// </summary>
    private void ReconcileWaits(ProcessModel source, Func<string, string?> target, List<MigrationChange> changes, bool apply)
    {
        foreach (var token in State.Tokens.Where(t => t.Phase == TokenPhase.Waiting).ToList())
        {
            var node = apply ? process.NodesById[token.ElementId] : target(token.ElementId) is { } toId ? process.NodesById[toId] : null;
            if (node is null || (!apply && node.Kind != source.NodesById[token.ElementId].Kind))
            {
                continue;
            }

            var awaited = AwaitedEvents(node).ToList();
            var kept = new HashSet<string>(StringComparer.Ordinal);
            foreach (var timer in State.Timers.Where(t => t.TokenId == token.Id && !t.IsRetry).ToList())
            {
                var to = target(timer.ElementId);
                var keep = to is not null && awaited.Any(a => a.Id == to && a.Timer is not null);
                changes.Add(new MigrationChange(keep ? MigrationChangeKind.TimerKept : MigrationChangeKind.TimerCancelled, timer.ElementId, keep ? to : null, VietnamTimeText(timer.Due)));
                if (keep)
                {
                    kept.Add(to!);
                }

                if (!apply)
                {
                    continue;
                }

                if (keep)
                {
                    timer.ElementId = to!;
                }
                else
                {
                    State.Timers.Remove(timer);
                }
            }

            foreach (var subscription in State.Subscriptions.Where(s => s.TokenId == token.Id).ToList())
            {
                var to = target(subscription.ElementId);
                var awaitedEvent = awaited.FirstOrDefault(a => a.Id == to && (a.MessageName ?? a.SignalName) is not null);
                if (awaitedEvent is null)
                {
                    changes.Add(new MigrationChange(MigrationChangeKind.SubscriptionCancelled, subscription.ElementId, null, subscription.MessageName));
                    if (apply)
                    {
                        State.Subscriptions.Remove(subscription);
                    }

                    continue;
                }

                // The preview names the message waited for now, the applied move the one waited for from then on.
                changes.Add(new MigrationChange(MigrationChangeKind.SubscriptionKept, subscription.ElementId, to,
                    apply ? awaitedEvent.MessageName ?? awaitedEvent.SignalName : subscription.MessageName));
                kept.Add(awaitedEvent.Id);
                if (apply)
                {
                    subscription.ElementId = awaitedEvent.Id;
                    subscription.MessageName = awaitedEvent.MessageName ?? awaitedEvent.SignalName!;
                    subscription.IsSignal = awaitedEvent.SignalName is not null;
                }
            }

            foreach (var added in awaited.Where(a => !kept.Contains(a.Id)))
            {
                if (added.Timer is null)
                {
                    if (apply)
                    {
                        Subscribe(added, token);
                    }

                    changes.Add(new MigrationChange(MigrationChangeKind.SubscriptionCreated, node.Id, added.Id, added.MessageName ?? added.SignalName));
                    continue;
                }

                // Only an applied move arms the timer, so only it knows the due time (a reminder is timed against the task's due date).
                string? due = null;
                if (apply)
                {
                    var before = State.Timers.Count;
                    ScheduleTimer(added, token);
                    due = State.Timers.Count > before ? VietnamTimeText(State.Timers[^1].Due) : null;
                }

                changes.Add(new MigrationChange(MigrationChangeKind.TimerScheduled, node.Id, added.Id, due));
            }
        }
    }
}
