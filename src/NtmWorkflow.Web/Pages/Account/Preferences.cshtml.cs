using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Account;

/// <summary>Tùy chọn cá nhân: every signed-in user chooses whether to get the daily digest of their tasks (audited).</summary>
[Authorize]
public sealed class PreferencesModel(UserAdministration administration, OrganisationService organisation, Microsoft.AspNetCore.Identity.UserManager<AppUser> users)
    : OfficialPageModel(organisation)
{
    public bool DigestOptOut { get; private set; }

    public string? Email { get; private set; }

    protected override bool Concerns(Official official) => true;

    public async Task<IActionResult> OnGetAsync()
    {
        await SignedInAsync();
        var user = await users.FindByNameAsync(Official.UserName) ?? throw new InvalidOperationException("The signed-in user no longer exists.");
        (DigestOptOut, Email) = (user.DigestOptOut, user.Email);
        return Page();
    }

    /// <summary><paramref name="receive"/>: true to get the daily digest, false to stop it.</summary>
    public async Task<IActionResult> OnPostAsync(bool receive)
    {
        await SignedInAsync();
        await administration.SetDigestOptOutAsync(Official, Official.UserName, !receive, HttpContext.RequestAborted);
        Notice = receive ? "DigestOn" : "DigestOff";
        return RedirectToPage();
    }
}
