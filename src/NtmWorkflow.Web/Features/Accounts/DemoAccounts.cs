using Microsoft.AspNetCore.Identity;

namespace NtmWorkflow.Web.Features.Accounts;

/// <summary>Section <c>Demo</c>: demo accounts for a local trial. Never enable in production.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    public bool Enabled { get; set; }

    /// <summary>Also seed demo dossiers (<see cref="Dossiers.DemoDossiers"/>) into a database that has none.</summary>
    public bool Dossiers { get; set; }

    /// <summary>The password every demo account gets.</summary>
    public string Password { get; set; } = "NtmDemo@2026";
}

/// <summary>
/// Creates the roles, and when demo data is on, one account per role (listed in the README), each holding its
/// role at a unit of the demo province, Tuyên Quang (08): the commune is Xã Ngọc Đường (00700).
/// </summary>
public sealed class DemoAccounts(UserManager<AppUser> users, RoleManager<IdentityRole> roles, Organisation.OrganisationService organisation, ILogger<DemoAccounts> logger)
{
    public static IReadOnlyList<(string UserName, string FullName, string Role, string Unit)> Accounts { get; } =
    [
        ("admin", "Trần Thị Mai", Roles.Administrator, "national:VN"),
        ("vpdp", "Lê Anh Tuấn", Roles.CoordinationOffice, "coordination-office:08"),
        ("xa.lan", "Nguyễn Thị Lan", Roles.CommuneOfficer, "commune:00700"),
        ("xa.binh", "Trần Văn Bình", Roles.CommuneOfficer, "commune:00706"),
        ("xa.sinh", "Thào Văn Sính", Roles.CommuneOfficer, "commune:00715"),
        ("so.hoa", "Phạm Thị Hoa", Roles.DepartmentReviewer, "department:08/noi-vu"),
        ("hd.son", "Đỗ Văn Sơn", Roles.CouncilMember, "council:08"),
        ("hd.thu", "Vũ Thị Thu", Roles.CouncilSecretary, "council:08"),
        ("hd.hung", "Nguyễn Văn Hùng", Roles.CouncilMember, "council:08"),
        ("hd.nga", "Lê Thị Nga", Roles.CouncilMember, "council:08"),
        ("hd.minh", "Vũ Đức Minh", Roles.CouncilMember, "council:08"),
        ("ct.tinh", "Hoàng Văn Chính", Roles.Chairman, "province:08"),
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
        foreach (var (userName, fullName, role, unit) in Accounts)
        {
            if (await users.FindByNameAsync(userName) is null)
            {
                var user = new AppUser { UserName = userName, FullName = fullName, Email = $"{userName}@demo.ntmworkflow.local", EmailConfirmed = true };
                Check(await users.CreateAsync(user, password), $"demo account {userName}");
                Check(await users.AddToRoleAsync(user, role), $"role of demo account {userName}");
                logger.LogInformation("Created demo account {UserName} ({Role} at {Unit})", userName, role, unit);
            }

            if ((await organisation.AssignmentsOfAsync(userName, CancellationToken.None)).Count == 0)
            {
                await organisation.AssignAsync(userName, unit, role, new DateOnly(2025, 7, 1), "seed", CancellationToken.None);
            }
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
