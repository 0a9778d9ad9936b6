using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Council;

/// <summary>
/// Thành viên Hội đồng: the appointments in force today and the others (ended, or yet to begin); the coordination
/// office or an administrator appoints for a term and ends a term on its last day.
/// </summary>
[Authorize]
public sealed class MembersModel(CouncilService council, OrganisationService organisation, TimeProvider clock) : CouncilPageModel(organisation)
{
    [BindProperty(SupportsGet = true)]
    public string? Province { get; set; }

    public DateOnly Today { get; private set; }

    public IReadOnlyList<CouncilMemberRow> InForce { get; private set; } = [];

    /// <summary>Appointments not in force today: past terms, and terms that begin later.</summary>
    public IReadOnlyList<CouncilMemberRow> Others { get; private set; } = [];

    public bool MayManage { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await ProvinceAsync() is not { } province)
        {
            return Forbidden();
        }

        var all = await council.MembersAsync(province, null, HttpContext.RequestAborted);
        InForce = [.. all.Where(m => m.IsInForceOn(Today))];
        Others = [.. all.Where(m => !m.IsInForceOn(Today)).OrderByDescending(m => m.From)];
        return Page();
    }

    /// <summary>Bổ nhiệm: an official to a seat for a term.</summary>
    public async Task<IActionResult> OnPostAppointAsync(string? userName, CouncilPosition? position, string? title, string? from, string? to, string? appointedBy) =>
        await ActAsync(async province =>
        {
            await council.AppointAsync(Official, province, new AppointmentRequest(userName, position, string.IsNullOrWhiteSpace(title) ? null : title, Day(from), Day(to),
                string.IsNullOrWhiteSpace(appointedBy) ? null : appointedBy), HttpContext.RequestAborted);
            Notice = "Appointed";
        });

    /// <summary>Kết thúc nhiệm kỳ: the term's last day (today when left empty).</summary>
    public async Task<IActionResult> OnPostEndAsync(int memberId, string? lastDay) =>
        await ActAsync(async province =>
        {
            await council.EndTermAsync(Official, province, memberId, Day(lastDay), HttpContext.RequestAborted);
            Notice = "TermEnded";
        });

    private async Task<IActionResult> ActAsync(Func<string, Task> act)
    {
        if (await ProvinceAsync() is not { } province)
        {
            return Forbidden();
        }

        try
        {
            await act(province);
        }
        catch (DossierException e)
        {
            Refused(e);
        }

        return RedirectToPage(new { province });
    }

    private async Task<string?> ProvinceAsync()
    {
        if (!await SignedInAsync())
        {
            return null;
        }

        Today = VietnamTime.VietnamDate(clock.GetUtcNow());
        Province = string.IsNullOrWhiteSpace(Province) ? CouncilAccess.Provinces(Official) is [var first, ..] ? first : null : Province.Trim();
        if (Province is null || !CouncilAccess.MayOpen(Official, Province))
        {
            return null;
        }

        MayManage = CouncilService.IsCoordinator(Official, Province);
        return Province;
    }
}
