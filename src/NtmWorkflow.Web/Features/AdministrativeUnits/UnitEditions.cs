using System.Text.Json;
using System.Text.Json.Serialization;

namespace NtmWorkflow.Web.Features.AdministrativeUnits;

/// <summary>What one file of units holds and the dates it is in force (see Data/editions.json).</summary>
public sealed record UnitFileDescription
{
    public required string File { get; init; }

    /// <summary>"units" (a list of units) or "succession" (old → new mapping).</summary>
    public required string Kind { get; init; }

    public string? Edition { get; init; }

    public DateOnly? ValidFrom { get; init; }

    public DateOnly? ValidTo { get; init; }

    public string? FromEdition { get; init; }

    public string? ToEdition { get; init; }

    public DateOnly? EffectiveOn { get; init; }

    public bool IsSuccession => string.Equals(Kind, "succession", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The editions that ship inside the application, in import order.</summary>
public static class BundledUnitEditions
{
    private const string ResourcePrefix = "AdministrativeUnits/";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };

    public static IReadOnlyList<UnitFileDescription> Files { get; } = LoadManifest();

    /// <summary>The bundled description of a file with this name, if it is one of ours.</summary>
    public static UnitFileDescription? Find(string fileName) =>
        Files.FirstOrDefault(f => string.Equals(f.File, Path.GetFileName(fileName), StringComparison.OrdinalIgnoreCase));

    public static TextReader Open(UnitFileDescription file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var stream = typeof(BundledUnitEditions).Assembly.GetManifestResourceStream(ResourcePrefix + file.File)
                     ?? throw new InvalidOperationException($"The bundled unit file {file.File} is missing from the build.");
        return new StreamReader(stream);
    }

    private static List<UnitFileDescription> LoadManifest()
    {
        using var stream = typeof(BundledUnitEditions).Assembly.GetManifestResourceStream(ResourcePrefix + "editions.json")
                           ?? throw new InvalidOperationException("The bundled unit manifest is missing from the build.");
        return JsonSerializer.Deserialize<Manifest>(stream, Json)!.Files;
    }

    private sealed record Manifest([property: JsonPropertyName("files")] List<UnitFileDescription> Files);
}
