using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Account;

[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(NtmWorkflow.Web.Infrastructure.RateLimits.SignIn)]
public sealed class SignInModel(SignInManager<AppUser> signIn, AppDbContext db, IStringLocalizer<SharedResource> text,
    Microsoft.Extensions.Options.IOptions<IdentityOptions> identity, Microsoft.Extensions.Options.IOptions<SingleSignOnOptions> singleSignOn,
    ILogger<SignInModel> logger) : PageModel
{
    [BindProperty]
    public SignInInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Problem { get; private set; }

    /// <summary>The provider's name on the single sign-on button, in the reader's language; null when single sign-on is off.</summary>
    public string? SingleSignOnProvider => singleSignOn.Value.Enabled ? singleSignOn.Value.DisplayNameFor(System.Globalization.CultureInfo.CurrentUICulture) : null;

    /// <summary>Where the single sign-on button goes: the provider, then back to where the official was going.</summary>
    public string SingleSignOnUrl => Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/account/sign-in/external",
        Url.IsLocalUrl(ReturnUrl) ? new Dictionary<string, string?> { ["handler"] = "Start", ["ReturnUrl"] = ReturnUrl } : new Dictionary<string, string?> { ["handler"] = "Start" });

    /// <summary>Why single sign-on was refused (<see cref="SingleSignOnOutcome"/>, from the provider's return); anything else is ignored.</summary>
    public void OnGet(string? sso)
    {
        if (Enum.TryParse<SingleSignOnOutcome>(sso, ignoreCase: false, out var refused) && refused != SingleSignOnOutcome.SignedIn && Enum.IsDefined(refused))
        {
            Problem = text[$"Sso_Refused_{refused}"];
        }
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var result = await signIn.PasswordSignInAsync(Input.UserName!, Input.Password!, Input.RememberMe, lockoutOnFailure: true);
        AuditTrail.Record(db, Input.UserName!, result.Succeeded ? "account.signedIn" : "account.signInFailed", $"user/{Input.UserName}",
            new { lockedOut = result.IsLockedOut, address = HttpContext.Connection.RemoteIpAddress?.ToString() });
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        if (result.Succeeded)
        {
            logger.LogInformation("{UserName} signed in", Input.UserName);
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
        }

        Problem = result.IsLockedOut ? text["LockedOut", (int)Math.Ceiling(identity.Value.Lockout.DefaultLockoutTimeSpan.TotalMinutes)] : text["InvalidSignIn"];
        logger.LogWarning("Failed sign-in for {UserName} (locked out: {LockedOut})", Input.UserName, result.IsLockedOut);
        return Page();
    }

    public sealed class SignInInput
    {
        [Required(ErrorMessage = "Required")]
        [Display(Name = "UserName")]
        [StringLength(256)]
        public string? UserName { get; set; }

        [Required(ErrorMessage = "Required")]
        [Display(Name = "Password")]
        [StringLength(256)]
        public string? Password { get; set; }

        public bool RememberMe { get; set; }
    }
}
