using System.Security.Cryptography;
using System.Text.Json.Nodes;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Definitions;
using NtmWorkflow.Engine.Expressions;

namespace NtmWorkflow.Engine.Runtime;

/// <summary>What the engine is built from. Only the store is required.</summary>
public sealed class WorkflowEngineOptions
{
    /// <summary>The engine clock; tests and <c>ntm run</c> pass a fake one.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Which days are working days; Monday to Friday when no official calendar is given.</summary>
    public IWorkingDays WorkingDays { get; init; } = WeekdaysOnly.Instance;

    /// <summary>Office hours (07:30–11:30, 13:30–17:00 by default): an event after closing counts from the next working day.</summary>
    public OfficeHours OfficeHours { get; init; } = OfficeHours.Default;

    /// <summary>Names this engine in timer leases (several app nodes may share one database).</summary>
    public string NodeId { get; init; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>How long a claimed timer stays reserved for this node; a node that dies while firing it frees it when the lease runs out.</summary>
    public TimeSpan TimerLease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Handlers of service and send tasks, by topic.</summary>
    public HandlerRegistry Handlers { get; init; } = new();

    /// <summary>Told of every event as it is saved (for traces and live views); the store keeps the journal regardless.</summary>
    public Action<WorkflowEvent>? OnEvent { get; init; }
}

internal sealed record EngineServices(TimeProvider Clock, ExpressionEvaluator Evaluator, HandlerRegistry Handlers, Func<string, int?, bool> ProcessExists);

/// <summary>Work a step leaves for other instances: done after the step is saved.</summary>
internal abstract record CrossInstanceEffect;

internal sealed record StartCalledInstance(Guid ChildId, string ProcessId, int? Version, Dictionary<string, JsonNode?> Variables, string? BusinessKey, Guid ParentId, string ParentTokenId) : CrossInstanceEffect;

internal sealed record NotifyCallingInstance(Guid ParentId, string ParentTokenId, Guid ChildId, bool Cancelled, Dictionary<string, JsonNode?> ChildVariables) : CrossInstanceEffect;

internal sealed record CancelCalledInstance(Guid ChildId) : CrossInstanceEffect;

/// <summary>
/// The engine's facade: deploy definitions, start instances, complete tasks, correlate messages, fire
/// due timers, cancel, retry incidents, and read instances. Each call loads the instance from the store,
/// runs it until every path waits again, and saves it with its history in one atomic write.
/// </summary>
public sealed class WorkflowEngine
{
    private const int ConcurrencyRetries = 5;
    private readonly IWorkflowStore _store;
    private readonly WorkflowEngineOptions _options;
    private readonly EngineServices _services;
    private readonly Dictionary<string, List<(ProcessModel Model, string Hash)>> _definitions = new(StringComparer.Ordinal);
    private readonly Lock _definitionsLock = new();

    /// <summary>Creates an engine over a store.</summary>
    public WorkflowEngine(IWorkflowStore store, WorkflowEngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? new WorkflowEngineOptions();
        var calendar = new WorkingCalendar(_options.WorkingDays, _options.OfficeHours);
        _services = new EngineServices(_options.Clock, new ExpressionEvaluator(_options.Clock, calendar), _options.Handlers, ProcessExists);
        Calendar = calendar;
    }

    /// <summary>The working calendar the engine counts deadlines with.</summary>
    public WorkingCalendar Calendar { get; }

    // ----- definitions -----------------------------------------------------------------------------

    /// <summary>Checks a BPMN document without deploying it.</summary>
    public static ValidationResult Validate(byte[] bpmn) => BpmnReader.Read(bpmn).Result;

    /// <summary>Checks a BPMN file without deploying it; never throws for bad content.</summary>
    public static ValidationResult ValidateFile(string path) => BpmnReader.ReadFile(path).Result;

    /// <summary>
    /// Deploys the executable processes of a BPMN document. A process whose content changed becomes a
    /// new version; running instances keep the version they started on. An invalid document deploys nothing.
    /// </summary>
    public DeploymentResult Deploy(byte[] bpmn)
    {
        var (model, validation) = BpmnReader.Read(bpmn);
        if (model is null)
        {
            return new DeploymentResult(validation, []);
        }

        var hash = Convert.ToHexString(SHA256.HashData(bpmn));
        var deployed = new List<DeployedProcess>();
        lock (_definitionsLock)
        {
            foreach (var process in model.Processes)
            {
                if (!_definitions.TryGetValue(process.Id, out var versions))
                {
                    _definitions[process.Id] = versions = [];
                }

                if (versions.Count > 0 && versions[^1].Hash == hash)
                {
                    deployed.Add(new DeployedProcess(process.Id, versions[^1].Model.Version, process.Name, hash));
                    continue;
                }

                process.Version = versions.Count == 0 ? 1 : versions[^1].Model.Version + 1;
                versions.Add((process, hash));
                deployed.Add(new DeployedProcess(process.Id, process.Version, process.Name, hash));
            }
        }

        return new DeploymentResult(validation, deployed);
    }

