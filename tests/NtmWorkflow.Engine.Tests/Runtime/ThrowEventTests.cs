using NtmWorkflow.Engine.Runtime;
using static NtmWorkflow.Engine.Tests.Bpmn;

namespace NtmWorkflow.Engine.Tests.Runtime;

/// <summary>
/// Message and signal throw and end events: what they throw goes into the outbox with the step, is
/// delivered right after it, stays pending when nothing waits yet, and is never taken twice.
/// </summary>
public sealed class ThrowEventTests
{
    private const string Messages = """
        <bpmn:message id="outcome" name="councilOutcome"/><bpmn:message id="opened" name="dossierOpened"/><bpmn:signal id="closed" name="sessionClosed"/>
        """;

    // The dossier waits for the council's outcome, correlated on its business key (the dossier id).
    private const string Dossier = """
        <bpmn:startEvent id="s"/>
        <bpmn:intermediateCatchEvent id="awaitOutcome"><bpmn:messageEventDefinition messageRef="outcome"/></bpmn:intermediateCatchEvent>
        <bpmn:exclusiveGateway id="passed" default="again"/>
        <bpmn:endEvent id="recognised"/>
        """ + """
        <bpmn:sequenceFlow id="yes" sourceRef="passed" targetRef="recognised"><bpmn:conditionExpression>${result == 'passed'}</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="again" sourceRef="passed" targetRef="awaitOutcome"/>
        """;

    // The council session throws the outcome for one dossier, then ends.
    private const string Session = """
        <bpmn:startEvent id="open"/><bpmn:userTask id="tally"/>
        <bpmn:intermediateThrowEvent id="sendOutcome">
          <bpmn:extensionElements>
            <camunda:in businessKey="${dossierId}"/>
            <camunda:in source="votesFor" target="votes"/>
            <camunda:in sourceExpression="${votesFor * 2 > members ? 'passed' : 'notPassed'}" target="result"/>
          </bpmn:extensionElements>
          <bpmn:messageEventDefinition messageRef="outcome"/>
        </bpmn:intermediateThrowEvent>
        <bpmn:endEvent id="closedEnd"/>
        """;

    private static TestEngine Council()
    {
        var e = TestEngine.Create(Dossier + Chain("s", "awaitOutcome", "passed"), messages: Messages);
        e.Deploy(Session + Chain("open", "tally", "sendOutcome", "closedEnd"), Messages, processId: "session");
        return e;
    }

    [Fact]
    public async Task A_thrown_message_reaches_the_instance_with_its_business_key_and_carries_the_mapped_variables()
    {
        var e = Council();
        await e.StartAsync(businessKey: "HS-01");
        var other = await e.Engine.StartAsync("p", businessKey: "HS-02");
        var session = await e.Engine.StartAsync("session", TestEngine.Vars(new { dossierId = "HS-02", members = 9 }));

        await e.CompleteAsync("tally", new { votesFor = 7 });

        var receiver = (await e.Engine.GetInstanceAsync(other.Id))!;
        Assert.Equal(InstanceStatus.Completed, receiver.Status);
        Assert.Equal("passed", receiver.Variables["result"]!.GetValue<string>());
        Assert.Equal(7, receiver.Variables["votes"]!.GetValue<long>());
        Assert.False(receiver.Variables.ContainsKey("members"));
        Assert.Equal(InstanceStatus.Running, (await e.InstanceAsync()).Status);
        Assert.Equal(InstanceStatus.Completed, (await e.Engine.GetInstanceAsync(session.Id))!.Status);

        var thrown = Assert.Single(e.Store.Outbox);
        Assert.Equal($"{session.Id:N}/sendOutcome/1", thrown.DedupKey);
        Assert.Equal(WorkflowChannels.Message, thrown.Channel);
        Assert.Empty(await e.Store.ListUndeliveredAsync(WorkflowChannels.Message, 10, CancellationToken.None));
        Assert.Equal(other.Id, await e.Store.FindMessageReceiverAsync(thrown.DedupKey, CancellationToken.None));
        Assert.Contains(e.Trace, t => t.Event == "messageThrown" && t.ElementId == "sendOutcome" && t.Detail == "councilOutcome (HS-02)");
    }

    [Fact]
    public async Task A_message_delivered_again_after_a_crash_is_not_taken_twice_even_when_the_receiver_waits_again()
    {
        var e = Council();
        await e.StartAsync(businessKey: "HS-01");
        await e.Engine.StartAsync("session", TestEngine.Vars(new { dossierId = "HS-01", members = 9 }));
        await e.CompleteAsync("tally", new { votesFor = 3 });

        // Not passed: the dossier waits for a later session's outcome, on the same message and key.
        Assert.Equal(2, e.Count("activated", "awaitOutcome"));
        var thrown = Assert.Single(e.Store.Outbox);
        Assert.Equal(0, await e.Engine.DeliverAsync(thrown));
        Assert.Equal(2, e.Count("activated", "awaitOutcome"));
        Assert.Equal(1, e.Trace.Count(t => t.Event == "messageCorrelated"));

        // The next session's outcome is another message and is taken.
        await e.Engine.StartAsync("session", TestEngine.Vars(new { dossierId = "HS-01", members = 9 }));
        await e.CompleteAsync("tally", new { votesFor = 8 });
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
    }

