using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Features.Designer;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Infrastructure.Excel;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Accounts;

/// <summary>A unit key with what the pages show of it: its name (when known) and its province (null for the national unit or an unknown commune).</summary>
public sealed record UnitInfo(string Key, string Kind, string Code, string? Name, string? Province);

/// <summary>A role held at a unit over a period, as the user page lists it.</summary>
public sealed record AssignmentView(int Id, UnitInfo Unit, string Role, DateOnly ValidFrom, DateOnly? ValidTo, string CreatedBy, DateTimeOffset CreatedAt, bool Current, bool InReach);

public sealed record UserRowView(string UserName, string FullName, string? Email, bool Locked, bool DigestOptOut, IReadOnlyList<(UnitInfo Unit, string Role)> Today);

public sealed record UserListPage(IReadOnlyList<UserRowView> Users, int Matching, int Page, int Pages);

/// <summary>What the user page shows: the account, every assignment, the candidate groups today, and what the administrator may do.</summary>
public sealed record UserDetailView(
    string UserName, string FullName, string? Email, bool Locked, DateTimeOffset? LockedUntil, bool DigestOptOut, IReadOnlyList<AssignmentView> Assignments,
    IReadOnlyList<string> GroupsToday, bool Manageable, IReadOnlyList<UserLoginInfo> ExternalLogins);

/// <summary>A new account: user name, full name, email and the initial password (checked by Identity's password policy).</summary>
public sealed record NewAccount(string? UserName, string? FullName, string? Email, string? Password);

/// <summary>Why an administration action was refused; <see cref="Codes"/> are Identity's error codes (or ours) for the page to explain.</summary>
public sealed class UserAdministrationException(string message, IReadOnlyList<string>? codes = null, bool forbidden = false, bool notFound = false) : Exception(message)
{
    public IReadOnlyList<string> Codes { get; } = codes ?? [];

    public bool Forbidden { get; } = forbidden;

    public bool NotFound { get; } = notFound;
}

/// <summary>
/// Accounts and role assignments for the settings pages (administrators only). A national administrator manages
/// everyone; an administrator of a province sees the people who hold a role in the province today (or none
/// anywhere, like a new account), assigns and ends roles at the province's units only, and locks or changes the
/// preferences of the people all of whose roles are in the province. Every change is audited.
/// </summary>
public sealed class UserAdministration(AppDbContext db, UserManager<AppUser> users, OrganisationService organisation, TimeProvider clock)
{
    public const int PageSize = 50;

    private DateOnly Today => clock.GetUtcNow().VietnamDate();

    /// <summary>Administrators, national or of a province, open the settings pages.</summary>
    public static bool MayAdminister(Official official) => DesignerService.MayDesign(official);

    /// <summary>Null for a national administrator (every province); else the provinces the official administers.</summary>
    public static IReadOnlySet<string>? Provinces(Official official)
    {
        ArgumentNullException.ThrowIfNull(official);
        var held = official.Assignments.Where(a => a.Role == Roles.Administrator).ToList();
        return held.Any(a => a.Unit.Kind == UnitKey.National)
            ? null
            : held.Select(a => a.Unit.ProvinceCode).OfType<string>().ToHashSet(StringComparer.Ordinal);
    }

    // ---- Reading --------------------------------------------------------------------------------------------

    public async Task<UserListPage> ListAsync(Official admin, string? search, int page, CancellationToken ct)
    {
        var matching = await MatchingAsync(admin, search, ct);
        var pages = Math.Max(1, (matching.Count + PageSize - 1) / PageSize);
        var current = Math.Clamp(page, 1, pages);
        return new UserListPage([.. matching.Skip((current - 1) * PageSize).Take(PageSize)], matching.Count, current, pages);
    }

    /// <summary>The accounts <see cref="ListAsync"/> lists for the search, every page of them in the same order, at most <paramref name="limit"/>: the Excel export.</summary>
    public async Task<ExportRows<UserRowView>> ExportAsync(Official admin, string? search, int limit, CancellationToken ct)
    {
        var matching = await MatchingAsync(admin, search, ct);
        return new ExportRows<UserRowView>([.. matching.Take(limit)], matching.Count);
    }

