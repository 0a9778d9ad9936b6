using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NtmWorkflow.Web;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Cli.Commands;

/// <summary>
/// The web app's services without Kestrel, for the verbs that need the database. It reads the same
/// settings (appsettings.json beside ntm.dll, then environment variables) and applies migrations first.
/// </summary>
internal static class DatabaseHost
{
    public static async Task<IHost> StartAsync(bool verbose, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        if (verbose)
        {
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        builder.AddNtmWorkflow();
        var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        return host;
    }
}
