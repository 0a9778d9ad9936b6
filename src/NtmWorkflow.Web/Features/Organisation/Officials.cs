using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Organisation;

/// <summary>A role an official holds at a unit over a period (a user may hold several, at several units).</summary>
public sealed class RoleAssignmentRow
{
    public int Id { get; set; }

    public required string UserId { get; set; }

    /// <summary><see cref="Organisation.UnitKey"/> as text, e.g. <c>department:01/noi-vu</c>.</summary>
    public required string UnitKey { get; set; }

    public required string Role { get; set; }

    public DateOnly ValidFrom { get; set; }

    public DateOnly? ValidTo { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public bool IsValidOn(DateOnly day) => ValidFrom <= day && (ValidTo is null || day <= ValidTo);
}

/// <summary>An official as the app sees them on a day: who they are and what they hold where.</summary>
public sealed record Official(string UserId, string UserName, string FullName, string? Email, IReadOnlyList<(UnitKey Unit, string Role)> Assignments)
{
    /// <summary>The workflow candidate groups the official is in.</summary>
    public IReadOnlySet<string> Groups { get; } = Assignments.SelectMany(a => CandidateGroups.Of(a.Unit, a.Role)).ToHashSet(StringComparer.Ordinal);

    public bool Holds(string role, UnitKey unit) => Assignments.Any(a => a.Role == role && a.Unit == unit);

    /// <summary>An administrator of the province; a national administrator administers every province and the national values (province null).</summary>
    public bool Administers(string? provinceCode) =>
        Assignments.Any(a => a.Role == Roles.Administrator && (a.Unit.Kind == UnitKey.National || (provinceCode is not null && a.Unit.ProvinceCode == provinceCode)));

    /// <summary>Holds any role at a provincial body or the province itself.</summary>
    public bool WorksInProvince(string provinceCode) => Assignments.Any(a => a.Unit.ProvinceCode == provinceCode);
}

public sealed class OrganisationException(string message) : Exception(message);

/// <summary>Who holds which role where: reads officials and group members, and assigns or ends roles (audited).</summary>
public sealed class OrganisationService(AppDbContext db, UserManager<AppUser> users, TimeProvider clock)
{
    private DateOnly Today => VietnamTime.VietnamDate(clock.GetUtcNow());

    /// <summary>The official of that user name with the roles they hold on <paramref name="on"/> (today by default); null when unknown.</summary>
    public async Task<Official?> FindOfficialAsync(string userName, DateOnly? on, CancellationToken cancellationToken)
    {
        var user = await users.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedUserName == users.NormalizeName(userName), cancellationToken);
        if (user is null)
        {
            return null;
        }

        var day = on ?? Today;
        var rows = await db.RoleAssignments.AsNoTracking().Where(a => a.UserId == user.Id && a.ValidFrom <= day && (a.ValidTo == null || a.ValidTo >= day))
            .ToListAsync(cancellationToken);
        return new Official(user.Id, user.UserName!, user.FullName, user.Email,
            [.. rows.Select(r => UnitKey.TryParse(r.UnitKey, out var unit) ? (unit, r.Role) : default).Where(a => a.Role is not null)]);
    }

    /// <summary>Users in a candidate group on a day (by user name), sorted.</summary>
    public async Task<IReadOnlyList<AppUser>> MembersOfGroupAsync(string group, DateOnly? on, CancellationToken cancellationToken) =>
        CandidateGroups.Parse(group) is { } parsed ? await HoldersAsync(parsed.Unit, parsed.Role, on, cancellationToken) : [];

    /// <summary>The heads (thủ trưởng) of the unit a candidate group belongs to.</summary>
    public async Task<IReadOnlyList<AppUser>> HeadsOfGroupAsync(string group, DateOnly? on, CancellationToken cancellationToken) =>
        CandidateGroups.Parse(group) is { } parsed ? await HoldersAsync(parsed.Unit, Roles.Head, on, cancellationToken) : [];

