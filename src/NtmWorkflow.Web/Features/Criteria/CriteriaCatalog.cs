using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Criteria;

/// <summary>
/// Whether a value is valid for an indicator and, when its threshold is known, whether it meets it; <c>Met</c> is null
/// when no threshold is known for the scope (the official states met or not met).
/// </summary>
public sealed record IndicatorAssessment(bool Valid, string? Error, bool? Met);

/// <summary>
/// Who owns an indicator on a day: <c>DepartmentKind</c> is the assigned kind followed through mergers to the kind in
/// force that day; <c>AssignedFrom</c> is the first day of the province's assignment, null for the default.
/// </summary>
public sealed record IndicatorOwner(string DepartmentKind, string AssignedKind, bool FromProvince, DateOnly? AssignedFrom);

public enum CriteriaProblem
{
    Invalid,
    NotFound,
    Conflict,
}

/// <summary>Why a catalogue change was refused; nothing was stored.</summary>
public sealed class CriteriaException(CriteriaProblem problem, string message) : Exception(message)
{
    public CriteriaProblem Problem { get; } = problem;
}

/// <summary>A new criterion, or a criterion's new name (fields left null keep their value).</summary>
public sealed record CriterionChange(int? Number, string? Name, bool? Verified);

/// <summary>A new indicator, or changes to one (fields left null keep their value; the number cannot change).</summary>
public sealed record IndicatorChange(
    string? Number, string? Name, MeasurementKind? Kind, ThresholdDirection? Direction, string? Unit, string? DefaultDepartmentKind, int? Position, bool? Verified);

/// <summary>An indicator's threshold for a scope: <see cref="Value"/> for numbers, the scale and its lowest passing rating for ratings.</summary>
public sealed record ThresholdChange(decimal? Value, string? RatingScale, string? MinimumRating, string? Source, bool? Verified);

/// <summary>A province's assignment of an indicator to a department kind from a day on (its own decision in <see cref="Source"/>).</summary>
public sealed record OwnershipChange(string? DepartmentKind, DateOnly? ValidFrom, string? Source);

/// <summary>
/// The criteria catalogue: the set a dossier uses, who owns each indicator in a province on a day, the check of
/// a reported value, and the administrators' edits (each validated and audited).
/// </summary>
public sealed partial class CriteriaCatalog(AppDbContext db, TimeProvider clock)
{
    private const int MaxMergerSteps = 10;

    // ---- Reading -------------------------------------------------------------------------------------------

    /// <summary>The set for the subject and tier whose validity covers <paramref name="openedOn"/>, fully loaded and ordered.</summary>
    public async Task<CriteriaSetRow?> SetInForceAsync(CriteriaSubject subject, RecognitionTier tier, DateOnly openedOn, CancellationToken ct)
    {
        var code = await db.CriteriaSets.AsNoTracking()
            .Where(s => s.Subject == subject && s.Tier == tier && s.ValidFrom <= openedOn && (s.ValidTo == null || s.ValidTo >= openedOn))
            .OrderByDescending(s => s.ValidFrom).Select(s => s.Code).FirstOrDefaultAsync(ct);
        return code is null ? null : await GetSetAsync(code, ct);
    }

    /// <summary>A set with its criteria (by number), indicators (by position) and thresholds; null when unknown.</summary>
    public async Task<CriteriaSetRow?> GetSetAsync(string code, CancellationToken ct)
    {
        var set = await db.CriteriaSets.AsNoTracking().AsSplitQuery()
            .Include(s => s.Criteria).ThenInclude(c => c.Indicators).ThenInclude(i => i.Thresholds)
            .SingleOrDefaultAsync(s => s.Code == code, ct);
        if (set is not null)
        {
            Order(set);
        }

        return set;
    }

    // One chain of collections (set → criteria → indicators) is one row per indicator, no cartesian product:
    // a single query is the cheaper plan, said so to EF so it does not warn.
    public async Task<List<CriteriaSetRow>> ListSetsAsync(CancellationToken ct) =>
        await db.CriteriaSets.AsNoTracking().Include(s => s.Criteria).ThenInclude(c => c.Indicators).AsSingleQuery()
            .OrderBy(s => s.Subject).ThenBy(s => s.Tier).ThenBy(s => s.ValidFrom).ToListAsync(ct);

