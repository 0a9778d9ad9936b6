using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Workflows.Store;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Cli.Scenarios;

/// <summary>A temporary SQLite database with the app's migrations, for <c>ntm run --store sqlite</c>; deleted afterwards.</summary>
internal sealed class ScenarioDatabase : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ntm-run-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly ServiceProvider _services;

    public ScenarioDatabase()
    {
        Directory.CreateDirectory(_folder);
        var connection = $"Data Source={Path.Combine(_folder, "run.db")}";
        var services = new ServiceCollection();
        services.AddAppDbContext(DatabaseProvider.Sqlite, connection);
        _services = services.BuildServiceProvider();
        using var scope = _services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        new DatabaseMigrator(db, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public IWorkflowStore CreateStore(TimeProvider clock) => new EfWorkflowStore(_services.GetRequiredService<IServiceScopeFactory>(), clock);

    public void Dispose()
    {
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }
}
