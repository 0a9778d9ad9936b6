using System.Text;
using Microsoft.Extensions.Time.Testing;
using NtmWorkflow.Engine.Runtime;
using static NtmWorkflow.Engine.Tests.Bpmn;

namespace NtmWorkflow.Engine.Tests.Runtime;

/// <summary>
/// A timer is claimed, then its instance is loaded and fired. When an official's step saves the same instance in
/// between, the timer's save loses the revision check; the engine fires it again on the fresh state at once,
/// rather than leaving it claimed until its lease runs out.
/// </summary>
public sealed class TimerConcurrencyTests
{
    // Two branches of one instance: an official's task, and a timer due in an hour.
    private static readonly string Process =
        """<bpmn:startEvent id="s"/><bpmn:parallelGateway id="split"/><bpmn:userTask id="note"/><bpmn:endEvent id="noted"/>"""
        + """<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent><bpmn:endEvent id="waited"/>"""
        + Chain("s", "split", "note", "noted") + Flow("split", "wait", id: "toWait") + Flow("wait", "waited", id: "toWaited");

    [Fact]
    public async Task A_timer_whose_instance_an_official_saved_first_fires_once_on_the_fresh_state()
    {
        var clock = new FakeTimeProvider(TestEngine.Start);
        var store = new ContendedStore(new InMemoryWorkflowStore());
        var trace = new List<WorkflowEvent>();
        var engine = new WorkflowEngine(store, new WorkflowEngineOptions { Clock = clock, OnEvent = trace.Add });
        Assert.True(engine.Deploy(Encoding.UTF8.GetBytes(Document(Process))).Validation.Valid);
        var started = await engine.StartAsync("p");
        store.Official = async () =>
        {
            var task = Assert.Single(await engine.ListTasksAsync(started.Id));
            await engine.CompleteTaskAsync(task.Id, actor: "commune-officer");
        };

        clock.Advance(TimeSpan.FromHours(1));
        var fired = await engine.FireDueTimersAsync(clock.GetUtcNow());

        Assert.Equal(1, fired);
        Assert.Equal(1, store.LostSaves);
        var instance = (await engine.GetInstanceAsync(started.Id))!;
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Empty(instance.Timers);
        Assert.Null(await engine.NextTimerDueAsync());

        // What was saved: the official's step first, then the timer once, on top of it.
        var saved = trace.Where(e => e.Event is "taskCompleted" or "timerFired").Select(e => $"{e.Event} {e.ElementId}").ToList();
        Assert.Equal(["taskCompleted note", "timerFired wait"], saved);
        Assert.Single(await store.ReadHistoryAsync(started.Id, CancellationToken.None), e => e.Event == "timerFired");
    }

