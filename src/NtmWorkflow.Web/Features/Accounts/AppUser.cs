using Microsoft.AspNetCore.Identity;

namespace NtmWorkflow.Web.Features.Accounts;

/// <summary>An official, council member or administrator who signs in.</summary>
public sealed class AppUser : IdentityUser
{
    /// <summary>The name shown in the UI and on documents, e.g. "Nguyễn Thị Lan".</summary>
    public required string FullName { get; set; }

    /// <summary>
    /// True when the official does not want the daily digest mail (<c>Features.Notifications.DailyDigest</c>); they
    /// set it themselves on <c>/account/preferences</c>, an administrator on their user page.
    /// </summary>
    public bool DigestOptOut { get; set; }
}
