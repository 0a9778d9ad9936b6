using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests.Persistence;

/// <summary>
/// The PostgreSQL connection the store uses prepares repeated statements unless the administrator said otherwise; a
/// SQLite connection waits for a lock inside SQLite rather than in the driver's 150 ms sleeps.
/// </summary>
public sealed class AppDbContextRegistrationTests
{
    private static NpgsqlConnectionStringBuilder Registered(string connectionString)
    {
        var services = new ServiceCollection().AddAppDbContext(DatabaseProvider.Postgres, connectionString);
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        return new NpgsqlConnectionStringBuilder(scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.GetConnectionString());
    }

    [Fact]
    public void Statements_are_prepared_and_kept_across_pooled_connections_by_default()
    {
        var used = Registered("Host=127.0.0.1;Database=ntm;Username=ntm");
        Assert.Equal((64, true), (used.MaxAutoPrepare, used.NoResetOnClose));
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Database=ntm;Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("Host=127.0.0.1;Database=ntm;MaxAutoPrepare=0;NoResetOnClose=false")]
    public void Settings_given_in_the_connection_string_are_kept(string connectionString)
    {
        var used = Registered(connectionString);
        Assert.Equal((0, false), (used.MaxAutoPrepare, used.NoResetOnClose));
    }

    [Fact]
    public async Task A_sqlite_connection_waits_for_a_lock_inside_sqlite()
    {
        using var folder = new NtmWorkflow.Testing.TemporaryDirectory();
        var services = new ServiceCollection().AddAppDbContext(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder.Path, "busy.db")};Pooling=false");
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        // Set on every open by the registration's interceptor, as a native call (no statement is sent for it).
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA busy_timeout;";
            Assert.Equal(5_000L, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
