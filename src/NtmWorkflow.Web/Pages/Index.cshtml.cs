using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Inbox;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages;

public sealed class IndexModel(UserManager<AppUser> users, OrganisationService organisation, InboxService inbox) : PageModel
{
    public string? FullName { get; private set; }

    public IReadOnlyList<string> Roles { get; private set; } = [];

    /// <summary>The first page of the official's inbox, soonest due first.</summary>
    public InboxPage? Tasks { get; private set; }

    public async Task OnGetAsync()
    {
        if (User.Identity?.IsAuthenticated != true || await users.GetUserAsync(User) is not { } user)
        {
            return;
        }

        FullName = user.FullName;
        Roles = [.. await users.GetRolesAsync(user)];
        if (await organisation.FindOfficialAsync(user.UserName!, null, HttpContext.RequestAborted) is { } official)
        {
            Tasks = await inbox.ListAsync(official, new InboxFilter(), HttpContext.RequestAborted);
        }
    }
}
