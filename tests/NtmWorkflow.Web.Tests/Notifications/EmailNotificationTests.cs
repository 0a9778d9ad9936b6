using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Workflows;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests.Notifications;

/// <summary>
/// Mail from workflow steps with the app's real services (SQLite, Identity, MailKit to the pickup folder
/// or to maildev): rendered and put in the outbox with the step, delivered by the outbox sender.
/// </summary>
public sealed class EmailNotificationTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 8, 0, 0, VietnamTime.Offset);
    private readonly TemporaryDirectory _data = new();
    private readonly FakeTimeProvider _clock = new(Monday);
    private IHost? _host;

    public async Task InitializeAsync() => _host = await StartAsync([]);

    private string Pickup => Path.Combine(_data.Path, "mail-pickup");

    private async Task<IHost> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _data.Path,
            ["Workflows:BackgroundWorkers"] = "false",
            ["Notifications:PublicBaseUrl"] = "https://ntm.laocai.test",
            ["Notifications:MessageIdDomain"] = "ntm.laocai.test",
            ["Recipients:Groups:department-nong-nghiep:0"] = "chuyenvien.nn@snn.test",
            ["Recipients:Groups:department-y-te:0"] = "chuyenvien.yt@syt.test",
            ["Recipients:Heads:department-nong-nghiep:0"] = "giamdoc@snn.test",
            ["Recipients:Heads:department-y-te:0"] = "giamdoc@syt.test",
            ["Recipients:CoordinationOffice:0"] = "vpdp@laocai.test",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddNtmWorkflow();
        builder.AddWorkflowBackgroundServices();
        builder.Services.AddSingleton<TimeProvider>(_clock);
        var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        await MailTemplateSeeder.SeedMissingAsync(db, CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<NtmWorkflow.Web.Features.LegalParameters.LegalParameterService>().SeedMissingAsync(CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<DemoAccounts>().EnsureRolesAsync();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        foreach (var (name, email) in new[] { ("tuan", "tuan@vpdp.test"), ("hanh", "hanh@vpdp.test"), ("noemail", "") })
        {
            if (await users.FindByNameAsync(name) is null)
            {
                var user = new AppUser { UserName = name, FullName = name, Email = email.Length == 0 ? null : email };
                Assert.True((await users.CreateAsync(user, "Mat-khau-2026")).Succeeded);
                await users.AddToRoleAsync(user, Roles.CoordinationOffice);
            }
        }

        var engine = host.Services.GetRequiredService<WorkflowEngine>();
        Assert.Empty(engine.Deploy(File.ReadAllBytes(Path.Combine(TestEnvironment.RepositoryRoot, "workflows", "ntm-commune-two-tier.bpmn"))).Validation.Errors);
        return host;
    }

    private static ServiceTaskContext Context(string topic, Dictionary<string, string> properties, IReadOnlyList<TaskView>? tasks = null) => new(
        Guid.NewGuid(), "ntm-commune-two-tier", "escalateDepartmentReview", topic, "2026-XA-00745",
        new Dictionary<string, JsonNode?> { ["communeCode"] = "00745", ["agreeCount"] = 3, ["appraisals"] = new JsonArray("a", "b") },
        properties)
    {
        DedupKey = "test/escalateDepartmentReview/1", OpenTasks = tasks ?? [], Now = Monday,
    };

    [Fact]
    public void The_app_registers_its_topics()
    {
        var registry = _host!.Services.GetRequiredService<HandlerRegistry>();
        Assert.Equal(["ntm.council.tally", "ntm.dossier.check", "ntm.escalate", "ntm.notify"], registry.Names);
    }

    [Fact]
    public async Task A_mail_is_rendered_in_Vietnamese_and_put_in_the_outbox_not_sent()
    {
        var handler = _host!.Services.GetRequiredService<EmailNotificationHandler>();
        var context = Context("ntm.escalate", new()
        {
            ["to"] = "role:CoordinationOffice, lanh.dao@ubnd.test",
            ["subject"] = "Quá hạn thẩm định hồ sơ {{ businessKey }}",
            ["body"] = "Xã {{ communeCode }}: {{ appraisals | size }} sở, ngành; {{ agreeCount }} phiếu.",
        });
        await handler.HandleAsync(context, CancellationToken.None);

        var message = Assert.Single(context.Enqueued);
        Assert.Equal(("test/escalateDepartmentReview/1", "email"), (message.DedupKey, message.Channel));
        var payload = JsonSerializer.Deserialize<EmailPayload>(message.Payload, EmailPayload.Json)!;
        Assert.Equal(["hanh@vpdp.test", "lanh.dao@ubnd.test", "tuan@vpdp.test"], payload.To);
        Assert.Equal("Quá hạn thẩm định hồ sơ 2026-XA-00745", payload.Subject);
        Assert.Equal("Xã 00745: 2 sở, ngành; 3 phiếu.", payload.Body);
        Assert.False(Directory.Exists(Pickup));
    }

    [Theory]
    [InlineData("role:CouncilMember", "reaches nobody")]
    [InlineData("not an address", "is not a recipient")]
    [InlineData("{% if %}", "does not parse")]
    [InlineData("", "has no camunda:property 'to'")]
    public async Task A_mail_that_cannot_be_sent_fails_so_the_token_stops_with_an_incident(string to, string expected)
    {
        var handler = _host!.Services.GetRequiredService<EmailNotificationHandler>();
        var context = Context("ntm.notify", new() { ["to"] = to });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await handler.HandleAsync(context, CancellationToken.None));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(context.Enqueued);
    }

    [Fact]
    public async Task The_reminder_pattern_mails_the_right_people_on_the_right_working_days_once_each()
    {
        var engine = _host!.Services.GetRequiredService<WorkflowEngine>();
        var instance = await StartDossierAsync(engine, ["nong-nghiep", "y-te"]);
        var tasks = (await engine.ListTasksAsync(instance.Id)).Where(t => t.ElementId == "departmentReview").ToList();
        Assert.Equal(2, tasks.Count);

        // Opened Monday 2 March 2026, due in 7 working days: 17:00 on Wednesday 11 March. Run to Tuesday 17 March, 08:00.
        await FireUntilAsync(engine, new DateTimeOffset(2026, 3, 17, 8, 0, 0, VietnamTime.Offset));
        var sent = await DeliverAllAsync();

        var mails = (await OutboxAsync()).Where(o => o.InstanceId == instance.Id).ToList();
        Assert.All(mails, m => Assert.Equal(OutboxStatus.Sent, m.Status));
        Assert.Equal(
            [
                "remindDepartmentReview/1 2026-03-09 07:30", "noticeDepartmentReviewDue/1 2026-03-11 07:30",
                "noticeDepartmentReviewOverdue/1 2026-03-12 07:30", "noticeDepartmentReviewOverdue/2 2026-03-13 07:30",
                "escalateDepartmentReview/1 2026-03-16 07:30", "noticeDepartmentReviewOverdue/3 2026-03-16 07:30", "noticeDepartmentReviewOverdue/4 2026-03-17 07:30",
            ],
            mails.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Select(m => $"{m.DedupKey[33..]} {m.CreatedAt.ToVietnamTime():yyyy-MM-dd HH:mm}"));

        var reminder = sent.Single(m => m.Subject!.Contains("Nhắc việc", StringComparison.Ordinal));
        Assert.Equal(["chuyenvien.nn@snn.test", "chuyenvien.yt@syt.test"], reminder.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("[NtmWorkflow] Nhắc việc: Sở, ngành thẩm định tiêu chí phụ trách – hồ sơ 2026-XA-00745 đến hạn 17:00 11/03/2026", reminder.Subject);
        Assert.Contains($"https://ntm.laocai.test/tasks/{tasks[0].Id}", reminder.TextBody, StringComparison.Ordinal);
        Assert.Contains("(còn 2 ngày làm việc)", reminder.TextBody, StringComparison.Ordinal);
        Assert.Contains("working day(s) left", reminder.TextBody, StringComparison.Ordinal); // the English part follows

        var escalation = sent.Single(m => m.Subject!.Contains("Báo cáo quá hạn", StringComparison.Ordinal));
        Assert.Equal(["giamdoc@snn.test", "giamdoc@syt.test", "hanh@vpdp.test", "tuan@vpdp.test", "vpdp@laocai.test"], escalation.To.Mailboxes.Select(m => m.Address));
        Assert.Contains("quá hạn 3 ngày làm việc", escalation.TextBody, StringComparison.Ordinal);

        // Each mail's Message-ID is a function of its dedup key alone.
        foreach (var mail in mails)
        {
            Assert.Equal(MessageIds.FromDedupKey(mail.DedupKey, "ntm.laocai.test"), mail.MessageId);
        }

        Assert.Equal(mails.Select(m => m.MessageId).Order(), sent.Select(m => m.MessageId).Order());

        // Nothing is sent twice, and a completed appraisal stops the notices.
        Assert.Equal(0, await _host.Services.GetRequiredService<OutboxSender>().SendDueAsync(CancellationToken.None));
        foreach (var task in tasks)
        {
            await engine.CompleteTaskAsync(task.Id, new Dictionary<string, JsonNode?> { ["decision"] = "forward" });
        }

        await FireUntilAsync(engine, new DateTimeOffset(2026, 3, 20, 8, 0, 0, VietnamTime.Offset));
        Assert.Equal(mails.Count, (await OutboxAsync()).Count(o => o.InstanceId == instance.Id));
    }

    [Fact]
    public async Task Days_off_are_not_working_days_for_reminders()
    {
        // Opened Thursday 16 April 2026: Giỗ Tổ (lunar 10/3) is Sunday 26 April, so Monday 27 is the compensatory
        // day off (vn-days-off.md, 2026); the 7 working days of the appraisal and its reminder skip it.
        _clock.SetUtcNow(new DateTimeOffset(2026, 4, 16, 8, 0, 0, VietnamTime.Offset));
        var engine = _host!.Services.GetRequiredService<WorkflowEngine>();
        var instance = await StartDossierAsync(engine, ["nong-nghiep"]);
        var task = Assert.Single(await engine.ListTasksAsync(instance.Id), t => t.ElementId == "departmentReview");
        var calendar = _host.Services.GetRequiredService<WorkingCalendar>();
        Assert.Equal(calendar.AddWorkingDays(_clock.GetUtcNow(), 7), task.Due);
        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 4, 27)));

        // The reminder comes on the morning two working days before the due day, skipping the days off.
        var reminder = Assert.Single((await engine.GetInstanceAsync(instance.Id))!.Timers, t => t.ElementId == "departmentReviewReminder");
        Assert.Equal(VietnamTime.At(DateOnly.FromDateTime(calendar.AddWorkingDays(task.Due!.Value, -2).ToVietnamTime().DateTime), new TimeOnly(7, 30)), reminder.Due);
    }

    [Fact]
    public async Task A_thrown_message_nothing_waited_for_is_delivered_by_the_outbox_sender_once_a_receiver_waits()
    {
        var engine = _host!.Services.GetRequiredService<WorkflowEngine>();
        var sender = _host.Services.GetRequiredService<OutboxSender>();
        Assert.Empty(engine.Deploy(System.Text.Encoding.UTF8.GetBytes(Workflows.CouncilOutcomeModel.Bpmn)).Validation.Errors);
        var session = await engine.StartAsync("councilThrowsOutcome", new Dictionary<string, JsonNode?> { ["dossierId"] = "HS-2026-07" });
        await engine.CompleteTaskAsync(Assert.Single(await engine.ListTasksAsync(session.Id)).Id, new Dictionary<string, JsonNode?> { ["result"] = "passed" });
        async Task<OutboxMessageRow> Thrown() => Assert.Single(await OutboxAsync(_host), o => o.InstanceId == session.Id);

        // The engine tried right after the step; the sender leaves it alone for the grace period.
        Assert.Equal((WorkflowChannels.Message, OutboxStatus.Pending), ((await Thrown()).Channel, (await Thrown()).Status));
        Assert.Equal(0, await sender.SendDueAsync(CancellationToken.None));

        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await sender.SendDueAsync(CancellationToken.None));
        var failed = await Thrown();
        Assert.Equal((OutboxStatus.Pending, 1), (failed.Status, failed.Attempts));
        Assert.Contains("Nothing waits for message 'ketQuaHoiDong' with business key 'HS-2026-07'", failed.LastError, StringComparison.Ordinal);

        var dossier = await engine.StartAsync("dossierAwaitingCouncil", businessKey: "HS-2026-07");
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await sender.SendDueAsync(CancellationToken.None));
        Assert.Equal(OutboxStatus.Sent, (await Thrown()).Status);
        var received = (await engine.GetInstanceAsync(dossier.Id))!;
        Assert.Equal((InstanceStatus.Completed, "passed"), (received.Status, received.Variables["result"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_failing_mail_server_means_retries_with_backoff_then_a_dead_letter_kept_for_administrators()
    {
        using var host = await StartAsync(new Dictionary<string, string?>
        {
            ["Email:Transport"] = "Smtp",
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = TestEnvironment.FreeLoopbackPort().ToString(CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
            ["Email:Smtp:TimeoutSeconds"] = "5",
            ["Notifications:MaxAttempts"] = "3",
            ["Notifications:FirstRetrySeconds"] = "60",
        });
        var engine = host.Services.GetRequiredService<WorkflowEngine>();
        var instance = await StartDossierAsync(engine, ["nong-nghiep"]);
        await FireUntilAsync(engine, new DateTimeOffset(2026, 3, 9, 8, 0, 0, VietnamTime.Offset));
        var sender = host.Services.GetRequiredService<OutboxSender>();

        async Task<OutboxMessageRow> Reminder() => Assert.Single(await OutboxAsync(host), o => o.InstanceId == instance.Id);

        Assert.Equal(1, await sender.SendDueAsync(CancellationToken.None));
        var first = await Reminder();
        Assert.Equal((OutboxStatus.Pending, 1), (first.Status, first.Attempts));
        Assert.Equal(_clock.GetUtcNow().AddSeconds(60), first.NextAttemptAt);
        Assert.NotNull(first.LastError);
        Assert.Equal(0, await sender.SendDueAsync(CancellationToken.None)); // waiting out the backoff

        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(1, await sender.SendDueAsync(CancellationToken.None));
        Assert.Equal(_clock.GetUtcNow().AddSeconds(120), (await Reminder()).NextAttemptAt); // doubled

        _clock.Advance(TimeSpan.FromSeconds(121));
        Assert.Equal(1, await sender.SendDueAsync(CancellationToken.None));
        var dead = await Reminder();
        Assert.Equal((OutboxStatus.Dead, 3), (dead.Status, dead.Attempts));
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await sender.SendDueAsync(CancellationToken.None));
    }

    [Fact]
    [Trait("Service", "maildev")]
    public async Task Over_SMTP_the_mail_arrives_with_its_recipients_diacritics_task_link_and_Message_ID()
    {
        using var host = await StartAsync(new Dictionary<string, string?>
        {
            ["Email:Transport"] = "Smtp",
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = TestEnvironment.SmtpPort.ToString(CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
        });
        var engine = host.Services.GetRequiredService<WorkflowEngine>();
        var key = "2026-XA-" + Guid.NewGuid().ToString("N")[..6];
        var instance = await StartDossierAsync(engine, ["y-te"], key);
        var task = Assert.Single(await engine.ListTasksAsync(instance.Id), t => t.ElementId == "departmentReview");
        await FireUntilAsync(engine, new DateTimeOffset(2026, 3, 9, 8, 0, 0, VietnamTime.Offset));
        Assert.Equal(1, await host.Services.GetRequiredService<OutboxSender>().SendDueAsync(CancellationToken.None));
        var row = Assert.Single(await OutboxAsync(host), o => o.InstanceId == instance.Id);

        using var http = new HttpClient { BaseAddress = TestEnvironment.MaildevApi };
        JsonElement? found = null;
        for (var i = 0; i < 50 && found is null; i++)
        {
            found = (await http.GetFromJsonAsync<JsonElement>("/api/email")).EnumerateArray().Cast<JsonElement?>()
                .FirstOrDefault(m => m!.Value.GetProperty("subject").GetString()!.Contains(key, StringComparison.Ordinal));
            if (found is null)
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(found);
        var mail = found.Value;
        Assert.Equal(["chuyenvien.yt@syt.test"], mail.GetProperty("to").EnumerateArray().Select(t => t.GetProperty("address").GetString()));
        Assert.Equal($"[NtmWorkflow] Nhắc việc: Sở, ngành thẩm định tiêu chí phụ trách – hồ sơ {key} đến hạn 17:00 11/03/2026", mail.GetProperty("subject").GetString());
        Assert.Contains($"https://ntm.laocai.test/tasks/{task.Id}", mail.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("Kính gửi đồng chí", mail.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal($"<{row.MessageId}>", mail.GetProperty("headers").GetProperty("message-id").GetString());
        Assert.Equal($"<{MessageIds.FromDedupKey(row.DedupKey, "ntm.laocai.test")}>", mail.GetProperty("headers").GetProperty("message-id").GetString());
    }

    /// <summary>Opens a two-tier dossier and forwards it at once up to the department review.</summary>
    private static async Task<InstanceView> StartDossierAsync(WorkflowEngine engine, string[] departments, string businessKey = "2026-XA-00745")
    {
        var variables = new JsonObject
        {
            ["dossierId"] = businessKey,
            ["communeCode"] = "00745",
            ["communeName"] = "Xã Tân Hòa",
            ["provinceCode"] = "10",
            ["tier"] = "ntm",
            ["year"] = 2026,
            ["criteriaSet"] = "ntm-2026-2030",
            ["departments"] = new JsonArray([.. departments.Select(d => JsonValue.Create(d))]),
            ["councilMembers"] = new JsonArray("hd.son"),
        };
        var instance = await engine.StartAsync("ntm-commune-two-tier", variables.ToDictionary(p => p.Key, p => p.Value?.DeepClone()), businessKey);
        foreach (var (element, decision) in new (string Element, string? Decision)[] { ("selfAssessment", null), ("postingAndSurvey", null), ("submitDossier", null), ("intake", "forward"), ("verification", "forward") })
        {
            var task = Assert.Single(await engine.ListTasksAsync(instance.Id), t => t.ElementId == element);
            await engine.CompleteTaskAsync(task.Id, decision is null ? null : new Dictionary<string, JsonNode?> { ["decision"] = decision });
        }

        return instance;
    }

    /// <summary>Moves the clock from timer to timer up to <paramref name="until"/>, firing each at its due time, as the alarm clock would.</summary>
    private async Task FireUntilAsync(WorkflowEngine engine, DateTimeOffset until)
    {
        for (var guard = 0; guard < 200; guard++)
        {
            var next = await engine.NextTimerDueAsync();
            if (next is null || next > until)
            {
                break;
            }

            if (next > _clock.GetUtcNow())
            {
                _clock.SetUtcNow(next.Value);
            }

            await engine.FireDueTimersAsync(_clock.GetUtcNow());
        }

        _clock.SetUtcNow(until);
    }

    private async Task<List<MimeMessage>> DeliverAllAsync()
    {
        var sender = _host!.Services.GetRequiredService<OutboxSender>();
        while (await sender.SendDueAsync(CancellationToken.None) > 0)
        {
        }

        var messages = new List<MimeMessage>();
        foreach (var file in Directory.GetFiles(Pickup, "*.eml"))
        {
            messages.Add(await MimeMessage.LoadAsync(file));
        }

        return messages;
    }

    private Task<List<OutboxMessageRow>> OutboxAsync(IHost? host = null) => ReadOutboxAsync(host ?? _host!);

    private static async Task<List<OutboxMessageRow>> ReadOutboxAsync(IHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().OutboxMessages.AsNoTracking().ToListAsync();
    }

    public Task DisposeAsync()
    {
        _host?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
        return Task.CompletedTask;
    }
}
