using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Reports;

/// <summary>Communes whose highest recognition in force is at a tier.</summary>
public sealed record LevelCount(RecognitionTier Tier, int Communes);

/// <summary>Dossiers in progress waiting at a step (a dossier with parallel tasks counts once per step).</summary>
public sealed record StageCount(string ElementId, string Name, int Dossiers);

/// <summary>Communes whose latest dossier meets <c>CriteriaMet</c> criteria in full.</summary>
public sealed record CriteriaBucket(int CriteriaMet, int Communes);

/// <summary>An indicator and how many communes' latest dossiers do not meet it.</summary>
public sealed record UnmetIndicator(string Number, string Name, int Communes);

/// <summary>A unit (<c>commune:00700</c>, <c>department:08/nong-nghiep</c>, …) with its name where the data has one.</summary>
public sealed record UnitName(string Key, string Kind, string? Name);

/// <summary>Open tasks of a unit past their deadline.</summary>
public sealed record UnitOverdue(UnitName Unit, int Tasks);

/// <summary>Completed tasks with a deadline, by how they kept it (trước hạn / đúng hạn / quá hạn).</summary>
public sealed record TimelinessCount(string Key, string Label, int Early, int OnTime, int Late)
{
    public int Total => Early + OnTime + Late;

    /// <summary>Early or on time, of all; null when nothing was completed.</summary>
    public decimal? OnTimeRate => Total == 0 ? null : Math.Round(100m * (Early + OnTime) / Total, 1);
}

/// <summary>A tier's target for the year and the communes recognised at it in the year (by decision date).</summary>
public sealed record TargetProgress(RecognitionTier Tier, int? Target, string? Source, int Achieved);

/// <summary>Everything the coordination office's dashboard shows for a province and a year, as of <c>AsOf</c>.</summary>
public sealed record DashboardFigures(
    string ProvinceCode,
    int Year,
    DateTimeOffset AsOf,
    int Communes,
    IReadOnlyList<LevelCount> Levels,
    IReadOnlyList<StageCount> Stages,
    int DossiersInProgress,
    IReadOnlyList<CriteriaBucket> CriteriaMet,
    int CommunesAssessed,
    decimal? AverageCriteriaMet,
    IReadOnlyList<UnmetIndicator> MostUnmet,
    IReadOnlyList<UnitOverdue> OverdueByUnit,
    IReadOnlyList<TimelinessCount> TimelinessByUnit,
    IReadOnlyList<TimelinessCount> TimelinessByStep,
    IReadOnlyList<TargetProgress> Targets)
{
    /// <summary>Communes in force not (or no longer) recognised at any tier.</summary>
    public int NotRecognised => Math.Max(0, Communes - Levels.Sum(l => l.Communes));
}

/// <summary>
/// The coordination office's figures for a province (ntm-domain.md §9): communes by level reached, dossiers by step,
/// criteria met per commune, the indicators most often unmet, overdue tasks by unit, on-time rates by unit and step,
/// and the year's targets against what was achieved. The queries that pick the dossiers behind a figure
/// (<see cref="CommuneDossiers"/>, <see cref="LatestDossierIds"/>) serve the drill-down lists too, so the dashboard,
/// the report and the list behind a figure agree.
/// </summary>
public sealed class ProgrammeDashboard(AppDbContext db, TimeProvider clock)
{
    /// <summary>How many indicators the "most often unmet" list shows.</summary>
    public const int MostUnmetShown = 10;

    public async Task<DashboardFigures> FiguresAsync(string provinceCode, int year, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provinceCode);
        var now = clock.GetUtcNow();
        var communes = await ProvinceCommunes(provinceCode).CountAsync(ct);