    public async Task<List<DepartmentKindRow>> DepartmentKindsAsync(CancellationToken ct) =>
        await db.DepartmentKinds.AsNoTracking().OrderBy(k => k.ValidTo == null).ThenBy(k => k.Code).ToListAsync(ct);

    /// <summary>
    /// The department kind that owns the indicator in the province on <paramref name="on"/>: the province's assignment
    /// valid then, else the indicator's default, followed through the mergers that happened before that day.
    /// </summary>
    public async Task<string> OwnerDepartmentKindAsync(string provinceCode, IndicatorRow indicator, DateOnly on, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        return (await OwnersAsync(provinceCode, [indicator], on, ct))[0].Owner.DepartmentKind;
    }

    /// <summary>Each indicator's owner, in the order given.</summary>
    public async Task<IReadOnlyList<(IndicatorRow Indicator, IndicatorOwner Owner)>> OwnersAsync(
        string provinceCode, IReadOnlyList<IndicatorRow> indicators, DateOnly on, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(indicators);
        var ids = indicators.Select(i => i.Id).ToList();
        var assigned = await db.IndicatorOwnerships.AsNoTracking()
            .Where(o => o.ProvinceCode == provinceCode && ids.Contains(o.IndicatorId) && o.ValidFrom <= on && (o.ValidTo == null || o.ValidTo >= on))
            .ToListAsync(ct);
        var kinds = await db.DepartmentKinds.AsNoTracking().ToDictionaryAsync(k => k.Code, ct);
        return [.. indicators.Select(i =>
        {
            var own = assigned.Where(o => o.IndicatorId == i.Id).OrderByDescending(o => o.ValidFrom).FirstOrDefault();
            var kind = own?.DepartmentKind ?? i.DefaultDepartmentKind;
            return (i, new IndicatorOwner(FollowMergers(kind, on, kinds), kind, own is not null, own?.ValidFrom));
        })];
    }

