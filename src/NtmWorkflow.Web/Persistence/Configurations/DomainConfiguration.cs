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
