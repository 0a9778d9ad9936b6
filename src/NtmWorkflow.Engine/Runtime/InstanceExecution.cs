using System.Globalization;
using System.Text.Json.Nodes;
using NtmWorkflow.Engine.Definitions;
using NtmWorkflow.Engine.Expressions;

namespace NtmWorkflow.Engine.Runtime;

/// <summary>
/// Runs one instance from one stimulus (start, task completion, message, timer, retry, cancel) until
/// every path waits again. Tokens move in arrival order, so a run is deterministic; everything it
/// does is recorded in <see cref="Events"/>, which becomes the trace and the history journal.
/// </summary>
internal sealed partial class InstanceExecution(InstanceState state, ProcessModel process, EngineServices services, string? actor)
{
    private const int MaxStepsPerRun = 100_000;

    public InstanceState State { get; } = state;

    public List<WorkflowEvent> Events { get; } = [];

    /// <summary>This step's expressions, which share one sandbox (made at the first).</summary>
    private ExpressionEvaluator.Step Expressions => field ??= services.Evaluator.ForStep();

    /// <summary>What the step asks of other instances, done by the engine once this step is saved.</summary>
    public List<CrossInstanceEffect> Effects { get; } = [];

    /// <summary>What the step's handlers put in the outbox, saved with the step.</summary>
    public List<OutboxMessage> Outbox { get; } = [];

    /// <summary>The open tasks of <paramref name="state"/>, in creation order.</summary>
    public static IReadOnlyList<TaskView> TaskViews(InstanceState state, ProcessModel process) =>
    [
        .. state.Tasks.OrderBy(t => t.Sequence).Select(t =>
        {
            var node = process.NodesById[t.ElementId];
            return new TaskView(t.Id, state.Id, t.ElementId, node.Name, t.Assignee, t.CandidateUsers, t.CandidateGroups, t.Due, t.FollowUp, t.Priority, t.FormKey,
                node.Properties, t.Created, t.LoopCounter, t.DueUnverified ?? []);
        }),
    ];

    private DateTimeOffset Now => services.Clock.GetUtcNow();

    // ----- stimuli ---------------------------------------------------------------------------

    public async Task StartAsync(FlowNode startEvent, IReadOnlyDictionary<string, JsonNode?>? variables, CancellationToken ct)
    {
        var root = new ScopeState { Id = NewId("s"), Kind = ScopeKind.Process };
        foreach (var (name, value) in variables ?? new Dictionary<string, JsonNode?>())
        {
            root.Variables[name] = value?.DeepClone();
        }

        State.Scopes.Add(root);
        Emit("instanceStarted", null);
        NewToken(root.Id, startEvent.Id, arrivedVia: null);
        await RunAsync(ct);
    }

    public async Task CompleteTaskAsync(TaskState task, IReadOnlyDictionary<string, JsonNode?>? variables, CancellationToken ct)
    {
        var token = Token(task.TokenId);
        var node = Node(token.ElementId);
        SetVariables(token.ScopeId, variables);
        State.Tasks.Remove(task);
        Emit("taskCompleted", node.Id, task.Id.ToString());
        await CompleteActivityAsync(token, node, ct);
        await RunAsync(ct);
    }

    public async Task CorrelateAsync(SubscriptionState subscription, IReadOnlyDictionary<string, JsonNode?>? variables, CancellationToken ct)
    {
        var token = Token(subscription.TokenId);
        var eventNode = Node(subscription.ElementId);
        Emit("messageCorrelated", eventNode.Id, subscription.MessageName);
        SetVariables(token.ScopeId, variables);
        await TriggerEventAsync(eventNode, token, ct);
        await RunAsync(ct);
    }

    public async Task ReceiveSignalAsync(IReadOnlyList<string> subscriptionIds, IReadOnlyDictionary<string, JsonNode?>? variables, CancellationToken ct)
    {
        foreach (var id in subscriptionIds)
        {
            // An earlier trigger may have withdrawn this one (an interrupting boundary, a gateway).
            if (State.Subscriptions.FirstOrDefault(s => s.Id == id) is not { } subscription || State.Status != InstanceStatus.Running)
            {
                continue;
            }

            var token = Token(subscription.TokenId);
            SetVariables(token.ScopeId, variables);
            await TriggerEventAsync(Node(subscription.ElementId), token, ct);
        }

        await RunAsync(ct);
    }

    public async Task FireTimerAsync(TimerState timer, CancellationToken ct)
    {
        var token = Token(timer.TokenId);
        var eventNode = Node(timer.ElementId);
        Emit("timerFired", eventNode.Id, VietnamTimeText(timer.Due));
        if (timer.IsRetry)
        {
            State.Timers.Remove(timer);
            token.Phase = TokenPhase.Ready;
            await RunAsync(ct);
            return;
        }

        // A repeating timer on a non-interrupting boundary event is scheduled again before it fires,
        // so the next firing keeps its place whatever the boundary path does.
        State.Timers.Remove(timer);
        if (eventNode.Kind == NodeKind.TimerBoundaryEvent && !eventNode.CancelActivity && timer.Remaining != 1)
        {
            Reschedule(timer, eventNode);
        }

        await TriggerEventAsync(eventNode, token, ct);
        await RunAsync(ct);
    }

    public async Task RetryAsync(IncidentState incident, CancellationToken ct)
    {
        State.Incidents.Remove(incident);
        var token = Token(incident.TokenId);
        switch (incident.Stage)
        {
            case IncidentStage.Leave:
                token.Phase = TokenPhase.Waiting;
                await LeaveAsync(token, Node(token.ElementId), ct);
                break;
            case IncidentStage.CompleteInstance:
                token.Phase = TokenPhase.Waiting;
                await CompleteInstanceOfMultiAsync(token, Node(token.ElementId), ct);
                break;
            default:
                token.Phase = TokenPhase.Ready;
                break;
        }

        await RunAsync(ct);
    }

    /// <summary>Sets or clears a task's assignee; the task stays open where it is.</summary>
    public void Assign(TaskState task, string? assignee)
    {
        task.Assignee = assignee;
        Emit("taskAssigned", task.ElementId, $"{task.Id} {assignee ?? "-"}");
    }

    public void Cancel(string? reason)
    {
        var root = RootScope();
        CancelScopeContents(root.Id);
        State.Scopes.Clear();
        State.Status = InstanceStatus.Terminated;
        State.Cancelled = true;
        Emit("instanceEnded", null, reason ?? "cancelled");
        NotifyParent();
    }

