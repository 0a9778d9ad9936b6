using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NtmWorkflow.Web.Features.AdministrativeUnits;

namespace NtmWorkflow.Web.Persistence.Configurations;

internal sealed class AdministrativeUnitConfiguration : IEntityTypeConfiguration<AdministrativeUnit>
{
    public void Configure(EntityTypeBuilder<AdministrativeUnit> builder)
    {
        builder.ToTable("AdministrativeUnits");
        builder.Property(u => u.Edition).HasMaxLength(16);
        builder.Property(u => u.Level).HasConversion<string>().HasMaxLength(16);
        builder.Property(u => u.Code).HasMaxLength(8);
        builder.Property(u => u.Name).HasMaxLength(200);
        builder.Property(u => u.Kind).HasMaxLength(64);
        builder.HasIndex(u => new { u.Edition, u.Level, u.Code }).IsUnique();
        builder.HasIndex(u => new { u.Level, u.Code });
        builder.HasOne(u => u.Parent).WithMany().HasForeignKey(u => u.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AdministrativeUnitSuccessionConfiguration : IEntityTypeConfiguration<AdministrativeUnitSuccession>
{
    public void Configure(EntityTypeBuilder<AdministrativeUnitSuccession> builder)
    {
        builder.ToTable("AdministrativeUnitSuccessions");
        builder.HasKey(s => new { s.PredecessorId, s.SuccessorId });
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(16);
        builder.HasOne(s => s.Predecessor).WithMany(u => u.Successors).HasForeignKey(s => s.PredecessorId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(s => s.Successor).WithMany().HasForeignKey(s => s.SuccessorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => s.SuccessorId);
    }
}
