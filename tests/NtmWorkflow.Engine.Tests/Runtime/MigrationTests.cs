using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Testing;
using static NtmWorkflow.Engine.Tests.Bpmn;

namespace NtmWorkflow.Engine.Tests.Runtime;

/// <summary>Moving running instances to a new version of their process: previewed, applied in one save, refused where a token would be lost.</summary>
public sealed class MigrationTests
{
    // v1: review (reminded after a day) → approve.
    private const string V1 = """
        <bpmn:startEvent id="s"/>
        <bpmn:userTask id="review" name="Review" camunda:dueDate="${addWorkingDays(now(), 5)}"/>
        <bpmn:boundaryEvent id="remind" attachedToRef="review" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
        <bpmn:boundaryEvent id="nudge" attachedToRef="review" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration>PT2H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
        <bpmn:endEvent id="reminded"/><bpmn:endEvent id="nudged"/>
        <bpmn:userTask id="approve"/>
        <bpmn:endEvent id="end"/>
        """ + """<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review"/><bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="approve"/>"""
        + """<bpmn:sequenceFlow id="f3" sourceRef="approve" targetRef="end"/><bpmn:sequenceFlow id="r1" sourceRef="remind" targetRef="reminded"/><bpmn:sequenceFlow id="n1" sourceRef="nudge" targetRef="nudged"/>""";

    // v2: a new check first; review renamed assess, still reminded, no longer nudged, escalated after three days; then approve and an hour's wait.
    private static readonly string V2 = """
        <bpmn:startEvent id="s"/>
        <bpmn:userTask id="check" name="Check"/>
        <bpmn:userTask id="assess" name="Assess" camunda:dueDate="${addWorkingDays(now(), 5)}"/>
        <bpmn:boundaryEvent id="remind" attachedToRef="assess" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
        <bpmn:boundaryEvent id="escalate" attachedToRef="assess" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration>P3D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
        <bpmn:endEvent id="reminded"/><bpmn:endEvent id="escalated"/>
        <bpmn:userTask id="approve"/>
        <bpmn:intermediateCatchEvent id="cool"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
        <bpmn:endEvent id="end"/>
        """ + Chain("s", "check", "assess", "approve", "cool", "end") + Flow("remind", "reminded") + Flow("escalate", "escalated");

    private static (WorkflowEngine Engine, FakeTimeProvider Clock, List<WorkflowEvent> Trace) Engine(string first, string second)
    {
        var clock = new FakeTimeProvider(TestEngine.Start);
        var trace = new List<WorkflowEvent>();
        var engine = new WorkflowEngine(new InMemoryWorkflowStore(), new WorkflowEngineOptions { Clock = clock, OnEvent = trace.Add });
        var deployed = engine.Deploy(Encoding.UTF8.GetBytes(Document(first)));
        Assert.True(deployed.Validation.Valid, string.Join("\n", deployed.Validation.Errors));
        Assert.Equal(1, Assert.Single(deployed.Processes).Version);
        clock.Advance(TimeSpan.FromMinutes(30));
        return (engine, clock, trace);
    }

    private static void DeployV2(WorkflowEngine engine, string? xml = null)
    {
        var deployed = engine.Deploy(Encoding.UTF8.GetBytes(Document(xml ?? V2)));
        Assert.True(deployed.Validation.Valid, string.Join("\n", deployed.Validation.Errors));
        Assert.Equal(2, Assert.Single(deployed.Processes).Version);
    }

    [Fact]
    public async Task A_preview_says_what_moves_and_the_migration_does_it_keeping_the_task_and_its_timers()
    {
        var (engine, clock, trace) = Engine(V1, V2);
        var started = await engine.StartAsync("p");
        var task = Assert.Single(await engine.ListTasksAsync(started.Id));
        await engine.AssignTaskAsync(task.Id, "reviewer-1");
        var remindDue = (await engine.GetInstanceAsync(started.Id))!.Timers.Single(t => t.ElementId == "remind").Due;
        DeployV2(engine);
        clock.Advance(TimeSpan.FromHours(1));
        var mapping = new Dictionary<string, string> { ["review"] = "assess" };

        var preview = await engine.PreviewMigrationAsync(started.Id, 2, mapping);

        Assert.True(preview.CanMigrate, string.Join(" ", preview.Refusals));
        Assert.Equal((1, 2), (preview.FromVersion, preview.ToVersion));
        Assert.Equal(
            ["TokenMoved review→assess", "TimerKept remind→remind", "TimerCancelled nudge→", "TimerScheduled assess→escalate"],
            preview.Changes.Select(c => $"{c.Kind} {c.SourceElementId}→{c.TargetElementId}"));
        Assert.Equal(1, (await engine.GetInstanceAsync(started.Id))!.Version); // a preview changes nothing

        var done = await engine.MigrateAsync(started.Id, 2, mapping, actor: "admin");

        Assert.Contains(done.Changes, c => c is { Kind: MigrationChangeKind.TaskMoved, SourceElementId: "review", TargetElementId: "assess", Detail: "reviewer-1" });
        var migrated = (await engine.GetInstanceAsync(started.Id))!;
        Assert.Equal(2, migrated.Version);
        var moved = Assert.Single(migrated.OpenTasks);
        Assert.Equal((task.Id, "assess", "reviewer-1", task.Due, task.Created), (moved.Id, moved.ElementId, moved.Assignee, moved.Due, moved.Created));
        Assert.Equal(remindDue, migrated.Timers.Single(t => t.ElementId == "remind").Due);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromDays(3), migrated.Timers.Single(t => t.ElementId == "escalate").Due);
        Assert.DoesNotContain(migrated.Timers, t => t.ElementId == "nudge");
        var entry = Assert.Single(trace, e => e.Event == "instanceMigrated");
        Assert.Equal(("admin", "p v1 → v2"), (entry.Actor, entry.Detail));

