using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NtmWorkflow.Web.Infrastructure.Storage;

namespace NtmWorkflow.Web.Persistence;

public static class PersistenceRegistration
{
    /// <summary>
    /// Registers <see cref="AppDbContext"/> on a provider, the same way for the app, the CLI, the tests and the
    /// benchmark. Contexts are pooled: the engine's store opens one per call, and a pooled context skips most of
    /// the per-context set-up. On PostgreSQL, statements the store repeats are prepared automatically and kept
    /// across pooled connections, unless the connection string says otherwise.
    /// </summary>
    public static IServiceCollection AddAppDbContext(this IServiceCollection services, DatabaseProvider provider, string connectionString, bool retryOnFailure = false)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return provider switch
        {
            DatabaseProvider.Sqlite => services.AddDbContextPool<AppDbContext, SqliteAppDbContext>(db => db.UseSqlite(connectionString).AddInterceptors(SqliteBusyTimeout.Instance)),
            DatabaseProvider.Postgres => services.AddDbContextPool<AppDbContext, PostgresAppDbContext>(db =>
                db.UseNpgsql(TunedPostgres(connectionString), npgsql =>
                {
                    if (retryOnFailure)
                    {
                        npgsql.EnableRetryOnFailure();
                    }
                })),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Sqlite or Postgres"),
        };
    }

    private static string TunedPostgres(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        // Npgsql accepts its keywords with or without spaces ("Max Auto Prepare", "MaxAutoPrepare").
        var given = connectionString.ToUpperInvariant().Replace(" ", "", StringComparison.Ordinal);
        if (!given.Contains("AUTOPREPARE", StringComparison.Ordinal))
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!given.Contains("RESETONCLOSE", StringComparison.Ordinal))
        {
            // The app sets no session state, so a pooled connection need not be reset (which would drop its prepared statements).
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    /// <summary>Registers <see cref="AppDbContext"/> on the provider that <c>Database:Provider</c> names.</summary>
    public static IHostApplicationBuilder AddPersistence(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        builder.Services.AddSingleton(Options.Create(options));

        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = string.IsNullOrWhiteSpace(options.ConnectionString)
                    ? $"Data Source={Path.Combine(DataDirectory.Resolve(builder.Configuration), "ntmworkflow.db")}"
                    : options.ConnectionString;
                builder.Services.AddAppDbContext(DatabaseProvider.Sqlite, sqlite);
                break;
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    throw new OptionsValidationException(DatabaseOptions.SectionName, typeof(DatabaseOptions),
                        ["Database:ConnectionString is required when Database:Provider is Postgres."]);
                }

                builder.Services.AddAppDbContext(DatabaseProvider.Postgres, options.ConnectionString, retryOnFailure: true);
                break;
            default:
                throw new OptionsValidationException(DatabaseOptions.SectionName, typeof(DatabaseOptions),
                    [$"Database:Provider must be Sqlite or Postgres, not '{options.Provider}'."]);
        }

        builder.Services.AddScoped<DatabaseMigrator>();
        return builder;
    }
}
