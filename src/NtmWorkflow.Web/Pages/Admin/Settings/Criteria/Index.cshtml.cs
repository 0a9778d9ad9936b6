using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Admin.Settings.Criteria;

/// <summary>
/// Bộ tiêu chí: the criteria sets with their decision, validity, counts and verified flag. Every administrator reads
/// them; national administrators mark a set as checked against the official text (audited).
/// </summary>
[Authorize]
public sealed class IndexModel(CriteriaCatalog catalog, OrganisationService organisation, IStringLocalizer<SharedResource> text) : PeopleCriteriaPageModel(organisation)
{
    public IReadOnlyList<CriteriaSetRow> Sets { get; private set; } = [];

    /// <summary>National administrators edit the national catalogue.</summary>
    public bool MayEdit { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        MayEdit = Official.Administers(null);
        Sets = await catalog.ListSetsAsync(HttpContext.RequestAborted);
        return Page();
    }

    /// <summary>Đã đối chiếu: the set's header checked (or no longer) against the issuing decision.</summary>
    public async Task<IActionResult> OnPostVerifiedAsync(string? code, bool verified)
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        if (!Official.Administers(null))
        {
            return Forbidden();
        }

        try
        {
            await catalog.SetVerifiedAsync(code ?? "", verified, Official.UserName, HttpContext.RequestAborted);
            Notice = verified ? "SetVerified" : "SetUnverified";
        }
        catch (CriteriaException e)
        {
            Refused(e.Message, [], text);
        }

        return RedirectToPage();
    }
}
