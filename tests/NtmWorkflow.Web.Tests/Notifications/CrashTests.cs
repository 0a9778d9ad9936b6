using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Notifications;

namespace NtmWorkflow.Web.Tests.Notifications;

/// <summary>
/// The real app on PostgreSQL, killed with SIGKILL at the dangerous points and started again: no
/// reminder missing, no timer lost, no dedup key with two Message-IDs, and a duplicate mail only when
/// the kill fell between the mail server's acceptance and the outbox update. Then two nodes on one database.
/// </summary>
[Trait("Db", "Postgres")]
[Trait("Service", "maildev")]
public sealed class CrashTests : IAsyncLifetime
{
    // A welcome mail with the start (the step that commits it is the API call), then three reminders two seconds apart.
    private const string Model = """
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="crash">
          <bpmn:process id="crash-reminders" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="welcome"/>
            <bpmn:sendTask id="welcome" camunda:type="external" camunda:topic="ntm.notify">
              <bpmn:extensionElements><camunda:properties>
                <camunda:property name="to" value="xa.lan@crash.test"/>
                <camunda:property name="subject" value="Tiếp nhận {{ businessKey }}"/>
              </camunda:properties></bpmn:extensionElements>
            </bpmn:sendTask>
            <bpmn:sequenceFlow id="f2" sourceRef="welcome" targetRef="review"/>
            <bpmn:userTask id="review" name="Thẩm định" camunda:candidateGroups="crash-reviewers"/>
            <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
            <bpmn:endEvent id="end"/>
            <bpmn:boundaryEvent id="remind" attachedToRef="review" cancelActivity="false">
              <bpmn:timerEventDefinition><bpmn:timeCycle>R3/PT2S</bpmn:timeCycle></bpmn:timerEventDefinition>
            </bpmn:boundaryEvent>
            <bpmn:sequenceFlow id="f4" sourceRef="remind" targetRef="reminder"/>
            <bpmn:sendTask id="reminder" camunda:type="external" camunda:topic="ntm.notify">
              <bpmn:extensionElements><camunda:properties>
                <camunda:property name="task" value="review"/>
                <camunda:property name="to" value="candidates"/>
                <camunda:property name="subject" value="Nhắc {{ businessKey }} lần {{ run }}"/>
              </camunda:properties></bpmn:extensionElements>
            </bpmn:sendTask>
            <bpmn:sequenceFlow id="f5" sourceRef="reminder" targetRef="reminded"/>
            <bpmn:endEvent id="reminded"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    private readonly TemporaryDirectory _folder = new();
    private PostgresTestDatabase? _database;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        Directory.CreateDirectory(Path.Combine(_folder.Path, "workflows"));
        await File.WriteAllTextAsync(Path.Combine(_folder.Path, "workflows", "crash-reminders.bpmn"), Model);
    }

    private Dictionary<string, string> Settings(string? killAt = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = _database!.ConnectionString,
            ["Storage:DataDirectory"] = Path.Combine(_folder.Path, "data"),
            ["Workflows:Folder"] = Path.Combine(_folder.Path, "workflows"),
            ["Workflows:Timers:PollSeconds"] = "1",
            ["Workflows:Timers:LeaseSeconds"] = "5",
            ["Notifications:PollSeconds"] = "1",
            ["Notifications:LeaseSeconds"] = "5",
            ["Notifications:FirstRetrySeconds"] = "1",
            ["Recipients:Groups:crash-reviewers:0"] = "tham.dinh@crash.test",
            ["Email:Transport"] = "Smtp",
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = TestEnvironment.SmtpPort.ToString(CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
            ["ReferenceData:ImportUnitsOnStart"] = "false",
        };
        if (killAt is not null)
        {
            settings["Diagnostics:KillAt"] = killAt;
        }

        return settings;
    }

    [Theory]
    [InlineData("step-committed")]               // the start committed with its welcome mail, nothing sent yet
    [InlineData("timer-fired-before-commit")]    // a reminder timer fired, its step not yet saved
    [InlineData("timer-fired-after-commit")]     // a reminder saved with its mail, the mail not yet sent
    [InlineData("mail-before-send")]             // a mail claimed by the sender, not yet handed to the server
    [InlineData("mail-accepted")]                // the server took the mail, the outbox does not know yet
    public async Task A_node_killed_at_a_dangerous_point_and_restarted_loses_nothing(string killAt)
    {
        var key = $"HS-{killAt}-{Guid.NewGuid():N}"[..40];
        await using (var doomed = await AppNode.StartAsync(Settings(killAt)))
        {
            try
            {
                await doomed.StartInstanceAsync("crash-reminders", key);
            }
            catch (HttpRequestException)
            {
                // Killed while answering: the start committed all the same (step-committed).
            }

            await doomed.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.True(doomed.ExitCode == 137, $"the node should have killed itself at {killAt}, but exited with {doomed.ExitCode}:\n{doomed.Output}");
        }

        await using var survivor = await AppNode.StartAsync(Settings());
        var mails = await WaitForMailsAsync(key, expected: 4);
        await AssertEveryMailOnceAsync(key, mails, duplicatesAllowed: killAt == "mail-accepted");
    }

    [Fact]
    public async Task Two_nodes_on_one_database_share_the_work_and_one_killed_midway_loses_nothing()
    {
        await using var first = await AppNode.StartAsync(Settings());
        await using var second = await AppNode.StartAsync(Settings());
        var prefix = $"HS-two-{Guid.NewGuid():N}"[..20];
        var keys = Enumerable.Range(1, 8).Select(i => $"{prefix}-{i}").ToList();
        for (var i = 0; i < keys.Count; i++)
        {
            await (i % 2 == 0 ? first : second).StartInstanceAsync("crash-reminders", keys[i]);
        }

        // The first node dies while the reminders run; the second carries on with its timers and mails.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await first.KillAsync();
        var mails = await WaitForMailsAsync(prefix, expected: 4 * keys.Count);
        await AssertEveryMailOnceAsync(prefix, mails, duplicatesAllowed: true);
        foreach (var key in keys)
        {
            Assert.Equal(4, mails.Where(m => m.Subject.Contains(key + " ", StringComparison.Ordinal) || m.Subject.EndsWith(key, StringComparison.Ordinal))
                .Select(m => m.MessageId).Distinct().Count());
        }
    }

    /// <summary>Every outbox row sent, one Message-ID per dedup key, every mail's Message-ID one of them, and (outside the acceptance window) each mail once.</summary>
    private async Task AssertEveryMailOnceAsync(string key, List<Mail> mails, bool duplicatesAllowed)
    {
        await using var db = _database!.CreateContext();
        var rows = await db.OutboxMessages.AsNoTracking().ToListAsync();
        var instanceIds = await db.WorkflowInstances.Where(i => i.BusinessKey!.StartsWith(key)).Select(i => i.Id).ToListAsync();
        rows = [.. rows.Where(r => instanceIds.Contains(r.InstanceId))];
        Assert.Equal(4 * instanceIds.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal(OutboxStatus.Sent, r.Status));
        Assert.Equal(rows.Count, rows.Select(r => r.DedupKey).Distinct().Count());
        Assert.All(rows, r => Assert.Equal(MessageIds.FromDedupKey(r.DedupKey, "ntmworkflow.local"), r.MessageId));

        var ids = rows.Select(r => $"<{r.MessageId}>").ToHashSet(StringComparer.Ordinal);
        Assert.All(mails, m => Assert.Contains(m.MessageId, ids));
        Assert.Equal(ids.Order(StringComparer.Ordinal), mails.Select(m => m.MessageId).Distinct().Order(StringComparer.Ordinal));
        if (!duplicatesAllowed)
        {
            Assert.Equal(rows.Count, mails.Count);
        }

        // No timer is left behind: the instances wait only at their review task.
        Assert.Empty(await db.WorkflowTimers.Where(t => instanceIds.Contains(t.InstanceId)).ToListAsync());
        Assert.Equal(4 * instanceIds.Count, rows.Count);
    }

    private sealed record Mail(string Subject, string MessageId);

    /// <summary>Waits until maildev holds <paramref name="expected"/> distinct mails about <paramref name="key"/>, then a little longer, so late duplicates show.</summary>
    private static async Task<List<Mail>> WaitForMailsAsync(string key, int expected)
    {
        using var http = new HttpClient { BaseAddress = TestEnvironment.MaildevApi };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        List<Mail> mails = [];
        while (DateTime.UtcNow < deadline)
        {
            mails = [.. (await http.GetFromJsonAsync<JsonElement>("/api/email")).EnumerateArray()
                .Select(m => new Mail(m.GetProperty("subject").GetString() ?? "", m.GetProperty("headers").GetProperty("message-id").GetString() ?? ""))
                .Where(m => m.Subject.Contains(key, StringComparison.Ordinal))];
            if (mails.Select(m => m.MessageId).Distinct().Count() >= expected)
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
                return [.. (await http.GetFromJsonAsync<JsonElement>("/api/email")).EnumerateArray()
                    .Select(m => new Mail(m.GetProperty("subject").GetString() ?? "", m.GetProperty("headers").GetProperty("message-id").GetString() ?? ""))
                    .Where(m => m.Subject.Contains(key, StringComparison.Ordinal))];
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"{mails.Count} mail(s) about {key} within 90 s, not {expected}: {string.Join(", ", mails.Select(m => m.Subject))}");
    }

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        _folder.Dispose();
    }
}
