using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Features.AdministrativeUnits;

namespace NtmWorkflow.Cli.Commands;

/// <summary><c>ntm import units …</c>: one JSON line per imported file.</summary>
internal static class ImportCommand
{
    public static async Task<int> RunAsync(CliArguments arguments, TextWriter output)
    {
        if (arguments.Words.Count == 0 || arguments.Words[0] != "units")
        {
            throw new CliUsageException("import what? Only 'ntm import units …' is known");
        }

        arguments.OnlyOptions("bundled", "edition", "valid-from", "valid-to", "from-edition", "to-edition", "effective");
        var bundled = arguments.HasFlag("bundled");
        var files = arguments.Words.Skip(1).ToList();
        if (bundled == (files.Count == 1) || files.Count > 1)
        {
            throw new CliUsageException("give exactly one FILE, or --bundled");
        }

        UnitFileDescription? description = null;
        if (!bundled)
        {
            description = Describe(files[0], arguments);
            if (!File.Exists(files[0]))
            {
                await WriteAsync(output, new { file = files[0], imported = false, error = "the file does not exist" });
                return ExitCodes.Failed;
            }
        }

        using var host = await DatabaseHost.StartAsync(arguments.HasFlag("verbose"), CancellationToken.None);
        await using var scope = host.Services.CreateAsyncScope();
        var importer = scope.ServiceProvider.GetRequiredService<AdministrativeUnitImporter>();
        try
        {
            IReadOnlyList<UnitImportResult> results;
            if (description is null)
            {
                results = await importer.ImportBundledAsync(CancellationToken.None);
            }
            else
            {
                using var reader = new StreamReader(files[0]);
                results = [await importer.ImportAsync(reader, description, CancellationToken.None)];
            }

            foreach (var r in results)
            {
                await WriteAsync(output, new { file = r.File, imported = true, kind = r.Kind, edition = r.Edition, added = r.Added, updated = r.Updated, unchanged = r.Unchanged, warnings = r.Warnings });
            }

            return ExitCodes.Ok;
        }
        catch (UnitImportException e)
        {
            await WriteAsync(output, new { file = bundled ? e.File : files[0], imported = false, line = e.Line, error = e.Problem });
            return ExitCodes.Failed;
        }
    }

    /// <summary>Options win; a bundled file's name supplies what the options leave out.</summary>
    private static UnitFileDescription Describe(string path, CliArguments arguments)
    {
        var known = BundledUnitEditions.Find(path);
        var isSuccession = arguments.Option("from-edition") is not null || arguments.Option("to-edition") is not null
                           || arguments.Option("effective") is not null || known?.IsSuccession == true;
        var description = new UnitFileDescription
        {
            File = Path.GetFileName(path),
            Kind = isSuccession ? "succession" : "units",
            Edition = arguments.Option("edition") ?? known?.Edition,
            ValidFrom = arguments.DateOption("valid-from") ?? known?.ValidFrom,
            ValidTo = arguments.DateOption("valid-to") ?? known?.ValidTo,
            FromEdition = arguments.Option("from-edition") ?? known?.FromEdition,
            ToEdition = arguments.Option("to-edition") ?? known?.ToEdition,
            EffectiveOn = arguments.DateOption("effective") ?? known?.EffectiveOn,
        };
        if (!isSuccession && description.Edition is null)
        {
            throw new CliUsageException($"{path} is not a bundled file: say which edition it is (--edition, and --valid-from/--valid-to)");
        }

        if (isSuccession && (description.FromEdition is null || description.ToEdition is null || description.EffectiveOn is null))
        {
            throw new CliUsageException("a succession mapping needs --from-edition, --to-edition and --effective");
        }

        return description;
    }

    private static Task WriteAsync(TextWriter output, object line) => output.WriteLineAsync(CliJson.Serialize(line));
}
