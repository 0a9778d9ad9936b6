using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Workflows;
using NtmWorkflow.Web.Features.Workflows.Store;
using NtmWorkflow.Web.Persistence;
using NtmWorkflow.Web.Tests.Persistence;

namespace NtmWorkflow.Web.Tests.Workflows;

/// <summary>The engine on the EF Core store: the store contract, written once and run on SQLite and PostgreSQL.</summary>
public abstract class WorkflowStoreTests<TFixture>(TFixture database) : IClassFixture<TFixture>
    where TFixture : DatabaseFixture
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, VietnamTime.Offset);

    protected (WorkflowEngine Engine, EfWorkflowStore Store, FakeTimeProvider Clock, List<ServiceTaskContext> Calls) CreateEngine()
    {
        var services = new ServiceCollection();
        database.AddTo(services);
        var provider = services.BuildServiceProvider();
        var clock = new FakeTimeProvider(Start);
        var store = new EfWorkflowStore(provider.GetRequiredService<IServiceScopeFactory>(), clock);
        var calls = new List<ServiceTaskContext>();
        var engine = new WorkflowEngine(store, new WorkflowEngineOptions
        {
            Clock = clock, Handlers = new HandlerRegistry { Fallback = new Recording(calls) },
            Parameters = NtmWorkflow.Web.Features.LegalParameters.LegalParameterDefaults.AsProcessParameters(),
        });
        foreach (var file in Directory.GetFiles(Path.Combine(TestEnvironment.RepositoryRoot, "workflows"), "*.bpmn"))
        {
            Assert.Empty(engine.Deploy(File.ReadAllBytes(file)).Validation.Errors);
        }

        engine.Deploy(Encoding.UTF8.GetBytes(Approval));
        engine.Deploy(Encoding.UTF8.GetBytes(CouncilOutcomeModel.Bpmn));
        return (engine, store, clock, calls);
    }

    [Fact]
    public async Task A_completion_whose_task_another_save_already_recorded_is_a_conflict_not_an_error()
    {
        var (engine, _, _, _) = CreateEngine();
        var instance = await engine.StartAsync("approval");
        var task = Assert.Single(await engine.ListTasksAsync(instance.Id));

        // As if another node's completion had committed its row first (its unique key can fail before the revision check).
        var services = new ServiceCollection();
        database.AddTo(services);
        await using (var provider = services.BuildServiceProvider())
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NtmWorkflow.Web.Persistence.AppDbContext>();
            db.CompletedTasks.Add(new NtmWorkflow.Web.Features.Reports.CompletedTaskRow
            {
                TaskId = task.Id, InstanceId = instance.Id, ProcessId = "approval", ElementId = task.ElementId, Created = Start, Completed = Start,
            });
            await db.SaveChangesAsync();
        }

        await Assert.ThrowsAsync<WorkflowConcurrencyException>(() => engine.CompleteTaskAsync(task.Id, actor: "late"));
        Assert.Single(await engine.ListTasksAsync(instance.Id));
    }

    private const string Approval = """
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
          <bpmn:message id="m" name="boSung"/><bpmn:signal id="s" name="huy"/>
          <bpmn:process id="approval" isExecutable="true">
            <bpmn:startEvent id="start"/><bpmn:userTask id="review"/><bpmn:endEvent id="end"/>
            <bpmn:boundaryEvent id="late" attachedToRef="review" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            <bpmn:boundaryEvent id="more" attachedToRef="review" cancelActivity="false"><bpmn:messageEventDefinition messageRef="m"/></bpmn:boundaryEvent>
            <bpmn:boundaryEvent id="cancel" attachedToRef="review"><bpmn:signalEventDefinition signalRef="s"/></bpmn:boundaryEvent>
            <bpmn:endEvent id="lateEnd"/><bpmn:endEvent id="moreEnd"/><bpmn:endEvent id="cancelEnd"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/><bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
            <bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="lateEnd"/><bpmn:sequenceFlow id="f4" sourceRef="more" targetRef="moreEnd"/>
            <bpmn:sequenceFlow id="f5" sourceRef="cancel" targetRef="cancelEnd"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    [Fact]
    public async Task A_thrown_message_waits_in_the_outbox_until_a_receiver_waits_and_is_taken_once()
    {
        var (engine, store, clock, _) = CreateEngine();
        var dossier = "HS-" + Guid.NewGuid().ToString("N")[..8];
        var session = await engine.StartAsync("councilThrowsOutcome", new Dictionary<string, JsonNode?> { ["dossierId"] = dossier });
        await engine.CompleteTaskAsync(Assert.Single(await engine.ListTasksAsync(session.Id)).Id, new Dictionary<string, JsonNode?> { ["result"] = "passed" });

        // Nothing waits yet: the message stays pending, left to the engine for the grace period.
        var key = $"{session.Id:N}/send/1";
        Assert.Contains(await store.ListUndeliveredAsync(WorkflowChannels.Message, 10_000, CancellationToken.None), m => m.DedupKey == key);
        await using (var db = database.CreateContext())
        {
            var row = Assert.Single(db.OutboxMessages.Where(o => o.DedupKey == key));
            Assert.Equal((NtmWorkflow.Web.Features.Notifications.OutboxStatus.Pending, clock.GetUtcNow().AddSeconds(30)), (row.Status, row.NextAttemptAt));
        }

        var waiting = await engine.StartAsync("dossierAwaitingCouncil", businessKey: dossier);
        Assert.True(await engine.DeliverPendingAsync() >= 1);
        var received = (await engine.GetInstanceAsync(waiting.Id))!;
        Assert.Equal(InstanceStatus.Completed, received.Status);
        Assert.Equal("passed", received.Variables["result"]!.GetValue<string>());
        Assert.Equal(waiting.Id, await store.FindMessageReceiverAsync(key, CancellationToken.None));
        Assert.DoesNotContain(await store.ListUndeliveredAsync(WorkflowChannels.Message, 10_000, CancellationToken.None), m => m.DedupKey == key);

        // Delivered again (a sender that died before marking it): a second waiting dossier does not get it.
        var second = await engine.StartAsync("dossierAwaitingCouncil", businessKey: dossier);
        Assert.Equal(0, await engine.DeliverAsync(new OutboxMessage(key, WorkflowChannels.Message, "{\"name\":\"ketQuaHoiDong\",\"businessKey\":\"" + dossier + "\",\"variables\":{}}", session.Id, "send", Start)));
        Assert.Equal(InstanceStatus.Running, (await engine.GetInstanceAsync(second.Id))!.Status);
    }

    [Fact]
    public async Task Two_instances_cannot_both_record_one_thrown_message()
    {
        var (_, store, _, _) = CreateEngine();
        var key = $"{Guid.NewGuid():N}/send/1";
        var first = new StoredInstance(Guid.NewGuid(), "approval", 1, null, InstanceStatus.Running, 1, "{}", [], [], [], [key]);
        var second = first with { Id = Guid.NewGuid() };
        await store.SaveAsync(first, null, [], [], CancellationToken.None);
        var loaded = second with { ReceivedMessages = [] };
        await store.SaveAsync(loaded, null, [], [], CancellationToken.None);

        await Assert.ThrowsAsync<WorkflowConcurrencyException>(() => store.SaveAsync(second with { Revision = 2 }, loaded, [], [], CancellationToken.None));
        Assert.Equal(first.Id, await store.FindMessageReceiverAsync(key, CancellationToken.None));
        Assert.Equal(1, (await store.LoadAsync(second.Id, CancellationToken.None))!.Revision);
    }

    [Fact]
    public async Task An_instance_round_trips_with_its_tasks_timers_subscriptions_and_history()
    {
        var (engine, store, clock, _) = CreateEngine();
        var key = "XA-" + Guid.NewGuid().ToString("N")[..8];
        var instance = await engine.StartAsync("approval", new Dictionary<string, JsonNode?> { ["commune"] = "Phố Bảng" }, key, actor: "xa.lan");

        var task = Assert.Single(await engine.ListTasksAsync(instance.Id));
        Assert.Equal("review", task.ElementId);
        var ofTask = (await store.LoadInstanceOfTaskAsync(task.Id, CancellationToken.None))!;
        Assert.Equal(instance.Id, ofTask.Id);
        Assert.Equal(await store.LoadAsync(instance.Id, CancellationToken.None), ofTask with { Timers = [], Subscriptions = [], Tasks = [] }, StoredInstanceComparer.Instance);
        Assert.Null(await store.LoadInstanceOfTaskAsync(Guid.NewGuid(), CancellationToken.None));
        Assert.Equal(instance.Id, Assert.Single(await store.FindMessageSubscriptionsAsync("boSung", key, CancellationToken.None)).InstanceId);
        Assert.Contains(instance.Id, await store.FindSignalSubscribersAsync("huy", CancellationToken.None));
        Assert.Contains(await TimerRowsAsync(), t => t.InstanceId == instance.Id && t.ElementId == "late" && t.Due == Start.AddDays(1));

        await engine.CorrelateMessageAsync("boSung", key);
        clock.Advance(TimeSpan.FromDays(1));
        Assert.True(await engine.FireDueTimersAsync(clock.GetUtcNow()) >= 1);
        await engine.CompleteTaskAsync(task.Id, new Dictionary<string, JsonNode?> { ["ok"] = true }, "minh");

        var ended = (await engine.GetInstanceAsync(instance.Id))!;
        Assert.Equal(InstanceStatus.Completed, ended.Status);
        Assert.True(ended.Variables["ok"]!.GetValue<bool>());
        Assert.Empty(await engine.ListTasksAsync(instance.Id));
        Assert.Empty(await store.FindMessageSubscriptionsAsync("boSung", key, CancellationToken.None));
        Assert.DoesNotContain(await TimerRowsAsync(), t => t.InstanceId == instance.Id);

        var history = await store.ReadHistoryAsync(instance.Id, CancellationToken.None);
        Assert.Equal("instanceStarted", history[0].Event);
        Assert.Equal("xa.lan", history[0].Actor);
        Assert.Equal("instanceEnded", history[^1].Event);
        Assert.Contains(history, h => h.Event == "messageCorrelated" && h.ElementId == "more");
        Assert.Contains(history, h => h.Event == "timerFired" && h.ElementId == "late" && h.Time == Start.AddDays(1));
        Assert.Contains(history, h => h.Event == "taskCompleted" && h.Actor == "minh");
        Assert.Equal(4, (await store.LoadAsync(instance.Id, CancellationToken.None))!.Revision);
    }

    [Fact]
    public async Task A_task_is_claimed_delegated_and_released_in_place_and_each_change_is_audited()
    {
        var (engine, _, _, _) = CreateEngine();
        var instance = await engine.StartAsync("approval", businessKey: "HS-ASSIGN");
        var task = Assert.Single(await engine.ListTasksAsync(instance.Id));
        Assert.Null(task.Assignee);

        await engine.AssignTaskAsync(task.Id, "xa.lan", actor: "xa.lan");
        Assert.Equal("xa.lan", Assert.Single(await engine.ListTasksAsync(instance.Id)).Assignee);
        await engine.AssignTaskAsync(task.Id, "xa.minh", actor: "xa.lan");
        var delegated = Assert.Single(await engine.ListTasksAsync(instance.Id));
        Assert.Equal((task.Id, "xa.minh"), (delegated.Id, delegated.Assignee));
        await engine.AssignTaskAsync(task.Id, null, actor: "xa.minh");
        Assert.Null(Assert.Single(await engine.ListTasksAsync(instance.Id)).Assignee);
        await Assert.ThrowsAsync<WorkflowException>(() => engine.AssignTaskAsync(Guid.NewGuid(), "xa.lan"));

        await using var db = database.CreateContext();
        var audited = await db.AuditEntries.Where(a => a.Subject == $"instance/{instance.Id}" && a.Action == "workflow.taskAssigned").OrderBy(a => a.Sequence).Select(a => a.Actor).ToListAsync();
        Assert.Equal(["xa.lan", "xa.lan", "xa.minh"], audited);
    }

    [Fact]
    public async Task A_save_on_a_stale_revision_is_refused_and_loses_nothing()
    {
        var (engine, store, _, _) = CreateEngine();
        var instance = await engine.StartAsync("approval");
        var stored = (await store.LoadAsync(instance.Id, CancellationToken.None))!;

        await Assert.ThrowsAsync<WorkflowConcurrencyException>(() =>
            store.SaveAsync(stored with { Revision = 8, State = "{}" }, stored with { Revision = 7 }, [], [], CancellationToken.None));
        await Assert.ThrowsAsync<WorkflowConcurrencyException>(() =>
            store.SaveAsync(stored, null, [], [], CancellationToken.None));

        var after = (await store.LoadAsync(instance.Id, CancellationToken.None))!;
        Assert.Equal((stored.Revision, stored.State), (after.Revision, after.State));
        Assert.Single(await engine.ListTasksAsync(instance.Id));
    }

    [Fact]
    public async Task Due_timers_are_claimed_earliest_first_and_a_claimed_timer_is_no_other_nodes_until_its_lease_runs_out()
    {
        var (engine, store, _, _) = CreateEngine();
        var first = await engine.StartAsync("approval");
        var second = await engine.StartAsync("approval");
        var ours = new HashSet<Guid> { first.Id, second.Id };
        var now = Start.AddDays(1);
        Assert.DoesNotContain(await store.ClaimDueTimersAsync(Start.AddHours(23), 1000, "node-a", now, now.AddMinutes(2), CancellationToken.None), t => ours.Contains(t.InstanceId));

        var claimed = (await store.ClaimDueTimersAsync(Start.AddDays(1), 1000, "node-a", now, now.AddMinutes(2), CancellationToken.None)).Where(t => ours.Contains(t.InstanceId)).ToList();
        Assert.Equal([first.Id, second.Id], claimed.Select(t => t.InstanceId));
        Assert.All(await TimerRowsAsync(), t => Assert.True(!ours.Contains(t.InstanceId) || (t.LockedBy == "node-a" && t.LockedUntil == now.AddMinutes(2))));

        // Another node finds nothing while the lease holds, and everything once it ran out (node A died).
        Assert.DoesNotContain(await store.ClaimDueTimersAsync(Start.AddDays(1), 1000, "node-b", now.AddMinutes(1), now.AddMinutes(3), CancellationToken.None), t => ours.Contains(t.InstanceId));
        var retaken = await store.ClaimDueTimersAsync(Start.AddDays(1), 1000, "node-b", now.AddMinutes(3), now.AddMinutes(5), CancellationToken.None);
        Assert.Equal(2, retaken.Count(t => ours.Contains(t.InstanceId)));
    }

    [Fact]
    public async Task A_burst_of_due_timers_is_shared_by_claimers_side_by_side_and_each_fires_once()
    {
        var (engine, store, clock, _) = CreateEngine();
        var ours = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            ours.Add((await engine.StartAsync("approval")).Id);
        }

        // Every "late" reminder falls due at one moment, as the morning's reminders do at the office's opening.
        clock.Advance(TimeSpan.FromDays(1));
        var batches = new System.Collections.Concurrent.ConcurrentBag<int>();
        var fired = await DueTimerFiring.FireAsync(engine, clock, batch: 4, loops: 3, (count, _, _) =>
        {
            batches.Add(count);
            return Task.CompletedTask;
        }, CancellationToken.None);

        Assert.True(fired >= ours.Count, $"{fired} fired");
        Assert.Equal(fired, batches.Sum());
        Assert.All(batches, count => Assert.InRange(count, 1, 4));
        foreach (var id in ours)
        {
            var history = await store.ReadHistoryAsync(id, CancellationToken.None);
            Assert.Single(history, h => h.Event == "timerFired" && h.ElementId == "late");
        }

        Assert.DoesNotContain(await TimerRowsAsync(), t => ours.Contains(t.InstanceId) && t.Due <= clock.GetUtcNow());
        Assert.Equal(0, await DueTimerFiring.FireAsync(engine, clock, batch: 4, loops: 3, null, CancellationToken.None));
    }

    [Theory]
    [InlineData(0, DatabaseProvider.Sqlite, 1)]
    [InlineData(3, DatabaseProvider.Sqlite, 3)]
    [InlineData(500, DatabaseProvider.Postgres, 64)]
    public void The_alarm_fires_with_one_claimer_on_sqlite_and_several_on_postgresql_unless_told(int parallelism, DatabaseProvider provider, int loops)
    {
        Assert.Equal(loops, new WorkflowTimerOptions { Parallelism = parallelism }.LoopsFor(provider));
        Assert.True(new WorkflowTimerOptions().LoopsFor(DatabaseProvider.Postgres) >= 2);
    }

    [Fact]
    public async Task Outbox_messages_are_saved_with_the_step_and_a_dedup_key_is_enqueued_once()
    {
        var (_, store, _, _) = CreateEngine();

        // A bare record (it waits for nothing, so no other test's engine touches it).
        var id = Guid.NewGuid();
        var stored = new StoredInstance(id, "approval", 1, null, InstanceStatus.Running, 1, "{}", [], [], []);
        var key = $"{id:N}/notice/1";
        var message = new OutboxMessage(key, "email", "{}", id, "notice", Start);
        await store.SaveAsync(stored, null, [], [message], CancellationToken.None);

        // The same key again (a step that should never have run twice) is refused with the whole step.
        await Assert.ThrowsAnyAsync<Exception>(() => store.SaveAsync(stored with { Revision = 2, State = "{\"x\":1}" }, stored, [], [message], CancellationToken.None));
        var after = (await store.LoadAsync(id, CancellationToken.None))!;
        Assert.Equal((1, "{}"), (after.Revision, after.State));

        await using var db = database.CreateContext();
        var row = Assert.Single(db.OutboxMessages.Where(o => o.DedupKey == key));
        Assert.Equal(NtmWorkflow.Web.Features.Notifications.MessageIds.FromDedupKey(key, "ntmworkflow.local"), row.MessageId);
        Assert.Equal(NtmWorkflow.Web.Features.Notifications.OutboxStatus.Pending, row.Status);
    }

    [Fact]
    public async Task A_signal_reaches_instances_through_the_store()
    {
        var (engine, _, _, _) = CreateEngine();
        var instance = await engine.StartAsync("approval");
        Assert.True(await engine.BroadcastSignalAsync("huy") >= 1);
        Assert.Equal(InstanceStatus.Completed, (await engine.GetInstanceAsync(instance.Id))!.Status);
    }

    [Fact]
    public async Task The_NTM_two_tier_process_runs_on_the_database_with_its_escalation()
    {
        var (engine, _, clock, calls) = CreateEngine();
        var variables = new JsonObject
        {
            ["dossierId"] = "2026-XA-00745",
            ["communeCode"] = "00745",
            ["communeName"] = "Xã Tân Hòa",
            ["provinceCode"] = "31",
            ["tier"] = "ntm",
            ["year"] = 2026,
            ["criteriaSet"] = "ntm-2026-2030",
            ["departments"] = new JsonArray("01-nong-nghiep-moi-truong", "02-y-te"),
        };
        var instance = await engine.StartAsync("ntm-commune-two-tier", variables.ToDictionary(p => p.Key, p => p.Value?.DeepClone()), "2026-XA-00745");

        async Task Complete(string element, object? vars = null)
        {
            var task = (await engine.ListTasksAsync(instance.Id)).Where(t => t.ElementId == element).OrderBy(t => t.LoopCounter).First();
            await engine.CompleteTaskAsync(task.Id, vars is null ? null : JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(vars))!.AsObject().ToDictionary(p => p.Key, p => p.Value?.DeepClone()));
        }

        await Complete("selfAssessment");
        await Complete("postingAndSurvey");
        await Complete("submitDossier");
        await Complete("intake", new { decision = "forward" });
        await Complete("verification", new { decision = "forward" });
        Assert.Equal(2, (await engine.ListTasksAsync(instance.Id)).Count(t => t.ElementId == "departmentReview"));
        // Due in 7 working days: 17:00 on Wednesday 11 March. A reminder on the morning of Monday 9, a notice on the morning of the 11th...
        clock.SetUtcNow(new DateTimeOffset(2026, 3, 11, 17, 0, 0, VietnamTime.Offset));
        await engine.FireDueTimersAsync(clock.GetUtcNow());
        Assert.Equal(["remindDepartmentReview", "noticeDepartmentReviewDue"], calls.Select(c => c.ElementId));

        // ...a notice each working day overdue (12, 13, 16 March), and the escalation on the third working day overdue.
        // Timer by timer, as the alarm clock rings: each overdue notice schedules the next from its own time.
        for (var round = 0; round < 100 && await engine.NextTimerDueAsync() is { } next && next <= new DateTimeOffset(2026, 3, 16, 8, 0, 0, VietnamTime.Offset); round++)
        {
            if (next > clock.GetUtcNow())
            {
                clock.SetUtcNow(next);
            }

            await engine.FireDueTimersAsync(clock.GetUtcNow());
        }

        Assert.Equal(3, calls.Count(c => c.ElementId == "noticeDepartmentReviewOverdue"));
        Assert.Contains(calls, c => c.Topic == "ntm.escalate" && c.BusinessKey == "2026-XA-00745" && c.Properties["to"] == "head,coordination-office");

        await Complete("departmentReview", new { decision = "forward" });
        await Complete("departmentReview", new { decision = "forward" });
        await Complete("scheduleCouncil", new { councilSession = "HĐTĐ-31-2026-01" });
        await engine.CorrelateMessageAsync("councilDecided", "2026-XA-00745", new Dictionary<string, JsonNode?> { ["councilOutcome"] = "passed" });
        await Complete("recognitionDecision");
        var ended = (await engine.GetInstanceAsync(instance.Id))!;
        Assert.Equal(InstanceStatus.Completed, ended.Status);
        Assert.Equal("passed", ended.Variables["councilOutcome"]!.GetValue<string>());
        Assert.Contains(calls, c => c.Topic == "ntm.notify" && c.ElementId == "announceRecognition");
    }

    private async Task<List<WorkflowTimerRow>> TimerRowsAsync()
    {
        await using var db = database.CreateContext();
        return [.. db.WorkflowTimers.AsEnumerable()];
    }

    private sealed class Recording(List<ServiceTaskContext> calls) : IServiceTaskHandler
    {
        public ValueTask<IReadOnlyDictionary<string, JsonNode?>> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken)
        {
            lock (calls)
            {
                calls.Add(context);
            }

            // The dossier check answers "every indicator met", so the NTM model goes on to the council.
            return ValueTask.FromResult<IReadOnlyDictionary<string, JsonNode?>>(context.Topic == "ntm.dossier.check"
                ? new Dictionary<string, JsonNode?> { ["allIndicatorsMet"] = true, ["unmetIndicators"] = new JsonArray() }
                : new Dictionary<string, JsonNode?>());
        }
    }
}

public sealed class WorkflowStoreTests_Sqlite(SqliteDatabaseFixture database) : WorkflowStoreTests<SqliteDatabaseFixture>(database);

[Trait("Db", "Postgres")]
public sealed class WorkflowStoreTests_Postgres(PostgresDatabaseFixture database) : WorkflowStoreTests<PostgresDatabaseFixture>(database)
{
    [Fact]
    public async Task Two_concurrent_completions_of_one_task_exactly_one_wins()
    {
        for (var round = 0; round < 5; round++)
        {
            var (first, store, _, _) = CreateEngine();
            var (second, _, _, _) = CreateEngine();
            var instance = await first.StartAsync("approval");
            var task = Assert.Single(await first.ListTasksAsync(instance.Id));

            var attempts = new[] { first, second }.Select(engine => Task.Run(async () =>
            {
                try
                {
                    await engine.CompleteTaskAsync(task.Id, actor: engine == first ? "first" : "second");
                    return true;
                }
                catch (WorkflowException)
                {
                    return false;
                }
            })).ToList();
            var results = await Task.WhenAll(attempts);

            Assert.Equal(1, results.Count(r => r));
            var history = await store.ReadHistoryAsync(instance.Id, CancellationToken.None);
            Assert.Single(history, h => h.Event == "taskCompleted");
            Assert.Equal(InstanceStatus.Completed, (await first.GetInstanceAsync(instance.Id))!.Status);
        }
    }
}

/// <summary>A council session that throws its outcome to the dossier waiting on the same business key.</summary>
internal static class CouncilOutcomeModel
{
    public const string Bpmn = """
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="c">
          <bpmn:message id="o" name="ketQuaHoiDong"/>
          <bpmn:process id="dossierAwaitingCouncil" isExecutable="true">
            <bpmn:startEvent id="s"/><bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="o"/></bpmn:intermediateCatchEvent><bpmn:endEvent id="e"/>
            <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait"/><bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="e"/>
          </bpmn:process>
          <bpmn:process id="councilThrowsOutcome" isExecutable="true">
            <bpmn:startEvent id="s2"/><bpmn:userTask id="tally"/>
            <bpmn:endEvent id="send"><bpmn:extensionElements><camunda:in businessKey="${dossierId}"/><camunda:in source="result" target="result"/></bpmn:extensionElements><bpmn:messageEventDefinition messageRef="o"/></bpmn:endEvent>
            <bpmn:sequenceFlow id="g1" sourceRef="s2" targetRef="tally"/><bpmn:sequenceFlow id="g2" sourceRef="tally" targetRef="send"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

}

/// <summary>Compares what a load returns: the record's identity, revision and state.</summary>
internal sealed class StoredInstanceComparer : IEqualityComparer<StoredInstance?>
{
    public static readonly StoredInstanceComparer Instance = new();

    public bool Equals(StoredInstance? x, StoredInstance? y) =>
        x is not null && y is not null && (x.Id, x.ProcessId, x.Version, x.BusinessKey, x.Status, x.Revision, x.State) == (y.Id, y.ProcessId, y.Version, y.BusinessKey, y.Status, y.Revision, y.State);

    public int GetHashCode(StoredInstance? obj) => obj?.Id.GetHashCode() ?? 0;
}
