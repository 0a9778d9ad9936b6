using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NtmWorkflow.Web.Features.Reports;

namespace NtmWorkflow.Web.Persistence.Configurations;

internal sealed class CompletedTaskRowConfiguration : IEntityTypeConfiguration<CompletedTaskRow>
{
    public void Configure(EntityTypeBuilder<CompletedTaskRow> builder)
    {
        builder.ToTable("CompletedTasks");
        builder.HasKey(t => t.TaskId);
        builder.Property(t => t.ProcessId).HasMaxLength(200);
        builder.Property(t => t.ElementId).HasMaxLength(200);
        builder.Property(t => t.Name).HasMaxLength(500);
        builder.Property(t => t.ProvinceCode).HasMaxLength(16);
        builder.Property(t => t.CommuneCode).HasMaxLength(16);
        builder.Property(t => t.UnitKey).HasMaxLength(100);
        builder.Property(t => t.CompletedBy).HasMaxLength(256);
        builder.Property(t => t.Timeliness).HasConversion<string>().HasMaxLength(16);

        // The dashboard's on-time figures: a province's tasks completed in a period.
        builder.HasIndex(t => new { t.ProvinceCode, t.Completed });
        builder.HasIndex(t => t.DossierId);
    }
}

internal sealed class ProgrammeTargetRowConfiguration : IEntityTypeConfiguration<ProgrammeTargetRow>
{
    public void Configure(EntityTypeBuilder<ProgrammeTargetRow> builder)
    {
        builder.ToTable("ProgrammeTargets");
        builder.HasKey(t => new { t.ProvinceCode, t.Year, t.Tier });
        builder.Property(t => t.ProvinceCode).HasMaxLength(16);
        builder.Property(t => t.Tier).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.Source).HasMaxLength(300);
        builder.Property(t => t.UpdatedBy).HasMaxLength(256);
    }
}
