namespace NtmWorkflow.Web.Features.AdministrativeUnits;

public enum AdministrativeLevel
{
    Province,
    District,
    Commune,
}

/// <summary>
/// A province, district or commune as one edition of the national list defines it. Codes are reused
/// over time (00004 was Phường Trúc Bạch and is now Phường Ba Đình), so a unit is identified by its
/// edition, level and national code, and carries the dates it was in force.
/// </summary>
public sealed class AdministrativeUnit
{
    public int Id { get; set; }

    /// <summary>The edition of the national list the unit comes from, e.g. "2025-07".</summary>
    public required string Edition { get; set; }

    public AdministrativeLevel Level { get; set; }

    /// <summary>The national code (mã đơn vị hành chính): 2 digits for a province, 3 for a district, 5 for a commune.</summary>
    public required string Code { get; set; }

    /// <summary>The full name with its type prefix, e.g. "Xã Ba Chẽ".</summary>
    public required string Name { get; set; }

    /// <summary>The unit's type as the list writes it: Tỉnh, Thành phố Trung ương, Huyện, Quận, Xã, Phường, Đặc khu, …</summary>
    public required string Kind { get; set; }

    public int? ParentId { get; set; }

    public AdministrativeUnit? Parent { get; set; }

    /// <summary>First day in force; null when the edition does not record it.</summary>
    public DateOnly? ValidFrom { get; set; }

    /// <summary>Last day in force; null while the unit is still in force.</summary>
    public DateOnly? ValidTo { get; set; }

    public List<AdministrativeUnitSuccession> Successors { get; } = [];

    public bool IsValidOn(DateOnly day) => (ValidFrom is null || ValidFrom <= day) && (ValidTo is null || day <= ValidTo);
}

public enum SuccessionKind
{
    /// <summary>The whole predecessor went into the successor.</summary>
    Full,

    /// <summary>The predecessor was split; part of it went into the successor.</summary>
    Partial,
}

/// <summary>"Merged into": a unit of an older edition and a unit of a newer one that took over (all or part of) it.</summary>
public sealed class AdministrativeUnitSuccession
{
    public int PredecessorId { get; set; }

    public AdministrativeUnit Predecessor { get; set; } = null!;

    public int SuccessorId { get; set; }

    public AdministrativeUnit Successor { get; set; } = null!;

    public SuccessionKind Kind { get; set; }

    /// <summary>The day the successor took over.</summary>
    public DateOnly EffectiveOn { get; set; }
}
