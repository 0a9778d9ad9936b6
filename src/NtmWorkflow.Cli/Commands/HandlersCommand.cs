using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web;

namespace NtmWorkflow.Cli.Commands;

/// <summary><c>ntm handlers</c>: the topics service and send tasks may name, one JSON line each; opens no database.</summary>
internal static class HandlersCommand
{
    public static int Run(CliArguments arguments, TextWriter output)
    {
        arguments.OnlyOptions();
        if (arguments.Words.Count > 0)
        {
            throw new CliUsageException("handlers takes no arguments");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.AddNtmWorkflow();
        using var host = builder.Build();
        foreach (var topic in host.Services.GetRequiredService<HandlerRegistry>().Names)
        {
            output.WriteLine(CliJson.Serialize(new { topic }));
        }

        return ExitCodes.Ok;
    }
}
