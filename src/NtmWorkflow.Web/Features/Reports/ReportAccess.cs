using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Features.Reports;

/// <summary>
/// Who reads a province's programme figures: national administrators (every province), and in a province its
/// administrators, its coordination office (which reports) and its People's Committee chairman (who asks).
/// </summary>
public static class ReportAccess
{
    public static IReadOnlyList<string> Provinces(Official official)
    {
        ArgumentNullException.ThrowIfNull(official);
        return [.. official.Assignments.Where(a => a.Unit.ProvinceCode is not null
                && ((a.Unit.Kind == UnitKey.Province && a.Role is Roles.Administrator or Roles.Chairman)
                    || (a.Unit.Kind == UnitKey.CoordinationOffice && a.Role == Roles.CoordinationOffice)))
            .Select(a => a.Unit.ProvinceCode!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public static bool Concerned(Official official) => official.Administers(null) || Provinces(official).Count > 0;

    /// <summary>Sets the province's yearly targets: its administrators and coordination office, national administrators.</summary>
    public static bool MaySetTargets(Official official, string provinceCode)
    {
        ArgumentNullException.ThrowIfNull(official);
        return official.Administers(provinceCode) || official.Holds(Roles.CoordinationOffice, new UnitKey(UnitKey.CoordinationOffice, provinceCode));
    }

    public static bool MayRead(Official official, string provinceCode) =>
        official.Administers(null) || Provinces(official).Contains(provinceCode, StringComparer.Ordinal);
}
