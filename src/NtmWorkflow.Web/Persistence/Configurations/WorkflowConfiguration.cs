using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NtmWorkflow.Web.Features.Workflows.Store;

namespace NtmWorkflow.Web.Persistence.Configurations;

internal sealed class WorkflowInstanceRowConfiguration : IEntityTypeConfiguration<WorkflowInstanceRow>
{
    public void Configure(EntityTypeBuilder<WorkflowInstanceRow> builder)
    {
        builder.ToTable("WorkflowInstances");
        builder.Property(i => i.ProcessId).HasMaxLength(200);
        builder.Property(i => i.BusinessKey).HasMaxLength(200);
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.Revision).IsConcurrencyToken();
        builder.HasIndex(i => i.BusinessKey);
        builder.HasIndex(i => new { i.ProcessId, i.Version });
        builder.HasIndex(i => i.Status);

        // The monitor's list: newest first, narrowed by province, state, incident or an overdue task.
        builder.Property(i => i.ProvinceCode).HasMaxLength(10);
        builder.Property(i => i.CommuneCode).HasMaxLength(10);
        builder.Property(i => i.CommuneName).HasMaxLength(200);
        builder.HasIndex(i => new { i.StartedAt, i.Id });
        builder.HasIndex(i => new { i.ProvinceCode, i.StartedAt });
        builder.HasIndex(i => new { i.Status, i.HasIncident, i.StartedAt });
        builder.HasIndex(i => i.NextTaskDue);
        builder.HasIndex(i => i.CommuneCode);
    }
}

internal sealed class WorkflowTimerRowConfiguration : IEntityTypeConfiguration<WorkflowTimerRow>
{
    public void Configure(EntityTypeBuilder<WorkflowTimerRow> builder)
    {
        builder.ToTable("WorkflowTimers");
        builder.HasKey(t => new { t.InstanceId, t.TimerId });
        builder.Property(t => t.TimerId).HasMaxLength(32);
        builder.Property(t => t.ElementId).HasMaxLength(200);
        builder.Property(t => t.LockedBy).HasMaxLength(200);
        builder.HasIndex(t => new { t.Due, t.ScheduledAt, t.Sequence });
        builder.HasOne<WorkflowInstanceRow>().WithMany().HasForeignKey(t => t.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WorkflowSubscriptionRowConfiguration : IEntityTypeConfiguration<WorkflowSubscriptionRow>
{
    public void Configure(EntityTypeBuilder<WorkflowSubscriptionRow> builder)
    {
        builder.ToTable("WorkflowSubscriptions");
        builder.HasKey(s => new { s.InstanceId, s.SubscriptionId });
        builder.Property(s => s.SubscriptionId).HasMaxLength(32);
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Property(s => s.BusinessKey).HasMaxLength(200);
        builder.HasIndex(s => new { s.Name, s.IsSignal, s.BusinessKey });
        builder.HasOne<WorkflowInstanceRow>().WithMany().HasForeignKey(s => s.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WorkflowReceivedMessageRowConfiguration : IEntityTypeConfiguration<WorkflowReceivedMessageRow>
{
    public void Configure(EntityTypeBuilder<WorkflowReceivedMessageRow> builder)
    {
        builder.ToTable("WorkflowReceivedMessages");
        builder.HasKey(r => r.DedupKey);
        builder.Property(r => r.DedupKey).HasMaxLength(300);
        builder.HasIndex(r => r.InstanceId);
        builder.HasOne<WorkflowInstanceRow>().WithMany().HasForeignKey(r => r.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WorkflowTaskRowConfiguration : IEntityTypeConfiguration<WorkflowTaskRow>
{
    public void Configure(EntityTypeBuilder<WorkflowTaskRow> builder)
    {
        builder.ToTable("WorkflowTasks");
        builder.Property(t => t.ElementId).HasMaxLength(200);
        builder.Property(t => t.Name).HasMaxLength(500);
        builder.Property(t => t.Assignee).HasMaxLength(256);
        builder.Property(t => t.FormKey).HasMaxLength(200);
        builder.Property(t => t.DueUnverified).HasMaxLength(1000);
        builder.Property(t => t.BusinessKey).HasMaxLength(200);
        builder.Property(t => t.CommuneCode).HasMaxLength(10);
        builder.Property(t => t.CommuneName).HasMaxLength(200);

        // The table holds open tasks only (a completed task's row is deleted; history keeps it), so these
        // indexes never reach closed ones. (Assignee, Due): an official's own tasks, soonest due first.
        builder.HasIndex(t => t.InstanceId);
        builder.HasIndex(t => new { t.Assignee, t.Due });
        builder.HasIndex(t => t.Due);
        builder.HasOne<WorkflowInstanceRow>().WithMany().HasForeignKey(t => t.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WorkflowTaskGroupRowConfiguration : IEntityTypeConfiguration<WorkflowTaskGroupRow>
{
    public void Configure(EntityTypeBuilder<WorkflowTaskGroupRow> builder)
    {
        builder.ToTable("WorkflowTaskGroups");
        builder.HasKey(g => new { g.TaskId, g.Group });
        builder.Property(g => g.Group).HasMaxLength(200);

        // Covering: a unit's tasks are read from the index alone.
        builder.HasIndex(g => new { g.Group, g.TaskId });
        builder.HasOne<WorkflowTaskRow>().WithMany().HasForeignKey(g => g.TaskId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WorkflowHistoryRowConfiguration : IEntityTypeConfiguration<WorkflowHistoryRow>
{
    public void Configure(EntityTypeBuilder<WorkflowHistoryRow> builder)
    {
        builder.ToTable("WorkflowHistory");
        builder.Property(h => h.Event).HasMaxLength(32);
        builder.Property(h => h.ElementId).HasMaxLength(200);
        builder.Property(h => h.Actor).HasMaxLength(256);
        builder.Property(h => h.Detail).HasMaxLength(4000);
        builder.HasIndex(h => new { h.InstanceId, h.Id });
    }
}

internal sealed class WorkflowDefinitionRowConfiguration : IEntityTypeConfiguration<WorkflowDefinitionRow>
{
    public void Configure(EntityTypeBuilder<WorkflowDefinitionRow> builder)
    {
        builder.ToTable("WorkflowDefinitions");
        builder.Property(d => d.ProcessId).HasMaxLength(200);
        builder.Property(d => d.Name).HasMaxLength(500);
        builder.Property(d => d.ContentHash).HasMaxLength(64);
        builder.Property(d => d.Source).HasMaxLength(500);
        builder.Property(d => d.PublishedBy).HasMaxLength(256);
        builder.HasIndex(d => new { d.ProcessId, d.Version }).IsUnique();
    }
}

internal sealed class WorkflowDraftRowConfiguration : IEntityTypeConfiguration<Features.Designer.WorkflowDraftRow>
{
    public void Configure(EntityTypeBuilder<Features.Designer.WorkflowDraftRow> builder)
    {
        builder.ToTable("WorkflowDrafts");
        builder.Property(d => d.ProcessId).HasMaxLength(200);
        builder.Property(d => d.UpdatedBy).HasMaxLength(256);
        builder.HasIndex(d => d.ProcessId).IsUnique();
    }
}
