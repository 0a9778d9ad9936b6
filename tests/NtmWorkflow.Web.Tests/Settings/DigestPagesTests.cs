using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Notifications;

namespace NtmWorkflow.Web.Tests.Settings;

/// <summary>/account/preferences (every official's own opt-out of the daily digest) and /admin/settings/digest (its settings, "send today's now").</summary>
public sealed class DigestPagesTests : AppTestHost
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Notifications:Digest:SendAt"] = "06:30";
    }

    protected override Task SeedAsync() => CreateOfficialAsync("qt.tq", "province:08", Roles.Administrator);

    private Task<bool> OptedOutAsync(string userName) => QueryAsync(db => db.Users.Where(u => u.UserName == userName).Select(u => u.DigestOptOut).SingleAsync());

    [Fact]
    public async Task Every_official_turns_their_own_digest_off_and_on()
    {
        using var lan = await SignedInAsync("xa.lan");
        var page = await lan.GetStringAsync("/account/preferences");
        Assert.Contains("id=\"receive\" checked=\"checked\"", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/account/preferences\"", await lan.GetStringAsync("/inbox"), StringComparison.Ordinal);

        // Unticked: only the hidden "false" goes.
        var response = await PageForms.PostFormAsync(lan, "/account/preferences", "/account/preferences", new Dictionary<string, string> { ["receive"] = "false" });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.True(await OptedOutAsync("xa.lan"));
        page = await lan.GetStringAsync("/account/preferences");
        Assert.Contains("Sẽ không nhận thư tổng hợp hằng ngày.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("checked=\"checked\"", page, StringComparison.Ordinal);

        // Ticked: the box's "true" comes first.
        response = await PageForms.PostFormAsync(lan, "/account/preferences", "/account/preferences", [new("receive", "true"), new("receive", "false")]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.False(await OptedOutAsync("xa.lan"));
        Assert.Equal(2, await QueryAsync(db => db.AuditEntries.CountAsync(a => a.Action == "user.digestPreference" && a.Actor == "xa.lan")));

        // Nobody else's preference changes.
        Assert.False(await OptedOutAsync("xa.binh"));
    }

    [Fact]
    public async Task The_digest_page_shows_its_settings_and_sends_todays_digest_once()
    {
        using var admin = await SignedInAsync("admin");
        var page = await admin.GetStringAsync("/admin/settings/digest");
        Assert.Contains("<dd id=\"digest-send-at\">06:30</dd>", page, StringComparison.Ordinal);
        Assert.Contains("data-days=\"3\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"send-form\"", page, StringComparison.Ordinal);

        // Today (the real day): a task of xa.lan's commune overdue, so there is something to say on a working day.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NtmWorkflow.Web.Persistence.AppDbContext>();
            var instance = Guid.NewGuid();
            db.WorkflowInstances.Add(new Features.Workflows.Store.WorkflowInstanceRow
            {
                Id = instance, ProcessId = "ntm-commune-two-tier", Version = 1, State = "{}", Status = NtmWorkflow.Engine.Runtime.InstanceStatus.Running,
                UpdatedAt = DateTimeOffset.UtcNow, StartedAt = DateTimeOffset.UtcNow.AddDays(-20), ProvinceCode = "08",
            });
            db.WorkflowTasks.Add(new Features.Workflows.Store.WorkflowTaskRow
            {
                Id = Guid.NewGuid(), InstanceId = instance, ElementId = "selfAssessment", Name = "Tự đánh giá", Assignee = "xa.lan", CandidateUsers = "[]",
                CandidateGroups = "[]", Properties = "{}", Due = DateTimeOffset.UtcNow.AddDays(-5), Created = DateTimeOffset.UtcNow.AddDays(-20),
            });
            await db.SaveChangesAsync();
        }

        var workingDay = App.Services.GetRequiredService<WorkingCalendar>().IsWorkingDay(DateTimeOffset.UtcNow.VietnamDate());
        for (var run = 0; run < 2; run++)
        {
            var response = await PageForms.PostFormAsync(admin, "/admin/settings/digest", "/admin/settings/digest?handler=Send", new Dictionary<string, string>());
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            page = await admin.GetStringAsync("/admin/settings/digest");
            Assert.Contains(workingDay ? "Đã đưa thư tổng hợp hôm nay vào hàng đợi gửi." : "Hôm nay là ngày nghỉ", page, StringComparison.Ordinal);
            if (workingDay)
            {
                Assert.Contains($"data-enqueued=\"{(run == 0 ? 1 : 0)}\"", page, StringComparison.Ordinal);
            }
        }

        var prefix = DailyDigest.DayPrefix(DateTimeOffset.UtcNow.VietnamDate());
        Assert.Equal(workingDay ? 1 : 0, await QueryAsync(db => db.OutboxMessages.CountAsync(o => o.DedupKey.StartsWith(prefix))));
    }

    [Fact]
    public async Task Only_administrators_open_the_digest_page_and_only_a_national_one_sends()
    {
        using var province = await SignedInAsync("qt.tq");
        var page = await province.GetStringAsync("/admin/settings/digest");
        Assert.DoesNotContain("id=\"send-form\"", page, StringComparison.Ordinal);
        var refused = await PageForms.PostFormAsync(province, "/admin/settings/digest", "/admin/settings/digest?handler=Send", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var lan = await SignedInAsync("xa.lan");
        Assert.Equal(HttpStatusCode.Forbidden, (await lan.GetAsync("/admin/settings/digest")).StatusCode);
        Assert.Empty(await QueryAsync(db => db.OutboxMessages.Where(o => o.ElementId == DailyDigest.ElementId).ToListAsync()));
    }
}
