using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Designer;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Admin.Settings;

/// <summary>A province in force, for the pages' pickers.</summary>
public sealed record ProvinceChoice(string Code, string Name);

/// <summary>
/// The settings pages (Cài đặt): administrators only, national or of a province. A national administrator changes
/// the national values (legal parameters, the calendar, mail templates) and every province's; an administrator of a
/// province changes that province's own values where a setting has them, and reads the rest.
/// </summary>
public abstract class SettingsPageModel(OrganisationService organisation) : OfficialPageModel(organisation)
{
    /// <summary>Anything to show after the notice (the years an import replaced, a message id).</summary>
    [TempData]
    public string? NoticeDetail { get; set; }

    /// <summary>A refusal shown on the page the refused form renders (with what was typed), not carried over a redirect.</summary>
    public string? Refusal { get; protected set; }

    /// <summary>The resource prefix of the pages' notices (<c>{prefix}Notice_{notice}</c>) and refusal headline (<c>{prefix}Refused</c>).</summary>
    public virtual string MessagePrefix => "Settings_";

    /// <summary>Who may open the settings pages: an administrator anywhere (as <c>DesignerService.MayDesign</c>).</summary>
    public static bool MayOpen(Official official) => DesignerService.MayDesign(official);

    protected override bool Concerns(Official official) => MayOpen(official);

    /// <summary>A national administrator: changes the national values and every province's.</summary>
    public bool IsNational => Official.Administers(null);

    /// <summary>The provinces the official administers as an administrator of the province (none for a national one only).</summary>
    public IReadOnlyList<string> OwnProvinces =>
        [.. Official.Assignments.Where(a => a.Role == Roles.Administrator && a.Unit.Kind == UnitKey.Province).Select(a => a.Unit.ProvinceCode!)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The provinces in force the official administers: all of them for a national administrator.</summary>
    protected static async Task<IReadOnlyList<ProvinceChoice>> ProvincesAsync(AppDbContext db, Official official, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(official);
        var all = await db.AdministrativeUnits.AsNoTracking().Where(u => u.Level == AdministrativeLevel.Province && u.ValidTo == null)
            .OrderBy(u => u.Code).Select(u => new ProvinceChoice(u.Code, u.Name)).ToListAsync(cancellationToken);
        return [.. all.Where(p => official.Administers(p.Code))];
    }
}
