using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Features.Calendar;

namespace NtmWorkflow.Cli.Commands;

/// <summary>
/// <c>ntm calendar export [--year Y] [FILE]</c>: the days-off table of the database as a days-off file (to
/// stdout without FILE). <c>ntm calendar import FILE</c>: replaces the years the file covers; one JSON line.
/// </summary>
internal static class CalendarCommand
{
    public static async Task<int> RunAsync(CliArguments arguments, TextWriter output)
    {
        var action = arguments.Words.Count > 0 ? arguments.Words[0] : null;
        switch (action)
        {
            case "export":
                arguments.OnlyOptions("year");
                return await ExportAsync(arguments, output);
            case "import":
                arguments.OnlyOptions("actor");
                return await ImportAsync(arguments, output);
            default:
                throw new CliUsageException("calendar what? 'ntm calendar export [--year Y] [FILE]' or 'ntm calendar import FILE'");
        }
    }

    private static async Task<int> ExportAsync(CliArguments arguments, TextWriter output)
    {
        int? year = null;
        if (arguments.Option("year") is { } text)
        {
            year = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= 2000 and <= 2100
                ? y
                : throw new CliUsageException($"--year '{text}' is not a year from 2000 to 2100");
        }

        if (arguments.Words.Count > 2)
        {
            throw new CliUsageException("give at most one FILE to export to");
        }

        using var host = await DatabaseHost.StartAsync(arguments.HasFlag("verbose"), CancellationToken.None);
        await using var scope = host.Services.CreateAsyncScope();
        var calendar = scope.ServiceProvider.GetRequiredService<CalendarService>();
        await calendar.SeedIfEmptyAsync(CancellationToken.None);
        var json = JsonSerializer.Serialize(await calendar.ExportAsync(year, CancellationToken.None), CalendarFile.Json);
        if (arguments.Words.Count == 2)
        {
            await File.WriteAllTextAsync(arguments.Words[1], json + "\n");
        }
        else
        {
            await output.WriteLineAsync(json);
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> ImportAsync(CliArguments arguments, TextWriter output)
    {
        if (arguments.Words.Count != 2)
        {
            throw new CliUsageException("give exactly one FILE to import");
        }

        var path = arguments.Words[1];
        CalendarFile? file;
        try
        {
            file = JsonSerializer.Deserialize<CalendarFile>(await File.ReadAllTextAsync(path), CalendarFile.Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            await output.WriteLineAsync(CliJson.Serialize(new { file = path, imported = false, error = e.Message }));
            return ExitCodes.Failed;
        }

        using var host = await DatabaseHost.StartAsync(arguments.HasFlag("verbose"), CancellationToken.None);
        await using var scope = host.Services.CreateAsyncScope();
        var calendar = scope.ServiceProvider.GetRequiredService<CalendarService>();
        try
        {
            var years = await calendar.ImportAsync(file ?? new CalendarFile([]), arguments.Option("actor") ?? "ntm", CancellationToken.None);
            await output.WriteLineAsync(CliJson.Serialize(new { file = path, imported = true, years, entries = file!.Entries.Count }));
            return ExitCodes.Ok;
        }
        catch (CalendarException e)
        {
            await output.WriteLineAsync(CliJson.Serialize(new { file = path, imported = false, error = e.Message }));
            return ExitCodes.Failed;
        }
    }
}
