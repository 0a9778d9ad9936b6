using Microsoft.EntityFrameworkCore;

namespace NtmWorkflow.Web.Persistence;

/// <summary>Applies the provider's migrations. Never EnsureCreated: the migration path is the one production takes.</summary>
public sealed class DatabaseMigrator(AppDbContext db, ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migration(s) on {Provider}: {Migrations}",
                pending.Count, db.Database.ProviderName, string.Join(", ", pending));
        }

        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(ct => db.Database.MigrateAsync(ct), cancellationToken);

        if (db.Database.IsSqlite())
        {
            // WAL lets readers (pages, health checks) proceed while a step writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}
