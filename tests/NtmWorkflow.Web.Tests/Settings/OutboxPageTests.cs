using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests.Settings;

/// <summary>
/// Hộp thư đi as Chị Mai uses it: the outbox by status with recipients, subject, attempts, last error and dates, a page
/// at a time; a dead letter sent again goes back to the queue as pending with the same dedup key and Message-ID
/// (audited), and sending it again once more is refused readably. Tuyên Quang's administrator sees the mail of the
/// province's instances only. The fixture: Xã Ngọc Đường's dossier (08); in its instance a dead letter, a pending mail
/// and 30 sent ones; a dead letter of an instance of another province.
/// </summary>
public sealed class OutboxPageTests : SettingsTestHost
{
    private const string Page = "/admin/settings/outbox";
    private long _dead;
    private long _elsewhere;

    protected override async Task SeedSettingsAsync()
    {
        var dossier = await DossierSeeds.OpenAsync(App.Services, "xa.lan", "00700");
        var instance = await QueryAsync(db => db.Dossiers.Where(d => d.Id == dossier).Select(d => d.InstanceId!.Value).SingleAsync());
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var created = new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);
        OutboxMessageRow Mail(Guid instanceId, string key, OutboxStatus status, string to, string subject, int attempts, string? error) => new()
        {
            DedupKey = key, Channel = EmailNotificationHandler.EmailChannel, InstanceId = instanceId, ElementId = "remindSelfAssessment",
            MessageId = MessageIds.FromDedupKey(key, "ntmworkflow.local"), Status = status, Attempts = attempts, CreatedAt = created, NextAttemptAt = created.AddHours(1),
            SentAt = status == OutboxStatus.Sent ? created.AddMinutes(1) : null, LastError = error,
            Payload = JsonSerializer.Serialize(new EmailPayload([to], subject, "Nội dung", []), EmailPayload.Json),
        };

        for (var i = 1; i <= 30; i++)
        {
            db.OutboxMessages.Add(Mail(instance, $"{instance}/sent/{i}", OutboxStatus.Sent, $"xa.lan+{i}@ntm.test", $"Đã gửi {i}", 1, null));
        }

