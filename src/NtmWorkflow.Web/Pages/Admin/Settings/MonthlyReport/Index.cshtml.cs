using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Reports;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Admin.Settings.MonthlyReport;

/// <summary>A province's coordination office on the page: who receives the report, and its last report in the outbox.</summary>
public sealed record MonthlyReportOffice(string Code, string Name, IReadOnlyList<string> Recipients, MonthlyReportLast? Last);

/// <summary>The newest report mail of a province in the outbox: its month (from the dedup key), state and attachments.</summary>
public sealed record MonthlyReportLast(long Id, string DedupKey, string Month, OutboxStatus Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? SentAt,
    string? LastError, IReadOnlyList<string> Attachments);

/// <summary>
/// Báo cáo tháng gửi Văn phòng Điều phối: when the monthly report mail goes out (<c>Reports:Monthly</c>), which provinces'
/// coordination offices receive it and at which addresses, each province's last report in the outbox (dedup key
/// <c>report/{province}/{yyyy-MM}</c>) with its state, and "send now": this month's mail (the previous month's report)
/// for one province, only if it is not in the outbox yet. A national administrator sees every province; an administrator
/// of a province only theirs (another province's answers 403). Sending is audited as <c>report.monthly-send-now</c>.
/// </summary>
[Authorize]
public sealed class IndexModel(MonthlyReportMail mail, AppDbContext db, IOptions<MonthlyReportOptions> options, OrganisationService organisation,
    IStringLocalizer<SharedResource> text, TimeProvider clock) : PeopleCriteriaPageModel(organisation)
{
    public MonthlyReportOptions Settings => options.Value;

    /// <summary>The report this month's mail carries: the previous month's.</summary>
    public ReportPeriod Period { get; private set; } = null!;

    public IReadOnlyList<MonthlyReportOffice> Offices { get; private set; } = [];

    /// <summary>Provinces the official administers that have no coordination office official in force.</summary>
    public IReadOnlyList<ProvinceChoice> WithoutOffice { get; private set; } = [];

    /// <summary>The last "send now" (carried over the redirect): province/enqueued/already/no recipients.</summary>
    [TempData]
    public string? LastRun { get; set; }

    public async Task<IActionResult> OnGetAsync(string? province)
    {
        if (!await SignedInAsync() || (!string.IsNullOrWhiteSpace(province) && !Official.Administers(province.Trim())))
        {
            return Forbidden();
        }

        var ct = HttpContext.RequestAborted;
        var now = clock.GetUtcNow();
        Period = ReportPeriod.MonthBefore(now.VietnamDate());
        var provinces = (await ProvincesAsync(db, Official, ct)).Where(p => string.IsNullOrWhiteSpace(province) || p.Code == province.Trim()).ToList();
        var recipients = await mail.RecipientsAsync(now, ct);
        var offices = new List<MonthlyReportOffice>();
        foreach (var p in provinces.Where(p => recipients.ContainsKey(p.Code)))
        {
            offices.Add(new MonthlyReportOffice(p.Code, p.Name, recipients[p.Code], await LastAsync(p.Code, ct)));
        }

        Offices = offices;
        WithoutOffice = [.. provinces.Where(p => !recipients.ContainsKey(p.Code))];
        return Page();
    }

    /// <summary>Gửi ngay: this month's report mail for one province, unless it is in the outbox already.</summary>
    public async Task<IActionResult> OnPostSendAsync(string? province)
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        var code = province?.Trim();
        if (string.IsNullOrEmpty(code))
        {
            Refused("No province was chosen.", ["ProvinceRequired"], text);
            return RedirectToPage();
        }

        if (!Official.Administers(code))
        {
            return Forbidden();
        }

        var ct = HttpContext.RequestAborted;
        var now = clock.GetUtcNow();
        var run = await mail.RunAsync(now, ct, code);
        var key = MonthlyReportMail.DedupKey(code, run.Period);
        AuditTrail.Record(db, Official.UserName, "report.monthly-send-now", key,
            new { province = code, month = run.Period.Slug, run.Enqueued, run.AlreadyEnqueued, run.NoRecipients, run.Failed });
        await db.SaveChangesAsync(ct);
        Notice = run.Enqueued > 0 ? "MonthlyReportSent" : run.AlreadyEnqueued > 0 ? "MonthlyReportAlready" : run.Failed > 0 ? "MonthlyReportFailed" : "MonthlyReportNoRecipients";
        NoticeDetail = run.Period.Text;
        LastRun = $"{code}/{run.Enqueued}/{run.AlreadyEnqueued}/{run.NoRecipients}";
        return RedirectToPage(new { province = Official.Administers(null) ? null : code });
    }

    private async Task<MonthlyReportLast?> LastAsync(string province, CancellationToken ct)
    {
        var prefix = MonthlyReportMail.ProvincePrefix(province);
        var row = await db.OutboxMessages.AsNoTracking().Where(o => o.DedupKey.StartsWith(prefix) && o.ElementId == MonthlyReportMail.ElementId)
            .OrderByDescending(o => o.DedupKey).ThenByDescending(o => o.Id).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        IReadOnlyList<string> attachments;
        try
        {
            attachments = [.. (JsonSerializer.Deserialize<EmailPayload>(row.Payload, EmailPayload.Json)?.Attachments ?? []).Select(a => a.FileName)];
        }
        catch (JsonException)
        {
            attachments = [];
        }

        return new MonthlyReportLast(row.Id, row.DedupKey, row.DedupKey[prefix.Length..], row.Status, row.Attempts, row.CreatedAt, row.SentAt, row.LastError, attachments);
    }
}