    [Fact]
    public async Task A_message_nothing_waits_for_yet_stays_pending_and_is_delivered_once_a_receiver_waits()
    {
        var e = Council();
        await e.Engine.StartAsync("session", TestEngine.Vars(new { dossierId = "HS-05", members = 9 }));
        await e.CompleteAsync("tally", new { votesFor = 9 });

        var pending = Assert.Single(await e.Store.ListUndeliveredAsync(WorkflowChannels.Message, 10, CancellationToken.None));
        Assert.Equal(0, await e.Engine.DeliverPendingAsync());
        await Assert.ThrowsAsync<WorkflowException>(() => e.Engine.DeliverAsync(pending));

        await e.StartAsync(businessKey: "HS-05");
        Assert.Equal(1, await e.Engine.DeliverPendingAsync());
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);
        Assert.Equal(0, await e.Engine.DeliverPendingAsync());
    }

    [Fact]
    public async Task A_message_end_event_starts_a_process_at_its_message_start_once_however_often_it_is_delivered()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/>
            <bpmn:endEvent id="submitted">
              <bpmn:extensionElements><camunda:in businessKey="${'HS-' + commune}"/><camunda:in variables="all"/></bpmn:extensionElements>
              <bpmn:messageEventDefinition messageRef="opened"/>
            </bpmn:endEvent>
            """ + Chain("s", "submitted"), messages: Messages);
        e.Deploy("""
            <bpmn:startEvent id="byMessage"><bpmn:messageEventDefinition messageRef="opened"/></bpmn:startEvent><bpmn:userTask id="intake"/><bpmn:endEvent id="end"/>
            """ + Chain("byMessage", "intake", "end"), Messages, processId: "province");
        await e.StartAsync(new { commune = "25123" });

        var intake = Assert.Single(await e.Engine.ListTasksAsync(), t => t.ElementId == "intake");
        var started = (await e.Engine.GetInstanceAsync(intake.InstanceId))!;
        Assert.Equal("HS-25123", started.BusinessKey);
        Assert.Equal("25123", started.Variables["commune"]!.GetValue<string>());
        Assert.Equal(InstanceStatus.Completed, (await e.InstanceAsync()).Status);

        Assert.Equal(0, await e.Engine.DeliverAsync(Assert.Single(e.Store.Outbox)));
        Assert.Single(await e.Engine.ListTasksAsync());
    }

    [Fact]
    public async Task A_thrown_signal_reaches_every_waiting_instance_once()
    {
        var e = TestEngine.Create("""
            <bpmn:startEvent id="s"/><bpmn:userTask id="vote"/><bpmn:endEvent id="voted"/>
            <bpmn:boundaryEvent id="closedMeanwhile" attachedToRef="vote"><bpmn:signalEventDefinition signalRef="closed"/></bpmn:boundaryEvent>
            <bpmn:endEvent id="tooLate"/>
            """ + Chain("s", "vote", "voted") + Chain("closedMeanwhile", "tooLate"), messages: Messages);
        e.Deploy("""
            <bpmn:startEvent id="open"/><bpmn:userTask id="close"/>
            <bpmn:endEvent id="closeSession"><bpmn:extensionElements><camunda:in sourceExpression="${'closed by ' + secretary}" target="reason"/></bpmn:extensionElements><bpmn:signalEventDefinition signalRef="closed"/></bpmn:endEvent>
            """ + Chain("open", "close", "closeSession"), Messages, processId: "session");
        var ballots = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ballots.Add((await e.Engine.StartAsync("p")).Id);
        }

        await e.Engine.StartAsync("session", TestEngine.Vars(new { secretary = "bà Thu" }));
        await e.CompleteAsync("close");

        foreach (var id in ballots)
        {
            var ballot = (await e.Engine.GetInstanceAsync(id))!;
            Assert.Equal(InstanceStatus.Completed, ballot.Status);
            Assert.Equal("closed by bà Thu", ballot.Variables["reason"]!.GetValue<string>());
        }

        Assert.Equal(3, e.Count("activated", "tooLate"));

        // Delivered again (a sender that crashed before marking it): nobody takes it twice.
        Assert.Equal(0, await e.Engine.DeliverAsync(Assert.Single(e.Store.Outbox)));
        Assert.Equal(3, e.Count("activated", "tooLate"));
    }

    [Fact]
    public async Task A_business_key_expression_that_fails_stops_the_throw_event_with_an_incident_and_throws_nothing()
    {
        var e = Council();
        await e.Engine.StartAsync("session", TestEngine.Vars(new { members = 9 }));
        await e.CompleteAsync("tally", new { votesFor = 9 });
        Assert.Empty(await e.Engine.ListTasksAsync());
        Assert.Empty(e.Store.Outbox);
        Assert.Contains(e.Trace, t => t.Event == "incident" && t.ElementId == "sendOutcome");
    }
}