    /// <summary>The instance a call activity started has ended: copy its results back and go on (or stop with an incident if it was cancelled).</summary>
    public async Task CalledInstanceEndedAsync(string tokenId, Guid childId, bool cancelled, IReadOnlyDictionary<string, JsonNode?> childVariables, CancellationToken ct)
    {
        var token = State.Tokens.FirstOrDefault(t => t.Id == tokenId);
        if (token is null || token.CalledInstanceId != childId || token.Phase != TokenPhase.Waiting)
        {
            return; // the call activity was interrupted meanwhile
        }

        var node = Node(token.ElementId);
        if (cancelled)
        {
            RaiseIncident(token, IncidentStage.Activate, $"the called instance {childId} of '{node.CalledElement}' was cancelled");
            return;
        }

        try
        {
            var outputs = Map(node.OutMappings, childVariables);
            token.CalledInstanceId = null;
            SetVariables(token.ScopeId, outputs);
        }
        catch (ExpressionException e)
        {
            RaiseIncident(token, IncidentStage.Activate, e.Message);
            return;
        }

        await CompleteActivityAsync(token, node, ct);
        await RunAsync(ct);
    }

    // ----- the token machine -------------------------------------------------------------------

    private async Task RunAsync(CancellationToken ct)
    {
        for (var steps = 0; State.Status == InstanceStatus.Running; steps++)
        {
            var token = State.Tokens.Where(t => t.Phase == TokenPhase.Ready).MinBy(t => t.Sequence);
            if (token is null)
            {
                // Every path has moved as far as it can: now an inclusive join may know no more tokens will come.
                if (await TryFireInclusiveJoinAsync(ct))
                {
                    continue;
                }

                return;
            }

            if (steps >= MaxStepsPerRun)
            {
                RaiseIncident(token, IncidentStage.Activate, $"more than {MaxStepsPerRun} steps without waiting: is there a loop with no task or timer in it?");
                return;
            }

            ct.ThrowIfCancellationRequested();
            await ArriveAsync(token, Node(token.ElementId), ct);
        }
    }

    private async Task ArriveAsync(TokenState token, FlowNode node, CancellationToken ct)
    {
        if (node.Kind == NodeKind.ParallelGateway && node.Incoming.Count > 1)
        {
            await JoinAsync(token, node, ct);
            return;
        }

        if (node.Kind == NodeKind.InclusiveGateway && node.Incoming.Count > 1)
        {
            // Waits until no other token of the scope can still reach the gateway (checked when the run is quiet).
            token.Phase = TokenPhase.AtJoin;
            return;
        }

        if (node.MultiInstance is not null && !token.IsInstanceOfMulti)
        {
            await StartMultiInstanceAsync(token, node, ct);
            return;
        }

        if (!token.Activated)
        {
            token.Activated = true;
            Emit("activated", node.Id);
            if (!token.IsInstanceOfMulti)
            {
                ArmBoundaryEvents(token, node);
            }
        }

        await ActivateAsync(token, node, ct);
    }

    private async Task ActivateAsync(TokenState token, FlowNode node, CancellationToken ct)
    {
        switch (node.Kind)
        {
            case NodeKind.NoneStartEvent or NodeKind.MessageStartEvent or NodeKind.PassThrough or NodeKind.ExclusiveGateway or NodeKind.ParallelGateway
                or NodeKind.InclusiveGateway:
                await CompleteActivityAsync(token, node, ct);
                break;
            case NodeKind.NoneEndEvent:
                Emit("completed", node.Id);
                RemoveToken(token);
                await CompleteScopeIfDoneAsync(token.ScopeId, ct);
                break;
            case NodeKind.ErrorEndEvent:
                Emit("completed", node.Id);
                if (!await TryCatchErrorAsync(token, node.ErrorCode!, throwerIsActivity: false, ct))
                {
                    RaiseIncident(token, IncidentStage.Activate, $"error '{node.ErrorCode}' was thrown and no error boundary event catches it");
                }

                break;
            case NodeKind.MessageThrowEvent or NodeKind.SignalThrowEvent:
                if (Throw(token, node))
                {
                    await CompleteActivityAsync(token, node, ct);
                }

                break;
            case NodeKind.MessageEndEvent or NodeKind.SignalEndEvent:
                if (Throw(token, node))
                {
                    Emit("completed", node.Id);
                    RemoveToken(token);
                    await CompleteScopeIfDoneAsync(token.ScopeId, ct);
                }

                break;
            case NodeKind.TerminateEndEvent:
                Emit("completed", node.Id);
                RemoveToken(token);
                await TerminateScopeAsync(token.ScopeId, ct);
                break;
            case NodeKind.UserTask:
                token.Phase = TokenPhase.Waiting;
                if (!TryCreateTask(token, node))
                {
                    return;
                }

                break;
            case NodeKind.ServiceTask or NodeKind.SendTask:
                await InvokeHandlerAsync(token, node, ct);
                break;
            case NodeKind.ScriptTask:
                RunScript(token, node);
                if (token.Phase != TokenPhase.Incident)
                {
                    await CompleteActivityAsync(token, node, ct);
                }

                break;
            case NodeKind.TimerCatchEvent:
                token.Phase = TokenPhase.Waiting;
                ScheduleTimer(node, token);
                break;
            case NodeKind.MessageCatchEvent or NodeKind.SignalCatchEvent:
                token.Phase = TokenPhase.Waiting;
                Subscribe(node, token);
                break;
            case NodeKind.EventBasedGateway:
                token.Phase = TokenPhase.Waiting;
                foreach (var flow in node.Outgoing)
                {
                    if (flow.Target.Kind == NodeKind.TimerCatchEvent)
                    {
                        ScheduleTimer(flow.Target, token);
                    }
                    else
                    {
                        Subscribe(flow.Target, token);
                    }
                }

                break;
            case NodeKind.CallActivity:
                token.Phase = TokenPhase.Waiting;
                if (!services.ProcessExists(node.CalledElement!, node.CalledVersion))
                {
                    RaiseIncident(token, IncidentStage.Activate, $"the called process '{node.CalledElement}'{(node.CalledVersion is { } v ? $" version {v}" : "")} is not deployed");
                    return;
                }

                Dictionary<string, JsonNode?> inputs;
                try
                {
                    inputs = Map(node.InMappings, VisibleVariables(token.ScopeId));
                }
                catch (ExpressionException e)
                {
                    RaiseIncident(token, IncidentStage.Activate, e.Message);
                    return;
                }

                token.CalledInstanceId = Guid.NewGuid();
                Effects.Add(new StartCalledInstance(token.CalledInstanceId.Value, node.CalledElement!, node.CalledVersion, inputs, State.BusinessKey, State.Id, token.Id));
                break;
            case NodeKind.SubProcess:
                token.Phase = TokenPhase.Waiting;
                var scope = new ScopeState { Id = NewId("s"), ParentId = token.ScopeId, Kind = ScopeKind.SubProcess, ElementId = node.Id, OwnerTokenId = token.Id };
                State.Scopes.Add(scope);
                NewToken(scope.Id, node.NoneStart!.Id, arrivedVia: null);
                break;
            default:
                throw new InvalidOperationException($"{node} cannot be activated by a token.");
        }
    }