        // Levels: each commune's highest tier among its recognitions in force.
        var recognised = await CommuneDossiers(provinceCode).Where(d => d.Status == DossierStatus.Recognised)
            .Select(d => new { d.CommuneCode, d.Tier }).ToListAsync(ct);
        var levels = recognised.GroupBy(d => d.CommuneCode).Select(g => g.Max(d => d.Tier)).GroupBy(t => t)
            .Select(g => new LevelCount(g.Key, g.Count())).ToList();
        levels = [.. Enum.GetValues<RecognitionTier>().Select(t => levels.FirstOrDefault(l => l.Tier == t) ?? new LevelCount(t, 0))];

        // Stages: where dossiers in progress wait, in the order dossiers reach them (mean time from opening).
        var waiting = await (from t in db.WorkflowTasks.AsNoTracking()
                             join d in CommuneDossiers(provinceCode) on t.DossierId equals d.Id
                             where d.Status == DossierStatus.InProgress
                             select new { t.ElementId, t.Name, t.Created, DossierId = d.Id, d.CreatedAt }).ToListAsync(ct);
        var stages = waiting.GroupBy(w => w.ElementId)
            .Select(g => (Stage: new StageCount(g.Key, g.First().Name ?? g.Key, g.Select(w => w.DossierId).Distinct().Count()),
                Reached: g.Average(w => (w.Created - w.CreatedAt).TotalSeconds)))
            .OrderBy(s => s.Reached).ThenBy(s => s.Stage.ElementId, StringComparer.Ordinal).Select(s => s.Stage).ToList();
        var inProgress = await CommuneDossiers(provinceCode).CountAsync(d => d.Status == DossierStatus.InProgress, ct);

        // Criteria met per commune: the latest dossier of each commune, a criterion met when every indicator of it is.
        var latest = await LatestDossierIds(provinceCode, ct);
        var indicators = await db.DossierIndicators.AsNoTracking().Where(i => latest.Contains(i.DossierId))
            .Select(i => new { i.DossierId, i.Number, i.IndicatorId, Met = i.Met ?? i.StatedMet }).ToListAsync(ct);
        var metPerDossier = indicators.GroupBy(i => i.DossierId).ToDictionary(g => g.Key,
            g => g.GroupBy(i => CriterionOf(i.Number)).Count(c => c.All(i => i.Met == true)));
        var buckets = metPerDossier.Values.GroupBy(n => n).OrderBy(g => g.Key).Select(g => new CriteriaBucket(g.Key, g.Count())).ToList();
        decimal? average = metPerDossier.Count == 0 ? null : Math.Round((decimal)metPerDossier.Values.Average(), 1);

        var unmetCounts = indicators.Where(i => i.Met == false).GroupBy(i => (i.Number, i.IndicatorId))
            .Select(g => (g.Key.Number, g.Key.IndicatorId, Count: g.Select(i => i.DossierId).Distinct().Count()))
            .OrderByDescending(u => u.Count).ThenBy(u => u.Number, NumberOrder.Instance).Take(MostUnmetShown).ToList();
        var unmetIds = unmetCounts.Select(u => u.IndicatorId).ToList();
        var indicatorNames = await db.Indicators.AsNoTracking().Where(i => unmetIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Name, ct);
        var mostUnmet = unmetCounts.Select(u => new UnmetIndicator(u.Number, indicatorNames.GetValueOrDefault(u.IndicatorId) ?? u.Number, u.Count)).ToList();

        // Overdue open tasks by the unit of their first candidate group (or the assignee's when none names a unit).
        var overdue = await (from t in db.WorkflowTasks.AsNoTracking()
                             join i in db.WorkflowInstances.AsNoTracking() on t.InstanceId equals i.Id
                             where i.ProvinceCode == provinceCode && t.Due != null && t.Due < now
                             select t.CandidateGroups).ToListAsync(ct);
        var overdueUnits = overdue.Select(groups => UnitOfGroups(JsonSerializer.Deserialize<List<string>>(groups) ?? []) ?? "")
            .GroupBy(u => u).Select(g => (Key: g.Key, Count: g.Count())).ToList();