    /// <summary>
    /// Registers a version deployed earlier (as stored by the host), so instances of that version can
    /// run after a restart. Versions may be restored in any order; the highest is the latest.
    /// </summary>
    public DeployedProcess Restore(byte[] bpmn, string processId, int version)
    {
        var (model, validation) = BpmnReader.Read(bpmn);
        var process = model?.Processes.FirstOrDefault(p => p.Id == processId)
                      ?? throw new WorkflowException($"Stored version {version} of '{processId}' cannot be loaded: "
                                                     + (validation.Errors.Count > 0 ? validation.Errors[0].Message : "the document has no such process"));
        process.Version = version;
        var hash = Convert.ToHexString(SHA256.HashData(bpmn));
        lock (_definitionsLock)
        {
            if (!_definitions.TryGetValue(processId, out var versions))
            {
                _definitions[processId] = versions = [];
            }

            versions.RemoveAll(v => v.Model.Version == version);
            versions.Add((process, hash));
            versions.Sort((a, b) => a.Model.Version.CompareTo(b.Model.Version));
        }

        return new DeployedProcess(processId, version, process.Name, hash);
    }

    /// <summary>The latest version of every deployed process.</summary>
    public IReadOnlyList<DeployedProcess> DeployedProcesses
    {
        get
        {
            lock (_definitionsLock)
            {
                return [.. _definitions.Values.Select(v => v[^1]).Select(v => new DeployedProcess(v.Model.Id, v.Model.Version, v.Model.Name, v.Hash)).OrderBy(p => p.ProcessId, StringComparer.Ordinal)];
            }
        }
    }

    // ----- instances -------------------------------------------------------------------------------

    /// <summary>Starts the latest (or the given) version of a process at its none start event.</summary>
    public async Task<InstanceView> StartAsync(string processId, IReadOnlyDictionary<string, JsonNode?>? variables = null, string? businessKey = null,
        int? version = null, string? actor = null, CancellationToken cancellationToken = default)
    {
        var process = Definition(processId, version);
        var start = process.NoneStart ?? throw new WorkflowException($"Process '{processId}' has no none start event; start it with a message.");
        return await StartAtAsync(process, start, variables, businessKey, actor, cancellationToken);
    }

