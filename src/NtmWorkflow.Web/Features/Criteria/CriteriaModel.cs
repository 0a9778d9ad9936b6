namespace NtmWorkflow.Web.Features.Criteria;

/// <summary>The recognition tiers; they share one flow and differ in criteria set and decision (ntm-domain.md §12.1).</summary>
public enum RecognitionTier
{
    /// <summary>Xã đạt chuẩn nông thôn mới.</summary>
    Ntm,

    /// <summary>Xã nông thôn mới nâng cao.</summary>
    Advanced,

    /// <summary>Xã nông thôn mới kiểu mẫu (recognised with an outstanding field).</summary>
    Model,
}

/// <summary>What a set's recognition applies to.</summary>
public enum CriteriaSubject
{
    Commune,

    /// <summary>Thôn, bản, khu dân cư: province-defined criteria, a lighter dossier.</summary>
    Village,
}

/// <summary>How an indicator is measured (working list: yes/no, percent, amount, points, rating).</summary>
public enum MeasurementKind
{
    YesNo,
    Percent,
    Amount,
    Points,
    Rating,
}

/// <summary>Whether a value meets a threshold when it is at least, or at most, the threshold.</summary>
public enum ThresholdDirection
{
    AtLeast,
    AtMost,
}

/// <summary>
/// A criteria set (bộ tiêu chí), versioned by the decision that issued it and the dates it applies to:
/// a dossier takes the set in force on its opening date for its subject and tier.
/// </summary>
public sealed class CriteriaSetRow
{
    public int Id { get; set; }

    /// <summary>Stable code, e.g. <c>xa-ntm-2021-2025</c>, <c>xa-ntm-2026-2030</c>.</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    /// <summary>The issuing decision, e.g. "Quyết định 318/QĐ-TTg (sửa đổi bởi 211/QĐ-TTg)".</summary>
    public required string Decision { get; set; }

    public CriteriaSubject Subject { get; set; }

    public RecognitionTier Tier { get; set; }

    /// <summary>First day a dossier opened on it uses this set.</summary>
    public DateOnly ValidFrom { get; set; }

    /// <summary>Last such day, or null while in force.</summary>
    public DateOnly? ValidTo { get; set; }

    /// <summary>
    /// How thresholds vary: <c>region</c> (the seven socio-economic regions, 2021–2025) or <c>commune-group</c>
    /// (groups 1–3, 2026–2030); null when one threshold applies everywhere.
    /// </summary>
    public string? ThresholdBasis { get; set; }

    /// <summary>False until someone has checked the seeded content against the official text.</summary>
    public bool Verified { get; set; }

    public string? Notes { get; set; }

    public List<CriterionRow> Criteria { get; } = [];
}

/// <summary>A criterion (tiêu chí), numbered 1, 2, … within its set.</summary>
public sealed class CriterionRow
{
    public int Id { get; set; }

    public int CriteriaSetId { get; set; }

    public int Number { get; set; }

    public required string Name { get; set; }

    public bool Verified { get; set; }

    public List<IndicatorRow> Indicators { get; } = [];
}

/// <summary>An indicator (chỉ tiêu), numbered inside its criterion: <c>17.10</c>, or <c>5</c> when the criterion has one.</summary>
public sealed class IndicatorRow
{
    public int Id { get; set; }

    public int CriterionId { get; set; }

    public CriterionRow Criterion { get; set; } = null!;

    /// <summary>"17.10"; unique within the set.</summary>
    public required string Number { get; set; }

    public required string Name { get; set; }

    public MeasurementKind Kind { get; set; }

    public ThresholdDirection Direction { get; set; }

    /// <summary>The unit of an amount, e.g. "triệu đồng/người/năm", "m²/người".</summary>
    public string? Unit { get; set; }

    /// <summary>The department kind usually responsible (<see cref="DepartmentKindRow.Code"/>); provinces assign their own (<see cref="IndicatorOwnershipRow"/>).</summary>
    public required string DefaultDepartmentKind { get; set; }

    /// <summary>Order within the criterion (17.2 before 17.10).</summary>
    public int Position { get; set; }

    public bool Verified { get; set; }

    public List<IndicatorThresholdRow> Thresholds { get; } = [];
}

/// <summary>
/// The threshold of an indicator for a region or a commune group (entered by administrators, absent where
/// unknown). <see cref="Scope"/> is a region code (<c>trung-du-mien-nui-phia-bac</c>, …), a group (<c>nhom-1</c>…),
/// or <c>*</c> for everywhere.
/// </summary>
public sealed class IndicatorThresholdRow
{
    public int Id { get; set; }

    public int IndicatorId { get; set; }

    public required string Scope { get; set; }

    /// <summary>The number to reach (percent, amount, points), or for ratings the lowest rating that meets it.</summary>
    public decimal? Value { get; set; }

    /// <summary>For a rating: the ordered scale, comma-separated, best last (e.g. "Không hoàn thành,Hoàn thành,Hoàn thành tốt,Hoàn thành xuất sắc").</summary>
    public string? RatingScale { get; set; }

    public string? MinimumRating { get; set; }

    public required string Source { get; set; }

    public bool Verified { get; set; }
}

/// <summary>
/// A kind of provincial department (sở, ngành), with its history: several merged in 2025 (Transport into
/// Construction, Agriculture with Natural Resources and Environment, …), so a kind may end and name its successor.
/// </summary>
public sealed class DepartmentKindRow
{
    /// <summary>Slug, e.g. <c>nong-nghiep-moi-truong</c>.</summary>
    public required string Code { get; set; }

    /// <summary>"Sở Nông nghiệp và Môi trường".</summary>
    public required string Name { get; set; }

    public DateOnly? ValidFrom { get; set; }

    public DateOnly? ValidTo { get; set; }

    /// <summary>The kind that took over its functions when it ended.</summary>
    public string? SuccessorCode { get; set; }

    public required string Source { get; set; }

    public bool Verified { get; set; }
}

/// <summary>
/// A province's assignment of an indicator to a department kind over a period (the province's own decision,
/// e.g. Quảng Nam 1098/QĐ-UBND 2022). Without one, the indicator's default kind, followed through mergers, applies.
/// </summary>
public sealed class IndicatorOwnershipRow
{
    public int Id { get; set; }

    public required string ProvinceCode { get; set; }

    public int IndicatorId { get; set; }

    public required string DepartmentKind { get; set; }

    public DateOnly ValidFrom { get; set; }

    public DateOnly? ValidTo { get; set; }

    public required string Source { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}
