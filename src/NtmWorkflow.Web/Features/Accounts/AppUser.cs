using Microsoft.AspNetCore.Identity;

namespace NtmWorkflow.Web.Features.Accounts;

/// <summary>An official, council member or administrator who signs in.</summary>
public sealed class AppUser : IdentityUser
{
    /// <summary>The name shown in the UI and on documents, e.g. "Nguyễn Thị Lan".</summary>
    public required string FullName { get; set; }
}
