using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Cli.Simulation;

/// <summary>A commune of the campaign with its district and province as the list in force names them.</summary>
internal sealed record CampaignCommune(string Code, string Name, string DistrictCode, string ProvinceCode);

/// <summary>A province's council as appointed for the campaign: the chair and members vote, the secretary runs the session.</summary>
internal sealed record CampaignCouncil(string ProvinceCode, Official Secretary, IReadOnlyList<Official> Voters);

/// <summary>
/// The simulated officials: one NTM officer per commune, one verifier per district, and per province the coordination
/// office, its head, a reviewer in every department that owns an indicator, the chairman and a council of five. Users and
/// role assignments are written in bulk (an import, as a province's IT office would do it), the council appointed through
/// <see cref="CouncilService"/>. Each official is held as the app reads one (<see cref="OrganisationService.FindOfficialAsync"/>).
/// </summary>
internal sealed class CampaignOfficials
{
    private static readonly string[] CouncilSeats = ["chu-tich", "pho-chu-tich", "uy-vien-1", "uy-vien-2", "thu-ky"];
    private readonly Dictionary<string, Official> _byGroup = new(StringComparer.Ordinal);

    public Dictionary<string, CampaignCouncil> Councils { get; } = new(StringComparer.Ordinal);

    /// <summary>Per province, each department kind's indicators (what its reviewer judges).</summary>
    public Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> DepartmentIndicators { get; } = new(StringComparer.Ordinal);

    public int Count { get; private set; }

    /// <summary>The official who acts for a candidate group, or null when the campaign has none.</summary>
    public Official? For(string group) => _byGroup.GetValueOrDefault(group);

    public Official Office(string provinceCode) => _byGroup[$"coordination-office-{provinceCode}"];

    public static async Task<CampaignOfficials> CreateAsync(IServiceProvider services, IReadOnlyList<CampaignCommune> communes, DateOnly from, CancellationToken ct)
    {
        var officials = new CampaignOfficials();
        var assignments = new List<(string User, string FullName, UnitKey Unit, string Role)>();
        foreach (var commune in communes)
        {
            assignments.Add(($"xa.{commune.Code}", $"Cán bộ NTM xã {commune.Name}", new UnitKey(UnitKey.Commune, commune.Code), Roles.CommuneOfficer));
        }

        foreach (var district in communes.Select(c => c.DistrictCode).Distinct(StringComparer.Ordinal))
        {
            assignments.Add(($"huyen.{district}", $"Cán bộ thẩm tra huyện {district}", new UnitKey(UnitKey.District, district), Roles.Verifier));
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var catalog = scope.ServiceProvider.GetRequiredService<CriteriaCatalog>();
            var set = await catalog.SetInForceAsync(CriteriaSubject.Commune, RecognitionTier.Ntm, from, ct)
                      ?? throw new InvalidOperationException($"No commune NTM criteria set is in force on {from:yyyy-MM-dd}.");
            foreach (var province in communes.Select(c => c.ProvinceCode).Distinct(StringComparer.Ordinal))
            {
                assignments.Add(($"vpdp.{province}", $"Văn phòng Điều phối tỉnh {province}", new UnitKey(UnitKey.CoordinationOffice, province), Roles.CoordinationOffice));
                assignments.Add(($"vpdp.truong.{province}", $"Chánh Văn phòng Điều phối tỉnh {province}", new UnitKey(UnitKey.CoordinationOffice, province), Roles.Head));
                assignments.Add(($"ct.{province}", $"Chủ tịch UBND tỉnh {province}", new UnitKey(UnitKey.Province, province), Roles.Chairman));
                var departments = await catalog.IndicatorsByDepartmentAsync(province, set, from, ct);
                officials.DepartmentIndicators[province] = departments.ToDictionary(d => d.Key, d => (IReadOnlyList<string>)[.. d.Value.Select(i => i.Number)], StringComparer.Ordinal);
                foreach (var kind in departments.Keys)
                {
                    assignments.Add(($"so.{province}.{kind}", $"Cán bộ sở {kind} tỉnh {province}", new UnitKey(UnitKey.Department, $"{province}/{kind}"), Roles.DepartmentReviewer));
                }
            }
        }

        assignments.Add(("quantri.mophong", "Quản trị hệ thống (mô phỏng)", new UnitKey(UnitKey.National, "VN"), Roles.Administrator));
        var councilUsers = communes.Select(c => c.ProvinceCode).Distinct(StringComparer.Ordinal)
            .SelectMany(p => CouncilSeats.Select(seat => (Province: p, User: $"hd.{p}.{seat}", Seat: seat)))
            .ToList();

        // Users and roles in bulk, a thousand a transaction: what an import of the province's staff list writes.
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in assignments.Select(a => (a.User, a.FullName)).Concat(councilUsers.Select(c => (c.User, FullName: $"Thành viên Hội đồng {c.Seat} tỉnh {c.Province}")))
                     .DistinctBy(u => u.User).Chunk(1000))
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            foreach (var (user, fullName) in chunk)
            {
                var row = new AppUser
                {
                    UserName = user, NormalizedUserName = user.ToUpperInvariant(), Email = $"{user}@mophong.ntmworkflow.local", NormalizedEmail = $"{user}@MOPHONG.NTMWORKFLOW.LOCAL",
                    EmailConfirmed = true, FullName = fullName, SecurityStamp = Guid.NewGuid().ToString("N"), PasswordHash = null, LockoutEnabled = true,
                };
                ids[user] = row.Id;
                db.Users.Add(row);
            }

