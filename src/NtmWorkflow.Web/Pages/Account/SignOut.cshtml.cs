using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using NtmWorkflow.Web.Features.Accounts;

namespace NtmWorkflow.Web.Pages.Account;

/// <summary>
/// Signs out of the app; after a sign-in through the provider, also at the provider (<see cref="SingleSignOn.EndSessionUrlAsync"/>).
/// That second leg is a page that moves on by itself, not a redirect: the content security policy's
/// <c>form-action 'self'</c> also covers the redirects after the sign-out form, so a redirect to the provider would be blocked.
/// </summary>
public sealed class SignOutModel(SignInManager<AppUser> signIn, SingleSignOn singleSignOn, IOptions<SingleSignOnOptions> options) : PageModel
{
    /// <summary>The provider's end-session address to go on to; null when the sign-out ends here.</summary>
    public string? ProviderSignOutUrl { get; private set; }

    public string ProviderName => options.Value.DisplayNameFor(System.Globalization.CultureInfo.CurrentUICulture);

    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        var idToken = await HttpContext.GetTokenAsync(IdentityConstants.ApplicationScheme, SingleSignOn.IdTokenName);
        await signIn.SignOutAsync();
        ProviderSignOutUrl = await singleSignOn.EndSessionUrlAsync(idToken, $"{Request.Scheme}://{Request.Host}", HttpContext.RequestAborted);
        if (ProviderSignOutUrl is null)
        {
            return LocalRedirect("/");
        }

        // This page's layout shows the visitor as signed out, as they now are.
        HttpContext.User = new ClaimsPrincipal(new ClaimsIdentity());
        return Page();
    }
}
