namespace NtmWorkflow.Web.Features.Council;

/// <summary>A seat on the provincial appraisal council (Hội đồng thẩm định tỉnh).</summary>
public enum CouncilPosition
{
    /// <summary>Chủ tịch Hội đồng (usually a vice-chairman of the provincial People's Committee).</summary>
    Chair,

    /// <summary>Phó Chủ tịch Hội đồng.</summary>
    ViceChair,

    /// <summary>Ủy viên (department heads, the Fatherland Front, …).</summary>
    Member,

    /// <summary>Thư ký: runs the sessions and the minutes; does not vote unless also appointed a member.</summary>
    Secretary,
}

/// <summary>
/// A council appointment for a term (QĐ thành lập / kiện toàn Hội đồng). A session takes the appointments in force
/// on its day; the appointment also grants the role at <c>council:P</c> that opens the council's pages and tasks.
/// </summary>
public sealed class CouncilMemberRow
{
    public int Id { get; set; }

    public required string ProvinceCode { get; set; }

    public required string UserName { get; set; }

    public required string FullName { get; set; }

    public CouncilPosition Position { get; set; }

    /// <summary>The member's office outside the council, e.g. "Giám đốc Sở Tài chính".</summary>
    public string? Title { get; set; }

    public DateOnly From { get; set; }

    /// <summary>The last day of the term; null while it runs.</summary>
    public DateOnly? To { get; set; }

    /// <summary>The decision that appointed the member, e.g. "QĐ 512/QĐ-UBND ngày 10/3/2026".</summary>
    public string? AppointedBy { get; set; }

    /// <summary>The role assignment this appointment granted, ended with it.</summary>
    public int RoleAssignmentId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public bool Votes => Position.Votes();

    public bool IsInForceOn(DateOnly day) => From <= day && (To is null || day <= To);
}

public enum CouncilSessionState
{
    /// <summary>Lập chương trình: planned, waiting for the roll call.</summary>
    Planned,

    /// <summary>Khai mạc: the roll call is done; the reports are presented.</summary>
    Opened,

    /// <summary>Biểu quyết: ballots are open.</summary>
    Voting,

    /// <summary>Kết thúc: the secretary closed the session; no ballot is taken after this.</summary>
    Closed,

    /// <summary>Đã kiểm phiếu: each dossier's outcome is known and sent to its workflow.</summary>
    Tallied,

    /// <summary>Đã có quyết định: the signed recognition decision is recorded.</summary>
    Decided,
}

/// <summary>A session of the council: its agenda, the members in force on its day, the roll call and the ballots.</summary>
public sealed class CouncilSessionRow
{
    public Guid Id { get; set; }

    /// <summary>Unique, e.g. <c>HĐTĐ-08-2026-03</c>: the session workflow's business key.</summary>
    public required string Code { get; set; }

    public required string ProvinceCode { get; set; }

    public DateOnly MeetsOn { get; set; }

    public required string Venue { get; set; }

    public CouncilSessionState State { get; set; }

    public Guid? InstanceId { get; set; }

    /// <summary>Counts ballots; every ballot raises it in the same transaction only while the session votes, so a ballot and the close cannot both win.</summary>
    public int BallotsCast { get; set; }

    public DateTimeOffset? OpenedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public string? ClosedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public List<CouncilSessionMemberRow> Members { get; } = [];

    public List<CouncilAgendaItemRow> Agenda { get; } = [];
}

public enum Attendance
{
    /// <summary>Not yet called.</summary>
    Unknown,

    Present,

    Absent,
}

/// <summary>A member in force on the session's day, as they were then (names and positions are kept for the minutes).</summary>
public sealed class CouncilSessionMemberRow
{
    public Guid SessionId { get; set; }

    public int MemberId { get; set; }

    /// <summary>Order on the roll: chair, vice chairs, members, secretary; the ballots' order too.</summary>
    public int Seat { get; set; }

    public required string UserName { get; set; }

    public required string FullName { get; set; }

    public CouncilPosition Position { get; set; }

    public string? Title { get; set; }

    public Attendance Attendance { get; set; }
}

public enum CouncilOutcome
{
    /// <summary>Thông qua: the dossier goes on to the recognition decision.</summary>
    Passed,

    /// <summary>Không thông qua.</summary>
    NotPassed,

    /// <summary>Không đủ số thành viên: back to a later session.</summary>
    NoQuorum,
}

/// <summary>A dossier on a session's agenda and, once tallied, its numbers.</summary>
public sealed class CouncilAgendaItemRow
{
    public Guid SessionId { get; set; }

    public Guid DossierId { get; set; }

    public int Order { get; set; }

    public required string DossierCode { get; set; }

    public required string CommuneName { get; set; }

    public CouncilOutcome? Outcome { get; set; }

    public int MembersInForce { get; set; }

    public int Attending { get; set; }

    public int Agree { get; set; }

    public int Disagree { get; set; }

    public int Abstain { get; set; }

    public int Recused { get; set; }

    public int NotVoted { get; set; }

    public int WrittenVotes { get; set; }

    public int ApprovalBase { get; set; }

    public int AgreeNeeded { get; set; }
}

public enum BallotChoice
{
    /// <summary>Đồng ý.</summary>
    Agree,

    /// <summary>Không đồng ý (with a written reason).</summary>
    Disagree,

    /// <summary>Phiếu trắng, where the province allows it.</summary>
    Abstain,

    /// <summary>Không biểu quyết vì xung đột lợi ích.</summary>
    Recused,
}

/// <summary>
/// One member's ballot on one dossier in one session: written once, never updated (a unique key refuses a second
/// one). <see cref="Written"/> marks the vote of a member absent from the session, where the province allows it.
/// </summary>
public sealed class CouncilBallotRow
{
    public Guid Id { get; set; }

    public Guid SessionId { get; set; }

    public Guid DossierId { get; set; }

    public int MemberId { get; set; }

    public required string UserName { get; set; }

    public BallotChoice Choice { get; set; }

    public string? Reason { get; set; }

    public bool Written { get; set; }

    public DateTimeOffset CastAt { get; set; }
}

/// <summary>
/// The chairman's signed recognition decision as the coordination office records it: number and symbol, date,
/// signer and the signed scan. Recording it completes the decision step of every dossier the session passed.
/// </summary>
public sealed class RecognitionDecisionRow
{
    public Guid Id { get; set; }

    public Guid SessionId { get; set; }

    public required string ProvinceCode { get; set; }

    /// <summary>"1763/QĐ-UBND".</summary>
    public required string Number { get; set; }

    public DateOnly SignedOn { get; set; }

    /// <summary>Who signed, as printed: "Phó Chủ tịch Nguyễn Văn A".</summary>
    public required string Signer { get; set; }

    /// <summary>The signed scan: a document store name, its file name and SHA-256.</summary>
    public required string ScanBlob { get; set; }

    public required string ScanFileName { get; set; }

    public required string ScanContentType { get; set; }

    public long ScanLength { get; set; }

    public required string ScanSha256 { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    public required string RecordedBy { get; set; }
}
