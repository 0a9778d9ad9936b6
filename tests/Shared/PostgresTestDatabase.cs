using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Testing;

/// <summary>
/// A fresh PostgreSQL database for one test class, cloned (CREATE DATABASE … TEMPLATE) from a
/// template that was migrated and given the bundled units once per build: a clone takes well under a
/// second, a migration plus import several.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    private const long TemplateLockKey = 0x4E544D_7E57;
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _template;

    private PostgresTestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var template = await EnsureTemplateAsync();
        var name = $"ntm_test_{Stamp(DateTime.UtcNow)}_{Guid.NewGuid().ToString("N")[..16]}";
        await using (var admin = await OpenAdminAsync())
        {
            await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        }

        return new PostgresTestDatabase(name, With(name));
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = await OpenAdminAsync();
        await PostgresDrop.DropDatabaseAsync(admin, Name);
    }

    public PostgresAppDbContext CreateContext() =>
        new(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(ConnectionString).Options);

    private static async Task<string> EnsureTemplateAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_template is not null)
            {
                return _template;
            }

            // One template per build of the web assembly; the lock keeps two test processes from racing.
            var build = typeof(AppDbContext).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..16];
            await using var admin = await OpenAdminAsync();
            await ExecuteAsync(admin, $"SELECT pg_advisory_lock({TemplateLockKey})");
            string name;
            try
            {
                var existing = await ListDatabasesAsync(admin, "ntm_tpl_%");
                name = existing.FirstOrDefault(n => n.EndsWith("_" + build, StringComparison.Ordinal)) ?? "";
                if (name.Length == 0)
                {
                    // Another build's databases are left alone while it may still be running (two checkouts
                    // testing at once); only those older than a test run can last are dropped.
                    foreach (var stale in existing.Concat(await ListDatabasesAsync(admin, "ntm_test_%")).Where(IsStale))
                    {
                        await PostgresDrop.DropDatabaseAsync(admin, stale);
                    }

                    name = $"ntm_tpl_{Stamp(DateTime.UtcNow)}_{build}";
                    await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\"");
                    await PrepareTemplateAsync(With(name));
                }
            }
            finally
            {
                await ExecuteAsync(admin, $"SELECT pg_advisory_unlock({TemplateLockKey})");
            }

            _template = name;
            return name;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task PrepareTemplateAsync(string connectionString)
    {
        var options = new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(connectionString).Options;
        await using (var db = new PostgresAppDbContext(options))
        {
            await new DatabaseMigrator(db, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
            await new AdministrativeUnitImporter(db, NullLogger<AdministrativeUnitImporter>.Instance).ImportBundledAsync(CancellationToken.None);
        }

        // CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template.
        NpgsqlConnection.ClearAllPools();
    }

    private static string Stamp(DateTime utc) => utc.ToString("yyMMddHHmm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Made more than six hours ago, or named before names carried their time.</summary>
    private static bool IsStale(string database)
    {
        var parts = database.Split('_');
        return parts.Length != 4
            || !DateTime.TryParseExact(parts[2], "yyMMddHHmm", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var made)
            || DateTime.UtcNow - made > TimeSpan.FromHours(6);
    }

    private static string With(string database) => new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres) { Database = database, Pooling = true }.ConnectionString;

    private static async Task<NpgsqlConnection> OpenAdminAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<List<string>> ListDatabasesAsync(NpgsqlConnection admin, string pattern)
    {
        await using var command = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE @p", admin);
        command.Parameters.AddWithValue("p", pattern);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
