using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.LegalParameters;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Workflows.Store;
using Quartz;

namespace NtmWorkflow.Web.Tests.Notifications;

/// <summary>
/// The daily digest on the real app (demo accounts, the shipped calendar and parameters): who gets a mail, what it
/// lists, and that a rerun, an opt-out, a day off or nothing to say sends nothing. Runs are driven at fixed instants.
/// </summary>
public abstract class DailyDigestTests : AppTestHost
{
    /// <summary>Monday 2 March 2026, 07:00 in Vietnam: a working day. The default window (3 working days) ends Thursday 5 March, 17:00.</summary>
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 7, 0, 0, VietnamTime.Offset);

    private Guid _dueSoon;
    private Guid _overdue;
    private Guid _farAway;

    protected override async Task SeedAsync()
    {
        await CreateOfficialAsync("bich", "commune:00706", Roles.CommuneOfficer);
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NtmWorkflow.Web.Persistence.AppDbContext>();
        var instance = Guid.NewGuid();
        db.WorkflowInstances.Add(new WorkflowInstanceRow
        {
            Id = instance, ProcessId = "ntm-commune-two-tier", Version = 1, BusinessKey = "2026-XA-00706", Status = InstanceStatus.Running, State = "{}",
            UpdatedAt = Monday, StartedAt = Monday.AddDays(-30), ProvinceCode = "08",
        });
        WorkflowTaskRow Task(string name, string? assignee, DateTimeOffset due) => new()
        {
            Id = Guid.NewGuid(), InstanceId = instance, ElementId = name.Replace(' ', '-'), Name = name, Assignee = assignee, CandidateUsers = "[]",
            CandidateGroups = "[\"commune-00706\"]", Due = due, Properties = "{}", Created = Monday.AddDays(-10), BusinessKey = "2026-XA-00706",
            CommuneCode = "00706", CommuneName = "Xã Phú Linh",
        };

        var dueSoon = Task("Hoàn thiện tự đánh giá", "bich", new DateTimeOffset(2026, 3, 4, 17, 0, 0, VietnamTime.Offset));
        var overdue = Task("Niêm yết kết quả", null, new DateTimeOffset(2026, 2, 27, 17, 0, 0, VietnamTime.Offset));
        var farAway = Task("Trình hồ sơ", "bich", new DateTimeOffset(2026, 3, 20, 17, 0, 0, VietnamTime.Offset));
        db.WorkflowTasks.AddRange(dueSoon, overdue, farAway);
        db.WorkflowTaskGroups.Add(new WorkflowTaskGroupRow { TaskId = overdue.Id, Group = "commune-00706" });
        await db.SaveChangesAsync();
        (_dueSoon, _overdue, _farAway) = (dueSoon.Id, overdue.Id, farAway.Id);
    }

    private async Task<DigestRun> RunAsync(DateTimeOffset now)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DailyDigest>().RunAsync(now, CancellationToken.None);
    }

    private Task<List<OutboxMessageRow>> DigestsAsync() =>
        QueryAsync(db => db.OutboxMessages.AsNoTracking().Where(o => o.ElementId == DailyDigest.ElementId).OrderBy(o => o.Id).ToListAsync());

    private Task<string> UserIdAsync(string userName) => QueryAsync(db => db.Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync());

    private static EmailPayload Payload(OutboxMessageRow row) => JsonSerializer.Deserialize<EmailPayload>(row.Payload, EmailPayload.Json)!;

    private async Task SetOptOutAsync(string userName, bool optOut)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByNameAsync(userName))!;
        user.DigestOptOut = optOut;
        Assert.True((await users.UpdateAsync(user)).Succeeded);
    }

    [Fact]
    public async Task An_official_gets_one_digest_listing_what_is_overdue_and_due_within_the_window_and_nothing_further_off()
    {
        var run = await RunAsync(Monday);
        Assert.True(run.WorkingDay);

        // bich holds the task due Wednesday and the far one; the overdue one waits unclaimed in the group bich and xa.binh are in.
        var digests = await DigestsAsync();
        Assert.Equal(2, run.Enqueued);
        var (bichKey, binhKey) = (DailyDigest.DedupKey(new DateOnly(2026, 3, 2), await UserIdAsync("bich")), DailyDigest.DedupKey(new DateOnly(2026, 3, 2), await UserIdAsync("xa.binh")));
        Assert.Equal(new[] { bichKey, binhKey }.Order(StringComparer.Ordinal), digests.Select(d => d.DedupKey).Order(StringComparer.Ordinal));
        var bich = Payload(digests.Single(d => d.DedupKey == bichKey));
        Assert.Equal(["bich@test.ntmworkflow.local"], bich.To);
        Assert.Equal([_overdue, _dueSoon], bich.TaskIds);
        Assert.DoesNotContain(_farAway, bich.TaskIds);
        Assert.Equal("[NtmWorkflow] Việc cần xử lý ngày 02/03/2026: 1 quá hạn, 1 sắp đến hạn", bich.Subject);
        Assert.Contains("Việc đã quá hạn:\n- Niêm yết kết quả – hồ sơ 2026-XA-00706 (Xã Phú Linh): hạn 17:00 27/02/2026, quá 1 ngày làm việc.", bich.Body, StringComparison.Ordinal);
        Assert.Contains("Việc đến hạn trong 3 ngày làm việc tới:\n- Hoàn thiện tự đánh giá – hồ sơ 2026-XA-00706 (Xã Phú Linh): hạn 17:00 04/03/2026, còn 2 ngày làm việc.", bich.Body, StringComparison.Ordinal);
        Assert.Contains("Due within the next 3 working day(s):", bich.Body, StringComparison.Ordinal);
        Assert.Contains("/account/preferences", bich.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Trình hồ sơ", bich.Body, StringComparison.Ordinal);

        var binh = Payload(digests.Single(d => d.DedupKey == binhKey));
        Assert.Equal([_overdue], binh.TaskIds);
        Assert.DoesNotContain("Việc đến hạn", binh.Body, StringComparison.Ordinal);

        // Each mail is an ordinary outbox email, waiting for the sender, with a Message-ID derived from its key.
        Assert.All(digests, d => Assert.Equal((EmailNotificationHandler.EmailChannel, OutboxStatus.Pending, Guid.Empty), (d.Channel, d.Status, d.InstanceId)));
        Assert.All(digests, d => Assert.Equal(MessageIds.FromDedupKey(d.DedupKey, "ntmworkflow.local"), d.MessageId));
    }

    [Fact]
    public async Task Running_the_job_again_the_same_day_enqueues_nothing_new()
    {
        var clock = new FakeTimeProvider(Monday.AddMinutes(1));
        var job = new DailyDigestJob(App.Services.GetRequiredService<IServiceScopeFactory>(), new NtmWorkflow.Web.Infrastructure.AppClockSource(clock), NullLogger<DailyDigestJob>.Instance);
        await job.Execute(null!, CancellationToken.None);
        var first = await DigestsAsync();
        Assert.Equal(2, first.Count);

        clock.Advance(TimeSpan.FromHours(3));
        await job.Execute(null!, CancellationToken.None);
        Assert.Equal(first.Select(d => (d.Id, d.DedupKey)), (await DigestsAsync()).Select(d => (d.Id, d.DedupKey)));
        var again = await RunAsync(Monday.AddHours(5));
        Assert.Equal((0, 2), (again.Enqueued, again.AlreadyEnqueued));

        // The next working day is a new day.
        var tuesday = await RunAsync(Monday.AddDays(1));
        Assert.Equal(2, tuesday.Enqueued);
        Assert.Equal(4, (await DigestsAsync()).Count);
    }

    [Fact]
    public async Task An_official_who_opted_out_gets_none()
    {
        await SetOptOutAsync("xa.binh", true);
        var run = await RunAsync(Monday);
        Assert.Equal((1, 1), (run.Enqueued, run.OptedOut));
        Assert.Equal([DailyDigest.DedupKey(new DateOnly(2026, 3, 2), await UserIdAsync("bich"))], (await DigestsAsync()).Select(d => d.DedupKey));
    }

    [Theory]
    [InlineData("2026-03-07")] // a Saturday
    [InlineData("2026-02-17")] // Tết
    public async Task Nothing_is_sent_on_a_day_off(string day)
    {
        var run = await RunAsync(new DateTimeOffset(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture).ToDateTime(new TimeOnly(7, 0)), VietnamTime.Offset));
        Assert.False(run.WorkingDay);
        Assert.Empty(await DigestsAsync());
    }

    [Fact]
    public async Task An_official_with_nothing_due_gets_none()
    {
        var run = await RunAsync(Monday);
        Assert.True(run.NothingDue > 0);
        var lan = DailyDigest.DedupKey(new DateOnly(2026, 3, 2), await UserIdAsync("xa.lan"));
        Assert.DoesNotContain(lan, (await DigestsAsync()).Select(d => d.DedupKey));
    }

    [Fact]
    public async Task The_window_is_the_legal_parameter_with_the_provinces_own_value()
    {
        // Tuyên Quang (08) keeps a window of 1 working day: Wednesday's task is not yet "due soon" on Monday.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var parameters = scope.ServiceProvider.GetRequiredService<LegalParameterService>();
            await parameters.SetAsync(DailyDigest.WindowParameter, "08", new LegalParameterChange(JsonDocument.Parse("1").RootElement, "QĐ của tỉnh", true, null), "admin", CancellationToken.None);
        }

        await RunAsync(Monday);
        var key = DailyDigest.DedupKey(new DateOnly(2026, 3, 2), await UserIdAsync("bich"));
        var bich = Payload((await DigestsAsync()).Single(d => d.DedupKey == key));
        Assert.Equal([_overdue], bich.TaskIds);
    }

    [Fact]
    public async Task A_locked_account_gets_none()
    {
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByNameAsync("bich"))!, DateTimeOffset.MaxValue);
        }

        var run = await RunAsync(Monday);
        Assert.Equal(1, run.Enqueued);
        Assert.DoesNotContain(DailyDigest.DedupKey(new DateOnly(2026, 3, 2), await UserIdAsync("bich")), (await DigestsAsync()).Select(d => d.DedupKey));
    }

    [Fact]
    public async Task The_template_is_registered_like_the_others_in_both_languages()
    {
        var templates = await QueryAsync(db => db.MailTemplates.AsNoTracking().Where(t => t.Key == DailyDigest.TemplateKey).Select(t => t.Culture).OrderBy(c => c).ToListAsync());
        Assert.Equal(["en", "vi"], templates);
        var listed = await OkAsync(null, HttpMethod.Get, "/api/mail-templates");
        Assert.Contains(listed.EnumerateArray(), t => t.GetProperty("key").GetString() == DailyDigest.TemplateKey);
    }
}

