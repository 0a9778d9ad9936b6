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

    /// <summary>
    /// Office hours of provinces that keep other hours than <see cref="OfficeHours"/>, by province code: an
    /// instance whose <see cref="ProvinceVariable"/> names one counts its deadlines with them.
    /// </summary>
    public IReadOnlyDictionary<string, OfficeHours> ProvinceOfficeHours { get; init; } = new Dictionary<string, OfficeHours>();

    /// <summary>
    /// Office hours that may change while the engine runs (hosts that let administrators edit them). When set, it
    /// replaces <see cref="OfficeHours"/> and <see cref="ProvinceOfficeHours"/>.
    /// </summary>
    public IOfficeHoursSource? OfficeHoursSource { get; init; }

    /// <summary>The process variable that holds an instance's province code (<c>provinceCode</c> by default).</summary>
    public string ProvinceVariable { get; init; } = "provinceCode";

    /// <summary>What <c>param('name')</c> reads in expressions; none by default, so any <c>param</c> call is an incident.</summary>
    public IProcessParameters? Parameters { get; init; }

    /// <summary>Names this engine in timer leases (several app nodes may share one database).</summary>
    public string NodeId { get; init; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>How long a claimed timer stays reserved for this node; a node that dies while firing it frees it when the lease runs out.</summary>
    public TimeSpan TimerLease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Handlers of service and send tasks, by topic.</summary>
    public HandlerRegistry Handlers { get; init; } = new();

    /// <summary>Told of every event as it is saved (for traces and live views); the store keeps the journal regardless.</summary>
    public Action<WorkflowEvent>? OnEvent { get; init; }
}

internal sealed record EngineServices(
    TimeProvider Clock,
    ExpressionEvaluator Evaluator,
    HandlerRegistry Handlers,
    Func<string, int?, bool> ProcessExists,
    Func<IReadOnlyDictionary<string, JsonNode?>, WorkingCalendar> CalendarFor);

/// <summary>Work a step leaves for other instances: done after the step is saved.</summary>
internal abstract record CrossInstanceEffect;

internal sealed record StartCalledInstance(Guid ChildId, string ProcessId, int? Version, Dictionary<string, JsonNode?> Variables, string? BusinessKey, Guid ParentId, string ParentTokenId) : CrossInstanceEffect;

internal sealed record NotifyCallingInstance(Guid ParentId, string ParentTokenId, Guid ChildId, bool Cancelled, Dictionary<string, JsonNode?> ChildVariables) : CrossInstanceEffect;

internal sealed record CancelCalledInstance(Guid ChildId) : CrossInstanceEffect;

