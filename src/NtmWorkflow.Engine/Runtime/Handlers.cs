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
    IReadOnlyDictionary<string, string> Properties);

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
