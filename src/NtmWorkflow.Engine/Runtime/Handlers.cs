using System.Text.Json.Nodes;

namespace NtmWorkflow.Engine.Runtime;

/// <summary>What a service or send task's handler is given.</summary>
public sealed record ServiceTaskContext(
    Guid InstanceId,
    string ProcessId,
    string ElementId,
    string Topic,
    string? BusinessKey,
    IReadOnlyDictionary<string, JsonNode?> Variables,
    IReadOnlyDictionary<string, string> Properties)
{
    private readonly List<OutboxMessage> _enqueued = [];

    /// <summary>
    /// Names this run of the element: instance, element and how many times the element's handler has
    /// succeeded before in this instance, plus one (<c>{instance}/{element}/{n}</c>). A step that is run again
    /// after a crash, before it was saved, gets the same key.
    /// </summary>
    public string DedupKey { get; init; } = "";

    /// <summary>The run number in <see cref="DedupKey"/>: 1 for the element's first successful run in the instance.</summary>
    public int RunNumber { get; init; } = 1;

    /// <summary>The instance's open tasks when the handler runs (what a reminder is about).</summary>
    public IReadOnlyList<TaskView> OpenTasks { get; init; } = [];

    /// <summary>The engine clock's time of the step.</summary>
    public DateTimeOffset Now { get; init; }

    /// <summary>The instance's working calendar (its province's office hours where configured); null outside the engine.</summary>
    public Calendar.WorkingCalendar? Calendar { get; init; }

    /// <summary>What the handler put in the outbox so far.</summary>
    public IReadOnlyList<OutboxMessage> Enqueued => _enqueued;

    /// <summary>
    /// Puts a message in the outbox: it is saved in the same transaction as the step (and dropped with
    /// it when the handler fails), under <see cref="DedupKey"/> plus <paramref name="keySuffix"/>, which the
    /// store keeps unique. A sender delivers it after the save.
    /// </summary>
    public void Enqueue(string channel, string payload, string? keySuffix = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentNullException.ThrowIfNull(payload);
        var key = keySuffix is null ? DedupKey : $"{DedupKey}/{keySuffix}";
        if (_enqueued.Any(m => m.DedupKey == key))
        {
            throw new InvalidOperationException($"The outbox already has '{key}' from this step.");
        }

        _enqueued.Add(new OutboxMessage(key, channel, payload, InstanceId, ElementId, Now));
    }
}

/// <summary>
/// Does the work of service and send tasks with <c>camunda:type="external" camunda:topic="NAME"</c>.
/// Returns the variables to set (as a completed task sets them); throwing stops the token with an incident.
/// </summary>
public interface IServiceTaskHandler
{
    /// <summary>Runs the task.</summary>
    ValueTask<IReadOnlyDictionary<string, JsonNode?>> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken);
}

/// <summary>Handlers by topic name.</summary>
public sealed class HandlerRegistry
{
    private readonly Dictionary<string, IServiceTaskHandler> _handlers = new(StringComparer.Ordinal);

    /// <summary>Used for a topic with no handler of its own; null makes such a task an incident.</summary>
    public IServiceTaskHandler? Fallback { get; set; }

    /// <summary>The registered topic names, sorted.</summary>
    public IReadOnlyList<string> Names => [.. _handlers.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Registers (or replaces) the handler of a topic.</summary>
    public HandlerRegistry Register(string topic, IServiceTaskHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[topic] = handler;
        return this;
    }

    internal IServiceTaskHandler? Find(string topic) => _handlers.GetValueOrDefault(topic) ?? Fallback;
}
