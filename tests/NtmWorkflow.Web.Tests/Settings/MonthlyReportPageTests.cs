using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Reports;

namespace NtmWorkflow.Web.Tests.Settings;

/// <summary>
/// /admin/settings/monthly-report: the monthly report mail's settings, the coordination offices and their addresses,
/// each province's last report in the outbox, and "send now" (once per province and month, audited); a national
/// administrator sees every province, a province's administrator only theirs.
/// </summary>
public sealed class MonthlyReportPageTests : AppTestHost
{
    private const string Page = "/admin/settings/monthly-report";

    protected override void Configure(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Reports:Monthly:SendOnDay"] = "12";
        settings["Reports:Monthly:SendAt"] = "08:15";
    }

    protected override async Task SeedAsync()
    {
        await CreateOfficialAsync("qt.tq", "province:08", Roles.Administrator);
        await CreateOfficialAsync("vp.01", "coordination-office:01", Roles.CoordinationOffice);
    }

    /// <summary>The month this month's mail reports on (the previous one, in Vietnam).</summary>
    private static ReportPeriod ThisMonths => ReportPeriod.MonthBefore(DateTimeOffset.UtcNow.VietnamDate());

    private static Task<HttpResponseMessage> SendNowAsync(HttpClient client, string province, string from = Page) =>
        PageForms.PostFormAsync(client, from, Page + "?handler=Send", new Dictionary<string, string> { ["province"] = province });

    [Fact]
    public async Task The_page_shows_the_settings_the_offices_and_sends_a_provinces_report_once_audited()
    {
        using var admin = await SignedInAsync("admin");
        Assert.Contains("href=\"/admin/settings/monthly-report\"", await admin.GetStringAsync("/admin/settings"), StringComparison.Ordinal);
        var page = await admin.GetStringAsync(Page);
        Assert.Contains("<dd id=\"monthly-send-on-day\">12</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"monthly-send-at\">08:15</dd>", page, StringComparison.Ordinal);
        Assert.Contains($"data-month=\"{ThisMonths.Slug}\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"office-01\"", page, StringComparison.Ordinal);
        Assert.Contains("vp.01@test.ntmworkflow.local", page, StringComparison.Ordinal);
        Assert.Contains("id=\"office-08\"", page, StringComparison.Ordinal); // the demo coordination office (vpdp)
        Assert.Contains("vpdp@demo.ntmworkflow.local", page, StringComparison.Ordinal);
        Assert.Contains("Chưa gửi báo cáo nào.", page, StringComparison.Ordinal);

        var key = MonthlyReportMail.DedupKey("01", ThisMonths);
        for (var run = 0; run < 2; run++)
        {
            var response = await SendNowAsync(admin, "01");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            page = await admin.GetStringAsync(Page);
            Assert.Contains($"data-province=\"01\" data-enqueued=\"{(run == 0 ? 1 : 0)}\" data-already=\"{run}\"", page, StringComparison.Ordinal);
            Assert.Contains(run == 0 ? "vào hàng đợi gửi, kèm tệp .docx và .xlsx" : "đã có trong hàng đợi: không gửi lại lần nữa", page, StringComparison.Ordinal);
        }

        // One mail, with both files; the other province untouched; the page shows it as the province's last report.
        var row = Assert.Single(await QueryAsync(db => db.OutboxMessages.AsNoTracking().Where(o => o.DedupKey.StartsWith("report/")).ToListAsync()));
        Assert.Equal((key, OutboxStatus.Pending), (row.DedupKey, row.Status));
        var payload = JsonSerializer.Deserialize<EmailPayload>(row.Payload, EmailPayload.Json)!;
        Assert.Equal(["vp.01@test.ntmworkflow.local"], payload.To);
        Assert.Equal([$"bao-cao-ntm-01-{ThisMonths.Slug}.docx", $"bao-cao-ntm-01-{ThisMonths.Slug}.xlsx"], payload.Attachments!.Select(a => a.FileName));
        Assert.Contains($"data-dedup-key=\"{key}\" data-status=\"Pending\"", page, StringComparison.Ordinal);
        Assert.Contains($"bao-cao-ntm-01-{ThisMonths.Slug}.xlsx", page, StringComparison.Ordinal);

        var audits = await QueryAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "report.monthly-send-now").ToListAsync());
        Assert.Equal(2, audits.Count);
        Assert.All(audits, a => Assert.Equal(("admin", key), (a.Actor, a.Subject)));
    }

    [Fact]
    public async Task A_provinces_administrator_sees_and_sends_only_their_province()
    {
        using var province = await SignedInAsync("qt.tq");
        var page = await province.GetStringAsync(Page);
        Assert.Contains("id=\"office-08\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"office-01\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("vp.01@test.ntmworkflow.local", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await province.GetAsync(Page + "?province=01")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendNowAsync(province, "01")).StatusCode);
        Assert.Empty(await QueryAsync(db => db.OutboxMessages.Where(o => o.DedupKey.StartsWith("report/01/")).ToListAsync()));
        Assert.Equal(0, await QueryAsync(db => db.AuditEntries.CountAsync(a => a.Action == "report.monthly-send-now")));

        // Their own province's report: sent, and the page (their province's) shows it.
        var response = await SendNowAsync(province, "08");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(Page + "?province=08", response.Headers.Location?.OriginalString);
        Assert.Single(await QueryAsync(db => db.OutboxMessages.Where(o => o.DedupKey == MonthlyReportMail.DedupKey("08", ThisMonths)).ToListAsync()));
        Assert.Equal(1, await QueryAsync(db => db.AuditEntries.CountAsync(a => a.Action == "report.monthly-send-now" && a.Actor == "qt.tq")));

        // No province chosen: a readable refusal, nothing sent.
        response = await SendNowAsync(province, "");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("Cần chọn một tỉnh.", await province.GetStringAsync(Page), StringComparison.Ordinal);

        using var lan = await SignedInAsync("xa.lan");
        Assert.Equal(HttpStatusCode.Forbidden, (await lan.GetAsync(Page)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendNowAsync(lan, "08", "/inbox")).StatusCode);
    }
}
