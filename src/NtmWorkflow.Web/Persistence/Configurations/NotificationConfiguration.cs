using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NtmWorkflow.Web.Features.Notifications;

namespace NtmWorkflow.Web.Persistence.Configurations;

internal sealed class OutboxMessageRowConfiguration : IEntityTypeConfiguration<OutboxMessageRow>
{
    public void Configure(EntityTypeBuilder<OutboxMessageRow> builder)
    {
        builder.ToTable("OutboxMessages");
        builder.Property(o => o.DedupKey).HasMaxLength(400);
        builder.HasIndex(o => o.DedupKey).IsUnique();
        builder.Property(o => o.Channel).HasMaxLength(32);
        builder.Property(o => o.ElementId).HasMaxLength(200);
        builder.Property(o => o.MessageId).HasMaxLength(300);
        builder.Property(o => o.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(o => o.LockedBy).HasMaxLength(200);
        builder.Property(o => o.LastError).HasMaxLength(2000);
        builder.HasIndex(o => new { o.Status, o.NextAttemptAt });
        builder.HasIndex(o => o.InstanceId);
    }
}

internal sealed class MailTemplateRowConfiguration : IEntityTypeConfiguration<MailTemplateRow>
{
    public void Configure(EntityTypeBuilder<MailTemplateRow> builder)
    {
        builder.ToTable("MailTemplates");
        builder.HasKey(t => new { t.Key, t.Culture });
        builder.Property(t => t.Key).HasMaxLength(100);
        builder.Property(t => t.Culture).HasMaxLength(10);
        builder.Property(t => t.Subject).HasMaxLength(1000);
        builder.Property(t => t.UpdatedBy).HasMaxLength(256);
    }
}

internal sealed class CalendarDayRowConfiguration : IEntityTypeConfiguration<Features.Calendar.CalendarDayRow>
{
    public void Configure(EntityTypeBuilder<Features.Calendar.CalendarDayRow> builder)
    {
        builder.ToTable("CalendarDays");
        builder.HasKey(d => d.Date);
        builder.Property(d => d.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(d => d.Name).HasMaxLength(200);
        builder.Property(d => d.Source).HasMaxLength(300);
        builder.Property(d => d.UpdatedBy).HasMaxLength(256);
    }
}

internal sealed class OfficeHoursRowConfiguration : IEntityTypeConfiguration<Features.Calendar.OfficeHoursRow>
{
    public void Configure(EntityTypeBuilder<Features.Calendar.OfficeHoursRow> builder)
    {
        builder.ToTable("OfficeHours");
        builder.HasKey(h => h.ProvinceCode);
        builder.Property(h => h.ProvinceCode).HasMaxLength(16);
        builder.Property(h => h.Hours).HasMaxLength(32);
        builder.Property(h => h.Source).HasMaxLength(300);
        builder.Property(h => h.UpdatedBy).HasMaxLength(256);
    }
}
