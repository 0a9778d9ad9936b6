using NtmWorkflow.Web.Features.Accounts;

namespace NtmWorkflow.Web.Features.Organisation;

/// <summary>
/// A unit an official belongs to, written as a key: an administrative unit (<c>province:01</c>,
/// <c>district:001</c> until 2025-06-30, <c>commune:00745</c>) or a provincial body (<c>department:01/noi-vu</c>,
/// <c>coordination-office:01</c>, <c>council:01</c>). Provincial bodies need no table of their own: a
/// department is a department kind (with its merger history) in a province.
/// </summary>
public readonly record struct UnitKey(string Kind, string Code)
{
    public const string Province = "province";
    public const string District = "district";
    public const string Commune = "commune";
    public const string Department = "department";
    public const string CoordinationOffice = "coordination-office";
    public const string Council = "council";

    /// <summary>The whole country (<c>national:VN</c>): where a national administrator's role is held.</summary>
    public const string National = "national";

    private static readonly string[] Kinds = [National, Province, District, Commune, Department, CoordinationOffice, Council];

    /// <summary>The province of a provincial body (its code up to the slash); null for communes and districts.</summary>
    public string? ProvinceCode => Kind switch
    {
        Province or CoordinationOffice or Council => Code,
        Department => Code.Split('/')[0],
        _ => null,
    };

    public override string ToString() => $"{Kind}:{Code}";

    public static bool TryParse(string? text, out UnitKey key)
    {
        key = default;
        if (text?.Split(':', 2) is not [var kind, var code] || !Kinds.Contains(kind) || code.Length is 0 or > 80
            || (kind == Department) != code.Contains('/', StringComparison.Ordinal))
        {
            return false;
        }

        key = new UnitKey(kind, code);
        return true;
    }
}

/// <summary>
/// The workflow candidate groups a role at a unit puts an official in. Definitions name groups
/// (<c>commune-00745</c>, <c>department-01-noi-vu</c>, <c>coordination-office-01</c>, <c>chairman-01</c>, …);
/// this is the one place that says who is in them.
/// </summary>
public static class CandidateGroups
{
    public static IEnumerable<string> Of(UnitKey unit, string role)
    {
        var group = (unit.Kind, role) switch
        {
            (UnitKey.Commune, Roles.CommuneOfficer) => $"commune-{unit.Code}",
            (UnitKey.Commune, Roles.Chairman) => $"commune-chairman-{unit.Code}",
            (UnitKey.District, Roles.Verifier) => $"district-{unit.Code}",
            (UnitKey.Province, Roles.Verifier) => $"verifier-{unit.Code}",
            (UnitKey.Province, Roles.Chairman) => $"chairman-{unit.Code}",
            (UnitKey.Province, Roles.Administrator) => $"administrator-{unit.Code}",
            (UnitKey.National, Roles.Administrator) => "administrator",
            (UnitKey.CoordinationOffice, Roles.CoordinationOffice) => $"coordination-office-{unit.Code}",
            (UnitKey.Department, Roles.DepartmentReviewer) => $"department-{unit.Code.Replace('/', '-')}",
            (UnitKey.Council, Roles.CouncilMember) => $"council-{unit.Code}",
            (UnitKey.Council, Roles.CouncilSecretary) => $"council-secretary-{unit.Code}",
            _ => null,
        };
        return group is null ? [] : [group];
    }

    /// <summary>The groups whose head (thủ trưởng) a <see cref="Roles.Head"/> at the unit is: every group of the unit.</summary>
    public static IEnumerable<string> HeadedBy(UnitKey unit) =>
        Roles.All.Where(r => r != Roles.Head).SelectMany(r => Of(unit, r)).Distinct(StringComparer.Ordinal);

    /// <summary>The unit and role a group stands for (the inverse of <see cref="Of"/>), or null for a group of another kind.</summary>
    public static (UnitKey Unit, string Role)? Parse(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        (string Prefix, string Kind, string Role)[] patterns =
        [
            ("commune-chairman-", UnitKey.Commune, Roles.Chairman),
            ("commune-", UnitKey.Commune, Roles.CommuneOfficer),
            ("district-", UnitKey.District, Roles.Verifier),
            ("verifier-", UnitKey.Province, Roles.Verifier),
            ("chairman-", UnitKey.Province, Roles.Chairman),
            ("administrator-", UnitKey.Province, Roles.Administrator),
            ("coordination-office-", UnitKey.CoordinationOffice, Roles.CoordinationOffice),
            ("council-secretary-", UnitKey.Council, Roles.CouncilSecretary),
            ("council-", UnitKey.Council, Roles.CouncilMember),
            ("department-", UnitKey.Department, Roles.DepartmentReviewer),
        ];
        foreach (var (prefix, kind, role) in patterns)
        {
            if (!group.StartsWith(prefix, StringComparison.Ordinal) || group.Length == prefix.Length)
            {
                continue;
            }

            var code = group[prefix.Length..];
            if (kind == UnitKey.Department)
            {
                // department-01-noi-vu: the province code is the leading digits.
                var dash = code.IndexOf('-', StringComparison.Ordinal);
                if (dash <= 0 || !code[..dash].All(char.IsAsciiDigit))
                {
                    return null;
                }

                code = code[..dash] + "/" + code[(dash + 1)..];
            }

            return (new UnitKey(kind, code), role);
        }

        return null;
    }

    /// <summary>Which roles a unit kind can hold, for validation and the settings screen.</summary>
    public static bool Allows(UnitKey unit, string role) => role == Roles.Head || Of(unit, role).Any();
}
