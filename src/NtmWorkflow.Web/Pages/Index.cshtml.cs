using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NtmWorkflow.Web.Features.Accounts;

namespace NtmWorkflow.Web.Pages;

public sealed class IndexModel(UserManager<AppUser> users) : PageModel
{
    public string? FullName { get; private set; }

    public IReadOnlyList<string> Roles { get; private set; } = [];

    public async Task OnGetAsync()
    {
        if (User.Identity?.IsAuthenticated != true || await users.GetUserAsync(User) is not { } user)
        {
            return;
        }

        FullName = user.FullName;
        Roles = [.. await users.GetRolesAsync(user)];
    }
}
