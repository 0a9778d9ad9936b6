using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Admin.Settings.Digest;

/// <summary>
/// Thư tổng hợp hằng ngày: when the digest goes out, its window (the legal parameter, national and per province), who
/// opted out, and today's mails in the outbox. A national administrator can send today's digest now (for a test, or
/// after the nodes were down at the hour): it adds only the mails not yet in the outbox today, so it never sends one twice.
/// </summary>
[Authorize]
public sealed class IndexModel(DailyDigest digest, AppDbContext db, IOptions<DigestOptions> options, WorkingCalendar calendar, OrganisationService organisation,
    TimeProvider clock) : PeopleCriteriaPageModel(organisation)
{
    public DigestOptions Settings => options.Value;

    public int NationalWindow { get; private set; }

    public IReadOnlyDictionary<string, int> ProvinceWindows { get; private set; } = new Dictionary<string, int>();

    public DateOnly Today { get; private set; }

    public bool TodayIsWorkingDay { get; private set; }

    public int OptedOut { get; private set; }

    /// <summary>Today's digests in the outbox by status.</summary>
    public IReadOnlyDictionary<OutboxStatus, int> TodaysMails { get; private set; } = new Dictionary<OutboxStatus, int>();

    public bool MaySendNow { get; private set; }

    /// <summary>The last run from this page (carried over the redirect): enqueued, already there, with nothing due, opted out; or "day-off".</summary>
    [TempData]
    public string? LastRun { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        MaySendNow = Official.Administers(null);
        var now = clock.GetUtcNow();
        Today = now.VietnamDate();
        TodayIsWorkingDay = calendar.IsWorkingDay(Today);
        (NationalWindow, ProvinceWindows) = digest.Windows();
        OptedOut = await db.Users.CountAsync(u => u.DigestOptOut, HttpContext.RequestAborted);
        var prefix = DailyDigest.DayPrefix(Today);
        TodaysMails = (await db.OutboxMessages.AsNoTracking().Where(o => o.DedupKey.StartsWith(prefix)).Select(o => o.Status).ToListAsync(HttpContext.RequestAborted))
            .GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        return Page();
    }

    /// <summary>Gửi ngay: today's digest, for the officials who have not had it yet today.</summary>
    public async Task<IActionResult> OnPostSendAsync()
    {
        if (!await SignedInAsync() || !Official.Administers(null))
        {
            return Forbidden();
        }

        var run = await digest.RunAsync(clock.GetUtcNow(), HttpContext.RequestAborted);
        Notice = run.WorkingDay ? "DigestSent" : "DigestDayOff";
        LastRun = run.WorkingDay ? $"{run.Enqueued}/{run.AlreadyEnqueued}/{run.NothingDue}/{run.OptedOut}" : null;
        return RedirectToPage();
    }
}
