namespace NtmWorkflow.Engine.Calendar;

/// <summary>
/// Says which office hours a province keeps. The engine asks on every deadline, so a host may change them while
/// it runs (an administrator's edit reaches dossiers at their next deadline; deadlines already set stay).
/// </summary>
public interface IOfficeHoursSource
{
    /// <summary>The province's own office hours when it keeps some, else the national ones (also when <paramref name="province"/> is null).</summary>
    OfficeHours OfProvince(string? province);
}

/// <summary>Office hours fixed when the engine is built: national ones and those of provinces that keep their own.</summary>
internal sealed class FixedOfficeHours(OfficeHours national, IReadOnlyDictionary<string, OfficeHours> provinces) : IOfficeHoursSource
{
    public OfficeHours OfProvince(string? province) => province is not null && provinces.TryGetValue(province, out var own) ? own : national;
}