    /// <summary>The activity's own work is done: disarm its boundary events and move on.</summary>
    private async Task CompleteActivityAsync(TokenState token, FlowNode node, CancellationToken ct)
    {
        DisarmWaits(token);
        Emit("completed", node.Id);
        if (token.IsInstanceOfMulti)
        {
            await CompleteInstanceOfMultiAsync(token, node, ct);
            return;
        }

        await LeaveAsync(token, node, ct);
    }

    /// <summary>Takes the outgoing sequence flows the element's semantics select.</summary>
    private async Task LeaveAsync(TokenState token, FlowNode node, CancellationToken ct)
    {
        List<SequenceFlow> taken;
        try
        {
            taken = SelectFlows(token, node);
        }
        catch (ExpressionException e)
        {
            RaiseIncident(token, IncidentStage.Leave, e.Message);
            return;
        }

        if (taken.Count == 0)
        {
            if (node.Outgoing.Count > 0)
            {
                RaiseIncident(token, IncidentStage.Leave, node.Kind is NodeKind.ExclusiveGateway or NodeKind.InclusiveGateway
                    ? "no outgoing sequence flow's condition is true and the gateway has no default flow"
                    : "no outgoing sequence flow's condition is true and the element has no default flow");
                return;
            }

            // An element without outgoing flows ends its path (implicit end).
            RemoveToken(token);
            await CompleteScopeIfDoneAsync(token.ScopeId, ct);
            return;
        }

        for (var i = 0; i < taken.Count; i++)
        {
            var moving = i == 0 ? token : NewToken(token.ScopeId, taken[i].Target.Id, taken[i].Id);
            moving.ElementId = taken[i].Target.Id;
            moving.ArrivedVia = taken[i].Id;
            moving.Phase = TokenPhase.Ready;
            moving.Activated = false;
            moving.IsInstanceOfMulti = false;
            moving.Sequence = State.Next();
        }
    }

    private List<SequenceFlow> SelectFlows(TokenState token, FlowNode node)
    {
        if (node.Kind == NodeKind.ParallelGateway)
        {
            return node.Outgoing;
        }

        var variables = VisibleVariables(token.ScopeId);
        if (node.Kind == NodeKind.InclusiveGateway)
        {
            var chosen = node.Outgoing.Where(f => f != node.DefaultFlow && (f.Condition is null || Expressions.EvaluateCondition(f.Condition, variables))).ToList();
            return chosen.Count > 0 ? chosen : node.DefaultFlow is not null ? [node.DefaultFlow] : [];
        }

        if (node.Kind == NodeKind.ExclusiveGateway)
        {
            var chosen = node.Outgoing.FirstOrDefault(f => f != node.DefaultFlow && (f.Condition is null || Expressions.EvaluateCondition(f.Condition, variables)));
            return chosen is not null ? [chosen] : node.DefaultFlow is not null ? [node.DefaultFlow] : [];
        }

        var taken = node.Outgoing.Where(f => f != node.DefaultFlow && (f.Condition is null || Expressions.EvaluateCondition(f.Condition, variables))).ToList();
        return taken.Count == 0 && node.DefaultFlow is not null ? [node.DefaultFlow] : taken;
    }

    /// <summary>
    /// Fires the first inclusive join (in arrival order) that has a waiting token and that no other token
    /// of its scope can still reach; it takes one waiting token per incoming flow.
    /// </summary>
    private async Task<bool> TryFireInclusiveJoinAsync(CancellationToken ct)
    {
        foreach (var waiting in State.Tokens.Where(t => t.Phase == TokenPhase.AtJoin && Node(t.ElementId).Kind == NodeKind.InclusiveGateway).OrderBy(t => t.Sequence).ToList())
        {
            var join = Node(waiting.ElementId);
            var others = State.Tokens.Where(t => t.ScopeId == waiting.ScopeId && !(t.Phase == TokenPhase.AtJoin && t.ElementId == join.Id));
            if (others.Any(t => CanReach(Node(t.ElementId), join)))
            {
                continue;
            }

            var atJoin = State.Tokens.Where(t => t.Phase == TokenPhase.AtJoin && t.ScopeId == waiting.ScopeId && t.ElementId == join.Id).ToList();
            var oneEach = atJoin.GroupBy(t => t.ArrivedVia).Select(g => g.MinBy(t => t.Sequence)!).ToList();
            var survivor = oneEach.MinBy(t => t.Sequence)!;
            foreach (var other in oneEach.Where(t => t != survivor))
            {
                State.Tokens.Remove(other);
            }

            survivor.Phase = TokenPhase.Waiting;
            survivor.Activated = true;
            Emit("activated", join.Id);
            Emit("completed", join.Id);
            await LeaveAsync(survivor, join, ct);
            return true;
        }

        return false;
    }

    /// <summary>Whether a token at <paramref name="from"/> could still arrive at <paramref name="target"/> in the same scope.</summary>
    private static bool CanReach(FlowNode from, FlowNode target)
    {
        var seen = new HashSet<FlowNode>();
        var queue = new Queue<FlowNode>([from]);
        while (queue.TryDequeue(out var node))
        {
            if (!seen.Add(node))
            {
                continue;
            }

            foreach (var next in node.Outgoing.Select(f => f.Target).Concat(node.BoundaryEvents))
            {
                if (next == target)
                {
                    return true;
                }

                queue.Enqueue(next);
            }
        }

        return false;
    }

