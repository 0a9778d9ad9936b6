using NtmWorkflow.Web.Features.Criteria;

namespace NtmWorkflow.Web.Features.Dossiers;

public enum DossierStatus
{
    /// <summary>Đang xét: the workflow runs.</summary>
    InProgress,

    /// <summary>Được công nhận.</summary>
    Recognised,

    /// <summary>Không được công nhận (rejected at verification or by the council).</summary>
    NotRecognised,

    /// <summary>Cancelled by an administrator.</summary>
    Cancelled,

    /// <summary>Bị thu hồi: the recognition was revoked (QĐ 18, Chapter V).</summary>
    Revoked,
}

/// <summary>The commune's security-and-order classification, a recognition condition (QĐ 18 Art. 4.1).</summary>
public enum SecurityOrderStatus
{
    Unknown,

    /// <summary>Không thuộc diện phức tạp về an ninh, trật tự.</summary>
    NotComplicated,

    /// <summary>Thuộc diện phức tạp: the commune cannot be recognised.</summary>
    Complicated,
}

/// <summary>
/// A recognition dossier (hồ sơ): one commune (or village), tier and year. It keeps the criteria set and the
/// workflow of its opening date, the self-assessment per indicator, the other recognition conditions, and
/// its outcome. <see cref="Round"/> counts submissions: findings belong to a round, so a resubmission is
/// judged afresh while the history keeps every round.
/// </summary>
public sealed class DossierRow
{
    public Guid Id { get; set; }

    /// <summary>Human-readable and unique, e.g. <c>2026-NTM-00745</c>: the workflow's business key.</summary>
    public required string Code { get; set; }

    public CriteriaSubject Subject { get; set; }

    public RecognitionTier Tier { get; set; }

    public int Year { get; set; }

    public required string ProvinceCode { get; set; }

    public required string CommuneCode { get; set; }

    public required string CommuneName { get; set; }

    /// <summary>The district, for dossiers opened before 2025-07-01 (three-tier path).</summary>
    public string? DistrictCode { get; set; }

    /// <summary>The village (thôn, bản, khu dân cư) of a village dossier.</summary>
    public string? VillageName { get; set; }

    public DateOnly OpenedOn { get; set; }

    public required string ProcessId { get; set; }

    public int CriteriaSetId { get; set; }

    public required string CriteriaSetCode { get; set; }

    /// <summary>The region or commune group whose thresholds apply (by the set's threshold basis).</summary>
    public string? ThresholdScope { get; set; }

    /// <summary>The outstanding field of a model commune (lĩnh vực nổi trội), e.g. "sản xuất".</summary>
    public string? OutstandingField { get; set; }

    public Guid? InstanceId { get; set; }

    /// <summary>The latest review of the recognition for revocation (<c>ntm-revocation</c>), if any.</summary>
    public Guid? RevocationInstanceId { get; set; }

    public DossierStatus Status { get; set; }

    public int Round { get; set; } = 1;

    // The recognition conditions besides the criteria (QĐ 18 Art. 4.1).
    public decimal? SatisfactionPercent { get; set; }

    public int? SurveyedHouseholds { get; set; }

    public bool? ConstructionDebtCleared { get; set; }

    public SecurityOrderStatus SecurityOrder { get; set; }

    public DateOnly? PostedFrom { get; set; }

    public DateOnly? PostedTo { get; set; }

    public int? CommentsReceived { get; set; }

    public string? CommentsSummary { get; set; }

    public string? DecisionNumber { get; set; }

    public DateOnly? DecisionDate { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<DossierIndicatorRow> Indicators { get; } = [];
}

/// <summary>The commune's self-assessment of one indicator.</summary>
public sealed class DossierIndicatorRow
{
    public Guid DossierId { get; set; }

    /// <summary>"17.10".</summary>
    public required string Number { get; set; }

    public int IndicatorId { get; set; }

    /// <summary>As entered: "true"/"false", a number in invariant culture, or a rating.</summary>
    public string? Value { get; set; }

    /// <summary>Met or not as the commune states it, where no threshold is known.</summary>
    public bool? StatedMet { get; set; }

    /// <summary>Met or not: computed when a threshold is known, else as stated; null until assessed.</summary>
    public bool? Met { get; set; }

    public bool MetComputed { get; set; }

    public string? Note { get; set; }

    /// <summary>JSON array of evidence references: {name, documentId?, uri?, addedBy, addedAt}.</summary>
    public string Evidence { get; set; } = "[]";

    /// <summary>Sent back for supplement: the commune may change it in the current round.</summary>
    public bool Reopened { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

/// <summary>
/// What a reviewer at a step said about one indicator (or, with <see cref="IndicatorNumber"/> "*", about the
/// dossier as a whole): appended, never changed, so the history shows who said what at each level.
/// </summary>
public sealed class DossierFindingRow
{
    public long Id { get; set; }

    public Guid DossierId { get; set; }

    public int Round { get; set; }

    /// <summary>The workflow step (element id), e.g. <c>verification</c>, <c>departmentReview</c>.</summary>
    public required string Step { get; set; }

    public Guid TaskId { get; set; }

    /// <summary>The department kind of a department review.</summary>
    public string? DepartmentKind { get; set; }

    public required string IndicatorNumber { get; set; }

    /// <summary>"agree" or "disagree"; for the whole dossier the decision ("forward", "return", "reject").</summary>
    public required string Finding { get; set; }

    public string? Reason { get; set; }

    public required string Actor { get; set; }

    public DateTimeOffset At { get; set; }
}
