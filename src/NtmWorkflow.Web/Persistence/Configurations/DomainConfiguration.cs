using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.LegalParameters;

namespace NtmWorkflow.Web.Persistence.Configurations;

internal sealed class LegalParameterRowConfiguration : IEntityTypeConfiguration<LegalParameterRow>
{
    public void Configure(EntityTypeBuilder<LegalParameterRow> builder)
    {
        builder.ToTable("LegalParameters");
        builder.Property(p => p.Name).HasMaxLength(100);
        builder.Property(p => p.ProvinceCode).HasMaxLength(10);
        builder.Property(p => p.Value).HasMaxLength(2000);
        builder.Property(p => p.Unit).HasMaxLength(40);
        builder.Property(p => p.Description).HasMaxLength(500);
        builder.Property(p => p.Source).HasMaxLength(1000);
        builder.Property(p => p.UpdatedBy).HasMaxLength(256);
        builder.HasIndex(p => new { p.Name, p.ProvinceCode }).IsUnique();
    }
}

internal sealed class AuditEntryRowConfiguration : IEntityTypeConfiguration<AuditEntryRow>
{
    public void Configure(EntityTypeBuilder<AuditEntryRow> builder)
    {
        builder.ToTable("AuditEntries");
        builder.HasKey(a => a.Sequence);
        builder.Property(a => a.Sequence).ValueGeneratedNever();
        builder.Property(a => a.Actor).HasMaxLength(256);
        builder.Property(a => a.Action).HasMaxLength(100);
        builder.Property(a => a.Subject).HasMaxLength(300);
        builder.Property(a => a.PreviousHash).HasMaxLength(64);
        builder.Property(a => a.Hash).HasMaxLength(64);

        // The chain cannot fork: a row can follow another only once.
        builder.HasIndex(a => a.PreviousHash).IsUnique();
        builder.HasIndex(a => new { a.Subject, a.Sequence });
    }
}

