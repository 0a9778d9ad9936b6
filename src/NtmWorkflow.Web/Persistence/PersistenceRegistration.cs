using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NtmWorkflow.Web.Infrastructure.Storage;

namespace NtmWorkflow.Web.Persistence;

public static class PersistenceRegistration
{
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
                builder.Services.AddDbContext<AppDbContext, SqliteAppDbContext>(db => db.UseSqlite(sqlite));
                break;
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    throw new OptionsValidationException(DatabaseOptions.SectionName, typeof(DatabaseOptions),
                        ["Database:ConnectionString is required when Database:Provider is Postgres."]);
                }

                builder.Services.AddDbContext<AppDbContext, PostgresAppDbContext>(db =>
                    db.UseNpgsql(options.ConnectionString, npgsql => npgsql.EnableRetryOnFailure()));
                break;
            default:
                throw new OptionsValidationException(DatabaseOptions.SectionName, typeof(DatabaseOptions),
                    [$"Database:Provider must be Sqlite or Postgres, not '{options.Provider}'."]);
        }

        builder.Services.AddScoped<DatabaseMigrator>();
        return builder;
    }
}
