namespace NtmWorkflow.Web.Features.Accounts;

/// <summary>
/// The roles of NTM recognition (see the glossary in docs/domain-glossary.md). An official holds a role at a
/// unit (<see cref="Organisation.RoleAssignmentRow"/>); the same names are Identity roles meaning "holds it somewhere".
/// </summary>
public static class Roles
{
    /// <summary>Quản trị hệ thống: edits workflows, users, units, legal parameters and the calendar.</summary>
    public const string Administrator = "Administrator";

    /// <summary>Văn phòng Điều phối NTM tỉnh: owns the process and watches every dossier.</summary>
    public const string CoordinationOffice = "CoordinationOffice";

    /// <summary>Cán bộ phụ trách NTM xã: prepares the self-assessment and the dossier.</summary>
    public const string CommuneOfficer = "CommuneOfficer";

    /// <summary>Cán bộ thẩm tra: verifies communes' results (district until 2025-06-30; after that as the province configures).</summary>
    public const string Verifier = "Verifier";

    /// <summary>Cán bộ sở, ngành tỉnh: reviews the criteria the department owns.</summary>
    public const string DepartmentReviewer = "DepartmentReviewer";

    /// <summary>Thành viên Hội đồng thẩm định: votes on dossiers.</summary>
    public const string CouncilMember = "CouncilMember";

    /// <summary>Thư ký Hội đồng thẩm định: runs council sessions and the minutes.</summary>
    public const string CouncilSecretary = "CouncilSecretary";

    /// <summary>Chủ tịch UBND (tỉnh, or xã for villages): signs recognition decisions.</summary>
    public const string Chairman = "Chairman";

    /// <summary>Thủ trưởng đơn vị: head of a unit, who receives its escalations.</summary>
    public const string Head = "Head";

    public static IReadOnlyList<string> All { get; } =
        [Administrator, CoordinationOffice, CommuneOfficer, Verifier, DepartmentReviewer, CouncilMember, CouncilSecretary, Chairman, Head];
}
