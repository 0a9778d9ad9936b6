using NtmWorkflow.Engine.Calendar;

namespace NtmWorkflow.Web.Features.Calendar;

/// <summary>
/// Office hours (giờ làm việc) set by an administrator: the national hours (<see cref="ProvinceCode"/> empty) or a
/// province's own, with the decision they come from. A row overrides the server's configuration
/// (<c>Calendar:OfficeHours</c>, <c>Calendar:ProvinceOfficeHours:{code}</c>); removing it returns to the configured hours.
/// </summary>
public sealed class OfficeHoursRow
{
    public const string National = "";

    /// <summary>Empty for the national hours, else the province's code (July 2025 edition).</summary>
    public required string ProvinceCode { get; set; }

    /// <summary>As <c>07:30-11:30,13:30-17:00</c> (<see cref="OfficeHours.TryParse"/>).</summary>
    public required string Hours { get; set; }

    /// <summary>The decision that sets them (e.g. "Quyết định 12/2025/QĐ-UBND"); required, as deadlines depend on them.</summary>
    public required string Source { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

/// <summary>Where a scope's office hours come from.</summary>
public enum OfficeHoursOrigin
{
    /// <summary>Nothing configured: 07:30–11:30, 13:30–17:00.</summary>
    Default,

    /// <summary>The server's configuration.</summary>
    Configuration,

    /// <summary>An administrator's row in the database.</summary>
    Settings,
}

/// <summary>
/// The office hours of one scope as they apply now (<c>Hours</c>), where they come from (<c>Origin</c>, and the
/// decision in <c>Source</c> for an administrator's row), and <c>Configured</c>: what configuration says for the
/// scope (null when it says nothing), which applies again when the row is removed. <c>ProvinceCode</c> is null for the national hours.
/// </summary>
public sealed record OfficeHoursLine(string? ProvinceCode, OfficeHours Hours, OfficeHoursOrigin Origin, string? Source, OfficeHours? Configured,
    DateTimeOffset? UpdatedAt, string? UpdatedBy);

/// <summary>
/// The office hours the engine counts deadlines with: configuration overlaid by the administrators' rows, held in
/// memory (the engine asks on every deadline) and swapped whole on every change; other nodes reload every
/// <c>Calendar:ReloadMinutes</c>. A change applies to deadlines set from then on; deadlines already set stay.
/// </summary>
public sealed class LiveOfficeHours : IOfficeHoursSource
{
    private readonly OfficeHours _configuredNational;
    private readonly IReadOnlyDictionary<string, OfficeHours> _configuredProvinces;
    private volatile Snapshot _current;

    public LiveOfficeHours(OfficeHours configuredNational, IReadOnlyDictionary<string, OfficeHours> configuredProvinces, bool nationalConfigured = true)
    {
        _configuredNational = configuredNational;
        _configuredProvinces = configuredProvinces;
        NationalConfigured = nationalConfigured;
        _current = new Snapshot(configuredNational, configuredProvinces, []);
    }

    /// <summary>False when configuration leaves the national hours at the default.</summary>
    public bool NationalConfigured { get; }

    public OfficeHours OfProvince(string? province)
    {
        var current = _current;
        return province is not null && current.Provinces.TryGetValue(province, out var own) ? own : current.National;
    }

    /// <summary>Every scope with hours of its own (national first, then provinces by code), as they apply now.</summary>
    public IReadOnlyList<OfficeHoursLine> Lines()
    {
        var current = _current;
        var rows = current.Rows.ToDictionary(r => r.ProvinceCode, StringComparer.Ordinal);
        OfficeHoursLine Line(string code, OfficeHours? configured)
        {
            var province = code.Length == 0 ? null : code;
            if (rows.TryGetValue(code, out var row))
            {
                return new(province, current.OfProvinceOrNational(code), OfficeHoursOrigin.Settings, row.Source, configured, row.UpdatedAt, row.UpdatedBy);
            }

            return new(province, configured ?? current.National, province is null && !NationalConfigured ? OfficeHoursOrigin.Default : OfficeHoursOrigin.Configuration,
                null, configured, null, null);
        }

        return [Line(OfficeHoursRow.National, _configuredNational),
            .. _configuredProvinces.Keys.Union(rows.Keys.Where(k => k.Length > 0), StringComparer.Ordinal).Order(StringComparer.Ordinal)
                .Select(code => Line(code, _configuredProvinces.TryGetValue(code, out var own) ? own : null))];
    }

    /// <summary>Replaces the administrators' rows; a row whose hours do not parse is skipped (configuration applies).</summary>
    public void Replace(IEnumerable<OfficeHoursRow> rows)
    {
        var kept = new List<OfficeHoursRow>();
        var national = _configuredNational;
        var provinces = new Dictionary<string, OfficeHours>(_configuredProvinces, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!OfficeHours.TryParse(row.Hours, out var hours))
            {
                continue;
            }

            kept.Add(row);
            if (row.ProvinceCode == OfficeHoursRow.National)
            {
                national = hours;
            }
            else
            {
                provinces[row.ProvinceCode] = hours;
            }
        }

        _current = new Snapshot(national, provinces, kept);
    }

    private sealed record Snapshot(OfficeHours National, IReadOnlyDictionary<string, OfficeHours> Provinces, IReadOnlyList<OfficeHoursRow> Rows)
    {
        public OfficeHours OfProvinceOrNational(string code) => code.Length > 0 && Provinces.TryGetValue(code, out var own) ? own : National;
    }
}
