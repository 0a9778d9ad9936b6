using NtmWorkflow.Cli.Commands;

namespace NtmWorkflow.Cli;

/// <summary>
/// <c>ntm</c>, the command-line tool. Exit codes: 0 done, 1 the verb's verdict is negative (a file was
/// refused), 2 bad arguments. Verdicts go to stdout as JSON lines; logs only with --verbose (stderr).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            var arguments = CliArguments.Parse(args);
            if (arguments.Verb is null or "help" || arguments.HasFlag("help"))
            {
                Usage.Write(Console.Out);
                return arguments.Verb is null && !arguments.HasFlag("help") ? ExitCodes.BadArguments : ExitCodes.Ok;
            }

            return arguments.Verb switch
            {
                "validate" => ValidateCommand.Run(arguments, Console.Out),
                "run" => await RunCommand.RunAsync(arguments, Console.Out),
                "handlers" => HandlersCommand.Run(arguments, Console.Out),
                "import" => await ImportCommand.RunAsync(arguments, Console.Out),
                "calendar" => await CalendarCommand.RunAsync(arguments, Console.Out),
                "backup" => await BackupCommand.BackupAsync(arguments, Console.Out),
                "restore" => await BackupCommand.RestoreAsync(arguments, Console.Out),
                "audit" => await AuditCommand.RunAsync(arguments, Console.Out),
                "simulate" => await SimulateCommand.RunAsync(arguments, Console.Out),
                _ => throw new CliUsageException($"unknown verb '{arguments.Verb}'"),
            };
        }
        catch (CliUsageException e)
        {
            await Console.Error.WriteLineAsync($"ntm: {e.Message}");
            Usage.Write(Console.Error);
            return ExitCodes.BadArguments;
        }
    }
}
