using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Admin.Settings;

/// <summary>
/// Cài đặt: every settings page in one place, so Chị Mai finds them without a developer: legal parameters, the
/// working-day calendar, mail templates, the outbox (with how many dead letters wait), users and roles, the criteria,
/// the digest mail, the council's members and the processes.
/// </summary>
[Authorize]
public sealed class IndexModel(OutboxService outbox, AppDbContext db, OrganisationService organisation) : SettingsPageModel(organisation)
{
    /// <summary>The provinces the official administers, for the council members' page (which is per province).</summary>
    public IReadOnlyList<ProvinceChoice> Provinces { get; private set; } = [];

    /// <summary>Dead letters the official may send again.</summary>
    public int DeadLetters { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        Provinces = await ProvincesAsync(db, Official, HttpContext.RequestAborted);
        DeadLetters = (await outbox.CountsAsync(IsNational ? null : OwnProvinces, HttpContext.RequestAborted)).GetValueOrDefault(OutboxStatus.Dead);
        return Page();
    }
}
