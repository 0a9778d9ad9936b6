using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Workflows;

using NtmWorkflow.Web.Features.Notifications;

namespace NtmWorkflow.Web.Persistence;

/// <summary>
/// Runs before the web server takes requests: applies migrations, imports the bundled administrative
/// units into an empty database, restores and deploys the workflow definitions, creates the roles and,
/// when <c>Demo:Enabled</c>, the demo accounts.
/// </summary>
/// <remarks>
/// Several app nodes may start at once on one PostgreSQL: migrations take EF Core's own lock, and the
/// seeding below runs under a transaction-scoped advisory lock, so exactly one node imports.
/// </remarks>
public sealed class StartupInitializer(IServiceScopeFactory scopes, IOptions<DemoOptions> demo, IConfiguration configuration, ILogger<StartupInitializer> logger) : IHostedService
{
    private const long SeedLockKey = 0x4E544D_0001; // "NTM" + 1

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);

        var db = services.GetRequiredService<AppDbContext>();
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SeedLockKey})", ct);
            }

            var importer = services.GetRequiredService<AdministrativeUnitImporter>();
            if (configuration.GetValue("ReferenceData:ImportUnitsOnStart", true) && !await importer.AnyAsync(ct))
            {
                logger.LogInformation("The database has no administrative units: importing the bundled editions");
                await importer.ImportBundledAsync(ct);
            }

            // The legal parameters first: a definition naming a parameter that does not exist is refused.
            await services.GetRequiredService<Features.LegalParameters.LegalParameterService>().SeedMissingAsync(ct);
            await services.GetRequiredService<WorkflowDeployment>().SynchronizeAsync(db, ct);
            await MailTemplateSeeder.SeedMissingAsync(db, ct);
            await services.GetRequiredService<Features.Calendar.CalendarService>().SeedIfEmptyAsync(ct);
            await services.GetRequiredService<Features.Criteria.CriteriaCatalog>().SeedMissingAsync(ct);

            var accounts = services.GetRequiredService<DemoAccounts>();
            await accounts.EnsureRolesAsync();
            if (demo.Value.Enabled)
            {
                await accounts.EnsureAccountsAsync(demo.Value.Password);
            }

            await transaction.CommitAsync(ct);
        }, cancellationToken);

        // After the reference data is committed: the dossiers run the workflows, which save through their own store.
        if (demo.Value.Enabled && demo.Value.Dossiers)
        {
            await services.GetRequiredService<Features.Dossiers.DemoDossiers>().EnsureAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