        // On time: tasks completed in the year (Vietnam time), by unit and by step.
        var (from, to) = YearBounds(year);
        var completed = await db.CompletedTasks.AsNoTracking()
            .Where(c => c.ProvinceCode == provinceCode && c.Completed >= from && c.Completed < to && c.Timeliness != Timeliness.NoDeadline)
            .GroupBy(c => new { c.UnitKey, c.ElementId, c.Name, c.Timeliness }).Select(g => new { g.Key.UnitKey, g.Key.ElementId, g.Key.Name, g.Key.Timeliness, Count = g.Count() })
            .ToListAsync(ct);
        var names = await UnitNamesAsync(overdueUnits.Select(u => u.Key).Concat(completed.Select(c => c.UnitKey ?? "")), ct);
        static TimelinessCount Tally(string key, string label, IEnumerable<(Timeliness Timeliness, int Count)> counts) => new(key, label,
            counts.Where(c => c.Timeliness == Timeliness.Early).Sum(c => c.Count),
            counts.Where(c => c.Timeliness == Timeliness.OnTime).Sum(c => c.Count),
            counts.Where(c => c.Timeliness == Timeliness.Late).Sum(c => c.Count));
        var byUnit = completed.GroupBy(c => c.UnitKey ?? "")
            .Select(g => Tally(g.Key, names[g.Key].Name ?? g.Key, g.Select(c => (c.Timeliness, c.Count))))
            .OrderBy(t => t.OnTimeRate).ThenBy(t => t.Key, StringComparer.Ordinal).ToList();
        var byStep = completed.GroupBy(c => c.ElementId)
            .Select(g => Tally(g.Key, g.Select(c => c.Name).FirstOrDefault(n => n is not null) ?? g.Key, g.Select(c => (c.Timeliness, c.Count))))
            .OrderBy(t => t.OnTimeRate).ThenBy(t => t.Key, StringComparer.Ordinal).ToList();

        // Targets of the year against communes recognised in it.
        var targets = await db.ProgrammeTargets.AsNoTracking().Where(t => t.ProvinceCode == provinceCode && t.Year == year).ToListAsync(ct);
        var achieved = await CommuneDossiers(provinceCode)
            .Where(d => (d.Status == DossierStatus.Recognised || d.Status == DossierStatus.Revoked) && d.DecisionDate != null
                        && d.DecisionDate >= new DateOnly(year, 1, 1) && d.DecisionDate <= new DateOnly(year, 12, 31))
            .Select(d => new { d.Tier, d.CommuneCode }).Distinct().ToListAsync(ct);
        var progress = Enum.GetValues<RecognitionTier>().Select(tier =>
        {
            var target = targets.FirstOrDefault(t => t.Tier == tier);
            return new TargetProgress(tier, target?.Count, target?.Source, achieved.Count(a => a.Tier == tier));
        }).ToList();

