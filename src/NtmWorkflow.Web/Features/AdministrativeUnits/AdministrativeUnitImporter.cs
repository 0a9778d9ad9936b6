using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.AdministrativeUnits;

public sealed record UnitImportResult(string File, string Kind, string Edition, int Added, int Updated, int Unchanged, IReadOnlyList<string> Warnings);

/// <summary>
/// Imports editions of the national list of administrative units and the old → new succession
/// mapping. Idempotent: a unit is identified by (edition, level, code), so importing the same file
/// again changes nothing, and a corrected file updates names and links in place. A file with any bad
/// row is refused whole; nothing already stored is lost.
/// </summary>
public sealed partial class AdministrativeUnitImporter(AppDbContext db, ILogger<AdministrativeUnitImporter> logger)
{
    private const int MaxWarnings = 50;

    /// <summary>Imports every bundled edition; used on first start and by <c>ntm import units --bundled</c>.</summary>
    public async Task<IReadOnlyList<UnitImportResult>> ImportBundledAsync(CancellationToken cancellationToken)
    {
        var results = new List<UnitImportResult>();
        foreach (var file in BundledUnitEditions.Files)
        {
            using var reader = BundledUnitEditions.Open(file);
            results.Add(await ImportAsync(reader, file, cancellationToken));
        }

        return results;
    }

    public Task<bool> AnyAsync(CancellationToken cancellationToken) => db.AdministrativeUnits.AnyAsync(cancellationToken);

    public async Task<UnitImportResult> ImportAsync(TextReader reader, UnitFileDescription description, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(description);
        var table = CsvTable.Read(reader, description.File);
        var result = description.IsSuccession
            ? await ImportSuccessionAsync(table, description, cancellationToken)
            : await ImportUnitsAsync(table, description, cancellationToken);
        logger.LogInformation("Imported {File} ({Kind}, edition {Edition}): {Added} added, {Updated} updated, {Unchanged} unchanged, {Warnings} warning(s)",
            result.File, result.Kind, result.Edition, result.Added, result.Updated, result.Unchanged, result.Warnings.Count);
        return result;
    }

    private async Task<UnitImportResult> ImportUnitsAsync(CsvTable table, UnitFileDescription file, CancellationToken cancellationToken)
    {
        var edition = Require(file.Edition, file, "an edition");
        var hasDistricts = table.Header.Contains("district_code", StringComparer.OrdinalIgnoreCase);
        var hasCommunes = table.Header.Contains("commune_code", StringComparer.OrdinalIgnoreCase);
        RequireColumns(table, file, "province_code", "province_name");
        if (hasDistricts)
        {
            RequireColumns(table, file, "district_code", "district_name", "district_type");
        }

        if (hasCommunes || !hasDistricts)
        {
            RequireColumns(table, file, "commune_code", "commune_name", "commune_type");
        }

        var hasProvinceType = table.Header.Contains("province_type", StringComparer.OrdinalIgnoreCase);
        var existing = await db.AdministrativeUnits.Where(u => u.Edition == edition).ToDictionaryAsync(u => (u.Level, u.Code), cancellationToken);
        var counts = new ChangeCounter();
        var seen = new Dictionary<(AdministrativeLevel, string), (string Name, int Line)>();

        AdministrativeUnit Upsert(CsvRecord row, AdministrativeLevel level, string code, string name, string kind, AdministrativeUnit? parent)
        {
            ValidateCode(file, row.Line, level, code);
            if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(kind))
            {
                throw new UnitImportException(file.File, row.Line, $"{level} {code} has no name or type");
            }

            if (seen.TryGetValue((level, code), out var first))
            {
                if (first.Name != name)
                {
                    throw new UnitImportException(file.File, row.Line, $"{level} {code} is named '{name}' here but '{first.Name}' on line {first.Line}");
                }

                return existing[(level, code)];
            }

            seen[(level, code)] = (name, row.Line);
            if (!existing.TryGetValue((level, code), out var unit))
            {
                unit = new AdministrativeUnit { Edition = edition, Level = level, Code = code, Name = name, Kind = kind, Parent = parent, ValidFrom = file.ValidFrom, ValidTo = file.ValidTo };
                db.AdministrativeUnits.Add(unit);
                existing[(level, code)] = unit;
                counts.Added++;
                return unit;
            }

            // Parents were loaded with the edition, so EF has already fixed up unit.Parent.
            var changed = unit.Name != name || unit.Kind != kind || unit.ValidFrom != file.ValidFrom || unit.ValidTo != file.ValidTo
                          || !ReferenceEquals(unit.Parent, parent);
            unit.Name = name;
            unit.Kind = kind;
            unit.ValidFrom = file.ValidFrom;
            unit.ValidTo = file.ValidTo;
            unit.Parent = parent;

            counts.Count(changed);
            return unit;
        }