    [Fact]
    public async Task A_timer_that_loses_every_retry_waits_for_its_lease_and_holds_up_no_other_timer()
    {
        var clock = new FakeTimeProvider(TestEngine.Start);
        var store = new ContendedStore(new InMemoryWorkflowStore());
        var engine = new WorkflowEngine(store, new WorkflowEngineOptions { Clock = clock });
        Assert.True(engine.Deploy(Encoding.UTF8.GetBytes(Document(Process))).Validation.Valid);
        var busy = await engine.StartAsync("p");
        var quiet = await engine.StartAsync("p");

        // Every save of the busy instance's timer step loses to another step (a node under heavy contention).
        store.AlwaysLoses = busy.Id;
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(2, await engine.FireDueTimersAsync(clock.GetUtcNow()));
        Assert.Equal(6, store.LostSaves); // the step's own attempts (1 + 5 retries), not retried again around them
        Assert.Single(await store.ReadHistoryAsync(quiet.Id, CancellationToken.None), e => e.Event == "timerFired");
        Assert.DoesNotContain(await store.ReadHistoryAsync(busy.Id, CancellationToken.None), e => e.Event == "timerFired");

        // Its claim holds until the lease runs out; then it fires.
        store.AlwaysLoses = null;
        Assert.Equal(0, await engine.FireDueTimersAsync(clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(1, await engine.FireDueTimersAsync(clock.GetUtcNow()));
        Assert.Single(await store.ReadHistoryAsync(busy.Id, CancellationToken.None), e => e.Event == "timerFired");
    }

    /// <summary>
    /// The in-memory store, except that the first save firing a timer lets <see cref="Official"/> complete a task
    /// on the same instance just before it, as a busy node sees it; and every save firing a timer of
    /// <see cref="AlwaysLoses"/> loses the revision check.
    /// </summary>
    private sealed class ContendedStore(InMemoryWorkflowStore inner) : IWorkflowStore
    {
        public Func<Task>? Official { get; set; }

        public Guid? AlwaysLoses { get; set; }

        public int LostSaves { get; private set; }

        public async Task SaveAsync(StoredInstance instance, StoredInstance? loaded, IReadOnlyList<WorkflowEvent> history, IReadOnlyList<OutboxMessage> outbox,
            CancellationToken cancellationToken)
        {
            if (instance.Id == AlwaysLoses && history.Any(e => e.Event == "timerFired"))
            {
                LostSaves++;
                throw new WorkflowConcurrencyException(instance.Id);
            }

            if (Official is { } official && history.Any(e => e.Event == "timerFired"))
            {
                Official = null;
                await official();
                try
                {
                    await inner.SaveAsync(instance, loaded, history, outbox, cancellationToken);
                }
                catch (WorkflowConcurrencyException)
                {
                    LostSaves++;
                    throw;
                }

                return;
            }

            await inner.SaveAsync(instance, loaded, history, outbox, cancellationToken);
        }

        public Task<StoredInstance?> LoadAsync(Guid instanceId, CancellationToken cancellationToken) => inner.LoadAsync(instanceId, cancellationToken);

        public Task<Guid?> FindMessageReceiverAsync(string dedupKey, CancellationToken cancellationToken) => inner.FindMessageReceiverAsync(dedupKey, cancellationToken);

        public Task MarkOutboxDeliveredAsync(string dedupKey, CancellationToken cancellationToken) => inner.MarkOutboxDeliveredAsync(dedupKey, cancellationToken);

        public Task<IReadOnlyList<OutboxMessage>> ListUndeliveredAsync(string channel, int max, CancellationToken cancellationToken) =>
            inner.ListUndeliveredAsync(channel, max, cancellationToken);

        public Task<StoredInstance?> LoadInstanceOfTaskAsync(Guid taskId, CancellationToken cancellationToken) => inner.LoadInstanceOfTaskAsync(taskId, cancellationToken);

        public Task<IReadOnlyList<StoredSubscription>> FindMessageSubscriptionsAsync(string messageName, string? businessKey, CancellationToken cancellationToken) =>
            inner.FindMessageSubscriptionsAsync(messageName, businessKey, cancellationToken);

        public Task<IReadOnlyList<Guid>> FindSignalSubscribersAsync(string signalName, CancellationToken cancellationToken) =>
            inner.FindSignalSubscribersAsync(signalName, cancellationToken);

        public Task<IReadOnlyList<StoredTimer>> ClaimDueTimersAsync(DateTimeOffset upTo, int max, string owner, DateTimeOffset now, DateTimeOffset leaseUntil,
            CancellationToken cancellationToken) => inner.ClaimDueTimersAsync(upTo, max, owner, now, leaseUntil, cancellationToken);

        public Task<StoredTimer?> FindNextTimerAsync(CancellationToken cancellationToken) => inner.FindNextTimerAsync(cancellationToken);

        public Task<IReadOnlyList<TaskView>> ListOpenTasksAsync(Guid? instanceId, CancellationToken cancellationToken) => inner.ListOpenTasksAsync(instanceId, cancellationToken);

        public Task<IReadOnlyList<WorkflowEvent>> ReadHistoryAsync(Guid instanceId, CancellationToken cancellationToken) => inner.ReadHistoryAsync(instanceId, cancellationToken);
    }
}
