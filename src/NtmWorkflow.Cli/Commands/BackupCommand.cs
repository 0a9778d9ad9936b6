using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Features.Backup;

namespace NtmWorkflow.Cli.Commands;

/// <summary>
/// <c>ntm backup FOLDER</c> and <c>ntm restore FOLDER [--replace]</c>: the database and every document, see
/// <see cref="SystemBackup"/>. One JSON line each; exit 1 when refused (the reason is in the line).
/// </summary>
internal static class BackupCommand
{
    public static async Task<int> BackupAsync(CliArguments arguments, TextWriter output)
    {
        arguments.OnlyOptions("pg-bin");
        var folder = Folder(arguments, "backup");
        using var host = await DatabaseHost.StartAsync(arguments.HasFlag("verbose"), CancellationToken.None);
        await using var scope = host.Services.CreateAsyncScope();
        var backup = scope.ServiceProvider.GetRequiredService<SystemBackup>();
        backup.PostgresTools = arguments.Option("pg-bin");
        try
        {
            var manifest = await backup.BackupAsync(folder, TimeProvider.System.GetUtcNow(), CancellationToken.None);
            await output.WriteLineAsync(CliJson.Serialize(new { folder, backedUp = true, manifest.Provider, manifest.Facts, documents = manifest.Documents.Count }));
            return ExitCodes.Ok;
        }
        catch (BackupException e)
        {
            await output.WriteLineAsync(CliJson.Serialize(new { folder, backedUp = false, error = e.Message }));
            return ExitCodes.Failed;
        }
    }

    public static async Task<int> RestoreAsync(CliArguments arguments, TextWriter output)
    {
        arguments.OnlyOptions("pg-bin", "replace");
        var folder = Folder(arguments, "restore");
        using var host = await DatabaseHost.StartAsync(arguments.HasFlag("verbose"), CancellationToken.None);
        await using var scope = host.Services.CreateAsyncScope();
        var backup = scope.ServiceProvider.GetRequiredService<SystemBackup>();
        backup.PostgresTools = arguments.Option("pg-bin");
        try
        {
            var facts = await backup.RestoreAsync(folder, arguments.HasFlag("replace"), CancellationToken.None);
            await output.WriteLineAsync(CliJson.Serialize(new { folder, restored = true, facts }));
            return ExitCodes.Ok;
        }
        catch (BackupException e)
        {
            await output.WriteLineAsync(CliJson.Serialize(new { folder, restored = false, error = e.Message }));
            return ExitCodes.Failed;
        }
    }

    private static string Folder(CliArguments arguments, string verb) =>
        arguments.Words.Count == 1 ? Path.GetFullPath(arguments.Words[0]) : throw new CliUsageException($"give exactly one FOLDER to {verb}");
}