    /// <summary>The accounts the administrator manages with their roles today, searched, by user name.</summary>
    private async Task<List<UserRowView>> MatchingAsync(Official admin, string? search, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var reach = Provinces(admin);
        var day = Today;
        var today = await db.RoleAssignments.AsNoTracking().Where(a => a.ValidFrom <= day && (a.ValidTo == null || a.ValidTo >= day))
            .Select(a => new { a.UserId, a.UnitKey, a.Role }).ToListAsync(ct);
        var units = await DescribeAsync(today.Select(a => a.UnitKey), ct);
        var held = today.GroupBy(a => a.UserId).ToDictionary(g => g.Key, g => g.Select(a => (Unit: units[a.UnitKey], a.Role)).OrderBy(a => a.Unit.Key, StringComparer.Ordinal).ToList());
        var now = clock.GetUtcNow();
        var all = await users.Users.AsNoTracking().Select(u => new { u.Id, u.UserName, u.FullName, u.Email, u.LockoutEnd, u.DigestOptOut }).ToListAsync(ct);
        var text = search?.Trim();
        return all
            .Select(u => new UserRowView(u.UserName!, u.FullName, u.Email, u.LockoutEnd > now, u.DigestOptOut, held.GetValueOrDefault(u.Id) ?? []))
            .Where(u => Visible(reach, u.Today.Select(t => t.Unit)))
            .Where(u => string.IsNullOrEmpty(text) || u.UserName.Contains(text, StringComparison.OrdinalIgnoreCase) || u.FullName.Contains(text, StringComparison.OrdinalIgnoreCase)
                        || (u.Email?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false)
                        || u.Today.Any(t => t.Unit.Key.Contains(text, StringComparison.OrdinalIgnoreCase) || (t.Unit.Name?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false)
                                            || t.Role.Equals(text, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(u => u.UserName, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>The user page; throws (not found) for an unknown user or one outside the administrator's provinces.</summary>
    public async Task<UserDetailView> DetailAsync(Official admin, string userName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var user = await FindAsync(userName);
        var reach = Provinces(admin);
        var rows = await db.RoleAssignments.AsNoTracking().Where(a => a.UserId == user.Id).OrderByDescending(a => a.ValidFrom).ThenByDescending(a => a.Id).ToListAsync(ct);
        var units = await DescribeAsync(rows.Select(r => r.UnitKey), ct);
        var day = Today;
        var assignments = rows.Select(r => new AssignmentView(r.Id, units[r.UnitKey], r.Role, r.ValidFrom, r.ValidTo, r.CreatedBy, r.CreatedAt, r.IsValidOn(day),
            InReach(reach, units[r.UnitKey]))).ToList();
        var current = assignments.Where(a => a.Current).Select(a => a.Unit).ToList();
        if (!Visible(reach, current))
        {
            throw new UserAdministrationException($"There is no user '{userName}' among the people you administer.", notFound: true);
        }

        var official = await organisation.FindOfficialAsync(user.UserName!, day, ct);
        var now = clock.GetUtcNow();
        return new UserDetailView(user.UserName!, user.FullName, user.Email, user.LockoutEnd > now, user.LockoutEnd > now ? user.LockoutEnd : null, user.DigestOptOut,
            assignments, [.. (official?.Groups ?? new HashSet<string>()).Order(StringComparer.Ordinal)], Manageable(reach, current),
            [.. (await users.GetLoginsAsync(user)).OrderBy(l => l.LoginProvider, StringComparer.Ordinal)]);
    }

    /// <summary>
    /// The units an administrator can pick for a province on a day: the province itself, its coordination office,
    /// council and departments, and its communes in force; the national unit for a national administrator.
    /// </summary>
    public async Task<IReadOnlyList<UnitInfo>> UnitChoicesAsync(Official admin, string? provinceCode, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var reach = Provinces(admin);
        var day = Today;
        var choices = new List<UnitInfo>();
        if (reach is null)
        {
            choices.Add(new UnitInfo("national:VN", UnitKey.National, "VN", null, null));
        }

        if (provinceCode is null || (reach is not null && !reach.Contains(provinceCode)))
        {
            return choices;
        }

        var province = await db.AdministrativeUnits.AsNoTracking()
            .Where(u => u.Level == AdministrativeLevel.Province && u.Code == provinceCode && (u.ValidFrom == null || u.ValidFrom <= day) && (u.ValidTo == null || u.ValidTo >= day))
            .Select(u => new { u.Id, u.Name }).FirstOrDefaultAsync(ct);
        if (province is null)
        {
            return choices;
        }

        choices.Add(new UnitInfo($"province:{provinceCode}", UnitKey.Province, provinceCode, province.Name, provinceCode));
        choices.Add(new UnitInfo($"coordination-office:{provinceCode}", UnitKey.CoordinationOffice, provinceCode, province.Name, provinceCode));
        choices.Add(new UnitInfo($"council:{provinceCode}", UnitKey.Council, provinceCode, province.Name, provinceCode));
        var kinds = await db.DepartmentKinds.AsNoTracking().Where(k => (k.ValidFrom == null || k.ValidFrom <= day) && (k.ValidTo == null || k.ValidTo >= day))
            .OrderBy(k => k.Name).Select(k => new { k.Code, k.Name }).ToListAsync(ct);
        choices.AddRange(kinds.Select(k => new UnitInfo($"department:{provinceCode}/{k.Code}", UnitKey.Department, $"{provinceCode}/{k.Code}", k.Name, provinceCode)));
        var inForce = db.AdministrativeUnits.AsNoTracking().Where(u => (u.ValidFrom == null || u.ValidFrom <= day) && (u.ValidTo == null || u.ValidTo >= day));
        var districts = await inForce.Where(u => u.Level == AdministrativeLevel.District && u.ParentId == province.Id).OrderBy(u => u.Code)
            .Select(u => new { u.Id, u.Code, u.Name }).ToListAsync(ct);
        choices.AddRange(districts.Select(d => new UnitInfo($"district:{d.Code}", UnitKey.District, d.Code, d.Name, provinceCode)));
        var parents = districts.Select(d => d.Id).Append(province.Id).ToList();
        var communes = await inForce.Where(u => u.Level == AdministrativeLevel.Commune && u.ParentId != null && parents.Contains(u.ParentId.Value)).OrderBy(u => u.Code)
            .Select(u => new { u.Code, u.Name }).ToListAsync(ct);
        choices.AddRange(communes.Select(c => new UnitInfo($"commune:{c.Code}", UnitKey.Commune, c.Code, c.Name, provinceCode)));
        return choices;
    }

    /// <summary>The provinces in force today, code and name, for the pickers.</summary>
    public async Task<IReadOnlyList<(string Code, string Name)>> ProvincesInForceAsync(CancellationToken ct)
    {
        var day = Today;
        var rows = await db.AdministrativeUnits.AsNoTracking()
            .Where(u => u.Level == AdministrativeLevel.Province && (u.ValidFrom == null || u.ValidFrom <= day) && (u.ValidTo == null || u.ValidTo >= day))
            .OrderBy(u => u.Code).Select(u => new { u.Code, u.Name }).ToListAsync(ct);
        return [.. rows.Select(r => (r.Code, r.Name))];
    }

    // ---- Changes --------------------------------------------------------------------------------------------

    public async Task<AppUser> CreateAsync(Official admin, NewAccount account, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(account);
        RequireAdministrator(admin);
        var userName = account.UserName?.Trim() ?? "";
        var fullName = account.FullName?.Trim() ?? "";
        var email = string.IsNullOrWhiteSpace(account.Email) ? null : account.Email.Trim();
        var problems = new List<(string Code, string Message)>();
        if (userName.Length is 0 or > 256)
        {
            problems.Add(("UserNameRequired", "A user name is required (at most 256 characters)."));
        }

        if (fullName.Length is 0 or > 200)
        {
            problems.Add(("FullNameRequired", "A full name is required (at most 200 characters)."));
        }

        if (email is not null && (email.Length > 256 || !MailAddress.TryCreate(email, out _)))
        {
            problems.Add(("InvalidEmail", $"'{email}' is not an email address."));
        }
        else if (email is not null && await users.Users.AsNoTracking().Where(u => u.NormalizedEmail == users.NormalizeEmail(email)).Select(u => u.UserName).FirstOrDefaultAsync(ct) is { } holder)
        {
            // Addresses need not be unique to Identity, but two accounts on one address would get each other's mail.
            problems.Add(("DuplicateEmail", $"The address {email} is already the address of {holder}."));
        }

        if (string.IsNullOrEmpty(account.Password))
        {
            problems.Add(("PasswordRequired", "An initial password is required."));
        }

        if (problems.Count > 0)
        {
            throw new UserAdministrationException(string.Join(" ", problems.Select(p => p.Message)), [.. problems.Select(p => p.Code)]);
        }

        var user = new AppUser { UserName = userName, FullName = fullName, Email = email, EmailConfirmed = email is not null, LockoutEnabled = true };

        // The entry is saved by the same SaveChanges that creates the account, or dropped when Identity refuses it.
        AuditTrail.Record(db, admin.UserName, "user.created", $"user/{userName}", new { userName, fullName, email });
        var result = await users.CreateAsync(user, account.Password!);
        if (!result.Succeeded)
        {
            foreach (var pending in db.ChangeTracker.Entries<AuditEntryRow>().Where(e => e.State == EntityState.Added).ToList())
            {
                pending.State = EntityState.Detached;
            }

            throw new UserAdministrationException(string.Join(" ", result.Errors.Select(e => e.Description)), [.. result.Errors.Select(e => e.Code)]);
        }

        return user;
    }

    /// <summary>Locks the account (no sign-in until unlocked; open sessions end at the next security-stamp check) or unlocks it.</summary>
    public async Task SetLockedAsync(Official admin, string userName, bool locked, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var user = await ManageableAsync(admin, userName, ct);
        if (locked && string.Equals(user.UserName, admin.UserName, StringComparison.OrdinalIgnoreCase))
        {
            throw new UserAdministrationException("You cannot lock your own account.", ["LockSelf"]);
        }

        AuditTrail.Record(db, admin.UserName, locked ? "user.locked" : "user.unlocked", $"user/{user.UserName}", new { userName = user.UserName });
        if (locked)
        {
            await users.SetLockoutEnabledAsync(user, true);
            Check(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue));
            Check(await users.UpdateSecurityStampAsync(user));
        }
        else
        {
            Check(await users.SetLockoutEndDateAsync(user, null));
            Check(await users.ResetAccessFailedCountAsync(user));
        }
    }

    /// <summary>
    /// Removes the account's link to an identity at the single sign-on provider (<c>Features.Accounts.SingleSignOn</c>):
    /// the next sign-in through the provider matches the account by its email or user name again. Ends open sessions.
    /// </summary>
    public async Task UnlinkAsync(Official admin, string userName, string? loginProvider, string? providerKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var user = await ManageableAsync(admin, userName, ct);
        var login = (await users.GetLoginsAsync(user)).FirstOrDefault(l => l.LoginProvider == loginProvider && l.ProviderKey == providerKey)
                    ?? throw new UserAdministrationException($"{user.UserName} has no link to '{providerKey}' at '{loginProvider}'.", ["NoSuchLink"]);
        AuditTrail.Record(db, admin.UserName, "user.externalLoginRemoved", $"user/{user.UserName}", new { userName = user.UserName, issuer = login.LoginProvider, subject = login.ProviderKey });
        Check(await users.RemoveLoginAsync(user, login.LoginProvider, login.ProviderKey));
    }

    /// <summary>Sets whether the user gets the daily digest: themselves (<paramref name="actor"/> is the user), or an administrator who manages them.</summary>
    public async Task SetDigestOptOutAsync(Official actor, string userName, bool optOut, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var user = string.Equals(actor.UserName, userName, StringComparison.OrdinalIgnoreCase) ? await FindAsync(userName) : await ManageableAsync(actor, userName, ct);
        AuditTrail.Record(db, actor.UserName, "user.digestPreference", $"user/{user.UserName}", new { userName = user.UserName, before = user.DigestOptOut, after = optOut });
        user.DigestOptOut = optOut;
        Check(await users.UpdateAsync(user));
    }

    /// <summary>Gives the user a role at a unit from a day; the unit must be in the administrator's provinces.</summary>
    public async Task<RoleAssignmentRow> AssignAsync(Official admin, string userName, string? unitKey, string? role, DateOnly? from, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(admin);
        RequireAdministrator(admin);
        var user = await FindAsync(userName);
        await DetailAsync(admin, user.UserName!, ct); // not found outside the administrator's reach
        if (!UnitKey.TryParse(unitKey?.Trim(), out var unit))
        {
            throw new UserAdministrationException(
                $"'{unitKey}' is not a unit: choose one from the list, or write national:VN, province:CODE, commune:CODE, department:PROVINCE/KIND, coordination-office:PROVINCE or council:PROVINCE.",
                ["InvalidUnit"]);
        }

        if (string.IsNullOrWhiteSpace(role))
        {
            throw new UserAdministrationException("Choose a role.", ["RoleRequired"]);
        }

        if (!admin.Administers(await organisation.ProvinceOfAsync(unit, ct)))
        {
            throw new UserAdministrationException($"You do not administer the units of {unit}.", ["NotYourUnit"], forbidden: true);
        }

        try
        {
            return await organisation.AssignAsync(user.UserName!, unit.ToString(), role.Trim(), from, admin.UserName, ct);
        }
        catch (OrganisationException e)
        {
            throw new UserAdministrationException(e.Message, ["AssignmentRefused"]);
        }
    }

    /// <summary>Ends one of the user's assignments on a day (its last day); the unit must be in the administrator's provinces.</summary>
    public async Task<RoleAssignmentRow> EndAsync(Official admin, string userName, int assignmentId, DateOnly? lastDay, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(admin);
        RequireAdministrator(admin);
        var user = await FindAsync(userName);
        var row = await db.RoleAssignments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == assignmentId && a.UserId == user.Id, ct)
                  ?? throw new UserAdministrationException($"{user.UserName} has no role assignment {assignmentId}.", notFound: true);
        if (!UnitKey.TryParse(row.UnitKey, out var unit) || !admin.Administers(await organisation.ProvinceOfAsync(unit, ct)))
        {
            throw new UserAdministrationException($"You do not administer the units of {row.UnitKey}.", ["NotYourUnit"], forbidden: true);
        }

        if (row.ValidTo is { } ended && ended < Today)
        {
            throw new UserAdministrationException($"The assignment already ended on {ended:dd/MM/yyyy}.", ["AlreadyEnded"]);
        }

        try
        {
            return await organisation.EndAsync(user.UserName!, assignmentId, lastDay, admin.UserName, ct);
        }
        catch (OrganisationException e)
        {
            throw new UserAdministrationException(e.Message, ["EndRefused"]);
        }
    }

    // ---- Helpers --------------------------------------------------------------------------------------------

    private static void RequireAdministrator(Official admin)
    {
        if (!MayAdminister(admin))
        {
            throw new UserAdministrationException($"{admin.UserName} administers no unit.", forbidden: true);
        }
    }

    private async Task<AppUser> FindAsync(string userName) =>
        await users.FindByNameAsync(userName?.Trim() ?? "") ?? throw new UserAdministrationException($"There is no user '{userName}'.", notFound: true);

    /// <summary>The user, when the administrator manages them (every role they hold today is in the administrator's provinces).</summary>
    private async Task<AppUser> ManageableAsync(Official admin, string userName, CancellationToken ct)
    {
        RequireAdministrator(admin);
        var user = await FindAsync(userName);
        var detail = await DetailAsync(admin, user.UserName!, ct);
        return detail.Manageable
            ? user
            : throw new UserAdministrationException($"{user.UserName} also holds roles outside the provinces you administer: a national administrator changes this account.",
                ["NotManageable"], forbidden: true);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new UserAdministrationException(string.Join(" ", result.Errors.Select(e => e.Description)), [.. result.Errors.Select(e => e.Code)]);
        }
    }

    private static bool InReach(IReadOnlySet<string>? reach, UnitInfo unit) => reach is null || (unit.Province is { } p && reach.Contains(p));

    /// <summary>Seen by the administrator: a national one sees everyone; a provincial one, people with a role in the province today or with none at all.</summary>
    private static bool Visible(IReadOnlySet<string>? reach, IEnumerable<UnitInfo> today)
    {
        var units = today.ToList();
        return reach is null || units.Count == 0 || units.Any(u => InReach(reach, u));
    }

    private static bool Manageable(IReadOnlySet<string>? reach, IReadOnlyList<UnitInfo> today) => reach is null || today.All(u => InReach(reach, u));

    /// <summary>Names and provinces of unit keys, in one query per kind of unit.</summary>
    private async Task<Dictionary<string, UnitInfo>> DescribeAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        var distinct = keys.Distinct(StringComparer.Ordinal).ToList();
        var parsed = distinct.Select(k => (Key: k, Ok: UnitKey.TryParse(k, out var unit), Unit: unit)).ToList();
        string[] CodesOf(string kind) => [.. parsed.Where(p => p.Ok && p.Unit.Kind == kind).Select(p => p.Unit.Code).Distinct(StringComparer.Ordinal)];
        var communes = CodesOf(UnitKey.Commune);
        var districts = CodesOf(UnitKey.District);

        var local = await db.AdministrativeUnits.AsNoTracking()
            .Where(u => (u.Level == AdministrativeLevel.Commune && communes.Contains(u.Code)) || (u.Level == AdministrativeLevel.District && districts.Contains(u.Code)))
            .Select(u => new
            {
                u.Level, u.Code, u.Name, Current = u.ValidTo == null, u.ValidFrom,
                Province = u.Parent == null ? null : u.Parent.Level == AdministrativeLevel.Province ? u.Parent.Code : u.Parent.Parent == null ? null : u.Parent.Parent.Code,
            }).ToListAsync(ct);
        var provinceCodes = parsed.Where(p => p.Ok).Select(p => p.Unit.ProvinceCode).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var provinces = (await db.AdministrativeUnits.AsNoTracking().Where(u => u.Level == AdministrativeLevel.Province && provinceCodes.Contains(u.Code))
                .Select(u => new { u.Code, u.Name, Current = u.ValidTo == null }).ToListAsync(ct))
            .OrderByDescending(u => u.Current).DistinctBy(u => u.Code).ToDictionary(u => u.Code, u => u.Name, StringComparer.Ordinal);
        var kinds = await db.DepartmentKinds.AsNoTracking().ToDictionaryAsync(k => k.Code, k => k.Name, ct);

        var result = new Dictionary<string, UnitInfo>(StringComparer.Ordinal);
        foreach (var (key, ok, unit) in parsed)
        {
            if (!ok)
            {
                result[key] = new UnitInfo(key, "", key, null, null);
                continue;
            }

            switch (unit.Kind)
            {
                case UnitKey.Commune or UnitKey.District:
                    var level = unit.Kind == UnitKey.Commune ? AdministrativeLevel.Commune : AdministrativeLevel.District;
                    var found = local.Where(u => u.Level == level && u.Code == unit.Code).OrderByDescending(u => u.Current).ThenByDescending(u => u.ValidFrom).FirstOrDefault();
                    result[key] = new UnitInfo(key, unit.Kind, unit.Code, found?.Name, found?.Province);
                    break;
                case UnitKey.Department:
                    var kind = unit.Code.Split('/')[1];
                    result[key] = new UnitInfo(key, unit.Kind, unit.Code, $"{kinds.GetValueOrDefault(kind) ?? kind} – {provinces.GetValueOrDefault(unit.ProvinceCode!) ?? unit.ProvinceCode}", unit.ProvinceCode);
                    break;
                case UnitKey.National:
                    result[key] = new UnitInfo(key, unit.Kind, unit.Code, null, null);
                    break;
                default:
                    result[key] = new UnitInfo(key, unit.Kind, unit.Code, provinces.GetValueOrDefault(unit.ProvinceCode!), unit.ProvinceCode);
                    break;
            }
        }

        return result;
    }
}
