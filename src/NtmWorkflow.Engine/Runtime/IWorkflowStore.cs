namespace NtmWorkflow.Engine.Runtime;

/// <summary>A timer as a store indexes it.</summary>
public sealed record StoredTimer(string TimerId, Guid InstanceId, string ElementId, DateTimeOffset Due, DateTimeOffset ScheduledAt, long Sequence);

/// <summary>A message subscription as a store indexes it.</summary>
public sealed record StoredSubscription(Guid InstanceId, string SubscriptionId, string MessageName, string? BusinessKey, DateTimeOffset Created, long Sequence, bool IsSignal = false);

/// <summary>
/// One instance as stored: the serialised state (opaque to the store) plus the index rows derived from
/// it, which let a database find due timers, message waiters and open tasks without reading state.
/// </summary>
public sealed record StoredInstance(
    Guid Id,
    string ProcessId,
    int Version,
    string? BusinessKey,
    InstanceStatus Status,
    long Revision,
    string State,
    IReadOnlyList<StoredTimer> Timers,
    IReadOnlyList<StoredSubscription> Subscriptions,
    IReadOnlyList<TaskView> Tasks,
    IReadOnlyList<string>? ReceivedMessages = null)
{
    /// <summary>Dedup keys of the thrown messages the instance received; the store keeps each unique across instances.</summary>
    public IReadOnlyList<string> ReceivedMessages { get; init; } = ReceivedMessages ?? [];

    // What a monitor lists instances by, derived from the state like the index rows, so a database store can
    // keep them as columns (the state itself stays opaque to it).

    /// <summary>When the instance started, by the engine clock.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Incidents open on the instance (a running instance with one is faulted).</summary>
    public int IncidentCount { get; init; }

    /// <summary>The province the instance belongs to: its process variable named by <see cref="WorkflowEngineOptions.ProvinceVariable"/>, when a text.</summary>
    public string? ProvinceCode { get; init; }
}

/// <summary>
/// Where instances live. A save is atomic: the state, its index rows and the new history entries
/// together, and only when the stored revision is still the one the caller loaded. The caller passes
/// what it loaded (with the index rows derived from that state), so a database store writes only the
/// index rows that changed.
/// </summary>
public interface IWorkflowStore
{
    /// <summary>The instance, or null.</summary>
    Task<StoredInstance?> LoadAsync(Guid instanceId, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the instance if the stored revision is still <paramref name="loaded"/>'s (null for a new
    /// instance), else throws <see cref="WorkflowConcurrencyException"/>; with it, in the same
    /// transaction, the step's history and its outbox messages (whose keys the store keeps unique).
    /// </summary>
    Task SaveAsync(StoredInstance instance, StoredInstance? loaded, IReadOnlyList<WorkflowEvent> history, IReadOnlyList<OutboxMessage> outbox,
        CancellationToken cancellationToken);

    /// <summary>The instance that received the thrown message with this dedup key, or null.</summary>
    Task<Guid?> FindMessageReceiverAsync(string dedupKey, CancellationToken cancellationToken);

    /// <summary>Marks an outbox message delivered (the engine delivered a thrown message or signal itself).</summary>
    Task MarkOutboxDeliveredAsync(string dedupKey, CancellationToken cancellationToken);

    /// <summary>Outbox messages of the channel not yet delivered, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<OutboxMessage>> ListUndeliveredAsync(string channel, int max, CancellationToken cancellationToken);

    /// <summary>The instance that holds the open task, loaded as <see cref="LoadAsync"/> does (in one read where the store can), or null.</summary>
    Task<StoredInstance?> LoadInstanceOfTaskAsync(Guid taskId, CancellationToken cancellationToken);

    /// <summary>Instances waiting for the message, earliest subscription first; <paramref name="businessKey"/> narrows when given.</summary>
    Task<IReadOnlyList<StoredSubscription>> FindMessageSubscriptionsAsync(string messageName, string? businessKey, CancellationToken cancellationToken);

    /// <summary>Instances with a subscription to the signal, each once.</summary>
    Task<IReadOnlyList<Guid>> FindSignalSubscribersAsync(string signalName, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> timers due at or before <paramref name="upTo"/> that no other
    /// node holds (no lease, or one that ran out before <paramref name="now"/>), earliest first, ties in
    /// scheduling order: each is leased to <paramref name="owner"/> until <paramref name="leaseUntil"/>, in one
    /// atomic statement, so two nodes never claim the same timer at once. Firing the timer removes it.
    /// </summary>
    Task<IReadOnlyList<StoredTimer>> ClaimDueTimersAsync(DateTimeOffset upTo, int max, string owner, DateTimeOffset now, DateTimeOffset leaseUntil,
        CancellationToken cancellationToken);

    /// <summary>The earliest scheduled timer of any instance, or null.</summary>
    Task<StoredTimer?> FindNextTimerAsync(CancellationToken cancellationToken);

    /// <summary>Open tasks, oldest first; of one instance when <paramref name="instanceId"/> is given.</summary>
    Task<IReadOnlyList<TaskView>> ListOpenTasksAsync(Guid? instanceId, CancellationToken cancellationToken);

    /// <summary>The history journal of an instance, in order.</summary>
    Task<IReadOnlyList<WorkflowEvent>> ReadHistoryAsync(Guid instanceId, CancellationToken cancellationToken);
}

/// <summary>
/// Keeps instances in memory, as the serialised records a database would hold; the engine reloads and
/// deserialises before every step, so serialisation bugs show in the fast tests. For tests and `ntm run`.
/// </summary>
public sealed class InMemoryWorkflowStore : IWorkflowStore
{
    private readonly Dictionary<Guid, StoredInstance> _instances = [];
    private readonly Dictionary<Guid, List<WorkflowEvent>> _history = [];
    private readonly List<OutboxMessage> _outbox = [];
    private readonly HashSet<string> _delivered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Guid> _receivers = new(StringComparer.Ordinal);
    // By instance and timer, as the database's key: timer ids are unique within an instance only.
    private readonly Dictionary<(Guid InstanceId, string TimerId), (string Owner, DateTimeOffset Until)> _leases = [];
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public Task<StoredInstance?> LoadAsync(Guid instanceId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_instances.GetValueOrDefault(instanceId));
        }
    }

