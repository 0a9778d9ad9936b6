using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.LegalParameters;

/// <summary>
/// A legal parameter (tham số pháp lý): a deadline or threshold a workflow reads with <c>param('name')</c>,
/// with its provenance. One national row per name (<see cref="ProvinceCode"/> empty) and optional
/// per-province overrides. Values whose legal text was not confirmed are <see cref="Verified"/> = false,
/// and pages mark every deadline computed from them.
/// </summary>
public sealed class LegalParameterRow
{
    public const string National = "";

    public int Id { get; set; }

    /// <summary>Dotted name, e.g. <c>verification.workingDays</c>.</summary>
    public required string Name { get; set; }

    /// <summary>Empty for the national value, else the province's code (July 2025 edition).</summary>
    public required string ProvinceCode { get; set; }

    /// <summary>The value as JSON: a number, a string, a list, or a fraction <c>{numerator, denominator, strict, base}</c>.</summary>
    public required string Value { get; set; }

    /// <summary>"working days", "days", "years", "percent", "fraction", "group", "criteria".</summary>
    public required string Unit { get; set; }

    /// <summary>What the number governs, in Vietnamese.</summary>
    public required string Description { get; set; }

    /// <summary>The document and article, or "practice in province X", or why there is none yet.</summary>
    public required string Source { get; set; }

    public bool Verified { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

/// <summary>One shipped default (<c>Data/legal-parameters.json</c>).</summary>
public sealed record LegalParameterDefault(string Name, JsonNode? Value, string Unit, string Description, string Source, bool Verified);

/// <summary>The national defaults shipped with the app: the practice values of the domain notes, flagged unverified.</summary>
public static class LegalParameterDefaults
{
    private static readonly Lazy<IReadOnlyList<LegalParameterDefault>> Shipped = new(Load);

    public static IReadOnlyList<LegalParameterDefault> All => Shipped.Value;

    /// <summary>The defaults as an engine parameter source (for <c>ntm run</c>, which has no database).</summary>
    public static IProcessParameters AsProcessParameters(IReadOnlyDictionary<string, JsonNode?>? overrides = null) =>
        new LiveLegalParameters(All.Select(d => new LegalParameterRow
        {
            Name = d.Name, ProvinceCode = LegalParameterRow.National, Value = (overrides?.GetValueOrDefault(d.Name) ?? d.Value)?.ToJsonString() ?? "null",
            Unit = d.Unit, Description = d.Description, Source = d.Source, Verified = d.Verified,
        }));

    private static List<LegalParameterDefault> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("LegalParameters/legal-parameters.json")
                           ?? throw new InvalidOperationException("The shipped legal parameters are missing from the assembly.");
        var file = JsonNode.Parse(stream)?["parameters"]?.AsArray() ?? throw new InvalidOperationException("legal-parameters.json has no parameters.");
        return [.. file.Select(p => new LegalParameterDefault(
            (string)p!["name"]!, p["value"]?.DeepClone(), (string)p["unit"]!, (string)p["description"]!, (string)p["source"]!, (bool)p["verified"]!))];
    }
}

/// <summary>
/// The legal parameters the engine reads, held in memory (an expression cannot wait on the database) and
/// swapped whole on every change; other nodes reload every <c>Calendar:ReloadMinutes</c>. A province's own
/// value wins over the national one; the province is the instance's <c>provinceCode</c> variable.
/// </summary>
public sealed class LiveLegalParameters : IProcessParameters
{
    private volatile Dictionary<(string Name, string Province), ProcessParameter> _current = [];

    public LiveLegalParameters()
    {
    }

    internal LiveLegalParameters(IEnumerable<LegalParameterRow> rows) => Replace(rows);

    public ProcessParameter? Find(string name, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var current = _current;
        if (variables.GetValueOrDefault("provinceCode") is JsonValue province && province.TryGetValue(out string? code)
            && current.TryGetValue((name, code), out var own))
        {
            return own;
        }

        return current.GetValueOrDefault((name, LegalParameterRow.National));
    }