public sealed class DailyDigestTests_Sqlite : DailyDigestTests;

[Trait("Db", "Postgres")]
public sealed class DailyDigestTests_Postgres : DailyDigestTests
{
    protected override bool OnPostgres => true;
}

/// <summary>The job is scheduled by Quartz every day at the configured time in Vietnam, on every node.</summary>
public sealed class DailyDigestScheduleTests : AppTestHost
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Workflows:BackgroundWorkers"] = "true";
        settings["Notifications:Digest:SendAt"] = "06:45";
    }

    [Fact]
    public async Task The_job_runs_daily_at_the_configured_local_time()
    {
        var scheduler = await App.Services.GetRequiredKeyedService<ISchedulerFactory>(NtmWorkflow.Web.Features.Workflows.WorkflowRegistration.SchedulerName).GetScheduler();
        var trigger = Assert.IsAssignableFrom<ICronTrigger>(await scheduler.GetTrigger(DailyDigestJob.Trigger));
        Assert.Equal("0 45 6 * * ?", trigger.CronExpressionString);
        Assert.Equal(TimeSpan.FromHours(7), trigger.TimeZone.BaseUtcOffset);
        Assert.Equal(DailyDigestJob.Key, trigger.JobKey);
        var next = trigger.GetFireTimeAfter(DateTimeOffset.UtcNow)!.Value.ToVietnamTime();
        Assert.Equal(new TimeSpan(6, 45, 0), next.TimeOfDay);
        Assert.Equal(next.AddDays(1), trigger.GetFireTimeAfter(next)!.Value.ToVietnamTime());
    }
}

public sealed class DigestOptionsTests
{
    [Theory]
    [InlineData("07:00", 7, 0)]
    [InlineData(" 16:45 ", 16, 45)]
    public void The_send_time_reads_as_HH_mm(string text, int hour, int minute) =>
        Assert.Equal(new TimeOnly(hour, minute), new DigestOptions { SendAt = text }.SendAtTime());

    [Theory]
    [InlineData("7h")]
    [InlineData("25:00")]
    [InlineData("")]
    public void A_malformed_send_time_is_refused_with_the_settings_name(string text)
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new DigestOptions { SendAt = text }.SendAtTime());
        Assert.Contains("Notifications:Digest:SendAt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cron_expression_names_the_minute_and_hour() => Assert.Equal("0 5 6 * * ?", DailyDigestJob.Cron(new TimeOnly(6, 5)));
}
