using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace NtmWorkflow.Engine.Runtime;

// The serialised form of a running instance. Everything the runtime needs between two steps lives
// here, so a store only ever holds this JSON plus the index rows derived from it.

internal enum ScopeKind
{
    Process,
    SubProcess,
    MultiInstanceBody,
    MultiInstanceItem,
}

internal enum TokenPhase
{
    /// <summary>Arrived at its element; the element has not run yet.</summary>
    Ready,

    /// <summary>The element is active and waits (a task, a catch event, a subprocess, a multi-instance body).</summary>
    Waiting,

    /// <summary>Waits at a parallel join for the other incoming flows.</summary>
    AtJoin,

    /// <summary>Stopped by a failure; see the incident.</summary>
    Incident,
}

internal enum IncidentStage
{
    /// <summary>The element's own work failed; a retry runs it again.</summary>
    Activate,

    /// <summary>Choosing the outgoing flows failed; a retry chooses again.</summary>
    Leave,

    /// <summary>Finishing one instance of a multi-instance activity failed; a retry finishes it again.</summary>
    CompleteInstance,
}

internal sealed class InstanceState
{
    public Guid Id { get; set; }

    public string ProcessId { get; set; } = "";

    public int Version { get; set; }

    public string? BusinessKey { get; set; }

    public InstanceStatus Status { get; set; }

    public long Revision { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public long NextSequence { get; set; }

    /// <summary>For an instance started by a call activity: the calling instance and the token waiting there.</summary>
    public Guid? ParentInstanceId { get; set; }

    public string? ParentTokenId { get; set; }

    /// <summary>Ended by cancellation (not by a terminate end event).</summary>
    public bool Cancelled { get; set; }

    public List<ScopeState> Scopes { get; set; } = [];

    public List<TokenState> Tokens { get; set; } = [];

    public List<TaskState> Tasks { get; set; } = [];

    public List<TimerState> Timers { get; set; } = [];

    public List<SubscriptionState> Subscriptions { get; set; } = [];

    public List<IncidentState> Incidents { get; set; } = [];

    /// <summary>Successful runs per element of a handler or a throw event: the run number of outbox keys.</summary>
    public Dictionary<string, int> HandlerRuns { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Dedup keys of the thrown messages this instance received: a message redelivered after a crash is not taken twice.</summary>
    public List<string> ReceivedMessages { get; set; } = [];

    /// <summary>Dedup keys of the thrown signals this instance received.</summary>
    public List<string> ReceivedSignals { get; set; } = [];

    public long Next() => ++NextSequence;
}

internal sealed class ScopeState
{
    public required string Id { get; set; }

    public string? ParentId { get; set; }

    public ScopeKind Kind { get; set; }

    /// <summary>The element (subprocess or multi-instance activity); null for the process.</summary>
    public string? ElementId { get; set; }

    /// <summary>The token waiting at the element while this scope runs.</summary>
    public string? OwnerTokenId { get; set; }

    public Dictionary<string, JsonNode?> Variables { get; set; } = new(StringComparer.Ordinal);

    // Multi-instance body only.
    public int Total { get; set; }

    public int Started { get; set; }

    public JsonArray? Items { get; set; }

    public JsonArray? Outputs { get; set; }
}

internal sealed class TokenState
{
    public required string Id { get; set; }

    public required string ScopeId { get; set; }

    public required string ElementId { get; set; }

    public TokenPhase Phase { get; set; }

    /// <summary>The sequence flow the token came by (parallel joins count by flow).</summary>
    public string? ArrivedVia { get; set; }

    public long Sequence { get; set; }

    /// <summary>The element already ran its activation (after a retry, it is not activated again).</summary>
    public bool Activated { get; set; }

    /// <summary>The token is one instance of a multi-instance activity, not its body.</summary>
    public bool IsInstanceOfMulti { get; set; }

    /// <summary>For a call activity: the instance it started.</summary>
    public Guid? CalledInstanceId { get; set; }

    /// <summary>Handler retries left after failures (camunda:failedJobRetryTimeCycle); null before the first failure.</summary>
    public int? RetriesLeft { get; set; }
}

internal sealed class TaskState
{
    public Guid Id { get; set; }

    public required string ElementId { get; set; }

    public required string TokenId { get; set; }

    public string? Assignee { get; set; }

    public List<string> CandidateUsers { get; set; } = [];

    public List<string> CandidateGroups { get; set; } = [];

    public DateTimeOffset? Due { get; set; }

    /// <summary>Unverified parameters the due date was computed from.</summary>
    public List<string>? DueUnverified { get; set; }

    public DateTimeOffset? FollowUp { get; set; }

    public int Priority { get; set; }

    public string? FormKey { get; set; }

    public DateTimeOffset Created { get; set; }

    public long Sequence { get; set; }

    public int? LoopCounter { get; set; }
}

internal sealed class TimerState
{
    public required string Id { get; set; }

    /// <summary>The timer event element (catch, boundary, or the event after an event-based gateway).</summary>
    public required string ElementId { get; set; }

    /// <summary>The token that waits for it: the catch event's, the activity's, or the gateway's.</summary>
    public required string TokenId { get; set; }

    public DateTimeOffset Due { get; set; }

    public DateTimeOffset ScheduledAt { get; set; }

    public long Sequence { get; set; }

    /// <summary>Firings left for a cycle; null for an unbounded one; 1 for a one-shot timer.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? Remaining { get; set; } = 1;

    /// <summary>The interval of a literal cycle, to schedule the next firing.</summary>
    public string? Interval { get; set; }

    /// <summary>The timer runs a failed handler again rather than an event.</summary>
    public bool IsRetry { get; set; }
}

internal sealed class SubscriptionState
{
    public required string Id { get; set; }

    /// <summary>The message's or the signal's name.</summary>
    public required string MessageName { get; set; }

    public bool IsSignal { get; set; }

    public required string ElementId { get; set; }

    public required string TokenId { get; set; }

    public DateTimeOffset Created { get; set; }

    public long Sequence { get; set; }
}

internal sealed class IncidentState
{
    public required string Id { get; set; }

    public required string TokenId { get; set; }

    public required string ElementId { get; set; }

    public required string Message { get; set; }

    public IncidentStage Stage { get; set; }

    /// <summary>The exception behind it (type, message, stack), for administrators.</summary>
    public string? Stack { get; set; }

    public DateTimeOffset Created { get; set; }
}

/// <summary>The one serializer of instance state, used by every store.</summary>
internal static class InstanceSerializer
{
    private static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public static string Serialize(InstanceState state) => JsonSerializer.Serialize(state, Options);

    public static InstanceState Deserialize(string json) =>
        JsonSerializer.Deserialize<InstanceState>(json, Options) ?? throw new InvalidOperationException("Stored instance state is empty.");
}

/// <summary>The payload of a thrown message or signal in the outbox.</summary>
internal sealed record ThrownEvent(string Name, string? BusinessKey, Dictionary<string, JsonNode?> Variables)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static ThrownEvent Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ThrownEvent>(json, Options) is { Name.Length: > 0 } thrown
                ? thrown with { Variables = new Dictionary<string, JsonNode?>(thrown.Variables ?? [], StringComparer.Ordinal) }
                : throw new WorkflowException("The thrown event names no message or signal.", WorkflowErrorKind.Invalid);
        }
        catch (JsonException e)
        {
            throw new WorkflowException($"The thrown event is not valid JSON: {e.Message}", WorkflowErrorKind.Invalid);
        }
    }
}