    /// <summary>A parallel join fires when a token waits on every incoming flow; extra tokens wait for the next firing.</summary>
    private async Task JoinAsync(TokenState token, FlowNode node, CancellationToken ct)
    {
        token.Phase = TokenPhase.AtJoin;
        var waiting = State.Tokens.Where(t => t.Phase == TokenPhase.AtJoin && t.ScopeId == token.ScopeId && t.ElementId == node.Id).ToList();
        var oneEach = node.Incoming.Select(f => waiting.Where(t => t.ArrivedVia == f.Id).MinBy(t => t.Sequence)).ToList();
        if (oneEach.Any(t => t is null))
        {
            return;
        }

        var survivor = oneEach.MinBy(t => t!.Sequence)!;
        foreach (var other in oneEach.Where(t => t != survivor))
        {
            State.Tokens.Remove(other!);
        }

        survivor.Phase = TokenPhase.Waiting;
        survivor.Activated = true;
        Emit("activated", node.Id);
        Emit("completed", node.Id);
        await LeaveAsync(survivor, node, ct);
    }

    // ----- scopes ---------------------------------------------------------------------------------

    private async Task CompleteScopeIfDoneAsync(string scopeId, CancellationToken ct)
    {
        if (State.Tokens.Any(t => t.ScopeId == scopeId))
        {
            return;
        }

        var scope = State.Scopes.FirstOrDefault(s => s.Id == scopeId);
        if (scope is null)
        {
            return;
        }

        switch (scope.Kind)
        {
            case ScopeKind.Process:
                State.Status = InstanceStatus.Completed;
                Emit("instanceEnded", null, "completed");
                NotifyParent();
                break;
            case ScopeKind.SubProcess:
                var owner = Token(scope.OwnerTokenId!);
                State.Scopes.Remove(scope);
                await CompleteActivityAsync(owner, Node(owner.ElementId), ct);
                break;
            case ScopeKind.MultiInstanceItem:
                // The instance token itself completes the item (see CompleteInstanceOfMulti); an item
                // whose subprocess ended leaves nothing behind.
                break;
        }
    }

    /// <summary>A terminate end event: everything else in the scope is cancelled, then the scope ends.</summary>
    private async Task TerminateScopeAsync(string scopeId, CancellationToken ct)
    {
        var scope = State.Scopes.First(s => s.Id == scopeId);
        CancelScopeContents(scopeId);
        if (scope.Kind == ScopeKind.Process)
        {
            State.Status = InstanceStatus.Terminated;
            Emit("instanceEnded", null, "terminated");
            NotifyParent();
            return;
        }

        await CompleteScopeIfDoneAsync(scopeId, ct);
    }

    private void CancelScopeContents(string scopeId)
    {
        foreach (var token in State.Tokens.Where(t => t.ScopeId == scopeId).OrderBy(t => t.Sequence).ToList())
        {
            CancelToken(token);
        }
    }

    /// <summary>Cancels what the token is doing (its task, timers, subscriptions, child scope) and removes it.</summary>
    private void CancelToken(TokenState token)
    {
        foreach (var child in State.Scopes.Where(s => s.OwnerTokenId == token.Id).ToList())
        {
            CancelScopeContents(child.Id);
            foreach (var item in State.Scopes.Where(s => s.ParentId == child.Id).ToList())
            {
                CancelScopeContents(item.Id);
                State.Scopes.Remove(item);
            }

            State.Scopes.Remove(child);
        }

        foreach (var task in State.Tasks.Where(t => t.TokenId == token.Id).ToList())
        {
            State.Tasks.Remove(task);
            Emit("taskCancelled", task.ElementId, task.Id.ToString());
        }

        DisarmWaits(token);
        State.Incidents.RemoveAll(i => i.TokenId == token.Id);
        if (token.CalledInstanceId is { } calledInstance)
        {
            Effects.Add(new CancelCalledInstance(calledInstance));
        }

        if (token.Activated && token.Phase is TokenPhase.Waiting or TokenPhase.Incident)
        {
            Emit("cancelled", token.ElementId);
        }

        RemoveToken(token);
    }

    private void RemoveToken(TokenState token) => State.Tokens.Remove(token);

    /// <summary>
    /// Puts what a message or signal event throws in the outbox, saved with this step under the key
    /// <c>{instance}/{element}/{run}</c>; the engine delivers it once the step is saved, and a sender
    /// delivers it again if that did not happen. False, with an incident, when an expression fails.
    /// </summary>
    private bool Throw(TokenState token, FlowNode node)
    {
        Dictionary<string, JsonNode?> variables;
        string? businessKey = null;
        try
        {
            var visible = VisibleVariables(token.ScopeId);
            variables = Map(node.InMappings, visible);
            if (node.CorrelationKey is { } keyExpression)
            {
                businessKey = Expressions.Evaluate(keyExpression, visible) switch
                {
                    null => throw new ExpressionException($"the business key '{keyExpression}' is null"),
                    JsonValue value when value.TryGetValue(out string? text) => text,
                    var other => other.ToJsonString(),
                };
            }
        }
        catch (ExpressionException e)
        {
            RaiseIncident(token, IncidentStage.Activate, e.Message);
            return false;
        }

        var run = State.HandlerRuns.GetValueOrDefault(node.Id) + 1;
        State.HandlerRuns[node.Id] = run;
        var isMessage = node.MessageName is not null;
        var thrown = new ThrownEvent(isMessage ? node.MessageName! : node.SignalName!, businessKey, variables);
        Outbox.Add(new OutboxMessage($"{State.Id:N}/{node.Id}/{run}", isMessage ? WorkflowChannels.Message : WorkflowChannels.Signal, thrown.ToJson(), State.Id, node.Id, Now));
        Emit(isMessage ? "messageThrown" : "signalThrown", node.Id, businessKey is null ? thrown.Name : $"{thrown.Name} ({businessKey})");
        return true;
    }

    // ----- multi-instance -------------------------------------------------------------------------