    /// <inheritdoc />
    public Task SaveAsync(StoredInstance instance, StoredInstance? loaded, IReadOnlyList<WorkflowEvent> history, IReadOnlyList<OutboxMessage> outbox,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(outbox);
        var expectedRevision = loaded?.Revision ?? 0;
        lock (_lock)
        {
            var current = _instances.GetValueOrDefault(instance.Id)?.Revision ?? 0;
            if (current != expectedRevision)
            {
                throw new WorkflowConcurrencyException(instance.Id);
            }

            if (outbox.FirstOrDefault(m => _outbox.Any(o => o.DedupKey == m.DedupKey)) is { } duplicate)
            {
                throw new InvalidOperationException($"The outbox already holds '{duplicate.DedupKey}'.");
            }

            var previous = _instances.GetValueOrDefault(instance.Id)?.ReceivedMessages ?? [];
            var received = instance.ReceivedMessages.Except(previous, StringComparer.Ordinal).ToList();
            if (received.FirstOrDefault(k => _receivers.TryGetValue(k, out var other) && other != instance.Id) is not null)
            {
                // Another instance took the message first: the caller looks again and finds it delivered.
                throw new WorkflowConcurrencyException(instance.Id);
            }

            foreach (var key in received)
            {
                _receivers[key] = instance.Id;
            }

            _outbox.AddRange(outbox);
            foreach (var gone in (loaded?.Timers ?? []).Where(t => instance.Timers.All(n => n.TimerId != t.TimerId)))
            {
                _leases.Remove((instance.Id, gone.TimerId));
            }

            _instances[instance.Id] = instance;
            if (!_history.TryGetValue(instance.Id, out var journal))
            {
                _history[instance.Id] = journal = [];
            }

            journal.AddRange(history);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<Guid?> FindMessageReceiverAsync(string dedupKey, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_receivers.TryGetValue(dedupKey, out var id) ? id : (Guid?)null);
        }
    }

    /// <inheritdoc />
    public Task MarkOutboxDeliveredAsync(string dedupKey, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _delivered.Add(dedupKey);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ListUndeliveredAsync(string channel, int max, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<OutboxMessage> pending = [.. _outbox.Where(m => m.Channel == channel && !_delivered.Contains(m.DedupKey)).Take(max)];
            return Task.FromResult(pending);
        }
    }

    /// <inheritdoc />
    public Task<StoredInstance?> LoadInstanceOfTaskAsync(Guid taskId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_instances.Values.FirstOrDefault(i => i.Tasks.Any(t => t.Id == taskId)));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredSubscription>> FindMessageSubscriptionsAsync(string messageName, string? businessKey, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<StoredSubscription> found = [.. _instances.Values.SelectMany(i => i.Subscriptions)
                .Where(s => !s.IsSignal && s.MessageName == messageName && (businessKey is null || s.BusinessKey == businessKey))
                .OrderBy(s => s.Created).ThenBy(s => s.Sequence)];
            return Task.FromResult(found);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Guid>> FindSignalSubscribersAsync(string signalName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<Guid> found = [.. _instances.Values.Where(i => i.Subscriptions.Any(s => s.IsSignal && s.MessageName == signalName)).Select(i => i.Id)];
            return Task.FromResult(found);
        }
    }

    /// <summary>Every message put in the outbox, in order.</summary>
    public IReadOnlyList<OutboxMessage> Outbox
    {
        get
        {
            lock (_lock)
            {
                return [.. _outbox];
            }
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredTimer>> ClaimDueTimersAsync(DateTimeOffset upTo, int max, string owner, DateTimeOffset now, DateTimeOffset leaseUntil,
        CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<StoredTimer> due = [.. AllTimers()
                .Where(t => t.Due <= upTo && (!_leases.TryGetValue((t.InstanceId, t.TimerId), out var lease) || lease.Until < now))
                .Take(max)];
            foreach (var timer in due)
            {
                _leases[(timer.InstanceId, timer.TimerId)] = (owner, leaseUntil);
            }

            return Task.FromResult(due);
        }
    }

    /// <inheritdoc />
    public Task<StoredTimer?> FindNextTimerAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(AllTimers().FirstOrDefault());
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TaskView>> ListOpenTasksAsync(Guid? instanceId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<TaskView> tasks = [.. _instances.Values.Where(i => instanceId is null || i.Id == instanceId)
                .SelectMany(i => i.Tasks).OrderBy(t => t.Created)];
            return Task.FromResult(tasks);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkflowEvent>> ReadHistoryAsync(Guid instanceId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<WorkflowEvent> journal = _history.TryGetValue(instanceId, out var events) ? [.. events] : [];
            return Task.FromResult(journal);
        }
    }

    private IEnumerable<StoredTimer> AllTimers() =>
        _instances.Values.SelectMany(i => i.Timers).OrderBy(t => t.Due).ThenBy(t => t.ScheduledAt).ThenBy(t => t.Sequence);
}