        foreach (var row in table.Records)
        {
            var provinceName = row["province_name"];
            var provinceKind = hasProvinceType ? row["province_type"] : ProvinceKindFromName(provinceName);
            var province = Upsert(row, AdministrativeLevel.Province, row["province_code"], provinceName, provinceKind, null);
            var parent = province;
            if (hasDistricts)
            {
                parent = Upsert(row, AdministrativeLevel.District, row["district_code"], row["district_name"], row["district_type"], province);
            }

            if (hasCommunes)
            {
                Upsert(row, AdministrativeLevel.Commune, row["commune_code"], row["commune_name"], row["commune_type"], parent);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return new UnitImportResult(file.File, "units", edition, counts.Added, counts.Updated, counts.Unchanged, []);
    }

    private async Task<UnitImportResult> ImportSuccessionAsync(CsvTable table, UnitFileDescription file, CancellationToken cancellationToken)
    {
        var from = Require(file.FromEdition, file, "the edition it maps from");
        var to = Require(file.ToEdition, file, "the edition it maps to");
        var effectiveOn = file.EffectiveOn ?? throw new UnitImportException(file.File, null, "the date the succession takes effect is required");
        RequireColumns(table, file, "old_commune_code", "new_commune_code", "old_province_code", "new_province_code", "merge_type");

        var units = await db.AdministrativeUnits.Where(u => u.Edition == from || u.Edition == to)
            .Select(u => new { u.Id, u.Edition, u.Level, u.Code })
            .ToListAsync(cancellationToken);
        if (!units.Any(u => u.Edition == from) || !units.Any(u => u.Edition == to))
        {
            throw new UnitImportException(file.File, null, $"import editions {from} and {to} before the mapping between them");
        }

        var idOf = units.ToDictionary(u => (u.Edition, u.Level, u.Code), u => u.Id);
        var wanted = new Dictionary<(int, int), SuccessionKind>();
        var provinceTargets = new Dictionary<int, HashSet<int>>();
        var warnings = new List<string>();
        var unresolved = 0;

        foreach (var row in table.Records)
        {
            var oldCode = row["old_commune_code"];
            var level = oldCode.Length == 3 ? AdministrativeLevel.District : AdministrativeLevel.Commune;
            ValidateCode(file, row.Line, level, oldCode);
            ValidateCode(file, row.Line, AdministrativeLevel.Commune, row["new_commune_code"]);
            var kind = row["merge_type"].ToLowerInvariant() switch
            {
                "full" => SuccessionKind.Full,
                "partial" => SuccessionKind.Partial,
                var other => throw new UnitImportException(file.File, row.Line, $"merge_type must be full or partial, not '{other}'"),
            };

            if (!idOf.TryGetValue((from, level, oldCode), out var predecessor) ||
                !idOf.TryGetValue((to, AdministrativeLevel.Commune, row["new_commune_code"]), out var successor))
            {
                // The island districts that had no communes are not in the commune list; say so, do not fail.
                if (++unresolved <= MaxWarnings)
                {
                    warnings.Add($"line {row.Line}: {level} {oldCode} ({from}) or commune {row["new_commune_code"]} ({to}) is not in the database");
                }

                continue;
            }

            wanted[(predecessor, successor)] = kind;
            if (idOf.TryGetValue((from, AdministrativeLevel.Province, row["old_province_code"]), out var oldProvince) &&
                idOf.TryGetValue((to, AdministrativeLevel.Province, row["new_province_code"]), out var newProvince))
            {
                if (!provinceTargets.TryGetValue(oldProvince, out var targets))
                {
                    provinceTargets[oldProvince] = targets = [];
                }

                targets.Add(newProvince);
            }
        }

        // A province succeeds to the new province(s) its communes went into: whole when all went to one.
        foreach (var (oldProvince, targets) in provinceTargets)
        {
            foreach (var target in targets)
            {
                wanted[(oldProvince, target)] = targets.Count == 1 ? SuccessionKind.Full : SuccessionKind.Partial;
            }
        }

        if (unresolved > MaxWarnings)
        {
            warnings.Add($"… and {unresolved - MaxWarnings} more row(s) not resolved");
        }

        var predecessorIds = wanted.Keys.Select(k => k.Item1).Distinct().ToList();
        var existing = await db.AdministrativeUnitSuccessions.Where(s => predecessorIds.Contains(s.PredecessorId))
            .ToDictionaryAsync(s => (s.PredecessorId, s.SuccessorId), cancellationToken);
        var counts = new ChangeCounter();
        foreach (var ((predecessor, successor), kind) in wanted)
        {
            if (existing.TryGetValue((predecessor, successor), out var link))
            {
                counts.Count(link.Kind != kind || link.EffectiveOn != effectiveOn);
                link.Kind = kind;
                link.EffectiveOn = effectiveOn;
            }
            else
            {
                db.AdministrativeUnitSuccessions.Add(new AdministrativeUnitSuccession { PredecessorId = predecessor, SuccessorId = successor, Kind = kind, EffectiveOn = effectiveOn });
                counts.Added++;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return new UnitImportResult(file.File, "succession", $"{from}→{to}", counts.Added, counts.Updated, counts.Unchanged, warnings);
    }

    private static string ProvinceKindFromName(string name) =>
        name.StartsWith("Thành phố", StringComparison.Ordinal) ? "Thành phố Trung ương" : "Tỉnh";

    private static void ValidateCode(UnitFileDescription file, int line, AdministrativeLevel level, string code)
    {
        var length = level switch { AdministrativeLevel.Province => 2, AdministrativeLevel.District => 3, _ => 5 };
        if (code.Length != length || !Digits().IsMatch(code))
        {
            throw new UnitImportException(file.File, line, $"'{code}' is not a {length}-digit {level.ToString().ToLowerInvariant()} code");
        }
    }

    private static void RequireColumns(CsvTable table, UnitFileDescription file, params string[] columns)
    {
        var missing = columns.Where(c => !table.Header.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0)
        {
            throw new UnitImportException(file.File, 1, $"missing column(s): {string.Join(", ", missing)}");
        }
    }

    private static string Require(string? value, UnitFileDescription file, string what) =>
        string.IsNullOrWhiteSpace(value) ? throw new UnitImportException(file.File, null, $"{what} is required") : value;

    [GeneratedRegex("^[0-9]+$")]
    private static partial Regex Digits();

    private sealed class ChangeCounter
    {
        public int Added { get; set; }

        public int Updated { get; private set; }

        public int Unchanged { get; private set; }

        public void Count(bool changed)
        {
            if (changed)
            {
                Updated++;
            }
            else
            {
                Unchanged++;
            }
        }
    }
}