    private async Task StartMultiInstanceAsync(TokenState token, FlowNode node, CancellationToken ct)
    {
        var mi = node.MultiInstance!;
        var variables = VisibleVariables(token.ScopeId);
        JsonArray? items = null;
        int total;
        try
        {
            if (mi.Collection is not null)
            {
                var collection = Expression.ContainsExpression(mi.Collection)
                    ? Expressions.Evaluate(mi.Collection, variables)
                    : variables.GetValueOrDefault(mi.Collection);
                items = collection as JsonArray
                        ?? throw new ExpressionException($"the multi-instance collection {mi.Collection} is {ExpressionEvaluator.ToText(collection)}, not a list");
                total = items.Count;
            }
            else
            {
                var cardinality = Expressions.Evaluate(mi.LoopCardinality!, variables);
                total = cardinality is JsonValue v && long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 10_000
                    ? (int)n
                    : cardinality is JsonValue s && s.TryGetValue<string>(out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed <= 10_000
                        ? parsed
                        : throw new ExpressionException($"loopCardinality {mi.LoopCardinality} is {ExpressionEvaluator.ToText(cardinality)}, not a whole number from 0 to 10000");
            }
        }
        catch (ExpressionException e)
        {
            RaiseIncident(token, IncidentStage.Activate, e.Message);
            return;
        }

        token.Phase = TokenPhase.Waiting;
        token.Activated = true;
        ArmBoundaryEvents(token, node);
        var body = new ScopeState
        {
            Id = NewId("s"),
            ParentId = token.ScopeId,
            Kind = ScopeKind.MultiInstanceBody,
            ElementId = node.Id,
            OwnerTokenId = token.Id,
            Total = total,
            Items = items is null ? null : (JsonArray)items.DeepClone(),
            Outputs = mi.OutputCollection is null ? null : new JsonArray(Enumerable.Range(0, total).Select(_ => (JsonNode?)null).ToArray()),
        };
        body.Variables["nrOfInstances"] = total;
        body.Variables["nrOfCompletedInstances"] = 0;
        body.Variables["nrOfActiveInstances"] = 0;
        State.Scopes.Add(body);

        if (total == 0)
        {
            await FinishMultiInstanceAsync(token, node, body, ct);
            return;
        }

        var first = mi.IsSequential ? 1 : total;
        for (var i = 0; i < first; i++)
        {
            StartInstanceOfMulti(body, node);
        }
    }

    private void StartInstanceOfMulti(ScopeState body, FlowNode node)
    {
        var index = body.Started++;
        var item = new ScopeState { Id = NewId("s"), ParentId = body.Id, Kind = ScopeKind.MultiInstanceItem, ElementId = node.Id };
        item.Variables["loopCounter"] = index;
        if (node.MultiInstance!.ElementVariable is { } elementVariable)
        {
            item.Variables[elementVariable] = body.Items is null ? null : body.Items[index]?.DeepClone();
        }

        State.Scopes.Add(item);
        body.Variables["nrOfActiveInstances"] = Int(body, "nrOfActiveInstances") + 1;
        var token = NewToken(item.Id, node.Id, arrivedVia: null);
        token.IsInstanceOfMulti = true;
    }

    /// <summary>One instance of a multi-instance activity is done: collect its output, count it, and decide whether the body is done.</summary>
    private async Task CompleteInstanceOfMultiAsync(TokenState token, FlowNode node, CancellationToken ct)
    {
        var item = State.Scopes.First(s => s.Id == token.ScopeId);
        var body = State.Scopes.First(s => s.Id == item.ParentId);
        var mi = node.MultiInstance!;
        var bodyToken = Token(body.OwnerTokenId!);
        bool completionReached;
        try
        {
            if (mi.OutputCollection is not null && body.Outputs is not null)
            {
                var visible = VisibleVariables(item.Id);
                var output = mi.OutputElement is null ? null
                    : Expression.ContainsExpression(mi.OutputElement) ? Expressions.Evaluate(mi.OutputElement, visible)
                    : visible.GetValueOrDefault(mi.OutputElement)?.DeepClone();
                body.Outputs[(int)Int(item, "loopCounter")] = output;
            }

            body.Variables["nrOfActiveInstances"] = Int(body, "nrOfActiveInstances") - 1;
            body.Variables["nrOfCompletedInstances"] = Int(body, "nrOfCompletedInstances") + 1;
            try
            {
                completionReached = mi.CompletionCondition is not null && Expressions.EvaluateCondition(mi.CompletionCondition, VisibleVariables(body.Id));
            }
            catch (ExpressionException)
            {
                body.Variables["nrOfActiveInstances"] = Int(body, "nrOfActiveInstances") + 1;
                body.Variables["nrOfCompletedInstances"] = Int(body, "nrOfCompletedInstances") - 1;
                throw;
            }
        }
        catch (ExpressionException e)
        {
            RaiseIncident(token, IncidentStage.CompleteInstance, e.Message);
            return;
        }

        RemoveToken(token);
        State.Scopes.Remove(item);
        if (completionReached)
        {
            foreach (var remaining in State.Scopes.Where(s => s.ParentId == body.Id && s.Kind == ScopeKind.MultiInstanceItem).ToList())
            {
                CancelScopeContents(remaining.Id);
                State.Scopes.Remove(remaining);
            }

            await FinishMultiInstanceAsync(bodyToken, node, body, ct);
        }
        else if (mi.IsSequential && body.Started < body.Total)
        {
            StartInstanceOfMulti(body, node);
        }
        else if (Int(body, "nrOfCompletedInstances") >= body.Total)
        {
            await FinishMultiInstanceAsync(bodyToken, node, body, ct);
        }
    }

    private async Task FinishMultiInstanceAsync(TokenState bodyToken, FlowNode node, ScopeState body, CancellationToken ct)
    {
        if (node.MultiInstance!.OutputCollection is { } outputCollection)
        {
            // The collected list lands in the scope the activity lives in.
            State.Scopes.First(s => s.Id == bodyToken.ScopeId).Variables[outputCollection] = body.Outputs?.DeepClone() ?? new JsonArray();
        }

        State.Scopes.Remove(body);
        DisarmWaits(bodyToken);
        bodyToken.Phase = TokenPhase.Waiting;
        await LeaveAsync(bodyToken, node, ct);
    }

    // ----- boundary and catch events --------------------------------------------------------------

    private void ArmBoundaryEvents(TokenState token, FlowNode node)
    {
        foreach (var boundary in node.BoundaryEvents)
        {
            switch (boundary.Kind)
            {
                case NodeKind.TimerBoundaryEvent:
                    ScheduleTimer(boundary, token);
                    break;
                case NodeKind.MessageBoundaryEvent or NodeKind.SignalBoundaryEvent:
                    Subscribe(boundary, token);
                    break;

                // Error boundaries wait for nothing: a thrown error looks for them.
            }
        }
    }

    private void DisarmWaits(TokenState token)
    {
        State.Timers.RemoveAll(t => t.TokenId == token.Id);
        State.Subscriptions.RemoveAll(s => s.TokenId == token.Id);
    }

    /// <summary>A timer fired or a message arrived for <paramref name="eventNode"/>, which <paramref name="token"/> waits for.</summary>
    private async Task TriggerEventAsync(FlowNode eventNode, TokenState token, CancellationToken ct)
    {
        var waitingAt = Node(token.ElementId);
        switch (eventNode.Kind)
        {
            case NodeKind.TimerBoundaryEvent or NodeKind.MessageBoundaryEvent or NodeKind.SignalBoundaryEvent:
                var scopeId = token.ScopeId;
                if (eventNode.CancelActivity)
                {
                    CancelToken(token);
                }

                var boundaryToken = NewToken(scopeId, eventNode.Id, arrivedVia: null);
                boundaryToken.Activated = true;
                Emit("activated", eventNode.Id);
                Emit("completed", eventNode.Id);
                await LeaveAsync(boundaryToken, eventNode, ct);
                break;
            case NodeKind.TimerCatchEvent or NodeKind.MessageCatchEvent or NodeKind.SignalCatchEvent when waitingAt.Kind == NodeKind.EventBasedGateway:
                DisarmWaits(token);
                Emit("completed", waitingAt.Id);
                token.ElementId = eventNode.Id;
                token.ArrivedVia = waitingAt.Outgoing.First(f => f.Target == eventNode).Id;
                Emit("activated", eventNode.Id);
                Emit("completed", eventNode.Id);
                await LeaveAsync(token, eventNode, ct);
                break;
            default:
                DisarmWaits(token);
                Emit("completed", eventNode.Id);
                await LeaveAsync(token, eventNode, ct);
                break;
        }
    }

    private void ScheduleTimer(FlowNode eventNode, TokenState token)
    {
        var timer = new TimerState { Id = NewId("tm"), ElementId = eventNode.Id, TokenId = token.Id, ScheduledAt = Now, Sequence = State.Next() };
        try
        {
            var definition = eventNode.Timer!;
            var value = Expression.ContainsExpression(definition.Text)
                ? Expressions.Evaluate(definition.Text, TimerVariables(eventNode, token))
                : JsonValue.Create(definition.Text);
            var text = ExpressionEvaluator.ToText(value);
            switch (definition.Kind)
            {
                case TimerKind.Date:
                    timer.Due = IsoTimer.TryParseDate(text, out var date) ? date : throw new ExpressionException($"timeDate gave '{text}', not an ISO 8601 date-time");
                    break;
                case TimerKind.Duration:
                    timer.Due = IsoTimer.TryParseDuration(text, out var duration) ? duration.AddTo(Now) : throw new ExpressionException($"timeDuration gave '{text}', not an ISO 8601 duration");
                    break;
                case TimerKind.Cycle when IsoTimer.TryParseCycle(text, out var cycle):
                    timer.Due = cycle.Start is { } start && start > Now ? start : cycle.Start is null ? cycle.Interval.AddTo(Now) : Now;
                    timer.Remaining = cycle.Repetitions;
                    timer.Interval = text[(text.LastIndexOf('/') + 1)..];
                    if (cycle.Repetitions == 0)
                    {
                        return;
                    }

                    break;
                case TimerKind.Cycle when IsoTimer.TryParseDate(text, out var next):
                    // An expression cycle gives the next firing; it is evaluated again after each one.
                    timer.Due = next;
                    timer.Remaining = null;
                    break;
                default:
                    throw new ExpressionException($"timeCycle gave '{text}', neither an ISO 8601 repeating interval nor a date-time");
            }
        }
        catch (ExpressionException e)
        {
            RaiseIncident(token, IncidentStage.Activate, e.Message);
            return;
        }

        State.Timers.Add(timer);
        Emit("timerScheduled", eventNode.Id, VietnamTimeText(timer.Due));
    }

    /// <summary>
    /// The variables a timer expression sees. On a boundary event of a user task with a due date they
    /// include <c>taskDue</c>: the due date of the task (of the earliest one under a multi-instance
    /// activity), so reminders and escalations can be timed against it.
    /// </summary>
    private Dictionary<string, JsonNode?> TimerVariables(FlowNode eventNode, TokenState token)
    {
        var variables = VisibleVariables(token.ScopeId);
        if (eventNode.Kind != NodeKind.TimerBoundaryEvent || eventNode.AttachedTo?.UserTask?.DueDate is not { } dueDate)
        {
            return variables;
        }

        // The task is made after its boundary events are armed, so at arming the due date is evaluated
        // as the task will evaluate it in the same step; later (a cycle scheduling its next firing) it is read off the task.
        var ownedScopes = State.Scopes.Where(s => s.OwnerTokenId == token.Id).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var due = State.Tasks
            .Where(t => t.Due is not null && (t.TokenId == token.Id || State.Tokens.Any(k => k.Id == t.TokenId && InScopes(k.ScopeId, ownedScopes))))
            .Min(t => t.Due);
        due ??= Date(dueDate, variables, "dueDate");
        if (due is not null)
        {
            variables["taskDue"] = JsonValue.Create(due.Value.ToString("O", CultureInfo.InvariantCulture));
        }

        return variables;
    }

    /// <summary>True when <paramref name="scopeId"/> is one of <paramref name="scopes"/> or lies inside one.</summary>
    private bool InScopes(string scopeId, HashSet<string> scopes)
    {
        for (var scope = State.Scopes.FirstOrDefault(s => s.Id == scopeId); scope is not null; scope = State.Scopes.FirstOrDefault(s => s.Id == scope.ParentId))
        {
            if (scopes.Contains(scope.Id))
            {
                return true;
            }
        }

        return false;
    }

    private void Reschedule(TimerState fired, FlowNode eventNode)
    {
        var token = Token(fired.TokenId);
        if (fired.Interval is not null)
        {
            if (!IsoTimer.TryParseDuration(fired.Interval, out var interval))
            {
                return;
            }

            var next = new TimerState
            {
                Id = NewId("tm"), ElementId = fired.ElementId, TokenId = fired.TokenId, ScheduledAt = Now, Sequence = State.Next(),
                Due = interval.AddTo(fired.Due), Remaining = fired.Remaining - 1, Interval = fired.Interval,
            };
            State.Timers.Add(next);
            Emit("timerScheduled", eventNode.Id, VietnamTimeText(next.Due));
        }
        else
        {
            ScheduleTimer(eventNode, token);
        }
    }

    private void Subscribe(FlowNode eventNode, TokenState token) =>
        State.Subscriptions.Add(new SubscriptionState
        {
            Id = NewId("m"), MessageName = eventNode.MessageName ?? eventNode.SignalName!, IsSignal = eventNode.SignalName is not null,
            ElementId = eventNode.Id, TokenId = token.Id, Created = Now, Sequence = State.Next(),
        });

    /// <summary>
    /// Finds the nearest activity, from the thrower outwards, with an error boundary event for the code
    /// (a boundary with that code wins over one that catches any); cancels it and takes the boundary path.
    /// </summary>
    private async Task<bool> TryCatchErrorAsync(TokenState thrower, string errorCode, bool throwerIsActivity, CancellationToken ct)
    {
        var candidate = throwerIsActivity ? thrower : OwnerOf(thrower.ScopeId);
        while (candidate is not null)
        {
            if (!candidate.IsInstanceOfMulti)
            {
                var boundaries = Node(candidate.ElementId).BoundaryEvents.Where(b => b.Kind == NodeKind.ErrorBoundaryEvent).ToList();
                var boundary = boundaries.FirstOrDefault(b => b.ErrorCode == errorCode) ?? boundaries.FirstOrDefault(b => b.ErrorCode is null);
                if (boundary is not null)
                {
                    var scopeId = candidate.ScopeId;
                    if (thrower == candidate)
                    {
                        thrower.Phase = TokenPhase.Waiting; // the activity was active: it shows as cancelled
                    }
                    else
                    {
                        State.Tokens.Remove(thrower);
                    }

                    CancelToken(candidate);
                    var caught = NewToken(scopeId, boundary.Id, arrivedVia: null);
                    caught.Activated = true;
                    Emit("activated", boundary.Id);
                    Emit("completed", boundary.Id, errorCode);
                    await LeaveAsync(caught, boundary, ct);
                    return true;
                }
            }

            candidate = OwnerOf(candidate.ScopeId);
        }

        return false;
    }

    /// <summary>The token of the activity a scope belongs to: a subprocess's, or a multi-instance body's; null for the process.</summary>
    private TokenState? OwnerOf(string scopeId)
    {
        var scope = State.Scopes.First(s => s.Id == scopeId);
        var owner = scope.Kind switch
        {
            ScopeKind.SubProcess or ScopeKind.MultiInstanceBody => scope.OwnerTokenId,
            ScopeKind.MultiInstanceItem => State.Scopes.First(s => s.Id == scope.ParentId).OwnerTokenId,
            _ => null,
        };
        return owner is null ? null : State.Tokens.FirstOrDefault(t => t.Id == owner);
    }

    // ----- tasks, handlers, scripts ------------------------------------------------------------

    private bool TryCreateTask(TokenState token, FlowNode node)
    {
        var definition = node.UserTask!;
        var variables = VisibleVariables(token.ScopeId);
        var unverified = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            var task = new TaskState
            {
                Id = Guid.NewGuid(),
                ElementId = node.Id,
                TokenId = token.Id,
                Assignee = Text(definition.Assignee, variables),
                CandidateUsers = List(definition.CandidateUsers, variables),
                CandidateGroups = List(definition.CandidateGroups, variables),
                Due = Date(definition.DueDate, variables, "dueDate", unverified),
                FollowUp = Date(definition.FollowUpDate, variables, "followUpDate"),
                Priority = definition.Priority is null ? 50 : int.TryParse(Text(definition.Priority, variables), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p
                    : throw new ExpressionException($"camunda:priority gave '{Text(definition.Priority, variables)}', not a whole number"),
                FormKey = definition.FormKey,
                Created = Now,
                Sequence = State.Next(),
                LoopCounter = token.IsInstanceOfMulti ? (int)Int(State.Scopes.First(s => s.Id == token.ScopeId), "loopCounter") : null,
            };
            task.DueUnverified = unverified.Count > 0 ? [.. unverified] : null;
            State.Tasks.Add(task);
            Emit("taskCreated", node.Id, task.Id.ToString());
            return true;
        }
        catch (ExpressionException e)
        {
            RaiseIncident(token, IncidentStage.Activate, e.Message);
            return false;
        }
    }

    private async Task InvokeHandlerAsync(TokenState token, FlowNode node, CancellationToken ct)
    {
        var topic = node.Topic!;
        Emit("handlerInvoked", node.Id, topic);
        var handler = services.Handlers.Find(topic);
        if (handler is null)
        {
            RaiseIncident(token, IncidentStage.Activate, $"no handler is registered for topic '{topic}'");
            return;
        }

        IReadOnlyDictionary<string, JsonNode?> output;
        var run = State.HandlerRuns.GetValueOrDefault(node.Id) + 1;
        var variables = VisibleVariables(token.ScopeId);
        var context = new ServiceTaskContext(State.Id, State.ProcessId, node.Id, topic, State.BusinessKey, variables, node.Properties)
        {
            DedupKey = $"{State.Id:N}/{node.Id}/{run}", RunNumber = run, OpenTasks = TaskViews(State, process), Now = Now, Calendar = services.CalendarFor(variables),
        };
        try
        {
            output = await handler.HandleAsync(context, ct);
        }
        catch (BpmnErrorException e)
        {
            if (!await TryCatchErrorAsync(token, e.ErrorCode, throwerIsActivity: true, ct))
            {
                RaiseIncident(token, IncidentStage.Activate, $"handler '{topic}' raised error '{e.ErrorCode}' ({e.Message}) and no error boundary event catches it");
            }

            return;
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            if (!ScheduleRetry(token, node))
            {
                RaiseIncident(token, IncidentStage.Activate, $"handler '{topic}' failed: {e.Message}", e);
            }

            return;
        }

        // Only a successful run counts and leaves its messages: a failed one is tried again under the same key.
        State.HandlerRuns[node.Id] = run;
        Outbox.AddRange(context.Enqueued);
        token.RetriesLeft = null;
        SetVariables(token.ScopeId, output);
        await CompleteActivityAsync(token, node, ct);
    }

    /// <summary>With a retry cycle and retries left, the handler runs again after the interval; false when none are left.</summary>
    private bool ScheduleRetry(TokenState token, FlowNode node)
    {
        if (node.RetryCycle is null || !IsoTimer.TryParseCycle(node.RetryCycle, out var cycle))
        {
            return false;
        }

        token.RetriesLeft ??= cycle.Repetitions;
        if (token.RetriesLeft <= 0)
        {
            token.RetriesLeft = null;
            return false;
        }

        token.RetriesLeft--;
        token.Phase = TokenPhase.Waiting;
        var retry = new TimerState
        {
            Id = NewId("tm"), ElementId = node.Id, TokenId = token.Id, ScheduledAt = Now, Sequence = State.Next(), Due = cycle.Interval.AddTo(Now), IsRetry = true,
        };
        State.Timers.Add(retry);
        Emit("timerScheduled", node.Id, VietnamTimeText(retry.Due));
        return true;
    }

    private void RunScript(TokenState token, FlowNode node)
    {
        try
        {
            var (result, set) = Expressions.RunScript(node.Script!, VisibleVariables(token.ScopeId));
            SetVariables(token.ScopeId, set);
            if (node.ResultVariable is { } resultVariable)
            {
                SetVariable(token.ScopeId, resultVariable, result);
            }
        }
        catch (ExpressionException e)
        {
            RaiseIncident(token, IncidentStage.Activate, e.Message, e.InnerException);
        }
    }

    private void RaiseIncident(TokenState token, IncidentStage stage, string message, Exception? cause = null)
    {
        const int MaxStack = 8000;
        token.Phase = TokenPhase.Incident;
        var stack = cause?.ToString();
        var incident = new IncidentState
        {
            Id = NewId("i"), TokenId = token.Id, ElementId = token.ElementId, Message = message, Stage = stage, Created = Now,
            Stack = stack is { Length: > MaxStack } ? stack[..MaxStack] : stack,
        };
        State.Incidents.Add(incident);
        Emit("incident", token.ElementId, message);
    }

    private void NotifyParent()
    {
        if (State.ParentInstanceId is { } parent && State.ParentTokenId is { } token)
        {
            var root = State.Scopes.FirstOrDefault(s => s.Kind == ScopeKind.Process);
            Effects.Add(new NotifyCallingInstance(parent, token, State.Id, State.Cancelled,
                root?.Variables.ToDictionary(v => v.Key, v => v.Value?.DeepClone(), StringComparer.Ordinal) ?? []));
        }
    }

    /// <summary>Applies camunda:in / camunda:out mappings to a set of variables.</summary>
    private Dictionary<string, JsonNode?> Map(IReadOnlyList<VariableMapping> mappings, IReadOnlyDictionary<string, JsonNode?> from)
    {
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var mapping in mappings)
        {
            if (mapping.All)
            {
                foreach (var (name, value) in from)
                {
                    result[name] = value?.DeepClone();
                }
            }
            else if (mapping.SourceExpression is not null)
            {
                result[mapping.Target!] = Expressions.Evaluate(mapping.SourceExpression, from);
            }
            else
            {
                result[mapping.Target!] = from.GetValueOrDefault(mapping.Source!)?.DeepClone();
            }
        }

        return result;
    }

