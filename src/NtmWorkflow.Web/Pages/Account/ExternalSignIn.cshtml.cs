using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using NtmWorkflow.Web.Features.Accounts;

namespace NtmWorkflow.Web.Pages.Account;

/// <summary>
/// Sign-in through the province's identity provider (<see cref="SingleSignOnOptions"/>): the sign-in page's button
/// links here (<c>?handler=Start</c>) and goes on to the provider; the provider's answer (checked by the OpenID Connect
/// handler at the callback path) comes back here, where <see cref="SingleSignOn"/> finds the account. Not found when
/// single sign-on is off.
/// </summary>
/// <remarks>
/// The start is a link, not a form: the content security policy's <c>form-action 'self'</c> also applies to the
/// redirects after a form is sent, so a form could not go on to the provider. Starting changes nothing in the app; the
/// answer is bound to the browser that started it by the handler's state and nonce cookies, and PKCE.
/// </remarks>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(NtmWorkflow.Web.Infrastructure.RateLimits.SignIn)]
public sealed class ExternalSignInModel(IOptions<SingleSignOnOptions> options, SingleSignOn singleSignOn) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Goes to the provider; it sends the browser back to <see cref="OnGetAsync"/>.</summary>
    public IActionResult OnGetStart()
    {
        if (!options.Value.Enabled)
        {
            return NotFound();
        }

        var back = Url.Page("/Account/ExternalSignIn", new { ReturnUrl = LocalOrNull(ReturnUrl) });
        return Challenge(new AuthenticationProperties { RedirectUri = back }, SingleSignOnOptions.Scheme);
    }

    /// <summary>The provider's identity, held in the external cookie for this one step, becomes the app's sign-in or a refusal.</summary>
    public async Task<IActionResult> OnGetAsync()
    {
        if (!options.Value.Enabled)
        {
            return NotFound();
        }

        var external = await HttpContext.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        if (!external.Succeeded || external.Principal is null)
        {
            return LocalRedirect(SignInPage(null));
        }

        var idToken = external.Properties?.Items.TryGetValue(SingleSignOn.IdTokenItem, out var token) == true ? token : null;
        var outcome = await singleSignOn.SignInAsync(external.Principal, idToken, HttpContext.Connection.RemoteIpAddress?.ToString(), HttpContext.RequestAborted);
        return outcome == SingleSignOnOutcome.SignedIn
            ? LocalRedirect(LocalOrNull(ReturnUrl) ?? "/")
            : LocalRedirect(SignInPage(outcome));
    }

    /// <summary>The sign-in page, saying why when <paramref name="refused"/>, keeping where the official was going.</summary>
    private string SignInPage(SingleSignOnOutcome? refused)
    {
        var query = new Dictionary<string, string?>();
        if (refused is { } outcome)
        {
            query["sso"] = outcome.ToString();
        }

        if (LocalOrNull(ReturnUrl) is { } back)
        {
            query["ReturnUrl"] = back;
        }

        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/account/sign-in", query);
    }

    private string? LocalOrNull(string? url) => Url.IsLocalUrl(url) ? url : null;
}
