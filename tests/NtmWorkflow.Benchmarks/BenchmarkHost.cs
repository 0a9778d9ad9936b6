using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NtmWorkflow.Web.Persistence;

/// <summary>
/// The app's services on a benchmark's own database, without web server or background workers; starting it runs
/// <see cref="StartupInitializer"/> (migrations and seed data) as the app's start does.
/// </summary>
internal static class BenchmarkHost
{
    public static IHost Build(string provider, string connectionString, string dataDirectory, bool importUnits)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["Database:ConnectionString"] = connectionString,
            ["Storage:DataDirectory"] = dataDirectory,
            ["ReferenceData:ImportUnitsOnStart"] = importUnits ? "true" : "false",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "None",

            // A new database has no migrations table yet; EF logs that first probe as a failure.
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "None",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "None",
        });
        builder.Services.AddHostedService<StartupInitializer>();
        NtmWorkflow.Web.ApplicationServices.AddNtmWorkflow(builder);
        return builder.Build();
    }
}