internal sealed class CriteriaSetRowConfiguration : IEntityTypeConfiguration<CriteriaSetRow>
{
    public void Configure(EntityTypeBuilder<CriteriaSetRow> builder)
    {
        builder.ToTable("CriteriaSets");
        builder.Property(s => s.Code).HasMaxLength(60);
        builder.Property(s => s.Name).HasMaxLength(300);
        builder.Property(s => s.Decision).HasMaxLength(300);
        builder.Property(s => s.Subject).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Tier).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.ThresholdBasis).HasMaxLength(40);
        builder.Property(s => s.Notes).HasMaxLength(2000);
        builder.HasIndex(s => s.Code).IsUnique();
        builder.HasMany(s => s.Criteria).WithOne().HasForeignKey(c => c.CriteriaSetId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CriterionRowConfiguration : IEntityTypeConfiguration<CriterionRow>
{
    public void Configure(EntityTypeBuilder<CriterionRow> builder)
    {
        builder.ToTable("Criteria");
        builder.Property(c => c.Name).HasMaxLength(300);
        builder.HasIndex(c => new { c.CriteriaSetId, c.Number }).IsUnique();
        builder.HasMany(c => c.Indicators).WithOne(i => i.Criterion).HasForeignKey(i => i.CriterionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IndicatorRowConfiguration : IEntityTypeConfiguration<IndicatorRow>
{
    public void Configure(EntityTypeBuilder<IndicatorRow> builder)
    {
        builder.ToTable("Indicators");
        builder.Property(i => i.Number).HasMaxLength(20);
        builder.Property(i => i.Name).HasMaxLength(1000);
        builder.Property(i => i.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(i => i.Direction).HasConversion<string>().HasMaxLength(20);
        builder.Property(i => i.Unit).HasMaxLength(60);
        builder.Property(i => i.DefaultDepartmentKind).HasMaxLength(60);
        builder.HasIndex(i => new { i.CriterionId, i.Number }).IsUnique();
        builder.HasMany(i => i.Thresholds).WithOne().HasForeignKey(t => t.IndicatorId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IndicatorThresholdRowConfiguration : IEntityTypeConfiguration<IndicatorThresholdRow>
{
    public void Configure(EntityTypeBuilder<IndicatorThresholdRow> builder)
    {
        builder.ToTable("IndicatorThresholds");
        builder.Property(t => t.Scope).HasMaxLength(60);
        builder.Property(t => t.Value).HasPrecision(18, 4);
        builder.Property(t => t.RatingScale).HasMaxLength(500);
        builder.Property(t => t.MinimumRating).HasMaxLength(100);
        builder.Property(t => t.Source).HasMaxLength(1000);
        builder.HasIndex(t => new { t.IndicatorId, t.Scope }).IsUnique();
    }
}

internal sealed class DepartmentKindRowConfiguration : IEntityTypeConfiguration<DepartmentKindRow>
{
    public void Configure(EntityTypeBuilder<DepartmentKindRow> builder)
    {
        builder.ToTable("DepartmentKinds");
        builder.HasKey(d => d.Code);
        builder.Property(d => d.Code).HasMaxLength(60);
        builder.Property(d => d.Name).HasMaxLength(200);
        builder.Property(d => d.SuccessorCode).HasMaxLength(60);
        builder.Property(d => d.Source).HasMaxLength(1000);
    }
}

internal sealed class IndicatorOwnershipRowConfiguration : IEntityTypeConfiguration<IndicatorOwnershipRow>
{
    public void Configure(EntityTypeBuilder<IndicatorOwnershipRow> builder)
    {
        builder.ToTable("IndicatorOwnerships");
        builder.Property(o => o.ProvinceCode).HasMaxLength(10);
        builder.Property(o => o.DepartmentKind).HasMaxLength(60);
        builder.Property(o => o.Source).HasMaxLength(1000);
        builder.Property(o => o.UpdatedBy).HasMaxLength(256);
        builder.HasIndex(o => new { o.ProvinceCode, o.IndicatorId, o.ValidFrom }).IsUnique();
        builder.HasOne<IndicatorRow>().WithMany().HasForeignKey(o => o.IndicatorId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RoleAssignmentRowConfiguration : IEntityTypeConfiguration<Features.Organisation.RoleAssignmentRow>
{
    public void Configure(EntityTypeBuilder<Features.Organisation.RoleAssignmentRow> builder)
    {
        builder.ToTable("RoleAssignments");
        builder.Property(a => a.UserId).HasMaxLength(450);
        builder.Property(a => a.UnitKey).HasMaxLength(100);
        builder.Property(a => a.Role).HasMaxLength(40);
        builder.Property(a => a.CreatedBy).HasMaxLength(256);
        builder.HasIndex(a => new { a.UnitKey, a.Role });
        builder.HasIndex(a => a.UserId);
        builder.HasOne<Features.Accounts.AppUser>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DossierRowConfiguration : IEntityTypeConfiguration<Features.Dossiers.DossierRow>
{
    public void Configure(EntityTypeBuilder<Features.Dossiers.DossierRow> builder)
    {
        builder.ToTable("Dossiers");
        builder.Property(d => d.Code).HasMaxLength(80);
        builder.Property(d => d.Subject).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.Tier).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.SecurityOrder).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.ProvinceCode).HasMaxLength(10);
        builder.Property(d => d.CommuneCode).HasMaxLength(10);
        builder.Property(d => d.CommuneName).HasMaxLength(200);
        builder.Property(d => d.DistrictCode).HasMaxLength(10);
        builder.Property(d => d.VillageName).HasMaxLength(200);
        builder.Property(d => d.ProcessId).HasMaxLength(100);
        builder.Property(d => d.CriteriaSetCode).HasMaxLength(60);
        builder.Property(d => d.ThresholdScope).HasMaxLength(60);
        builder.Property(d => d.OutstandingField).HasMaxLength(200);
        builder.Property(d => d.SatisfactionPercent).HasPrecision(7, 4);
        builder.Property(d => d.CommentsSummary).HasMaxLength(4000);
        builder.Property(d => d.DecisionNumber).HasMaxLength(60);
        builder.Property(d => d.CreatedBy).HasMaxLength(256);
        builder.HasIndex(d => d.Code);
        builder.HasIndex(d => new { d.ProvinceCode, d.Year, d.Status });
        builder.HasIndex(d => d.CommuneCode);
        builder.HasIndex(d => d.InstanceId);
        builder.HasIndex(d => d.RevocationInstanceId);
        builder.HasMany(d => d.Indicators).WithOne().HasForeignKey(i => i.DossierId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DossierIndicatorRowConfiguration : IEntityTypeConfiguration<Features.Dossiers.DossierIndicatorRow>
{
    public void Configure(EntityTypeBuilder<Features.Dossiers.DossierIndicatorRow> builder)
    {
        builder.ToTable("DossierIndicators");
        builder.HasKey(i => new { i.DossierId, i.Number });
        builder.Property(i => i.Number).HasMaxLength(20);
        builder.Property(i => i.Value).HasMaxLength(200);
        builder.Property(i => i.Note).HasMaxLength(4000);
        builder.Property(i => i.UpdatedBy).HasMaxLength(256);
    }
}

internal sealed class DossierFindingRowConfiguration : IEntityTypeConfiguration<Features.Dossiers.DossierFindingRow>
{
    public void Configure(EntityTypeBuilder<Features.Dossiers.DossierFindingRow> builder)
    {
        builder.ToTable("DossierFindings");
        builder.Property(f => f.Step).HasMaxLength(200);
        builder.Property(f => f.DepartmentKind).HasMaxLength(60);
        builder.Property(f => f.IndicatorNumber).HasMaxLength(20);
        builder.Property(f => f.Finding).HasMaxLength(20);
        builder.Property(f => f.Reason).HasMaxLength(4000);
        builder.Property(f => f.Actor).HasMaxLength(256);
        builder.HasIndex(f => new { f.DossierId, f.Round });
        builder.HasOne<Features.Dossiers.DossierRow>().WithMany().HasForeignKey(f => f.DossierId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EvidenceDocumentRowConfiguration : IEntityTypeConfiguration<Features.Evidence.EvidenceDocumentRow>
{
    public void Configure(EntityTypeBuilder<Features.Evidence.EvidenceDocumentRow> builder)
    {
        builder.ToTable("EvidenceDocuments");
        builder.Property(d => d.IndicatorNumber).HasMaxLength(20);
        builder.Property(d => d.FileName).HasMaxLength(260);
        builder.Property(d => d.ContentType).HasMaxLength(120);
        builder.Property(d => d.Sha256).HasMaxLength(64).IsFixedLength();
        builder.Property(d => d.StorageKey).HasMaxLength(300);
        builder.Property(d => d.UploadedBy).HasMaxLength(256);
        builder.Property(d => d.WithdrawnBy).HasMaxLength(256);
        builder.HasIndex(d => new { d.DossierId, d.IndicatorNumber });
        builder.HasOne<Features.Dossiers.DossierRow>().WithMany().HasForeignKey(d => d.DossierId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EvidenceUploadRowConfiguration : IEntityTypeConfiguration<Features.Evidence.EvidenceUploadRow>
{
    public void Configure(EntityTypeBuilder<Features.Evidence.EvidenceUploadRow> builder)
    {
        builder.ToTable("EvidenceUploads");
        builder.Property(u => u.IndicatorNumber).HasMaxLength(20);
        builder.Property(u => u.FileName).HasMaxLength(260);
        builder.Property(u => u.ExpectedSha256).HasMaxLength(64);
        builder.Property(u => u.StorageKey).HasMaxLength(300);
        builder.Property(u => u.StartedBy).HasMaxLength(256);
        builder.HasIndex(u => u.UpdatedAt);
        builder.HasOne<Features.Dossiers.DossierRow>().WithMany().HasForeignKey(u => u.DossierId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReviewDraftRowConfiguration : IEntityTypeConfiguration<Features.DepartmentDesk.ReviewDraftRow>
{
    public void Configure(EntityTypeBuilder<Features.DepartmentDesk.ReviewDraftRow> builder)
    {
        builder.ToTable("ReviewDrafts");
        builder.HasKey(r => new { r.TaskId, r.IndicatorNumber });
        builder.Property(r => r.IndicatorNumber).HasMaxLength(20);
        builder.Property(r => r.Finding).HasMaxLength(20);
        builder.Property(r => r.Actor).HasMaxLength(256);
        builder.HasOne<Features.Dossiers.DossierRow>().WithMany().HasForeignKey(r => r.DossierId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DifficultyRowConfiguration : IEntityTypeConfiguration<Features.DepartmentDesk.DifficultyRow>
{
    public void Configure(EntityTypeBuilder<Features.DepartmentDesk.DifficultyRow> builder)
    {
        builder.ToTable("Difficulties");
        builder.Property(d => d.ProvinceCode).HasMaxLength(10);
        builder.Property(d => d.RaisedByUnit).HasMaxLength(80);
        builder.Property(d => d.RaisedBy).HasMaxLength(256);
        builder.Property(d => d.Subject).HasMaxLength(200);
        builder.Property(d => d.Description).HasMaxLength(4000);
        builder.Property(d => d.Answer).HasMaxLength(4000);
        builder.Property(d => d.AnsweredBy).HasMaxLength(256);
        builder.HasIndex(d => new { d.RaisedByUnit, d.RaisedAt });
        builder.HasIndex(d => new { d.ProvinceCode, d.RaisedAt });
    }
}

internal sealed class CouncilMemberRowConfiguration : IEntityTypeConfiguration<Features.Council.CouncilMemberRow>
{
    public void Configure(EntityTypeBuilder<Features.Council.CouncilMemberRow> builder)
    {
        builder.ToTable("CouncilMembers");
        builder.Property(m => m.ProvinceCode).HasMaxLength(10);
        builder.Property(m => m.UserName).HasMaxLength(256);
        builder.Property(m => m.FullName).HasMaxLength(200);
        builder.Property(m => m.Position).HasConversion<string>().HasMaxLength(20);
        builder.Property(m => m.Title).HasMaxLength(200);
        builder.Property(m => m.AppointedBy).HasMaxLength(200);
        builder.Property(m => m.CreatedBy).HasMaxLength(256);
        builder.HasIndex(m => new { m.ProvinceCode, m.From });
    }
}

internal sealed class CouncilSessionRowConfiguration : IEntityTypeConfiguration<Features.Council.CouncilSessionRow>
{
    public void Configure(EntityTypeBuilder<Features.Council.CouncilSessionRow> builder)
    {
        builder.ToTable("CouncilSessions");
        builder.Property(s => s.Code).HasMaxLength(60);
        builder.HasIndex(s => s.Code).IsUnique();
        builder.Property(s => s.ProvinceCode).HasMaxLength(10);
        builder.Property(s => s.Venue).HasMaxLength(300);
        builder.Property(s => s.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.ClosedBy).HasMaxLength(256);
        builder.Property(s => s.CreatedBy).HasMaxLength(256);
        builder.HasIndex(s => new { s.ProvinceCode, s.MeetsOn });
        builder.HasMany(s => s.Members).WithOne().HasForeignKey(m => m.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(s => s.Agenda).WithOne().HasForeignKey(a => a.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CouncilSessionMemberRowConfiguration : IEntityTypeConfiguration<Features.Council.CouncilSessionMemberRow>
{
    public void Configure(EntityTypeBuilder<Features.Council.CouncilSessionMemberRow> builder)
    {
        builder.ToTable("CouncilSessionMembers");
        builder.HasKey(m => new { m.SessionId, m.MemberId });
        builder.Property(m => m.UserName).HasMaxLength(256);
        builder.Property(m => m.FullName).HasMaxLength(200);
        builder.Property(m => m.Position).HasConversion<string>().HasMaxLength(20);
        builder.Property(m => m.Title).HasMaxLength(200);
        builder.Property(m => m.Attendance).HasConversion<string>().HasMaxLength(20);
        builder.HasOne<Features.Council.CouncilMemberRow>().WithMany().HasForeignKey(m => m.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CouncilAgendaItemRowConfiguration : IEntityTypeConfiguration<Features.Council.CouncilAgendaItemRow>
{
    public void Configure(EntityTypeBuilder<Features.Council.CouncilAgendaItemRow> builder)
    {
        builder.ToTable("CouncilAgendaItems");
        builder.HasKey(a => new { a.SessionId, a.DossierId });
        builder.Property(a => a.DossierCode).HasMaxLength(60);
        builder.Property(a => a.CommuneName).HasMaxLength(200);
        builder.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(a => a.DossierId);
        builder.HasOne<Features.Dossiers.DossierRow>().WithMany().HasForeignKey(a => a.DossierId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CouncilBallotRowConfiguration : IEntityTypeConfiguration<Features.Council.CouncilBallotRow>
{
    public void Configure(EntityTypeBuilder<Features.Council.CouncilBallotRow> builder)
    {
        builder.ToTable("CouncilBallots");
        // One ballot per member per dossier per session: the database refuses a second, whoever races whom.
        builder.HasIndex(b => new { b.SessionId, b.DossierId, b.MemberId }).IsUnique();
        builder.Property(b => b.UserName).HasMaxLength(256);
        builder.Property(b => b.Choice).HasConversion<string>().HasMaxLength(20);
        builder.Property(b => b.Reason).HasMaxLength(4000);
        builder.HasOne<Features.Council.CouncilSessionRow>().WithMany().HasForeignKey(b => b.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RecognitionDecisionRowConfiguration : IEntityTypeConfiguration<Features.Council.RecognitionDecisionRow>
{
    public void Configure(EntityTypeBuilder<Features.Council.RecognitionDecisionRow> builder)
    {
        builder.ToTable("RecognitionDecisions");
        builder.Property(d => d.ProvinceCode).HasMaxLength(10);
        builder.Property(d => d.Number).HasMaxLength(60);
        builder.HasIndex(d => new { d.ProvinceCode, d.Number }).IsUnique();
        builder.HasIndex(d => d.SessionId).IsUnique();
        builder.Property(d => d.Signer).HasMaxLength(200);
        builder.Property(d => d.ScanBlob).HasMaxLength(300);
        builder.Property(d => d.ScanFileName).HasMaxLength(260);
        builder.Property(d => d.ScanContentType).HasMaxLength(120);
        builder.Property(d => d.ScanSha256).HasMaxLength(64).IsFixedLength();
        builder.Property(d => d.RecordedBy).HasMaxLength(256);
        builder.HasOne<Features.Council.CouncilSessionRow>().WithMany().HasForeignKey(d => d.SessionId).OnDelete(DeleteBehavior.Restrict);
    }
}
