using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Calendar;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Workflows.Store;

namespace NtmWorkflow.Web.Persistence;

/// <summary>
/// The one EF Core model of NtmWorkflow. Each provider has a subclass with its own migrations folder
/// (<see cref="SqliteAppDbContext"/>, <see cref="PostgresAppDbContext"/>); services depend on this type.
/// </summary>
/// <remarks>
/// After a model change, add a migration for both providers (see docs/operations.md):
/// <code>
/// dotnet ef migrations add NAME --project src/NtmWorkflow.Web --context SqliteAppDbContext --output-dir Persistence/Migrations/Sqlite
/// dotnet ef migrations add NAME --project src/NtmWorkflow.Web --context PostgresAppDbContext --output-dir Persistence/Migrations/Postgres
/// </code>
/// </remarks>
public abstract class AppDbContext(DbContextOptions options) : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    /// <summary>Cookie and antiforgery keys, shared by every app node so any node can read another's cookies.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<AdministrativeUnit> AdministrativeUnits => Set<AdministrativeUnit>();

    public DbSet<AdministrativeUnitSuccession> AdministrativeUnitSuccessions => Set<AdministrativeUnitSuccession>();

    public DbSet<WorkflowDefinitionRow> WorkflowDefinitions => Set<WorkflowDefinitionRow>();

    public DbSet<WorkflowInstanceRow> WorkflowInstances => Set<WorkflowInstanceRow>();

    public DbSet<WorkflowTimerRow> WorkflowTimers => Set<WorkflowTimerRow>();

    public DbSet<WorkflowSubscriptionRow> WorkflowSubscriptions => Set<WorkflowSubscriptionRow>();

    public DbSet<WorkflowTaskRow> WorkflowTasks => Set<WorkflowTaskRow>();

    public DbSet<WorkflowHistoryRow> WorkflowHistory => Set<WorkflowHistoryRow>();

    public DbSet<OutboxMessageRow> OutboxMessages => Set<OutboxMessageRow>();

    public DbSet<WorkflowReceivedMessageRow> WorkflowReceivedMessages => Set<WorkflowReceivedMessageRow>();

    public DbSet<MailTemplateRow> MailTemplates => Set<MailTemplateRow>();

    public DbSet<CalendarDayRow> CalendarDays => Set<CalendarDayRow>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // Instants are stored as UTC date-times: SQLite cannot compare DateTimeOffset in SQL, and
        // PostgreSQL's timestamptz accepts only UTC. The offset is restored as +00:00 on read.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetConverter>();
    }

    private sealed class UtcDateTimeOffsetConverter() : ValueConverter<DateTimeOffset, DateTime>(
        value => value.UtcDateTime,
        stored => new DateTimeOffset(DateTime.SpecifyKind(stored, DateTimeKind.Utc)));
}