    public async Task<IReadOnlyList<AppUser>> HoldersAsync(UnitKey unit, string role, DateOnly? on, CancellationToken cancellationToken)
    {
        var day = on ?? Today;
        var key = unit.ToString();
        var ids = db.RoleAssignments.Where(a => a.UnitKey == key && a.Role == role && a.ValidFrom <= day && (a.ValidTo == null || a.ValidTo >= day)).Select(a => a.UserId);
        return await users.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).OrderBy(u => u.UserName).ToListAsync(cancellationToken);
    }

    public async Task<List<RoleAssignmentRow>> AssignmentsOfAsync(string userName, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(userName) ?? throw new KeyNotFoundException($"There is no user '{userName}'.");
        return await db.RoleAssignments.AsNoTracking().Where(a => a.UserId == user.Id).OrderBy(a => a.ValidFrom).ThenBy(a => a.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Gives a user a role at a unit from a day; the unit must exist on that day and the role must fit it.</summary>
    public async Task<RoleAssignmentRow> AssignAsync(string userName, string unitKey, string role, DateOnly? from, string actor, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(userName) ?? throw new KeyNotFoundException($"There is no user '{userName}'.");
        if (!UnitKey.TryParse(unitKey, out var unit))
        {
            throw new OrganisationException($"'{unitKey}' is not a unit: write national:VN, province:CODE, district:CODE, commune:CODE, department:PROVINCE/KIND, coordination-office:PROVINCE or council:PROVINCE.");
        }

        if (!Roles.All.Contains(role))
        {
            throw new OrganisationException($"'{role}' is not a role: {string.Join(", ", Roles.All)}.");
        }

        if (!CandidateGroups.Allows(unit, role))
        {
            throw new OrganisationException($"A {role} cannot be held at a {unit.Kind}.");
        }

        var day = from ?? Today;
        await CheckUnitExistsAsync(unit, day, cancellationToken);
        if (await db.RoleAssignments.AnyAsync(a => a.UserId == user.Id && a.UnitKey == unit.ToString() && a.Role == role && (a.ValidTo == null || a.ValidTo >= day), cancellationToken))
        {
            throw new OrganisationException($"{userName} already holds {role} at {unit} on {day:yyyy-MM-dd}.");
        }

        var row = new RoleAssignmentRow { UserId = user.Id, UnitKey = unit.ToString(), Role = role, ValidFrom = day, CreatedAt = clock.GetUtcNow(), CreatedBy = actor };
        db.RoleAssignments.Add(row);
        AuditTrail.Record(db, actor, "role.assigned", $"user/{user.UserName}", new { unit = row.UnitKey, role, from = day });
        await db.SaveChangesAsync(cancellationToken);

        // The Identity role says "holds it somewhere": pages check it before looking at units.
        if (!await users.IsInRoleAsync(user, role))
        {
            await users.AddToRoleAsync(user, role);
        }

        return row;
    }

    /// <summary>Ends an assignment on a day (the last day it holds).</summary>
    public async Task<RoleAssignmentRow> EndAsync(string userName, int assignmentId, DateOnly? lastDay, string actor, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(userName) ?? throw new KeyNotFoundException($"There is no user '{userName}'.");
        var row = await db.RoleAssignments.SingleOrDefaultAsync(a => a.Id == assignmentId && a.UserId == user.Id, cancellationToken)
                  ?? throw new KeyNotFoundException($"{userName} has no role assignment {assignmentId}.");
        var day = lastDay ?? Today;
        if (day < row.ValidFrom.AddDays(-1))
        {
            throw new OrganisationException($"The assignment began on {row.ValidFrom:yyyy-MM-dd}; it cannot end on {day:yyyy-MM-dd}.");
        }

        row.ValidTo = day;
        AuditTrail.Record(db, actor, "role.ended", $"user/{user.UserName}", new { unit = row.UnitKey, row.Role, lastDay = day });
        await db.SaveChangesAsync(cancellationToken);
        return row;
    }

    /// <summary>The province (in force today) a unit belongs to; null for the national unit.</summary>
    public async Task<string?> ProvinceOfAsync(UnitKey unit, CancellationToken cancellationToken)
    {
        if (unit.ProvinceCode is not null || unit.Kind == UnitKey.National)
        {
            return unit.ProvinceCode;
        }

        var level = unit.Kind == UnitKey.District ? AdministrativeLevel.District : AdministrativeLevel.Commune;
        var found = await db.AdministrativeUnits.AsNoTracking().Where(u => u.Level == level && u.Code == unit.Code)
            .OrderByDescending(u => u.ValidTo == null).Select(u => new { u.Parent!.Level, u.Parent.Code, Grand = u.Parent.Parent == null ? null : u.Parent.Parent.Code })
            .FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : found.Level == AdministrativeLevel.Province ? found.Code : found.Grand;
    }

    private async Task CheckUnitExistsAsync(UnitKey unit, DateOnly day, CancellationToken cancellationToken)
    {
        bool exists;
        if (unit.Kind == UnitKey.National)
        {
            exists = unit.Code == "VN";
        }
        else if (unit.Kind is UnitKey.Province or UnitKey.District or UnitKey.Commune)
        {
            var level = unit.Kind switch { UnitKey.Province => AdministrativeLevel.Province, UnitKey.District => AdministrativeLevel.District, _ => AdministrativeLevel.Commune };
            exists = await db.AdministrativeUnits.AnyAsync(u => u.Level == level && u.Code == unit.Code
                && (u.ValidFrom == null || u.ValidFrom <= day) && (u.ValidTo == null || u.ValidTo >= day), cancellationToken);
        }
        else
        {
            var province = unit.ProvinceCode!;
            exists = await db.AdministrativeUnits.AnyAsync(u => u.Level == AdministrativeLevel.Province && u.Code == province
                && (u.ValidFrom == null || u.ValidFrom <= day) && (u.ValidTo == null || u.ValidTo >= day), cancellationToken);
            if (exists && unit.Kind == UnitKey.Department)
            {
                var kind = unit.Code.Split('/')[1];
                exists = await db.DepartmentKinds.AnyAsync(k => k.Code == kind && (k.ValidFrom == null || k.ValidFrom <= day) && (k.ValidTo == null || k.ValidTo >= day), cancellationToken);
            }
        }

        if (!exists)
        {
            throw new OrganisationException($"There is no {unit.Kind} {unit.Code} on {day:yyyy-MM-dd}.");
        }
    }
}
