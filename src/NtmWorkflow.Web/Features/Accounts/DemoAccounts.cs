using Microsoft.AspNetCore.Identity;

namespace NtmWorkflow.Web.Features.Accounts;

/// <summary>Section <c>Demo</c>: demo accounts for a local trial. Never enable in production.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    public bool Enabled { get; set; }

    /// <summary>The password every demo account gets.</summary>
    public string Password { get; set; } = "NtmDemo@2026";
}

/// <summary>Creates the roles, and when demo data is on, one account per role (listed in the README).</summary>
public sealed class DemoAccounts(UserManager<AppUser> users, RoleManager<IdentityRole> roles, ILogger<DemoAccounts> logger)
{
    public static IReadOnlyList<(string UserName, string FullName, string Role)> Accounts { get; } =
    [
        ("admin", "Trần Thị Mai", Roles.Administrator),
        ("vpdp", "Lê Anh Tuấn", Roles.CoordinationOffice),
        ("xa.lan", "Nguyễn Thị Lan", Roles.CommuneOfficer),
        ("so.hoa", "Phạm Thị Hoa", Roles.DepartmentReviewer),
        ("hd.son", "Đỗ Văn Sơn", Roles.CouncilMember),
        ("hd.thu", "Vũ Thị Thu", Roles.CouncilSecretary),
    ];

    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), $"role {role}");
            }
        }
    }

    public async Task EnsureAccountsAsync(string password)
    {
        foreach (var (userName, fullName, role) in Accounts)
        {
            if (await users.FindByNameAsync(userName) is not null)
            {
                continue;
            }

            var user = new AppUser { UserName = userName, FullName = fullName, Email = $"{userName}@demo.ntmworkflow.local", EmailConfirmed = true };
            Check(await users.CreateAsync(user, password), $"demo account {userName}");
            Check(await users.AddToRoleAsync(user, role), $"role of demo account {userName}");
            logger.LogInformation("Created demo account {UserName} ({Role})", userName, role);
        }
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not create {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}