    /// <summary>Completes an open user task; variables are set as Camunda 7's TaskService.complete sets them.</summary>
    public async Task CompleteTaskAsync(Guid taskId, IReadOnlyDictionary<string, JsonNode?>? variables = null, string? actor = null, CancellationToken cancellationToken = default)
    {
        var instanceId = await _store.FindInstanceOfTaskAsync(taskId, cancellationToken)
                         ?? throw new WorkflowException($"Task {taskId} is not open.", WorkflowErrorKind.NotFound);
        await UpdateAsync(instanceId, actor, async execution =>
        {
            var task = execution.State.Tasks.FirstOrDefault(t => t.Id == taskId) ?? throw new WorkflowException($"Task {taskId} is not open.", WorkflowErrorKind.NotFound);
            await execution.CompleteTaskAsync(task, variables, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>
    /// Delivers a message to the instance that has waited for it longest (narrowed to
    /// <paramref name="correlationKey"/> as business key), or starts a process at a matching message
    /// start event. Returns the instance; throws when nothing waits for the message.
    /// </summary>
    public async Task<Guid> CorrelateMessageAsync(string messageName, string? correlationKey = null, IReadOnlyDictionary<string, JsonNode?>? variables = null,
        string? actor = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageName);
        for (var attempt = 0; ; attempt++)
        {
            var waiting = await _store.FindMessageSubscriptionsAsync(messageName, correlationKey, cancellationToken);
            if (waiting.Count == 0)
            {
                var starter = FindMessageStart(messageName);
                if (starter is null)
                {
                    throw new WorkflowException($"Nothing waits for message '{messageName}'{(correlationKey is null ? "" : $" with business key '{correlationKey}'")}.", WorkflowErrorKind.Conflict);
                }

                var started = await StartAtAsync(starter.Value.Process, starter.Value.Start, variables, correlationKey, actor, cancellationToken);
                return started.Id;
            }

            var target = waiting[0];
            var delivered = false;
            try
            {
                await UpdateAsync(target.InstanceId, actor, async execution =>
                {
                    var subscription = execution.State.Subscriptions.Where(s => !s.IsSignal && s.MessageName == messageName).MinBy(s => s.Sequence);
                    if (subscription is null)
                    {
                        return;
                    }

                    delivered = true;
                    await execution.CorrelateAsync(subscription, variables, cancellationToken);
                }, cancellationToken);
            }
            catch (WorkflowConcurrencyException) when (attempt < ConcurrencyRetries)
            {
                continue;
            }

            if (delivered)
            {
                return target.InstanceId;
            }
        }
    }

    /// <summary>
    /// Broadcasts a signal: every signal catch and boundary event waiting for it, in every instance,
    /// is triggered, each with the given variables. Returns how many events it triggered.
    /// </summary>
    public async Task<int> BroadcastSignalAsync(string signalName, IReadOnlyDictionary<string, JsonNode?>? variables = null, string? actor = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(signalName);
        var triggered = 0;
        foreach (var instanceId in await _store.FindSignalSubscribersAsync(signalName, cancellationToken))
        {
            var count = 0;
            await UpdateAsync(instanceId, actor, async execution =>
            {
                var ids = execution.State.Subscriptions.Where(s => s.IsSignal && s.MessageName == signalName).OrderBy(s => s.Sequence).Select(s => s.Id).ToList();
                count = ids.Count;
                await execution.ReceiveSignalAsync(ids, variables, cancellationToken);
            }, cancellationToken);
            triggered += count;
        }

        return triggered;
    }

    /// <summary>
    /// Fires timers due at or before <paramref name="upTo"/>, earliest first, at most <paramref name="max"/>;
    /// returns how many fired. Each timer is first claimed with a lease (<see cref="WorkflowEngineOptions.NodeId"/>,
    /// <see cref="WorkflowEngineOptions.TimerLease"/>), so nodes sharing a database never fire one timer at
    /// once; firing burns it in the same save as the step, so a timer claimed again after a crash finds
    /// nothing left to do.
    /// </summary>
    public async Task<int> FireDueTimersAsync(DateTimeOffset upTo, int max = int.MaxValue, CancellationToken cancellationToken = default)
    {
        var fired = 0;
        while (fired < max)
        {
            // One at a time: firing one timer may cancel or reschedule others of the same instance.
            var now = _options.Clock.GetUtcNow();
            var due = await _store.ClaimDueTimersAsync(upTo, 1, _options.NodeId, now, now + _options.TimerLease, cancellationToken);
            if (due.Count == 0)
            {
                return fired;
            }

            var timer = due[0];
            try
            {
                await UpdateAsync(timer.InstanceId, null, async execution =>
                {
                    var state = execution.State.Timers.FirstOrDefault(t => t.Id == timer.TimerId);
                    if (state is not null)
                    {
                        await execution.FireTimerAsync(state, cancellationToken);
                    }
                }, cancellationToken);
            }
            catch (WorkflowException e) when (e.Kind is WorkflowErrorKind.NotFound or WorkflowErrorKind.Conflict)
            {
                // The instance ended or vanished since the timer was indexed: nothing to fire.
            }

            fired++;
        }

        return fired;
    }

    /// <summary>The earliest scheduled timer, or null.</summary>
    public async Task<DateTimeOffset?> NextTimerDueAsync(CancellationToken cancellationToken = default) =>
        (await _store.FindNextTimerAsync(cancellationToken))?.Due;

    /// <summary>Cancels a running instance: every task, timer and subscription goes; the instance is terminated.</summary>
    public Task CancelInstanceAsync(Guid instanceId, string? reason = null, string? actor = null, CancellationToken cancellationToken = default) =>
        UpdateAsync(instanceId, actor, execution =>
        {
            execution.Cancel(reason);
            return Task.CompletedTask;
        }, cancellationToken);

    /// <summary>Runs the failed step of an incident again.</summary>
    public Task RetryIncidentAsync(Guid instanceId, string incidentId, string? actor = null, CancellationToken cancellationToken = default) =>
        UpdateAsync(instanceId, actor, async execution =>
        {
            var incident = execution.State.Incidents.FirstOrDefault(i => i.Id == incidentId) ?? throw new WorkflowException($"Incident {incidentId} is not open on instance {instanceId}.", WorkflowErrorKind.NotFound);
            await execution.RetryAsync(incident, cancellationToken);
        }, cancellationToken);

    /// <summary>An instance with its variables, open tasks, incidents and timers; null when unknown.</summary>
    public async Task<InstanceView?> GetInstanceAsync(Guid instanceId, CancellationToken cancellationToken = default)
    {
        var stored = await _store.LoadAsync(instanceId, cancellationToken);
        return stored is null ? null : View(InstanceSerializer.Deserialize(stored.State));
    }

    /// <summary>Open tasks, oldest first; of one instance when given.</summary>
    public Task<IReadOnlyList<TaskView>> ListTasksAsync(Guid? instanceId = null, CancellationToken cancellationToken = default) =>
        _store.ListOpenTasksAsync(instanceId, cancellationToken);

    // ----- internals -------------------------------------------------------------------------------

    private async Task<InstanceView> StartAtAsync(ProcessModel process, FlowNode start, IReadOnlyDictionary<string, JsonNode?>? variables, string? businessKey,
        string? actor, CancellationToken cancellationToken)
    {
        var state = new InstanceState
        {
            Id = Guid.NewGuid(), ProcessId = process.Id, Version = process.Version, BusinessKey = businessKey,
            Status = InstanceStatus.Running, StartedAt = _options.Clock.GetUtcNow(),
        };
        var execution = new InstanceExecution(state, process, _services, actor);
        await execution.StartAsync(start, variables, cancellationToken);
        await SaveAsync(execution, loaded: null, cancellationToken);
        await ApplyEffectsAsync(execution.Effects, actor, cancellationToken);
        return View(state);
    }

    /// <summary>Loads, runs one step, saves (again on fresh state after a concurrent change), then applies the step's effects on other instances.</summary>
    private async Task<List<CrossInstanceEffect>> UpdateAsync(Guid instanceId, string? actor, Func<InstanceExecution, Task> step, CancellationToken cancellationToken,
        bool applyEffects = true)
    {
        for (var attempt = 0; ; attempt++)
        {
            var stored = await _store.LoadAsync(instanceId, cancellationToken) ?? throw new WorkflowException($"Instance {instanceId} does not exist.", WorkflowErrorKind.NotFound);
            var state = InstanceSerializer.Deserialize(stored.State);
            if (state.Status != InstanceStatus.Running)
            {
                throw new WorkflowException($"Instance {instanceId} has ended ({state.Status}).", WorkflowErrorKind.Conflict);
            }

            var loaded = Project(state, stored.State);
            var execution = new InstanceExecution(state, Definition(state.ProcessId, state.Version), _services, actor);
            await step(execution);
            try
            {
                await SaveAsync(execution, loaded, cancellationToken);
            }
            catch (WorkflowConcurrencyException) when (attempt < ConcurrencyRetries)
            {
                // Someone else moved the instance: run the step again on fresh state.
                continue;
            }

            if (!applyEffects)
            {
                return execution.Effects;
            }

            await ApplyEffectsAsync(execution.Effects, actor, cancellationToken);
            return [];
        }
    }

    private async Task SaveAsync(InstanceExecution execution, StoredInstance? loaded, CancellationToken cancellationToken)
    {
        var state = execution.State;
        state.Revision = (loaded?.Revision ?? 0) + 1;
        var stored = Project(state, InstanceSerializer.Serialize(state));
        await _store.SaveAsync(stored, loaded, execution.Events, execution.Outbox, cancellationToken);
        foreach (var e in execution.Events)
        {
            _options.OnEvent?.Invoke(e);
        }
    }

    /// <summary>The stored form of a state: its JSON and the index rows derived from it.</summary>
    private StoredInstance Project(InstanceState state, string json) => new(
        state.Id, state.ProcessId, state.Version, state.BusinessKey, state.Status, state.Revision, json,
        [.. state.Timers.Select(t => new StoredTimer(t.Id, state.Id, t.ElementId, t.Due, t.ScheduledAt, t.Sequence))],
        [.. state.Subscriptions.Select(s => new StoredSubscription(state.Id, s.Id, s.MessageName, state.BusinessKey, s.Created, s.Sequence, s.IsSignal))],
        View(state).OpenTasks);

    private InstanceView View(InstanceState state)
    {
        var root = state.Scopes.FirstOrDefault(s => s.Kind == ScopeKind.Process);
        var process = Definition(state.ProcessId, state.Version);
        return new InstanceView(
            state.Id, state.ProcessId, state.Version, state.BusinessKey, state.Status, state.StartedAt,
            root?.Variables.ToDictionary(v => v.Key, v => v.Value?.DeepClone(), StringComparer.Ordinal) ?? new Dictionary<string, JsonNode?>(),
            InstanceExecution.TaskViews(state, process),
            [.. state.Incidents.Select(i => new IncidentView(i.Id, i.ElementId, i.Message, i.Created, i.Stack))],
            [.. state.Timers.OrderBy(t => t.Due).ThenBy(t => t.Sequence).Select(t => new TimerView(t.Id, t.ElementId, t.Due))]);
    }

    private bool ProcessExists(string processId, int? version)
    {
        lock (_definitionsLock)
        {
            return _definitions.TryGetValue(processId, out var versions) && (version is null || versions.Any(v => v.Model.Version == version));
        }
    }

    /// <summary>
    /// Carries out what saved steps asked of other instances (start a called instance, tell a caller its
    /// called instance ended, cancel a called instance), breadth-first, each as its own saved step.
    /// </summary>
    private async Task ApplyEffectsAsync(IEnumerable<CrossInstanceEffect> effects, string? actor, CancellationToken cancellationToken)
    {
        var queue = new Queue<CrossInstanceEffect>(effects);
        for (var applied = 0; queue.TryDequeue(out var effect); applied++)
        {
            if (applied > 10_000)
            {
                throw new WorkflowException("Call activities keep starting each other: more than 10,000 steps from one call.", WorkflowErrorKind.Conflict);
            }

            List<CrossInstanceEffect> next;
            switch (effect)
            {
                case StartCalledInstance start:
                    var process = Definition(start.ProcessId, start.Version);
                    var state = new InstanceState
                    {
                        Id = start.ChildId, ProcessId = process.Id, Version = process.Version, BusinessKey = start.BusinessKey,
                        Status = InstanceStatus.Running, StartedAt = _options.Clock.GetUtcNow(), ParentInstanceId = start.ParentId, ParentTokenId = start.ParentTokenId,
                    };
                    var child = new InstanceExecution(state, process, _services, actor);
                    await child.StartAsync(process.NoneStart!, start.Variables, cancellationToken);
                    await SaveAsync(child, loaded: null, cancellationToken);
                    next = child.Effects;
                    break;
                case NotifyCallingInstance notify:
                    try
                    {
                        next = await UpdateAsync(notify.ParentId, actor, execution =>
                            execution.CalledInstanceEndedAsync(notify.ParentTokenId, notify.ChildId, notify.Cancelled, notify.ChildVariables, cancellationToken), cancellationToken, applyEffects: false);
                    }
                    catch (WorkflowException)
                    {
                        next = []; // the caller has ended or is gone: nobody to tell
                    }

                    break;
                case CancelCalledInstance cancel:
                    var stored = await _store.LoadAsync(cancel.ChildId, cancellationToken);
                    next = stored is null || stored.Status != InstanceStatus.Running ? [] : await UpdateAsync(cancel.ChildId, actor, execution =>
                    {
                        execution.Cancel("the calling activity was interrupted");
                        return Task.CompletedTask;
                    }, cancellationToken, applyEffects: false);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown effect {effect}.");
            }

            foreach (var e in next)
            {
                queue.Enqueue(e);
            }
        }
    }

    private ProcessModel Definition(string processId, int? version)
    {
        lock (_definitionsLock)
        {
            if (!_definitions.TryGetValue(processId, out var versions))
            {
                throw new WorkflowException($"Process '{processId}' is not deployed.", WorkflowErrorKind.NotFound);
            }

            if (version is null)
            {
                return versions[^1].Model;
            }

            return versions.FirstOrDefault(v => v.Model.Version == version).Model
                   ?? throw new WorkflowException($"Process '{processId}' has no version {version}.", WorkflowErrorKind.NotFound);
        }
    }

    private (ProcessModel Process, FlowNode Start)? FindMessageStart(string messageName)
    {
        lock (_definitionsLock)
        {
            foreach (var latest in _definitions.Values.Select(v => v[^1].Model).OrderBy(m => m.Id, StringComparer.Ordinal))
            {
                if (latest.MessageStarts.FirstOrDefault(n => n.MessageName == messageName) is { } start)
                {
                    return (latest, start);
                }
            }
        }

        return null;
    }
}