        return new DashboardFigures(provinceCode, year, now, communes, levels, stages, inProgress, buckets, metPerDossier.Count, average, mostUnmet,
            [.. overdueUnits.Select(u => new UnitOverdue(names[u.Key], u.Count)).OrderByDescending(u => u.Tasks).ThenBy(u => u.Unit.Key, StringComparer.Ordinal)],
            byUnit, byStep, progress);
    }

    /// <summary>The criterion an indicator number belongs to: <c>17.8</c> → <c>17</c>.</summary>
    public static string CriterionOf(string number) => number.Split('.', 2)[0];

    /// <summary>The first day of the year and of the next, as instants at midnight in Vietnam.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) YearBounds(int year) =>
        (new DateTimeOffset(year, 1, 1, 0, 0, 0, VietnamTime.Offset), new DateTimeOffset(year + 1, 1, 1, 0, 0, 0, VietnamTime.Offset));

    /// <summary>Communes of the province in force today (July 2025 edition).</summary>
    public IQueryable<AdministrativeUnit> ProvinceCommunes(string provinceCode) =>
        db.AdministrativeUnits.AsNoTracking().Where(u => u.Level == AdministrativeLevel.Commune && u.ValidTo == null
                                                         && u.Parent != null && u.Parent.Level == AdministrativeLevel.Province && u.Parent.Code == provinceCode);

    /// <summary>The province's commune dossiers (not villages), cancelled ones left out.</summary>
    public IQueryable<DossierRow> CommuneDossiers(string provinceCode) =>
        db.Dossiers.AsNoTracking().Where(d => d.ProvinceCode == provinceCode && d.Subject == CriteriaSubject.Commune && d.Status != DossierStatus.Cancelled);

    /// <summary>The latest dossier of each commune of the province (by opening), the one its criteria figures come from.</summary>
    public async Task<List<Guid>> LatestDossierIds(string provinceCode, CancellationToken ct)
    {
        var all = await CommuneDossiers(provinceCode).Select(d => new { d.Id, d.CommuneCode, d.CreatedAt }).ToListAsync(ct);
        return [.. all.GroupBy(d => d.CommuneCode).Select(g => g.OrderByDescending(d => d.CreatedAt).First().Id)];
    }

    private static string? UnitOfGroups(IEnumerable<string> groups) =>
        groups.Select(CandidateGroups.Parse).FirstOrDefault(p => p is not null)?.Unit.ToString();

    /// <summary>Names of units by key: communes, districts and provinces from the units, departments from their kinds.</summary>
    private async Task<Dictionary<string, UnitName>> UnitNamesAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        var parsed = keys.Distinct(StringComparer.Ordinal).Select(k => (Key: k, Ok: UnitKey.TryParse(k, out var unit), Unit: unit)).ToList();
        var codes = parsed.Where(p => p.Ok && p.Unit.Kind is UnitKey.Commune or UnitKey.District or UnitKey.Province).Select(p => p.Unit.Code).Distinct().ToList();
        var units = (await db.AdministrativeUnits.AsNoTracking().Where(u => codes.Contains(u.Code)).OrderBy(u => u.ValidTo != null).ThenByDescending(u => u.Id)
                .Select(u => new { u.Code, u.Level, u.Name }).ToListAsync(ct))
            .GroupBy(u => (u.Code, u.Level)).ToDictionary(g => g.Key, g => g.First().Name);
        var kinds = await db.DepartmentKinds.AsNoTracking().ToDictionaryAsync(k => k.Code, k => k.Name, StringComparer.Ordinal, ct);
        return parsed.ToDictionary(p => p.Key, p =>
        {
            if (!p.Ok)
            {
                return new UnitName(p.Key, "", null);
            }

            var name = p.Unit.Kind switch
            {
                UnitKey.Commune => units.GetValueOrDefault((p.Unit.Code, AdministrativeLevel.Commune)),
                UnitKey.District => units.GetValueOrDefault((p.Unit.Code, AdministrativeLevel.District)),
                UnitKey.Province => units.GetValueOrDefault((p.Unit.Code, AdministrativeLevel.Province)),
                UnitKey.Department => kinds.GetValueOrDefault(p.Unit.Code.Split('/', 2)[1]),
                _ => null,
            };
            return new UnitName(p.Key, p.Unit.Kind, name);
        }, StringComparer.Ordinal);
    }

    /// <summary>Indicator numbers in natural order: 2.1 before 10.1, 17.2 before 17.10.</summary>
    private sealed class NumberOrder : IComparer<string>
    {
        public static readonly NumberOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = (x ?? "").Split('.');
            var b = (y ?? "").Split('.');
            for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                var c = int.TryParse(a[i], out var m) && int.TryParse(b[i], out var n) ? m.CompareTo(n) : string.CompareOrdinal(a[i], b[i]);
                if (c != 0)
                {
                    return c;
                }
            }

            return a.Length.CompareTo(b.Length);
        }
    }
}
