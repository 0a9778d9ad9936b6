using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NtmWorkflow.Web.Features.Criteria;

/// <summary>
/// A region or commune group a threshold can apply to (<c>Data/threshold-scopes.json</c>); <c>Basis</c> is the
/// <see cref="CriteriaSetRow.ThresholdBasis"/> it belongs to: <c>region</c> or <c>commune-group</c>.
/// </summary>
public sealed record ThresholdScope(string Basis, string Code, string Name, string? Description, string Source);

/// <summary>The shipped criteria catalogue: sets, department kinds and threshold scopes, read once from the embedded JSON.</summary>
public static class CriteriaSeedData
{
    /// <summary>The scope of a threshold that applies wherever no regional or group threshold is set.</summary>
    public const string Everywhere = "*";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly Lazy<IReadOnlyList<SeedSet>> ShippedSets = new(() => Load<SetsFile>("criteria-sets.json").Sets);

    private static readonly Lazy<IReadOnlyList<SeedDepartmentKind>> ShippedKinds = new(() => Load<KindsFile>("department-kinds.json").Kinds);

    private static readonly Lazy<IReadOnlyList<ThresholdScope>> ShippedScopes = new(() => Load<ScopesFile>("threshold-scopes.json").Scopes);

    public static IReadOnlyList<SeedSet> Sets => ShippedSets.Value;

    public static IReadOnlyList<SeedDepartmentKind> DepartmentKinds => ShippedKinds.Value;

    public static IReadOnlyList<ThresholdScope> Scopes => ShippedScopes.Value;

    /// <summary>Whether a threshold scope fits a set whose thresholds vary by <paramref name="basis"/> ("*" fits every set).</summary>
    public static bool ScopeFits(string? basis, string scope) =>
        scope == Everywhere || (basis is not null && Scopes.Any(s => s.Basis == basis && s.Code == scope));

    private static T Load<T>(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Criteria/" + file)
                           ?? throw new InvalidOperationException($"The shipped {file} is missing from the assembly.");
        return JsonSerializer.Deserialize<T>(stream, Json) ?? throw new InvalidOperationException($"{file} is empty.");
    }

    private sealed record SetsFile(List<SeedSet> Sets);

    private sealed record KindsFile(List<SeedDepartmentKind> Kinds);

    private sealed record ScopesFile(List<ThresholdScope> Scopes);
}

public sealed record SeedSet(
    string Code, string Name, string Decision, CriteriaSubject Subject, RecognitionTier Tier, DateOnly ValidFrom, DateOnly? ValidTo,
    string? ThresholdBasis, bool Verified, string? Notes, string Source, List<SeedCriterion> Criteria);

public sealed record SeedCriterion(int Number, string Name, bool Verified, List<SeedIndicator> Indicators);

/// <summary>A shipped indicator; <c>Owner</c> is the usual owner's department kind, <c>Note</c> why a value was chosen where the working list is ambiguous (kept in the file only).</summary>
public sealed record SeedIndicator(
    string Number, string Name, MeasurementKind Kind, ThresholdDirection Direction, string? Unit, string Owner, int Position, bool Verified, string? Note);

public sealed record SeedDepartmentKind(string Code, string Name, DateOnly? ValidFrom, DateOnly? ValidTo, string? SuccessorCode, string Source, bool Verified);
