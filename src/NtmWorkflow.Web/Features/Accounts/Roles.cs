namespace NtmWorkflow.Web.Features.Accounts;

/// <summary>The roles of NTM recognition (see the glossary in docs/domain-glossary.md).</summary>
public static class Roles
{
    /// <summary>Quản trị hệ thống: edits workflows, users, units and the calendar.</summary>
    public const string Administrator = "Administrator";

    /// <summary>Văn phòng Điều phối NTM tỉnh: owns the process and watches every dossier.</summary>
    public const string CoordinationOffice = "CoordinationOffice";

    /// <summary>Cán bộ phụ trách NTM xã: prepares the self-assessment and the dossier.</summary>
    public const string CommuneOfficer = "CommuneOfficer";

    /// <summary>Cán bộ sở, ngành tỉnh: reviews the criteria the department owns.</summary>
    public const string DepartmentReviewer = "DepartmentReviewer";

    /// <summary>Thành viên Hội đồng thẩm định: votes on dossiers.</summary>
    public const string CouncilMember = "CouncilMember";

    /// <summary>Thư ký Hội đồng thẩm định: runs council sessions and the minutes.</summary>
    public const string CouncilSecretary = "CouncilSecretary";

    public static IReadOnlyList<string> All { get; } =
        [Administrator, CoordinationOffice, CommuneOfficer, DepartmentReviewer, CouncilMember, CouncilSecretary];
}