    // ----- variables ------------------------------------------------------------------------------

    /// <summary>All variables visible from a scope: its own over its parents'.</summary>
    public Dictionary<string, JsonNode?> VisibleVariables(string scopeId)
    {
        var chain = new List<ScopeState>();
        for (var scope = State.Scopes.FirstOrDefault(s => s.Id == scopeId); scope is not null; scope = State.Scopes.FirstOrDefault(s => s.Id == scope.ParentId))
        {
            chain.Add(scope);
        }

        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            foreach (var (name, value) in chain[i].Variables)
            {
                result[name] = value;
            }
        }

        return result;
    }

    private void SetVariables(string scopeId, IReadOnlyDictionary<string, JsonNode?>? variables)
    {
        foreach (var (name, value) in variables ?? new Dictionary<string, JsonNode?>())
        {
            SetVariable(scopeId, name, value);
        }
    }

    /// <summary>As Camunda 7 sets it: in the nearest scope that already defines the name, else on the process instance.</summary>
    private void SetVariable(string scopeId, string name, JsonNode? value)
    {
        ScopeState? target = null;
        for (var scope = State.Scopes.FirstOrDefault(s => s.Id == scopeId); scope is not null; scope = State.Scopes.FirstOrDefault(s => s.Id == scope.ParentId))
        {
            if (scope.Variables.ContainsKey(name))
            {
                target = scope;
                break;
            }
        }

        (target ?? RootScope()).Variables[name] = value?.DeepClone();
    }

    private string? Text(string? template, IReadOnlyDictionary<string, JsonNode?> variables, ISet<string>? unverified = null) =>
        template is null ? null : ExpressionEvaluator.ToText(Expressions.Evaluate(template, variables, unverified)) is var text && text != "null" ? text : null;

    private List<string> List(string? template, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        if (template is null)
        {
            return [];
        }

        var value = Expressions.Evaluate(template, variables);
        return value is JsonArray array
            ? [.. array.Select(ExpressionEvaluator.ToText)]
            : [.. ExpressionEvaluator.ToText(value).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    private DateTimeOffset? Date(string? template, IReadOnlyDictionary<string, JsonNode?> variables, string what, ISet<string>? unverified = null)
    {
        if (Text(template, variables, unverified) is not { } text)
        {
            return null;
        }

        return IsoTimer.TryParseDate(text, out var date) ? date : throw new ExpressionException($"camunda:{what} gave '{text}', not an ISO 8601 date-time");
    }

    private static long Int(ScopeState scope, string name) =>
        scope.Variables.GetValueOrDefault(name) is JsonValue v && long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    // ----- plumbing -------------------------------------------------------------------------------

    private TokenState NewToken(string scopeId, string elementId, string? arrivedVia)
    {
        var token = new TokenState { Id = NewId("t"), ScopeId = scopeId, ElementId = elementId, ArrivedVia = arrivedVia, Phase = TokenPhase.Ready, Sequence = State.Next() };
        State.Tokens.Add(token);
        return token;
    }

    private string NewId(string prefix) => prefix + State.Next().ToString(CultureInfo.InvariantCulture);

    private ScopeState RootScope() => State.Scopes.First(s => s.Kind == ScopeKind.Process);

    private TokenState Token(string id) => State.Tokens.FirstOrDefault(t => t.Id == id) ?? throw new InvalidOperationException($"Token {id} is not in instance {State.Id}.");

    private FlowNode Node(string id) => process.NodesById[id];

    private void Emit(string name, string? elementId, string? detail = null) => Events.Add(new WorkflowEvent(Now, name, elementId, State.Id, actor, detail));

    private static string VietnamTimeText(DateTimeOffset instant) => Calendar.VietnamTime.Format(instant);
}