    /// <summary>The set's indicators grouped by the department kind that owns them in the province on the day.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<IndicatorRow>>> IndicatorsByDepartmentAsync(
        string provinceCode, CriteriaSetRow set, DateOnly on, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(set);
        var owners = await OwnersAsync(provinceCode, [.. set.Criteria.SelectMany(c => c.Indicators)], on, ct);
        return owners.GroupBy(o => o.Owner.DepartmentKind, o => o.Indicator)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<IndicatorRow>)[.. g], StringComparer.Ordinal);
    }

    private static string FollowMergers(string kind, DateOnly on, Dictionary<string, DepartmentKindRow> kinds)
    {
        // A kind that ended before the day hands its indicators to its successor (which may itself have merged later).
        for (var step = 0; step < MaxMergerSteps && kinds.TryGetValue(kind, out var row) && row.ValidTo < on && row.SuccessorCode is { } next; step++)
        {
            kind = next;
        }

        return kind;
    }

    // ---- Assessing a value ----------------------------------------------------------------------------------

    /// <summary>
    /// Checks a reported value (invariant culture) against the indicator's kind and, when a threshold is known for
    /// <paramref name="scope"/> or for everywhere, against the threshold.
    /// </summary>
    public static IndicatorAssessment Assess(IndicatorRow indicator, string? scope, string? value)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        var threshold = indicator.Thresholds.FirstOrDefault(t => scope is not null && t.Scope == scope)
                        ?? indicator.Thresholds.FirstOrDefault(t => t.Scope == CriteriaSeedData.Everywhere);
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return Invalid($"{indicator.Number}: a value is required.");
        }

        switch (indicator.Kind)
        {
            case MeasurementKind.YesNo:
                if (!bool.TryParse(text, out var yes))
                {
                    return Invalid($"{indicator.Number}: the value is \"true\" (đạt) or \"false\" (không đạt), not \"{text}\".");
                }

                return new IndicatorAssessment(true, null, threshold is null ? null : yes);

            case MeasurementKind.Rating:
                var scale = Scale(threshold?.RatingScale);
                if (scale.Count == 0)
                {
                    // Without a scale any rating the official writes is accepted, and the official states the result.
                    return new IndicatorAssessment(true, null, null);
                }

                var rank = scale.IndexOf(text);
                if (rank < 0)
                {
                    return Invalid($"{indicator.Number}: the rating is one of {string.Join(", ", scale)}; \"{text}\" is not.");
                }

                var minimum = threshold?.MinimumRating is { } m ? scale.IndexOf(m) : -1;
                return new IndicatorAssessment(true, null, minimum < 0 ? null : rank >= minimum);

            default:
                if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                {
                    return Invalid($"{indicator.Number}: \"{text}\" is not a number (use a dot for decimals, no thousands separators).");
                }

                if (number < 0 || (indicator.Kind == MeasurementKind.Percent && number > 100))
                {
                    return Invalid(indicator.Kind == MeasurementKind.Percent
                        ? $"{indicator.Number}: a percentage is between 0 and 100, not {text}."
                        : $"{indicator.Number}: the value cannot be negative ({text}).");
                }

                bool? met = threshold?.Value is not { } limit ? null
                    : indicator.Direction == ThresholdDirection.AtMost ? number <= limit : number >= limit;
                return new IndicatorAssessment(true, null, met);
        }

        static IndicatorAssessment Invalid(string error) => new(false, error, null);
    }

    private static List<string> Scale(string? scale) =>
        scale is null ? [] : [.. scale.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    // ---- Seeding --------------------------------------------------------------------------------------------

    /// <summary>
    /// Adds the shipped department kinds, sets, criteria and indicators the database lacks (by code and number);
    /// what is already there, edited or not, is never changed.
    /// </summary>
    public async Task SeedMissingAsync(CancellationToken ct)
    {
        var kinds = await db.DepartmentKinds.Select(k => k.Code).ToListAsync(ct);
        foreach (var kind in CriteriaSeedData.DepartmentKinds.Where(k => !kinds.Contains(k.Code)))
        {
            db.DepartmentKinds.Add(new DepartmentKindRow
            {
                Code = kind.Code, Name = kind.Name, ValidFrom = kind.ValidFrom, ValidTo = kind.ValidTo, SuccessorCode = kind.SuccessorCode,
                Source = kind.Source, Verified = kind.Verified,
            });
        }

        var codes = CriteriaSeedData.Sets.Select(s => s.Code).ToList();
        var sets = await db.CriteriaSets.Include(s => s.Criteria).ThenInclude(c => c.Indicators).AsSingleQuery()
            .Where(s => codes.Contains(s.Code)).ToDictionaryAsync(s => s.Code, ct);
        foreach (var seed in CriteriaSeedData.Sets)
        {
            if (!sets.TryGetValue(seed.Code, out var set))
            {
                set = new CriteriaSetRow
                {
                    Code = seed.Code, Name = seed.Name, Decision = seed.Decision, Subject = seed.Subject, Tier = seed.Tier,
                    ValidFrom = seed.ValidFrom, ValidTo = seed.ValidTo, ThresholdBasis = seed.ThresholdBasis, Verified = seed.Verified, Notes = seed.Notes,
                };
                db.CriteriaSets.Add(set);
            }

            var numbers = set.Criteria.SelectMany(c => c.Indicators).Select(i => i.Number).ToHashSet(StringComparer.Ordinal);
            foreach (var seedCriterion in seed.Criteria)
            {
                var criterion = set.Criteria.FirstOrDefault(c => c.Number == seedCriterion.Number);
                if (criterion is null)
                {
                    criterion = new CriterionRow { Number = seedCriterion.Number, Name = seedCriterion.Name, Verified = seedCriterion.Verified };
                    set.Criteria.Add(criterion);
                }

                foreach (var i in seedCriterion.Indicators.Where(i => numbers.Add(i.Number)))
                {
                    criterion.Indicators.Add(new IndicatorRow
                    {
                        Criterion = criterion, Number = i.Number, Name = i.Name, Kind = i.Kind, Direction = i.Direction, Unit = i.Unit,
                        DefaultDepartmentKind = i.Owner, Position = i.Position, Verified = i.Verified,
                    });
                }
            }
        }

        await db.SaveChangesAsync(ct);
    }

    // ---- Administrators' changes ----------------------------------------------------------------------------

    public async Task<CriterionRow> AddCriterionAsync(string setCode, CriterionChange change, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        RequireActor(actor);
        var set = await TrackedSetAsync(setCode, ct);
        if (change.Number is not ({ } number and > 0 and < 100))
        {
            throw Invalid("number is the criterion's number in the set, 1 to 99.");
        }

        if (set.Criteria.Any(c => c.Number == number))
        {
            throw new CriteriaException(CriteriaProblem.Conflict, $"The set {setCode} already has criterion {number}.");
        }

        var criterion = new CriterionRow { Number = number, Name = Name(change.Name, 300), Verified = change.Verified ?? false };
        set.Criteria.Add(criterion);
        AuditTrail.Record(db, actor, "criteria.criterion.add", $"criteria-set/{setCode}/criterion/{number}", new { set = setCode, number, criterion.Name, criterion.Verified });
        await db.SaveChangesAsync(ct);
        return criterion;
    }

    /// <summary>Renames a criterion and/or sets its verified flag.</summary>
    public async Task<CriterionRow> UpdateCriterionAsync(string setCode, int number, CriterionChange change, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        RequireActor(actor);
        var set = await TrackedSetAsync(setCode, ct);
        var criterion = set.Criteria.FirstOrDefault(c => c.Number == number)
                        ?? throw new CriteriaException(CriteriaProblem.NotFound, $"The set {setCode} has no criterion {number}.");
        if (change.Number is { } other && other != number)
        {
            throw Invalid("A criterion's number cannot change; add a new criterion instead.");
        }

        var before = new { criterion.Name, criterion.Verified };
        criterion.Name = change.Name is null ? criterion.Name : Name(change.Name, 300);
        criterion.Verified = change.Verified ?? criterion.Verified;
        AuditTrail.Record(db, actor, "criteria.criterion.update", $"criteria-set/{setCode}/criterion/{number}",
            new { set = setCode, number, before, after = new { criterion.Name, criterion.Verified } });
        await db.SaveChangesAsync(ct);
        return criterion;
    }

    /// <summary>Adds an indicator to the criterion its number names (<c>17.12</c> goes under criterion 17).</summary>
    public async Task<IndicatorRow> AddIndicatorAsync(string setCode, IndicatorChange change, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        RequireActor(actor);
        var set = await TrackedSetAsync(setCode, ct);
        var number = change.Number?.Trim() ?? "";
        var match = IndicatorNumber().Match(number);
        if (!match.Success)
        {
            throw Invalid($"number is the indicator's number, like 17.10 or 5; \"{number}\" is not.");
        }

        var criterionNumber = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var criterion = set.Criteria.FirstOrDefault(c => c.Number == criterionNumber)
                        ?? throw Invalid($"The set {setCode} has no criterion {criterionNumber} for indicator {number}; add the criterion first.");
        if (set.Criteria.SelectMany(c => c.Indicators).Any(i => i.Number == number))
        {
            throw new CriteriaException(CriteriaProblem.Conflict, $"The set {setCode} already has indicator {number}.");
        }

        if (change.Kind is null)
        {
            throw Invalid("kind is required: YesNo, Percent, Amount, Points or Rating.");
        }

        var indicator = new IndicatorRow
        {
            Criterion = criterion, Number = number, Name = Name(change.Name, 1000), Kind = change.Kind.Value,
            Direction = change.Direction ?? ThresholdDirection.AtLeast, Unit = Trimmed(change.Unit),
            DefaultDepartmentKind = change.DefaultDepartmentKind?.Trim() ?? "",
            Position = change.Position ?? (match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 1),
            Verified = change.Verified ?? false,
        };
        await CheckIndicatorAsync(indicator, ct);
        criterion.Indicators.Add(indicator);
        AuditTrail.Record(db, actor, "criteria.indicator.add", $"criteria-set/{setCode}/indicator/{number}", new { set = setCode, indicator = Snapshot(indicator) });
        await db.SaveChangesAsync(ct);
        return indicator;
    }

    public async Task<IndicatorRow> UpdateIndicatorAsync(string setCode, string number, IndicatorChange change, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        RequireActor(actor);
        var indicator = await TrackedIndicatorAsync(setCode, number, ct);
        if (change.Number is { } other && other.Trim() != number)
        {
            throw Invalid("An indicator's number cannot change; add a new indicator instead.");
        }

        if (change.Kind is { } kind && kind != indicator.Kind && indicator.Thresholds.Count > 0)
        {
            throw Invalid($"Indicator {number} has thresholds for {indicator.Kind}; remove them before changing its kind.");
        }

        var before = Snapshot(indicator);
        indicator.Name = change.Name is null ? indicator.Name : Name(change.Name, 1000);
        indicator.Kind = change.Kind ?? indicator.Kind;
        indicator.Direction = change.Direction ?? indicator.Direction;
        indicator.Unit = change.Unit is null ? indicator.Unit : Trimmed(change.Unit);
        indicator.DefaultDepartmentKind = change.DefaultDepartmentKind?.Trim() ?? indicator.DefaultDepartmentKind;
        indicator.Position = change.Position ?? indicator.Position;
        indicator.Verified = change.Verified ?? indicator.Verified;
        await CheckIndicatorAsync(indicator, ct);
        AuditTrail.Record(db, actor, "criteria.indicator.update", $"criteria-set/{setCode}/indicator/{number}",
            new { set = setCode, before, after = Snapshot(indicator) });
        await db.SaveChangesAsync(ct);
        return indicator;
    }

    /// <summary>Sets the indicator's threshold for a scope that fits the set's threshold basis (or "*").</summary>
    public async Task<IndicatorThresholdRow> SetThresholdAsync(string setCode, string number, string scope, ThresholdChange change, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        RequireActor(actor);
        var indicator = await TrackedIndicatorAsync(setCode, number, ct);
        var set = await db.CriteriaSets.AsNoTracking().SingleAsync(s => s.Id == indicator.Criterion.CriteriaSetId, ct);
        if (!CriteriaSeedData.ScopeFits(set.ThresholdBasis, scope))
        {
            var allowed = CriteriaSeedData.Scopes.Where(s => s.Basis == set.ThresholdBasis).Select(s => s.Code).Append(CriteriaSeedData.Everywhere);
            throw Invalid($"The thresholds of {setCode} vary by {set.ThresholdBasis ?? "nothing (one threshold everywhere)"}: the scope is one of {string.Join(", ", allowed)}, not \"{scope}\".");
        }

        var (value, scale, minimum) = CheckThreshold(indicator, change);
        if (string.IsNullOrWhiteSpace(change.Source) || change.Source.Trim().Length > 1000)
        {
            throw Invalid("Name the source of the threshold (decision and annex, or the province's document), at most 1,000 characters.");
        }

        var row = indicator.Thresholds.FirstOrDefault(t => t.Scope == scope);
        var before = row is null ? null : new { row.Value, row.RatingScale, row.MinimumRating, row.Source, row.Verified };
        if (row is null)
        {
            row = new IndicatorThresholdRow { Scope = scope, Source = "" };
            indicator.Thresholds.Add(row);
        }

        (row.Value, row.RatingScale, row.MinimumRating, row.Source, row.Verified) = (value, scale, minimum, change.Source.Trim(), change.Verified ?? false);
        AuditTrail.Record(db, actor, "criteria.threshold.set", $"criteria-set/{setCode}/indicator/{number}/threshold/{scope}",
            new { set = setCode, indicator = number, scope, before, after = new { row.Value, row.RatingScale, row.MinimumRating, row.Source, row.Verified } });
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>Removes the indicator's threshold for a scope; false when it had none.</summary>
    public async Task<bool> RemoveThresholdAsync(string setCode, string number, string scope, string actor, CancellationToken ct)
    {
        RequireActor(actor);
        var indicator = await TrackedIndicatorAsync(setCode, number, ct);
        var row = indicator.Thresholds.FirstOrDefault(t => t.Scope == scope);
        if (row is null)
        {
            return false;
        }

        db.IndicatorThresholds.Remove(row);
        AuditTrail.Record(db, actor, "criteria.threshold.remove", $"criteria-set/{setCode}/indicator/{number}/threshold/{scope}",
            new { set = setCode, indicator = number, scope, row.Value, row.RatingScale, row.MinimumRating, row.Source, row.Verified });
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Marks a whole set (its header) as checked, or not, against the official text.</summary>
    public async Task<CriteriaSetRow> SetVerifiedAsync(string setCode, bool verified, string actor, CancellationToken ct)
    {
        RequireActor(actor);
        var set = await TrackedSetAsync(setCode, ct);
        var before = set.Verified;
        set.Verified = verified;
        AuditTrail.Record(db, actor, "criteria.set.verified", $"criteria-set/{setCode}", new { set = setCode, before, after = verified });
        await db.SaveChangesAsync(ct);
        return set;
    }

    /// <summary>
    /// Assigns the indicator to a department kind in the province from <see cref="OwnershipChange.ValidFrom"/>: the
    /// assignment in force the day before ends then; a later assignment already recorded bounds the new one.
    /// </summary>
    public async Task<IndicatorOwnershipRow> SetOwnershipAsync(string provinceCode, string setCode, string number, OwnershipChange change, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        RequireActor(actor);
        var indicator = await TrackedIndicatorAsync(setCode, number, ct);
        if (!await db.AdministrativeUnits.AnyAsync(u => u.Level == AdministrativeLevel.Province && u.Code == provinceCode, ct))
        {
            throw new CriteriaException(CriteriaProblem.NotFound, $"'{provinceCode}' is not the code of a province.");
        }

        if (change.ValidFrom is not { } from)
        {
            throw Invalid("validFrom (yyyy-MM-dd) is required: the first day of the province's assignment.");
        }

        var kindCode = change.DepartmentKind?.Trim() ?? "";
        var kind = await db.DepartmentKinds.AsNoTracking().SingleOrDefaultAsync(k => k.Code == kindCode, ct)
                   ?? throw Invalid($"'{kindCode}' is not a department kind (GET /api/department-kinds).");
        if (kind.ValidTo < from || kind.ValidFrom > from)
        {
            throw Invalid($"{kind.Name} does not exist on {from:yyyy-MM-dd}{(kind.SuccessorCode is null ? "" : $"; its successor is {kind.SuccessorCode}")}.");
        }

        if (string.IsNullOrWhiteSpace(change.Source) || change.Source.Trim().Length > 1000)
        {
            throw Invalid("Name the province's decision that assigns the indicator, at most 1,000 characters.");
        }

        var history = await db.IndicatorOwnerships.Where(o => o.ProvinceCode == provinceCode && o.IndicatorId == indicator.Id).ToListAsync(ct);
        var row = history.FirstOrDefault(o => o.ValidFrom == from);
        var before = row is null ? null : new { row.DepartmentKind, row.ValidFrom, row.ValidTo, row.Source };
        foreach (var earlier in history.Where(o => o.ValidFrom < from && (o.ValidTo is null || o.ValidTo >= from)))
        {
            earlier.ValidTo = from.AddDays(-1);
        }

        if (row is null)
        {
            row = new IndicatorOwnershipRow { ProvinceCode = provinceCode, IndicatorId = indicator.Id, DepartmentKind = kindCode, Source = "", ValidFrom = from };
            db.IndicatorOwnerships.Add(row);
            var next = history.Where(o => o.ValidFrom > from).OrderBy(o => o.ValidFrom).FirstOrDefault();
            row.ValidTo = next?.ValidFrom.AddDays(-1);
        }

        (row.DepartmentKind, row.Source, row.UpdatedAt, row.UpdatedBy) = (kindCode, change.Source.Trim(), clock.GetUtcNow(), actor);
        AuditTrail.Record(db, actor, "criteria.ownership.set", $"province/{provinceCode}/criteria-set/{setCode}/indicator/{number}",
            new { province = provinceCode, set = setCode, indicator = number, before, after = new { row.DepartmentKind, row.ValidFrom, row.ValidTo, row.Source } });
        await db.SaveChangesAsync(ct);
        return row;
    }

    private async Task CheckIndicatorAsync(IndicatorRow indicator, CancellationToken ct)
    {
        if (indicator.Kind == MeasurementKind.Amount && indicator.Unit is null)
        {
            throw Invalid($"Indicator {indicator.Number} is an amount: give its unit, e.g. \"triệu đồng/người/năm\".");
        }

        if (indicator.Unit is { Length: > 60 })
        {
            throw Invalid("unit is at most 60 characters.");
        }

        if (indicator.Kind is MeasurementKind.YesNo or MeasurementKind.Rating && indicator.Direction != ThresholdDirection.AtLeast)
        {
            throw Invalid($"A {indicator.Kind} indicator is met at or above its threshold: direction is AtLeast.");
        }

        if (indicator.Position is < 1 or > 999)
        {
            throw Invalid("position is 1 to 999.");
        }

        if (!await db.DepartmentKinds.AnyAsync(k => k.Code == indicator.DefaultDepartmentKind, ct))
        {
            throw Invalid($"defaultDepartmentKind '{indicator.DefaultDepartmentKind}' is not a department kind (GET /api/department-kinds).");
        }
    }

    private static (decimal? Value, string? Scale, string? Minimum) CheckThreshold(IndicatorRow indicator, ThresholdChange change)
    {
        switch (indicator.Kind)
        {
            case MeasurementKind.YesNo:
                // Met when the answer is yes: nothing to set but the source.
                return (null, null, null);
            case MeasurementKind.Rating:
                var scale = Scale(change.RatingScale);
                if (scale.Count < 2 || scale.Distinct(StringComparer.Ordinal).Count() != scale.Count || scale.Any(s => s.Length > 100))
                {
                    throw Invalid("ratingScale lists at least two different ratings, worst first, separated by commas.");
                }

                var minimum = change.MinimumRating?.Trim();
                if (minimum is null || !scale.Contains(minimum))
                {
                    throw Invalid($"minimumRating is one of {string.Join(", ", scale)}.");
                }

                var joined = string.Join(",", scale);
                return joined.Length > 500 ? throw Invalid("ratingScale is at most 500 characters.") : (null, joined, minimum);
            default:
                if (change.Value is not { } value || value < 0 || (indicator.Kind == MeasurementKind.Percent && value > 100))
                {
                    throw Invalid(indicator.Kind == MeasurementKind.Percent ? "value is a percentage from 0 to 100." : "value is a number, 0 or more.");
                }

                return (value, null, null);
        }
    }

    private async Task<CriteriaSetRow> TrackedSetAsync(string code, CancellationToken ct) =>
        await db.CriteriaSets.Include(s => s.Criteria).ThenInclude(c => c.Indicators).AsSingleQuery().SingleOrDefaultAsync(s => s.Code == code, ct)
        ?? throw new CriteriaException(CriteriaProblem.NotFound, $"There is no criteria set '{code}'.");

    private async Task<IndicatorRow> TrackedIndicatorAsync(string setCode, string number, CancellationToken ct)
    {
        if (!await db.CriteriaSets.AnyAsync(s => s.Code == setCode, ct))
        {
            throw new CriteriaException(CriteriaProblem.NotFound, $"There is no criteria set '{setCode}'.");
        }

        return await db.Indicators.Include(i => i.Criterion).Include(i => i.Thresholds)
                   .Where(i => i.Number == number && db.CriteriaSets.Any(s => s.Code == setCode && s.Id == i.Criterion.CriteriaSetId))
                   .SingleOrDefaultAsync(ct)
               ?? throw new CriteriaException(CriteriaProblem.NotFound, $"The set {setCode} has no indicator {number}.");
    }

    private static void Order(CriteriaSetRow set)
    {
        set.Criteria.Sort((a, b) => a.Number.CompareTo(b.Number));
        foreach (var criterion in set.Criteria)
        {
            criterion.Indicators.Sort((a, b) => a.Position != b.Position ? a.Position.CompareTo(b.Position) : string.CompareOrdinal(a.Number, b.Number));
            foreach (var indicator in criterion.Indicators)
            {
                indicator.Thresholds.Sort((a, b) => string.CompareOrdinal(a.Scope, b.Scope));
            }
        }
    }

    private static object Snapshot(IndicatorRow i) =>
        new { i.Number, i.Name, Kind = i.Kind.ToString(), Direction = i.Direction.ToString(), i.Unit, i.DefaultDepartmentKind, i.Position, i.Verified };

    private static void RequireActor(string actor)
    {
        if (string.IsNullOrWhiteSpace(actor))
        {
            throw Invalid("The acting user is required.");
        }
    }

    private static string Name(string? name, int max) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > max ? throw Invalid($"name is required, at most {max} characters.") : name.Trim();

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static CriteriaException Invalid(string message) => new(CriteriaProblem.Invalid, message);

    [GeneratedRegex(@"^([1-9][0-9]?)(?:\.([1-9][0-9]?))?$")]
    private static partial Regex IndicatorNumber();
}