internal sealed record DeliverThrown(OutboxMessage Message) : CrossInstanceEffect;

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
    private readonly IOfficeHoursSource _officeHours;

    /// <summary>Creates an engine over a store.</summary>
    public WorkflowEngine(IWorkflowStore store, WorkflowEngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? new WorkflowEngineOptions();
        _officeHours = _options.OfficeHoursSource
                       ?? new FixedOfficeHours(_options.OfficeHours, _options.ProvinceOfficeHours.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
        _services = new EngineServices(_options.Clock, new ExpressionEvaluator(_options.Clock, CalendarFor, _options.Parameters), _options.Handlers, ProcessExists, CalendarFor);
    }

    /// <summary>The working calendar the engine counts deadlines with, where no province keeps other office hours (today's hours).</summary>
    public WorkingCalendar Calendar => CalendarForProvince(null);

    /// <summary>The calendar of a province: its own office hours when it keeps some, else the national ones (today's hours).</summary>
    public WorkingCalendar CalendarForProvince(string? provinceCode) => new(_options.WorkingDays, _officeHours.OfProvince(provinceCode));

    /// <summary>The calendar of an instance with these variables: that of the province its province variable names.</summary>
    public WorkingCalendar CalendarFor(IReadOnlyDictionary<string, JsonNode?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var province = variables.TryGetValue(_options.ProvinceVariable, out var value) && value is JsonValue code
            ? code.TryGetValue(out string? text) ? text : code.ToJsonString()
            : null;
        return CalendarForProvince(province);
    }

    // ----- definitions -----------------------------------------------------------------------------

    /// <summary>Checks a BPMN document without deploying it.</summary>
    public static ValidationResult Validate(byte[] bpmn) => BpmnReader.Read(bpmn).Result;

    /// <summary>Checks a BPMN file without deploying it; never throws for bad content.</summary>
    public static ValidationResult ValidateFile(string path) => BpmnReader.ReadFile(path).Result;

    /// <summary>
    /// Checks a BPMN file as <see cref="ValidateFile(string)"/> does, and that every <c>param('name')</c> it
    /// names is one of <paramref name="parameters"/>.
    /// </summary>
    public static ValidationResult ValidateFile(string path, IProcessParameters parameters) => WithParameters(BpmnReader.ReadFile(path), parameters);

    /// <summary>
    /// Checks a BPMN document as <see cref="Validate(byte[])"/> does, and that every <c>param('name')</c> it names
    /// is one of <paramref name="parameters"/> (what <see cref="Deploy"/> requires of a document).
    /// </summary>
    public static ValidationResult Validate(byte[] bpmn, IProcessParameters parameters) => WithParameters(BpmnReader.Read(bpmn), parameters);

    /// <summary>
    /// Checks a BPMN document against this engine as a designer needs it: as <see cref="Validate(byte[], IProcessParameters)"/>
    /// with the engine's parameters, and that every service and send task's <c>camunda:topic</c> has a registered
    /// handler (unless the registry has a fallback): a task with an unknown topic would otherwise deploy and stop its
    /// dossiers with an incident when reached.
    /// </summary>
    public ValidationResult Check(byte[] bpmn)
    {
        var read = BpmnReader.Read(bpmn);
        var result = WithParameters(read, _options.Parameters);
        if (read.Model is null || _options.Handlers.Fallback is not null)
        {
            return result;
        }

        var known = _options.Handlers.Names;
        List<ValidationError> unknown = [.. read.Model.Processes.SelectMany(p => p.NodesById.Values)
            .Where(n => n.Topic is { } topic && !known.Contains(topic, StringComparer.Ordinal))
            .OrderBy(n => n.Line ?? 0)
            .Select(n => new ValidationError(n.Id, n.ElementType, n.Line,
                $"no handler is registered for the topic '{n.Topic}' (known topics: {string.Join(", ", known)})"))];
        return unknown.Count == 0 ? result : new ValidationResult(false, result.Processes, [.. result.Errors.Concat(unknown).OrderBy(e => e.Line ?? 0)]);
    }

    private static ValidationResult WithParameters((DefinitionsModel? Model, ValidationResult Result) read, IProcessParameters? parameters)
    {
        if (read.Model is null || parameters is null || BpmnReader.UnknownParameters(read.Model, parameters) is not { Count: > 0 } unknown)
        {
            return read.Result;
        }

        return new ValidationResult(false, read.Result.Processes, [.. read.Result.Errors.Concat(unknown).OrderBy(e => e.Line ?? 0)]);
    }

    /// <summary>
    /// Deploys the executable processes of a BPMN document. A process whose content changed becomes a
    /// new version; running instances keep the version they started on. An invalid document, or one naming a
    /// parameter the engine's <see cref="WorkflowEngineOptions.Parameters"/> lacks, deploys nothing.
    /// </summary>
    public DeploymentResult Deploy(byte[] bpmn)
    {
        var read = BpmnReader.Read(bpmn);
        var (model, validation) = (read.Model, WithParameters(read, _options.Parameters));
        if (model is null || !validation.Valid)
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
        // One read finds the task's instance and loads it; a retry after a concurrent change loads again.
        var stored = await _store.LoadInstanceOfTaskAsync(taskId, cancellationToken)
                     ?? throw new WorkflowException($"Task {taskId} is not open.", WorkflowErrorKind.NotFound);
        await UpdateAsync(stored.Id, actor, async execution =>
        {
            var task = execution.State.Tasks.FirstOrDefault(t => t.Id == taskId) ?? throw new WorkflowException($"Task {taskId} is not open.", WorkflowErrorKind.NotFound);
            await execution.CompleteTaskAsync(task, variables, cancellationToken);
        }, cancellationToken, preloaded: stored);
    }

    /// <summary>
    /// Claims, delegates or releases an open task: sets its assignee, or with null gives it back to its
    /// candidates. Who may do so is the host's rule; the engine records it as <c>taskAssigned</c>.
    /// </summary>
    public async Task AssignTaskAsync(Guid taskId, string? assignee, string? actor = null, CancellationToken cancellationToken = default)
    {
        if (assignee is { Length: 0 or > 256 })
        {
            throw new WorkflowException("An assignee is a user name of 1 to 256 characters, or null to release the task.");
        }

        var stored = await _store.LoadInstanceOfTaskAsync(taskId, cancellationToken)
                     ?? throw new WorkflowException($"Task {taskId} is not open.", WorkflowErrorKind.NotFound);
        await UpdateAsync(stored.Id, actor, execution =>
        {
            var task = execution.State.Tasks.FirstOrDefault(t => t.Id == taskId) ?? throw new WorkflowException($"Task {taskId} is not open.", WorkflowErrorKind.NotFound);
            execution.Assign(task, assignee);
            return Task.CompletedTask;
        }, cancellationToken, preloaded: stored);
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
        var (instanceId, effects) = await CorrelateCoreAsync(messageName, correlationKey, variables, dedupKey: null, actor, cancellationToken);
        await ApplyEffectsAsync(effects, actor, cancellationToken);
        return instanceId;
    }

    /// <summary>
    /// Broadcasts a signal: every signal catch and boundary event waiting for it, in every instance,
    /// is triggered, each with the given variables. Returns how many events it triggered.
    /// </summary>
    public async Task<int> BroadcastSignalAsync(string signalName, IReadOnlyDictionary<string, JsonNode?>? variables = null, string? actor = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(signalName);
        var (triggered, effects) = await BroadcastCoreAsync(signalName, variables, dedupKey: null, actor, cancellationToken);
        await ApplyEffectsAsync(effects, actor, cancellationToken);
        return triggered;
    }

    /// <summary>
    /// Delivers a message or signal a throw event put in the outbox (<see cref="WorkflowChannels"/>), at
    /// most once per receiving instance: a receiver remembers the dedup key in the same save that takes
    /// the message, so a sender may call this again after a crash without effect. Throws a
    /// <see cref="WorkflowErrorKind.Conflict"/> when nothing waits for the message yet, so the sender
    /// tries again later. Returns how many instances received it now.
    /// </summary>
    public async Task<int> DeliverAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (count, effects) = await DeliverCoreAsync(message, cancellationToken);
        await _store.MarkOutboxDeliveredAsync(message.DedupKey, cancellationToken);
        await ApplyEffectsAsync(effects, null, cancellationToken);
        return count;
    }

    /// <summary>
    /// Delivers thrown messages and signals still pending in the store (at most <paramref name="max"/>
    /// tried), for hosts without a background sender such as <c>ntm run</c>. A message nothing waits for
    /// yet stays pending. Returns how many were delivered.
    /// </summary>
    public async Task<int> DeliverPendingAsync(int max = 1000, CancellationToken cancellationToken = default)
    {
        var delivered = 0;
        foreach (var channel in (string[])[WorkflowChannels.Message, WorkflowChannels.Signal])
        {
            foreach (var message in await _store.ListUndeliveredAsync(channel, max, cancellationToken))
            {
                try
                {
                    await DeliverAsync(message, cancellationToken);
                    delivered++;
                }
                catch (WorkflowException e) when (e.Kind == WorkflowErrorKind.Conflict)
                {
                    // Nothing waits for it yet.
                }
            }
        }

        return delivered;
    }

    private async Task<(int Count, List<CrossInstanceEffect> Effects)> DeliverCoreAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var thrown = ThrownEvent.Parse(message.Payload);
        switch (message.Channel)
        {
            case WorkflowChannels.Message:
                if (await _store.FindMessageReceiverAsync(message.DedupKey, cancellationToken) is not null)
                {
                    return (0, []);
                }

                var (_, effects) = await CorrelateCoreAsync(thrown.Name, thrown.BusinessKey, thrown.Variables, message.DedupKey, null, cancellationToken);
                return (1, effects);
            case WorkflowChannels.Signal:
                return await BroadcastCoreAsync(thrown.Name, thrown.Variables, message.DedupKey, null, cancellationToken);
            default:
                throw new WorkflowException($"'{message.Channel}' is not a channel the engine delivers.", WorkflowErrorKind.Invalid);
        }
    }

    /// <summary>
    /// Correlates a message; with a dedup key (a thrown message) the receiver records it, and a message
    /// some instance already received is not delivered again.
    /// </summary>
    private async Task<(Guid InstanceId, List<CrossInstanceEffect> Effects)> CorrelateCoreAsync(string messageName, string? correlationKey,
        IReadOnlyDictionary<string, JsonNode?>? variables, string? dedupKey, string? actor, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (dedupKey is not null && attempt > 0 && await _store.FindMessageReceiverAsync(dedupKey, cancellationToken) is { } receiver)
            {
                return (receiver, []);
            }

            var waiting = await _store.FindMessageSubscriptionsAsync(messageName, correlationKey, cancellationToken);
            if (waiting.Count == 0)
            {
                var starter = FindMessageStart(messageName)
                              ?? throw new WorkflowException($"Nothing waits for message '{messageName}'{(correlationKey is null ? "" : $" with business key '{correlationKey}'")}.", WorkflowErrorKind.Conflict);
                try
                {
                    // A thrown message starts its instance under an id derived from its key: a second delivery finds it there.
                    var id = dedupKey is null ? Guid.NewGuid() : DerivedId(dedupKey);
                    var (started, effects) = await StartCoreAsync(starter.Process, starter.Start, variables, correlationKey, actor, id, dedupKey, cancellationToken);
                    return (started.Id, effects);
                }
                catch (WorkflowConcurrencyException) when (dedupKey is not null && attempt < ConcurrencyRetries)
                {
                    continue;
                }
            }

            var target = waiting[0];
            var delivered = false;
            List<CrossInstanceEffect> next;
            try
            {
                next = await UpdateAsync(target.InstanceId, actor, async execution =>
                {
                    delivered = false;
                    if (dedupKey is not null && execution.State.ReceivedMessages.Contains(dedupKey))
                    {
                        delivered = true;
                        return;
                    }

                    var subscription = execution.State.Subscriptions.Where(s => !s.IsSignal && s.MessageName == messageName).MinBy(s => s.Sequence);
                    if (subscription is null)
                    {
                        return;
                    }

                    delivered = true;
                    if (dedupKey is not null)
                    {
                        execution.State.ReceivedMessages.Add(dedupKey);
                    }

                    await execution.CorrelateAsync(subscription, variables, cancellationToken);
                }, cancellationToken, applyEffects: false);
            }
            catch (WorkflowConcurrencyException) when (attempt < ConcurrencyRetries)
            {
                continue;
            }
            catch (WorkflowException e) when (e.Kind == WorkflowErrorKind.Conflict && attempt < ConcurrencyRetries)
            {
                continue; // the instance ended since it was found waiting
            }

            if (delivered)
            {
                return (target.InstanceId, next);
            }
        }
    }

    private async Task<(int Count, List<CrossInstanceEffect> Effects)> BroadcastCoreAsync(string signalName, IReadOnlyDictionary<string, JsonNode?>? variables,
        string? dedupKey, string? actor, CancellationToken cancellationToken)
    {
        var triggered = 0;
        var effects = new List<CrossInstanceEffect>();
        foreach (var instanceId in await _store.FindSignalSubscribersAsync(signalName, cancellationToken))
        {
            var count = 0;
            try
            {
                effects.AddRange(await UpdateAsync(instanceId, actor, async execution =>
                {
                    count = 0;
                    if (dedupKey is not null)
                    {
                        if (execution.State.ReceivedSignals.Contains(dedupKey))
                        {
                            return;
                        }

                        execution.State.ReceivedSignals.Add(dedupKey);
                    }

                    var ids = execution.State.Subscriptions.Where(s => s.IsSignal && s.MessageName == signalName).OrderBy(s => s.Sequence).Select(s => s.Id).ToList();
                    count = ids.Count;
                    await execution.ReceiveSignalAsync(ids, variables, cancellationToken);
                }, cancellationToken, applyEffects: false));
            }
            catch (WorkflowException e) when (e.Kind is WorkflowErrorKind.Conflict or WorkflowErrorKind.NotFound)
            {
                continue; // ended since it was found waiting
            }

            triggered += count;
        }

        return (triggered, effects);
    }

    /// <summary>A stable instance id for a message start by a thrown message (the first 16 bytes of the key's SHA-256).</summary>
    private static Guid DerivedId(string dedupKey) => new(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(dedupKey)).AsSpan(0, 16));

    /// <summary>
    /// Fires timers due at or before <paramref name="upTo"/>, earliest first, at most <paramref name="max"/>;
    /// returns how many were claimed and handled (a timer whose instance ended meanwhile counts, having nothing to
    /// do). Each timer is first claimed with a lease (<see cref="WorkflowEngineOptions.NodeId"/>,
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
                // The step reloads and runs again on fresh state when an official's step saved the instance first.
                await UpdateAsync(timer.InstanceId, null, async execution =>
                {
                    var state = execution.State.Timers.FirstOrDefault(t => t.Id == timer.TimerId);
                    if (state is not null)
                    {
                        await execution.FireTimerAsync(state, cancellationToken);
                    }
                }, cancellationToken);
            }
            catch (WorkflowConcurrencyException)
            {
                // Lost every retry to other steps on the instance: its claim lapses with the lease and it fires then;
                // the timers after it in the burst are not held up for it.
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

    /// <summary>
    /// What moving the instance to <paramref name="targetVersion"/> of its process would do, without doing it.
    /// <paramref name="mapping"/> maps element ids of the running version to ids of the target one; an element
    /// not named maps to the element of the same id, when the target version has one.
    /// </summary>
    public async Task<MigrationPreview> PreviewMigrationAsync(Guid instanceId, int targetVersion, IReadOnlyDictionary<string, string>? mapping = null,
        CancellationToken cancellationToken = default)
    {
        var stored = await _store.LoadAsync(instanceId, cancellationToken)
                     ?? throw new WorkflowException($"Instance {instanceId} does not exist.", WorkflowErrorKind.NotFound);
        var state = InstanceSerializer.Deserialize(stored.State);
        if (state.Status != InstanceStatus.Running)
        {
            throw new WorkflowException($"Instance {instanceId} has ended ({state.Status}).", WorkflowErrorKind.Conflict);
        }

        var execution = new InstanceExecution(state, Definition(state.ProcessId, targetVersion), _services, actor: null);
        return execution.Migrate(Definition(state.ProcessId, state.Version), mapping ?? new Dictionary<string, string>(), apply: false);
    }

    /// <summary>
    /// Moves the instance to <paramref name="targetVersion"/> of its process, as <see cref="PreviewMigrationAsync"/> shows,
    /// in one save with an <c>instanceMigrated</c> history entry; refused (<see cref="WorkflowErrorKind.Conflict"/>, with
    /// the reasons) when a token would be lost or an element maps to one of another kind.
    /// </summary>
    public async Task<MigrationPreview> MigrateAsync(Guid instanceId, int targetVersion, IReadOnlyDictionary<string, string>? mapping = null, string? actor = null,
        CancellationToken cancellationToken = default)
    {
        MigrationPreview? done = null;
        await UpdateAsync(instanceId, actor, execution =>
        {
            var source = Definition(execution.State.ProcessId, execution.State.Version);
            var preview = execution.Migrate(source, mapping ?? new Dictionary<string, string>(), apply: true);
            done = preview.CanMigrate
                ? preview
                : throw new WorkflowException($"Instance {instanceId} cannot move to version {targetVersion}: {string.Join(" ", preview.Refusals)}", WorkflowErrorKind.Conflict);
            return Task.CompletedTask;
        }, cancellationToken, targetVersion: targetVersion);
        return done!;
    }

    /// <summary>
    /// Moves a running instance to other units after an administrative merger: in the variables named by
    /// <paramref name="variableNames"/> (in every scope, and the items a multi-instance body over such a variable still
    /// iterates), each string value, or string item of an array, that <paramref name="values"/> maps is replaced, and one
    /// it does not map is given to <paramref name="rewrite"/>, when there is one, and replaced by what that returns (the
    /// value itself to keep it: a rule for values the caller cannot list without reading the instance, such as the
    /// province prefix of department names, <c>02-noi-vu</c> → <c>08-noi-vu</c>); each candidate group of an open task
    /// that <paramref name="groups"/> maps is replaced. One load and one save with an <c>instanceRelocated</c> history
    /// entry naming the values mapped, those the rule changed and the groups; the history already written is not changed.
    /// Returns how many values and groups changed: 0 when there was nothing to move, and then nothing is recorded.
    /// Refused with <see cref="WorkflowErrorKind.NotFound"/> for an unknown instance and
    /// <see cref="WorkflowErrorKind.Conflict"/> for one that has ended.
    /// </summary>
    public async Task<int> RelocateAsync(Guid instanceId, IReadOnlyCollection<string> variableNames, IReadOnlyDictionary<string, string> values,
        IReadOnlyDictionary<string, string> groups, Func<string, string>? rewrite = null, string? actor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(variableNames);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(groups);
        var changed = 0;
        await UpdateAsync(instanceId, actor, execution =>
        {
            changed = execution.Relocate(variableNames, values, rewrite, groups);
            return Task.CompletedTask;
        }, cancellationToken);
        return changed;
    }

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
        var (view, effects) = await StartCoreAsync(process, start, variables, businessKey, actor, Guid.NewGuid(), receivedMessage: null, cancellationToken);
        await ApplyEffectsAsync(effects, actor, cancellationToken);
        return view;
    }

    private async Task<(InstanceView View, List<CrossInstanceEffect> Effects)> StartCoreAsync(ProcessModel process, FlowNode start,
        IReadOnlyDictionary<string, JsonNode?>? variables, string? businessKey, string? actor, Guid id, string? receivedMessage, CancellationToken cancellationToken)
    {
        var state = new InstanceState
        {
            Id = id, ProcessId = process.Id, Version = process.Version, BusinessKey = businessKey,
            Status = InstanceStatus.Running, StartedAt = _options.Clock.GetUtcNow(),
        };
        if (receivedMessage is not null)
        {
            state.ReceivedMessages.Add(receivedMessage);
        }

        var execution = new InstanceExecution(state, process, _services, actor);
        await execution.StartAsync(start, variables, cancellationToken);
        await SaveAsync(execution, loaded: null, cancellationToken);
        return (View(state), execution.Effects);
    }

    /// <summary>Loads, runs one step, saves (again on fresh state after a concurrent change), then applies the step's effects on other instances.</summary>
    private async Task<List<CrossInstanceEffect>> UpdateAsync(Guid instanceId, string? actor, Func<InstanceExecution, Task> step, CancellationToken cancellationToken,
        bool applyEffects = true, StoredInstance? preloaded = null, int? targetVersion = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var stored = (attempt == 0 ? preloaded : null) ?? await _store.LoadAsync(instanceId, cancellationToken)
                         ?? throw new WorkflowException($"Instance {instanceId} does not exist.", WorkflowErrorKind.NotFound);
            var state = InstanceSerializer.Deserialize(stored.State);
            if (state.Status != InstanceStatus.Running)
            {
                throw new WorkflowException($"Instance {instanceId} has ended ({state.Status}).", WorkflowErrorKind.Conflict);
            }

            var loaded = Project(state, stored.State);
            // A migration runs on the version it moves the instance to; every other step on the instance's own.
            var execution = new InstanceExecution(state, Definition(state.ProcessId, targetVersion ?? state.Version), _services, actor);
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

        // What the step threw is delivered right after it, with the step's other effects; if that does
        // not happen (a crash, nothing waiting yet), the outbox row stays pending for a sender.
        execution.Effects.AddRange(execution.Outbox.Where(m => WorkflowChannels.IsWorkflowChannel(m.Channel)).Select(m => new DeliverThrown(m)));
    }

    /// <summary>The stored form of a state: its JSON and the index rows derived from it.</summary>
    private StoredInstance Project(InstanceState state, string json) => new(
        state.Id, state.ProcessId, state.Version, state.BusinessKey, state.Status, state.Revision, json,
        [.. state.Timers.Select(t => new StoredTimer(t.Id, state.Id, t.ElementId, t.Due, t.ScheduledAt, t.Sequence))],
        [.. state.Subscriptions.Select(s => new StoredSubscription(state.Id, s.Id, s.MessageName, state.BusinessKey, s.Created, s.Sequence, s.IsSignal))],
        View(state).OpenTasks,
        [.. state.ReceivedMessages])
    {
        StartedAt = state.StartedAt,
        IncidentCount = state.Incidents.Count,
        ProvinceCode = state.Scopes.FirstOrDefault(s => s.Kind == ScopeKind.Process)?.Variables.GetValueOrDefault(_options.ProvinceVariable) is JsonValue province
            && province.TryGetValue<string>(out var code) ? code : null,
    };

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
                case DeliverThrown thrown:
                    try
                    {
                        (_, next) = await DeliverCoreAsync(thrown.Message, cancellationToken);
                        await _store.MarkOutboxDeliveredAsync(thrown.Message.DedupKey, cancellationToken);
                    }
                    catch (WorkflowException e) when (e.Kind is WorkflowErrorKind.Conflict or WorkflowErrorKind.Invalid)
                    {
                        next = []; // nothing waits for it yet: it stays pending in the outbox for a sender to try again
                    }

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