        db.OutboxMessages.Add(Mail(instance, $"{instance}/pending/1", OutboxStatus.Pending, "vpdp@ntm.test", "Chờ gửi", 2, "421 try later"));
        var dead = Mail(instance, $"{instance}/remindSelfAssessment/1", OutboxStatus.Dead, "xa.lan@ntm.test", "[NtmWorkflow] Nhắc việc: hồ sơ 00700", 8,
            "5.1.1 <xa.lan@ntm.test>: Recipient address rejected");
        var elsewhere = Mail(Guid.NewGuid(), "elsewhere/notify/1", OutboxStatus.Dead, "hanoi@ntm.test", "Thư của Hà Nội", 8, "connection refused");
        db.OutboxMessages.AddRange(dead, elsewhere);
        await db.SaveChangesAsync();
        (_dead, _elsewhere) = (dead.Id, elsewhere.Id);
    }

    private Task<OutboxMessageRow> MessageAsync(long id) => QueryAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(o => o.Id == id));

    [Fact]
    public async Task Messages_are_listed_by_status_with_recipients_subject_attempts_error_and_dates_a_page_at_a_time()
    {
        using var mai = await SignedInAsync("admin");
        var dead = await PageAsync(mai, $"{Page}?status=Dead");
        var row = Row(dead, _dead);
        var stored = await MessageAsync(_dead);
        Assert.Contains($"data-status=\"Dead\" data-message-id=\"{stored.MessageId}\"", row, StringComparison.Ordinal);
        Assert.Contains("<span class=\"recipient-list\">xa.lan@ntm.test</span>", row, StringComparison.Ordinal);
        Assert.Contains("[NtmWorkflow] Nhắc việc: hồ sơ 00700", row, StringComparison.Ordinal);
        Assert.Contains("data-attempts=\"8\">8 lần thử</div>", row, StringComparison.Ordinal);
        Assert.Contains("5.1.1 &lt;xa.lan@ntm.test&gt;: Recipient address rejected", row, StringComparison.Ordinal);
        Assert.Contains("Tạo: 02/03/2026 08:00:00", row, StringComparison.Ordinal);
        Assert.Contains($"id=\"resend-{_dead}\"", row, StringComparison.Ordinal);
        Assert.Contains($"id=\"message-{_elsewhere}\"", dead, StringComparison.Ordinal);
        Assert.DoesNotContain("data-status=\"Sent\"", dead, StringComparison.Ordinal);
        Assert.Contains("Thư lỗi (2)", dead, StringComparison.Ordinal);
        Assert.Contains("Tất cả (33)", dead, StringComparison.Ordinal);

        var pending = await PageAsync(mai, $"{Page}?status=Pending");
        Assert.Contains("Thử lại: 02/03/2026 09:00:00", pending, StringComparison.Ordinal);
        Assert.Contains("421 try later", pending, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"resend-", pending, StringComparison.Ordinal);

        // 30 sent: 25 on the first page (newest first), 5 on the second.
        var first = await PageAsync(mai, $"{Page}?status=Sent");
        Assert.Contains("Trang 1/2 · 30 thư", first, StringComparison.Ordinal);
        Assert.Contains("/sent/30\"", first, StringComparison.Ordinal);
        Assert.Contains("/sent/6\"", first, StringComparison.Ordinal);
        Assert.DoesNotContain("/sent/5\"", first, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/settings/outbox?status=Sent&amp;p=2\"", first, StringComparison.Ordinal);
        var second = await PageAsync(mai, $"{Page}?status=Sent&p=2");
        Assert.Contains("Trang 2/2 · 30 thư", second, StringComparison.Ordinal);
        Assert.Contains("/sent/5\"", second, StringComparison.Ordinal);
        Assert.DoesNotContain("/sent/6\"", second, StringComparison.Ordinal);
        Assert.Contains("Gửi: 02/03/2026 08:01:00", second, StringComparison.Ordinal);

        // The settings index counts the dead letters.
        Assert.Contains("2 thư lỗi chờ xử lý", await PageAsync(mai, "/admin/settings"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dead_letter_sent_again_is_pending_with_the_same_message_id_and_a_second_resend_is_refused()
    {
        using var mai = await SignedInAsync("admin");
        var before = await MessageAsync(_dead);
        var url = $"{Page}?status=Dead";
        var resent = await PostAsync(mai, url, $"{Page}?status=Dead&p=1&handler=Resend", ("id", _dead.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("/admin/settings/outbox?status=Dead&p=1", Location(resent));
        var page = await FollowAsync(mai, resent);
        Assert.Contains($"Đã đưa thư lỗi trở lại hàng chờ gửi (mã thư {before.MessageId}).", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"id=\"message-{_dead}\"", page, StringComparison.Ordinal);

        var after = await MessageAsync(_dead);
        Assert.Equal((OutboxStatus.Pending, 0, before.MessageId, before.DedupKey, before.Payload), (after.Status, after.Attempts, after.MessageId, after.DedupKey, after.Payload));
        Assert.True(after.NextAttemptAt > before.NextAttemptAt);
        Assert.Contains($"id=\"message-{_dead}\" data-status=\"Pending\" data-message-id=\"{before.MessageId}\"", await PageAsync(mai, $"{Page}?status=Pending"), StringComparison.Ordinal);
        var audit = await QueryAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "outbox.resent").Select(a => new { a.Actor, a.Subject, a.Detail }).ToListAsync());
        Assert.Equal(("admin", $"outbox/{_dead}"), (Assert.Single(audit).Actor, audit[0].Subject));
        Assert.Contains(before.MessageId, audit[0].Detail, StringComparison.Ordinal);

        var again = await PostAsync(mai, url, $"{Page}?status=Dead&handler=Resend", ("id", _dead.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains($"Outbox message {_dead} is not a dead letter (it is Pending).", await FollowAsync(mai, again), StringComparison.Ordinal);
        Assert.Equal(OutboxStatus.Pending, (await MessageAsync(_dead)).Status);
    }

    [Fact]
    public async Task A_provinces_administrator_sees_and_sends_again_only_the_mail_of_its_instances()
    {
        using var qt = await SignedInAsync("qt.08");
        var dead = await PageAsync(qt, $"{Page}?status=Dead");
        Assert.Contains($"id=\"message-{_dead}\"", dead, StringComparison.Ordinal);
        Assert.DoesNotContain($"id=\"message-{_elsewhere}\"", dead, StringComparison.Ordinal);
        Assert.DoesNotContain("hanoi@ntm.test", dead, StringComparison.Ordinal);
        Assert.Contains("Thư lỗi (1)", dead, StringComparison.Ordinal);

        var refused = await PostAsync(qt, $"{Page}?status=Dead", $"{Page}?status=Dead&handler=Resend", ("id", _elsewhere.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains($"Outbox message {_elsewhere} does not exist.", await FollowAsync(qt, refused), StringComparison.Ordinal);
        Assert.Equal(OutboxStatus.Dead, (await MessageAsync(_elsewhere)).Status);

        var resent = await PostAsync(qt, $"{Page}?status=Dead", $"{Page}?status=Dead&handler=Resend", ("id", _dead.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        Assert.Equal(OutboxStatus.Pending, (await MessageAsync(_dead)).Status);

        using var lan = await SignedInAsync("xa.lan");
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(lan, "/inbox", $"{Page}?handler=Resend", ("id", _elsewhere.ToString(System.Globalization.CultureInfo.InvariantCulture)))).StatusCode);
        Assert.Equal(OutboxStatus.Dead, (await MessageAsync(_elsewhere)).Status);
    }

    private static string Row(string page, long id)
    {
        var start = page.IndexOf($"<tr id=\"message-{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no row for message {id}");
        return page[start..page.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }
}
