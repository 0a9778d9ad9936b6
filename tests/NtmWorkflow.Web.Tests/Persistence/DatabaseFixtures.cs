using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests.Persistence;

/// <summary>A migrated database holding the bundled units, one per test class, on a real provider.</summary>
public abstract class DatabaseFixture : IAsyncLifetime
{
    public abstract DatabaseProvider Provider { get; }

    public abstract AppDbContext CreateContext();

    /// <summary>Registers <see cref="AppDbContext"/> on this database, as the app does.</summary>
    public abstract void AddTo(Microsoft.Extensions.DependencyInjection.IServiceCollection services);

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();
}

public sealed class SqliteDatabaseFixture : DatabaseFixture
{
    private readonly TemporaryDirectory _directory = new();

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public string ConnectionString => $"Data Source={Path.Combine(_directory.Path, "test.db")}";

    public override AppDbContext CreateContext() =>
        new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(ConnectionString).Options);

    public override void AddTo(Microsoft.Extensions.DependencyInjection.IServiceCollection services) =>
        services.AddAppDbContext(DatabaseProvider.Sqlite, ConnectionString);

    public override async Task InitializeAsync()
    {
        await using var db = CreateContext();
        await new DatabaseMigrator(db, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
        await new AdministrativeUnitImporter(db, NullLogger<AdministrativeUnitImporter>.Instance).ImportBundledAsync(CancellationToken.None);
    }

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class PostgresDatabaseFixture : DatabaseFixture
{
    private PostgresTestDatabase? _database;

    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public PostgresTestDatabase Database => _database ?? throw new InvalidOperationException("Not initialized");

    public override AppDbContext CreateContext() => Database.CreateContext();

    public override void AddTo(Microsoft.Extensions.DependencyInjection.IServiceCollection services) =>
        services.AddAppDbContext(DatabaseProvider.Postgres, Database.ConnectionString);

    public override async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public override async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