    /// <summary>Every value of a parameter held now, by province code (<see cref="LegalParameterRow.National"/> for the national one).</summary>
    public IReadOnlyDictionary<string, ProcessParameter> ValuesOf(string name) =>
        _current.Where(p => p.Key.Name == name).ToDictionary(p => p.Key.Province, p => p.Value, StringComparer.Ordinal);

    public void Replace(IEnumerable<LegalParameterRow> rows) =>
        _current = rows.ToDictionary(r => (r.Name, r.ProvinceCode), r => new ProcessParameter(JsonNode.Parse(r.Value), r.Verified));
}

/// <summary>Why a parameter change was refused.</summary>
public sealed class LegalParameterException(string message) : Exception(message);

/// <summary>What an administrator sends to set a parameter nationally or for a province.</summary>
public sealed record LegalParameterChange(JsonElement? Value, string? Source, bool? Verified, string? Description);

/// <summary>Reads and edits the legal parameters; every change reloads <see cref="LiveLegalParameters"/> and is audited.</summary>
public sealed class LegalParameterService(AppDbContext db, LiveLegalParameters live, TimeProvider clock)
{
    public async Task<List<LegalParameterRow>> ListAsync(string? provinceCode, CancellationToken cancellationToken)
    {
        var query = db.LegalParameters.AsNoTracking();
        if (provinceCode is not null)
        {
            query = query.Where(p => p.ProvinceCode == LegalParameterRow.National || p.ProvinceCode == provinceCode);
        }

        return await query.OrderBy(p => p.Name).ThenBy(p => p.ProvinceCode).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Sets the national value (<paramref name="provinceCode"/> null) or a province's override of an existing
    /// parameter. The value must have the national value's shape (a number stays a number, a fraction a fraction).
    /// </summary>
    public async Task<LegalParameterRow> SetAsync(string name, string? provinceCode, LegalParameterChange change, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var national = await db.LegalParameters.SingleOrDefaultAsync(p => p.Name == name && p.ProvinceCode == LegalParameterRow.National, cancellationToken)
                       ?? throw new KeyNotFoundException($"There is no legal parameter '{name}'.");
        if (provinceCode is not null && !await db.AdministrativeUnits.AnyAsync(u => u.Level == AdministrativeUnits.AdministrativeLevel.Province && u.Code == provinceCode && u.ValidTo == null, cancellationToken))
        {
            throw new LegalParameterException($"'{provinceCode}' is not the code of a province in force.");
        }

        var row = provinceCode is null ? national
            : await db.LegalParameters.SingleOrDefaultAsync(p => p.Name == name && p.ProvinceCode == provinceCode, cancellationToken);
        if (change.Value is { } value)
        {
            CheckShape(name, JsonNode.Parse(national.Value), JsonNode.Parse(value.GetRawText()), national.Unit);
        }
        else if (row is null)
        {
            throw new LegalParameterException("A province's own value needs a value.");
        }

        if (string.IsNullOrWhiteSpace(change.Source) || change.Source.Length > 1000)
        {
            throw new LegalParameterException("Name the source of the value (document and article, or the practice it follows), at most 1,000 characters.");
        }

        if (row is null)
        {
            row = new LegalParameterRow
            {
                Name = name, ProvinceCode = provinceCode!, Value = national.Value, Unit = national.Unit, Description = national.Description, Source = "",
            };
            db.LegalParameters.Add(row);
        }

        var before = new { row.Value, row.Source, row.Verified };
        row.Value = change.Value is { } v ? JsonNode.Parse(v.GetRawText())!.ToJsonString() : row.Value;
        row.Source = change.Source.Trim();
        row.Verified = change.Verified ?? false;
        row.Description = string.IsNullOrWhiteSpace(change.Description) ? row.Description : change.Description.Trim();
        row.UpdatedAt = clock.GetUtcNow();
        row.UpdatedBy = actor;
        Audit.AuditTrail.Record(db, actor, "legal-parameter.set", $"{name}@{(provinceCode ?? "national")}",
            new { name, province = provinceCode, before, after = new { row.Value, row.Source, row.Verified } });
        await db.SaveChangesAsync(cancellationToken);
        await ReloadAsync(cancellationToken);
        return row;
    }

    /// <summary>Removes a province's override, so the national value applies again.</summary>
    public async Task<bool> ClearProvinceAsync(string name, string provinceCode, string actor, CancellationToken cancellationToken)
    {
        var row = await db.LegalParameters.SingleOrDefaultAsync(p => p.Name == name && p.ProvinceCode == provinceCode, cancellationToken);
        if (row is null || provinceCode == LegalParameterRow.National)
        {
            return false;
        }

        db.LegalParameters.Remove(row);
        Audit.AuditTrail.Record(db, actor, "legal-parameter.clear", $"{name}@{provinceCode}", new { name, province = provinceCode, row.Value, row.Source });
        await db.SaveChangesAsync(cancellationToken);
        await ReloadAsync(cancellationToken);
        return true;
    }

    /// <summary>Adds the shipped defaults that the database lacks; values already there are never overwritten.</summary>
    public async Task SeedMissingAsync(CancellationToken cancellationToken)
    {
        var known = await db.LegalParameters.Where(p => p.ProvinceCode == LegalParameterRow.National).Select(p => p.Name).ToListAsync(cancellationToken);
        foreach (var d in LegalParameterDefaults.All.Where(d => !known.Contains(d.Name)))
        {
            db.LegalParameters.Add(new LegalParameterRow
            {
                Name = d.Name, ProvinceCode = LegalParameterRow.National, Value = d.Value?.ToJsonString() ?? "null", Unit = d.Unit,
                Description = d.Description, Source = d.Source, Verified = d.Verified, UpdatedAt = clock.GetUtcNow(), UpdatedBy = "seed",
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        await ReloadAsync(cancellationToken);
    }

    public async Task ReloadAsync(CancellationToken cancellationToken) =>
        live.Replace(await db.LegalParameters.AsNoTracking().ToListAsync(cancellationToken));

    private static void CheckShape(string name, JsonNode? national, JsonNode? value, string unit)
    {
        var problem = (national, value) switch
        {
            (_, null) => "a value is required",
            (JsonValue n, JsonValue v) when KindOf(n) != KindOf(v) => $"the value must be a {Kind(n)}, like the national one",
            (JsonValue, JsonValue v) when v.GetValueKind() == JsonValueKind.Number && (v.GetValue<decimal>() < 0
                || (unit is "working days" or "days" && v.GetValue<decimal>() != decimal.Truncate(v.GetValue<decimal>()))
                || (unit == "percent" && v.GetValue<decimal>() > 100)) => $"{v} is not a valid number of {unit}",
            (JsonObject, JsonObject f) => CheckFraction(f),
            (JsonArray, JsonArray a) when a.All(i => i is JsonValue s && s.GetValueKind() == JsonValueKind.String) => null,
            (JsonValue or JsonObject or JsonArray, _) when national.GetType() != value.GetType() => $"the value must be a {Kind(national)}, like the national one",
            _ => null,
        };
        if (problem is not null)
        {
            throw new LegalParameterException($"{name}: {problem}.");
        }
    }

    private static string? CheckFraction(JsonObject fraction)
    {
        var numerator = fraction["numerator"] is JsonValue n && n.TryGetValue(out int a) ? a : -1;
        var denominator = fraction["denominator"] is JsonValue d && d.TryGetValue(out int b) ? b : -1;
        var bases = new[] { "membersInForce", "present", "presentNotRecused" };
        return numerator < 0 || denominator <= 0 || numerator > denominator ? "a fraction needs whole numbers 0 ≤ numerator ≤ denominator, denominator > 0"
            : fraction["base"] is JsonValue baseValue && (!baseValue.TryGetValue(out string? text) || !bases.Contains(text)) ? $"the base is one of {string.Join(", ", bases)}"
            : fraction["strict"] is { } strict && strict.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False) ? "strict is true or false"
            : null;
    }

    /// <summary>A value's kind for the shape check: true and false are one kind (yes/no).</summary>
    private static JsonValueKind KindOf(JsonValue value) => value.GetValueKind() is JsonValueKind.False ? JsonValueKind.True : value.GetValueKind();

    private static string Kind(JsonNode? node) => node switch
    {
        JsonValue v when KindOf(v) == JsonValueKind.True => "yes/no",
        JsonObject => "fraction",
        JsonArray => "list",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => "number",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => "text",
        _ => "value",
    };
}