        // It runs on the new version: the kept reminder fires there, and completing the task goes on by v2's flows.
        await engine.FireDueTimersAsync(remindDue);
        Assert.Contains(trace, e => e is { Event: "completed", ElementId: "reminded" });
        await engine.CompleteTaskAsync(task.Id, actor: "reviewer-1");
        Assert.Equal("approve", Assert.Single(await engine.ListTasksAsync(started.Id)).ElementId);
        await engine.CompleteTaskAsync((await engine.ListTasksAsync(started.Id))[0].Id);
        Assert.Equal("cool", Assert.Single((await engine.GetInstanceAsync(started.Id))!.Timers).ElementId);
    }

    [Fact]
    public async Task An_instance_at_a_step_the_new_version_removed_is_refused_and_left_as_it_was()
    {
        var (engine, _, trace) = Engine(V1, V2);
        var started = await engine.StartAsync("p");
        DeployV2(engine);
        var before = (await engine.GetInstanceAsync(started.Id))!;

        var preview = await engine.PreviewMigrationAsync(started.Id, 2);
        Assert.False(preview.CanMigrate);
        var refusal = Assert.Single(preview.Refusals);
        Assert.Equal(MigrationRefusalKind.NoCounterpart, refusal.Kind);
        Assert.Equal("review", refusal.SourceElementId);
        Assert.Contains("'review' (Review) holds a token and has no counterpart in version 2", refusal.Message, StringComparison.Ordinal);

        var refused = await Assert.ThrowsAsync<WorkflowException>(() => engine.MigrateAsync(started.Id, 2));
        Assert.Equal(WorkflowErrorKind.Conflict, refused.Kind);
        Assert.Contains("no counterpart in version 2", refused.Message, StringComparison.Ordinal);
        var after = (await engine.GetInstanceAsync(started.Id))!;
        Assert.Equal((1, "review"), (after.Version, Assert.Single(after.OpenTasks).ElementId));
        Assert.Equal(before.Timers, after.Timers);
        Assert.DoesNotContain(trace, e => e.Event == "instanceMigrated");
    }

    [Theory]
    [InlineData("cool", "is a userTask but 'cool' is a intermediateCatchEvent")]
    [InlineData("nowhere", "The mapping names 'nowhere', which version 2 does not have.")]
    public async Task A_mapping_to_an_element_of_another_kind_or_to_nothing_is_refused(string target, string reason)
    {
        var (engine, _, _) = Engine(V1, V2);
        var started = await engine.StartAsync("p");
        DeployV2(engine);

        var preview = await engine.PreviewMigrationAsync(started.Id, 2, new Dictionary<string, string> { ["review"] = target });

        Assert.Contains(preview.Refusals, r => r.Message.Contains(reason, StringComparison.Ordinal));
        await Assert.ThrowsAsync<WorkflowException>(() => engine.MigrateAsync(started.Id, 2, new Dictionary<string, string> { ["review"] = target }));
    }

    [Fact]
    public async Task An_instance_before_the_changed_steps_needs_no_mapping_and_meets_them_on_the_new_version()
    {
        const string first = """<bpmn:startEvent id="s"/><bpmn:userTask id="prepare"/><bpmn:userTask id="review"/><bpmn:endEvent id="end"/>""";
        const string second = """<bpmn:startEvent id="s"/><bpmn:userTask id="prepare"/><bpmn:userTask id="check"/><bpmn:userTask id="assess"/><bpmn:endEvent id="end"/>""";
        var (engine, _, _) = Engine(first + Chain("s", "prepare", "review", "end"), second);
        var started = await engine.StartAsync("p");
        DeployV2(engine, second + Chain("s", "prepare", "check", "assess", "end"));

        await engine.MigrateAsync(started.Id, 2);
        await engine.CompleteTaskAsync(Assert.Single(await engine.ListTasksAsync(started.Id)).Id);

        Assert.Equal("check", Assert.Single(await engine.ListTasksAsync(started.Id)).ElementId);
    }

    [Fact]
    public async Task An_ended_instance_or_a_missing_version_cannot_be_migrated()
    {
        var (engine, _, _) = Engine(V1, V2);
        var started = await engine.StartAsync("p");
        DeployV2(engine);
        Assert.Equal(WorkflowErrorKind.NotFound, (await Assert.ThrowsAsync<WorkflowException>(() => engine.PreviewMigrationAsync(started.Id, 3))).Kind);
        await engine.CancelInstanceAsync(started.Id);
        Assert.Equal(WorkflowErrorKind.Conflict, (await Assert.ThrowsAsync<WorkflowException>(() => engine.MigrateAsync(started.Id, 2, new Dictionary<string, string> { ["review"] = "assess" }))).Kind);
    }

    /// <summary>Every param(…) of the shipped workflow answers five (working days), as the legal parameters would.</summary>
    private sealed class FiveOfEverything : IProcessParameters
    {
        public ProcessParameter? Find(string name, IReadOnlyDictionary<string, JsonNode?> variables) => new(JsonValue.Create(5), Verified: true);
    }

    /// <summary>
    /// The shipped two-tier commune workflow as an administrator would change it: the reception step renamed
    /// (intake → dossierIntake) and a completeness check added after it.
    /// </summary>
    private static string ShippedWithRenamedAndAddedStep(string shipped) =>
        WorkflowEdits.AddStepAfter(WorkflowEdits.RenameStep(shipped, "intake", "dossierIntake"), "dossierIntake", "completenessCheck", "Kiểm tra tính đầy đủ của hồ sơ");

    [Fact]
    public async Task The_shipped_commune_workflow_moves_to_a_version_with_a_renamed_and_an_added_step()
    {
        var clock = new FakeTimeProvider(TestEngine.Start);
        var engine = new WorkflowEngine(new InMemoryWorkflowStore(), new WorkflowEngineOptions { Clock = clock, Parameters = new FiveOfEverything() });
        var shipped = await File.ReadAllTextAsync(Path.Combine(NtmWorkflow.Testing.TestEnvironment.RepositoryRoot, "workflows", "ntm-commune-two-tier.bpmn"));
        var v1 = Assert.Single(engine.Deploy(Encoding.UTF8.GetBytes(shipped)).Processes);
        var variables = new Dictionary<string, JsonNode?> { ["provinceCode"] = "08", ["communeCode"] = "02290" };

        // One dossier waits at reception, one is still at the self-assessment.
        var atIntake = await engine.StartAsync(v1.ProcessId, variables, "dossier-1");
        foreach (var step in new[] { "selfAssessment", "postingAndSurvey", "submitDossier" })
        {
            await engine.CompleteTaskAsync(Assert.Single(await engine.ListTasksAsync(atIntake.Id), t => t.ElementId == step).Id);
        }

        var early = await engine.StartAsync(v1.ProcessId, variables, "dossier-2");
        var intakeTask = Assert.Single(await engine.ListTasksAsync(atIntake.Id));
        Assert.Equal("intake", intakeTask.ElementId);
        var intakeTimers = (await engine.GetInstanceAsync(atIntake.Id))!.Timers;

        var v2 = Assert.Single(engine.Deploy(Encoding.UTF8.GetBytes(ShippedWithRenamedAndAddedStep(shipped))).Processes);
        Assert.Equal(v1.Version + 1, v2.Version);
        var mapping = new Dictionary<string, string> { ["intake"] = "dossierIntake" };

        // Without the mapping the dossier at reception would lose its token: refused, with the step named.
        var unmapped = await engine.PreviewMigrationAsync(atIntake.Id, v2.Version);
        Assert.Contains(unmapped.Refusals, r => r.Message.Contains("'intake'", StringComparison.Ordinal));

        var preview = await engine.PreviewMigrationAsync(atIntake.Id, v2.Version, mapping);
        Assert.True(preview.CanMigrate, string.Join(" ", preview.Refusals));
        Assert.Contains(preview.Changes, c => c is { Kind: MigrationChangeKind.TokenMoved, SourceElementId: "intake", TargetElementId: "dossierIntake" });
        Assert.Equal(intakeTimers.Count, preview.Changes.Count(c => c.Kind == MigrationChangeKind.TimerKept));
        Assert.DoesNotContain(preview.Changes, c => c.Kind is MigrationChangeKind.TimerCancelled or MigrationChangeKind.TimerScheduled);

        await engine.MigrateAsync(atIntake.Id, v2.Version, mapping, "admin");
        await engine.MigrateAsync(early.Id, v2.Version, mapping, "admin");

        var moved = (await engine.GetInstanceAsync(atIntake.Id))!;
        Assert.Equal(v2.Version, moved.Version);
        Assert.Equal((intakeTask.Id, "dossierIntake", intakeTask.Due), (Assert.Single(moved.OpenTasks).Id, moved.OpenTasks[0].ElementId, moved.OpenTasks[0].Due));
        Assert.Equal(intakeTimers.Select(t => (t.Id, t.Due)), moved.Timers.Select(t => (t.Id, t.Due)));

        // Reception done, the dossier meets the added step; the other reaches the renamed one in its turn.
        await engine.CompleteTaskAsync(intakeTask.Id, new Dictionary<string, JsonNode?> { ["decision"] = "forward" });
        Assert.Equal("completenessCheck", Assert.Single(await engine.ListTasksAsync(atIntake.Id)).ElementId);
        foreach (var step in new[] { "selfAssessment", "postingAndSurvey", "submitDossier" })
        {
            await engine.CompleteTaskAsync(Assert.Single(await engine.ListTasksAsync(early.Id), t => t.ElementId == step).Id);
        }

        Assert.Equal("dossierIntake", Assert.Single(await engine.ListTasksAsync(early.Id)).ElementId);
    }
    [Fact]
    public async Task A_caller_waiting_at_a_renamed_call_activity_moves_alone_and_its_called_instance_still_returns_to_it()
    {
        // As in Camunda 7, a migration moves one instance: the caller and the instance it called are moved (or not) each
        // on their own. The called instance finds its caller by token, which the move keeps, so it returns to the
        // renamed step and the caller goes on by the new version's flows and out-mapping.
        const string Child = """<bpmn:startEvent id="cs"/><bpmn:userTask id="vote"/><bpmn:endEvent id="ce"/>""";
        const string CallerV1 = """<bpmn:startEvent id="s"/><bpmn:callActivity id="callCouncil" calledElement="council"><bpmn:extensionElements><camunda:out source="approved" target="approved"/></bpmn:extensionElements></bpmn:callActivity><bpmn:userTask id="decide"/><bpmn:endEvent id="end"/>""";
        const string CallerV2 = """<bpmn:startEvent id="s"/><bpmn:callActivity id="askCouncil" calledElement="council"><bpmn:extensionElements><camunda:out source="approved" target="councilApproved"/></bpmn:extensionElements></bpmn:callActivity><bpmn:userTask id="sign"/><bpmn:endEvent id="end"/>""";
        var (engine, _, trace) = Engine(CallerV1 + Chain("s", "callCouncil", "decide", "end"), V2);
        Assert.True(engine.Deploy(Encoding.UTF8.GetBytes(Document(Child + Chain("cs", "vote", "ce"), processId: "council"))).Validation.Valid);
        var caller = await engine.StartAsync("p");
        var vote = Assert.Single(await engine.ListTasksAsync());
        Assert.NotEqual(caller.Id, vote.InstanceId);
        DeployV2(engine, CallerV2 + Chain("s", "askCouncil", "sign", "end"));

        var refused = await engine.PreviewMigrationAsync(caller.Id, 2);
        var refusal = Assert.Single(refused.Refusals);
        Assert.Equal((MigrationRefusalKind.NoCounterpart, "callCouncil"), (refusal.Kind, refusal.SourceElementId));
        var moved = await engine.MigrateAsync(caller.Id, 2, new Dictionary<string, string> { ["callCouncil"] = "askCouncil" }, actor: "admin");
        Assert.Contains(moved.Changes, c => c is { Kind: MigrationChangeKind.TokenMoved, SourceElementId: "callCouncil", TargetElementId: "askCouncil" });
        Assert.Equal(1, (await engine.GetInstanceAsync(vote.InstanceId))!.Version); // the called instance stays where it is

        await engine.CompleteTaskAsync(vote.Id, TestEngine.Vars(new { approved = true }));

        var after = (await engine.GetInstanceAsync(caller.Id))!;
        Assert.Equal((2, "sign"), (after.Version, Assert.Single(after.OpenTasks).ElementId));
        Assert.True(after.Variables["councilApproved"]!.GetValue<bool>());
        Assert.False(after.Variables.ContainsKey("approved"));
        Assert.Single(trace, e => e.Event == "instanceMigrated");
    }
}