            await db.SaveChangesAsync(ct);
        }

        var created = DateTimeOffset.UtcNow;
        foreach (var chunk in assignments.Chunk(1000))
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.RoleAssignments.AddRange(chunk.Select(a => new RoleAssignmentRow
            {
                UserId = ids[a.User], UnitKey = a.Unit.ToString(), Role = a.Role, ValidFrom = from.AddYears(-1), CreatedAt = created, CreatedBy = "ntm simulate",
            }));
            await db.SaveChangesAsync(ct);
        }

        // As OrganisationService.AssignAsync does: the Identity role says "holds it somewhere" (pages and role: recipients read it).
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var roleIds = await db.Roles.AsNoTracking().ToDictionaryAsync(r => r.Name!, r => r.Id, StringComparer.Ordinal, ct);
            db.UserRoles.AddRange(assignments.Select(a => (a.User, a.Role)).Distinct()
                .Select(a => new Microsoft.AspNetCore.Identity.IdentityUserRole<string> { UserId = ids[a.User], RoleId = roleIds[a.Role] }));
            await db.SaveChangesAsync(ct);
        }

        var byUser = assignments.GroupBy(a => a.User, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new Official(ids[g.Key], g.Key, g.First().FullName, $"{g.Key}@mophong.ntmworkflow.local", [.. g.Select(a => (a.Unit, a.Role))]), StringComparer.Ordinal);
        foreach (var official in byUser.Values.Where(o => o.Assignments.All(a => a.Role != Roles.Head)))
        {
            foreach (var group in official.Groups)
            {
                officials._byGroup[group] = official;
            }
        }

        // The councils, appointed as an administrator does on the council page (the appointment gives the council role).
        await using (var scope = services.CreateAsyncScope())
        {
            var council = scope.ServiceProvider.GetRequiredService<CouncilService>();
            var admin = byUser["quantri.mophong"];
            foreach (var province in councilUsers.GroupBy(c => c.Province, StringComparer.Ordinal))
            {
                var voters = new List<Official>();
                Official? secretary = null;
                foreach (var (_, user, seat) in province)
                {
                    var position = seat switch
                    {
                        "chu-tich" => CouncilPosition.Chair,
                        "pho-chu-tich" => CouncilPosition.ViceChair,
                        "thu-ky" => CouncilPosition.Secretary,
                        _ => CouncilPosition.Member,
                    };
                    await council.AppointAsync(admin, province.Key, new AppointmentRequest(user, position, null, from.AddYears(-1), null, "Quyết định thành lập Hội đồng (mô phỏng)"), ct);
                    var role = position == CouncilPosition.Secretary ? Roles.CouncilSecretary : Roles.CouncilMember;
                    var official = new Official(ids[user], user, user, $"{user}@mophong.ntmworkflow.local", [(new UnitKey(UnitKey.Council, province.Key), role)]);
                    if (position == CouncilPosition.Secretary)
                    {
                        secretary = official;
                    }
                    else
                    {
                        voters.Add(official);
                    }
                }

                officials.Councils[province.Key] = new CampaignCouncil(province.Key, secretary!, voters);
            }
        }

        officials.Count = ids.Count;
        return officials;
    }

    /// <summary>
    /// The communes of the campaign: every commune (xã, not ward or township) of the March 2025 list, or a sample of
    /// <paramref name="count"/> of them spread over the provinces, the same sample for the same seed.
    /// </summary>
    public static async Task<List<CampaignCommune>> CommunesAsync(IServiceProvider services, int? count, int seed, DateOnly on, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var all = await db.AdministrativeUnits.AsNoTracking()
            .Where(u => u.Level == AdministrativeLevel.Commune && u.Kind == "Xã" && (u.ValidFrom == null || u.ValidFrom <= on) && (u.ValidTo == null || u.ValidTo >= on)
                        && u.Parent != null && u.Parent.Level == AdministrativeLevel.District && u.Parent.Parent != null)
            .OrderBy(u => u.Code)
            .Select(u => new CampaignCommune(u.Code, u.Name, u.Parent!.Code, u.Parent.Parent!.Code))
            .ToListAsync(ct);
        if (count is not { } n || n >= all.Count)
        {
            return all;
        }

        var shuffled = all.ToArray();
        new Random(seed).Shuffle(shuffled);
        return [.. shuffled.Take(n).OrderBy(c => c.Code, StringComparer.Ordinal)];
    }
}
