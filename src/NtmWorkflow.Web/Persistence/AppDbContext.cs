using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Features.Calendar;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.LegalParameters;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Organisation;
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

    public DbSet<WorkflowTaskGroupRow> WorkflowTaskGroups => Set<WorkflowTaskGroupRow>();

    public DbSet<WorkflowHistoryRow> WorkflowHistory => Set<WorkflowHistoryRow>();

    public DbSet<OutboxMessageRow> OutboxMessages => Set<OutboxMessageRow>();

    public DbSet<WorkflowReceivedMessageRow> WorkflowReceivedMessages => Set<WorkflowReceivedMessageRow>();

    public DbSet<MailTemplateRow> MailTemplates => Set<MailTemplateRow>();

    public DbSet<CalendarDayRow> CalendarDays => Set<CalendarDayRow>();

    public DbSet<OfficeHoursRow> OfficeHours => Set<OfficeHoursRow>();

    public DbSet<Features.Reports.CompletedTaskRow> CompletedTasks => Set<Features.Reports.CompletedTaskRow>();

    public DbSet<Features.Reports.ProgrammeTargetRow> ProgrammeTargets => Set<Features.Reports.ProgrammeTargetRow>();

    public DbSet<LegalParameterRow> LegalParameters => Set<LegalParameterRow>();

    public DbSet<AuditEntryRow> AuditEntries => Set<AuditEntryRow>();

    public DbSet<CriteriaSetRow> CriteriaSets => Set<CriteriaSetRow>();

    public DbSet<CriterionRow> Criteria => Set<CriterionRow>();

    public DbSet<IndicatorRow> Indicators => Set<IndicatorRow>();

    public DbSet<IndicatorThresholdRow> IndicatorThresholds => Set<IndicatorThresholdRow>();

    public DbSet<DepartmentKindRow> DepartmentKinds => Set<DepartmentKindRow>();

    public DbSet<IndicatorOwnershipRow> IndicatorOwnerships => Set<IndicatorOwnershipRow>();

    public DbSet<RoleAssignmentRow> RoleAssignments => Set<RoleAssignmentRow>();

    public DbSet<DossierRow> Dossiers => Set<DossierRow>();

    public DbSet<DossierIndicatorRow> DossierIndicators => Set<DossierIndicatorRow>();

    public DbSet<DossierFindingRow> DossierFindings => Set<DossierFindingRow>();

    public DbSet<Features.Evidence.EvidenceDocumentRow> EvidenceDocuments => Set<Features.Evidence.EvidenceDocumentRow>();

    public DbSet<Features.Evidence.EvidenceUploadRow> EvidenceUploads => Set<Features.Evidence.EvidenceUploadRow>();

    public DbSet<Features.DepartmentDesk.ReviewDraftRow> ReviewDrafts => Set<Features.DepartmentDesk.ReviewDraftRow>();

    public DbSet<Features.DepartmentDesk.DifficultyRow> Difficulties => Set<Features.DepartmentDesk.DifficultyRow>();

    public DbSet<Features.Council.CouncilMemberRow> CouncilMembers => Set<Features.Council.CouncilMemberRow>();

    public DbSet<Features.Council.CouncilSessionRow> CouncilSessions => Set<Features.Council.CouncilSessionRow>();

    public DbSet<Features.Council.CouncilSessionMemberRow> CouncilSessionMembers => Set<Features.Council.CouncilSessionMemberRow>();

    public DbSet<Features.Council.CouncilAgendaItemRow> CouncilAgendaItems => Set<Features.Council.CouncilAgendaItemRow>();

    public DbSet<Features.Council.CouncilBallotRow> CouncilBallots => Set<Features.Council.CouncilBallotRow>();

    public DbSet<Features.Council.RecognitionDecisionRow> RecognitionDecisions => Set<Features.Council.RecognitionDecisionRow>();

    public DbSet<Features.Designer.WorkflowDraftRow> WorkflowDrafts => Set<Features.Designer.WorkflowDraftRow>();

    /// <summary>
    /// Saves; audit entries recorded in this context (<see cref="AuditTrail.Record"/>) get their place in the
    /// chain inside the same transaction, under the audit lock, so concurrent writers cannot fork it. On PostgreSQL
    /// that place is given at the commit, and the saved entries are no longer tracked.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var pending = ChangeTracker.Entries<AuditEntryRow>().Where(e => e.State == EntityState.Added).Select(e => e.Entity)
            .OrderByDescending(e => e.Sequence).ToList();
        if (pending.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        int saved;
        if (Database.CurrentTransaction is not null)
        {
            saved = await SaveThenChainAsync(pending, cancellationToken);
        }
        else
        {
            saved = await Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
            {
                // SQLite's transactions begin IMMEDIATE (one writer); PostgreSQL chains the entries as it commits (AuditTrail.AppendAsync).
                await using var transaction = await Database.BeginTransactionAsync(ct);
                var count = await SaveThenChainAsync(pending, ct);
                await transaction.CommitAsync(ct);
                return count;
            }, cancellationToken);
        }

        if (acceptAllChangesOnSuccess)
        {
            ChangeTracker.AcceptAllChanges();
            if (Database.IsNpgsql())
            {
                // Their sequence and hashes are the database's, given at the commit; the placeholders are not kept.
                foreach (var entry in pending)
                {
                    Entry(entry).State = EntityState.Detached;
                }
            }
        }

        return saved;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        ChangeTracker.Entries<AuditEntryRow>().Any(e => e.State == EntityState.Added)
            ? throw new InvalidOperationException("Audit entries are saved with SaveChangesAsync.")
            : base.SaveChanges(acceptAllChangesOnSuccess);

    /// <summary>
    /// Inside the caller's transaction: the other changes first, without the audit lock (their row locks and
    /// batches need not hold up every other audited save), then the entries, chained under the lock, which is
    /// held from there to the commit. Changes stay unaccepted, so the execution strategy can run it again.
    /// </summary>
    private async Task<int> SaveThenChainAsync(List<AuditEntryRow> pending, CancellationToken cancellationToken)
    {
        foreach (var entry in pending)
        {
            Entry(entry).State = EntityState.Detached;
        }

        int count;
        try
        {
            count = await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken);
        }
        finally
        {
            // Tracked again as added, as EF leaves what a save with acceptAllChangesOnSuccess: false wrote.
            foreach (var entry in pending)
            {
                Entry(entry).State = EntityState.Added;
            }
        }

        await AuditTrail.AppendAsync(this, pending, DateTimeOffset.UtcNow, cancellationToken);
        return count + pending.Count;
    }

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
