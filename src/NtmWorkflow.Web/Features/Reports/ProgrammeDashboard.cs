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

/// <summary>
/// What the figures know of one commune dossier: its latest-of-commune flag, the criteria it meets in full, the
/// indicators it does not meet, the steps it waits at, and whether it is its commune's highest recognition in force.
/// </summary>
public sealed record DossierFact(
    Guid Id, string Code, string CommuneCode, string CommuneName, RecognitionTier Tier, DossierStatus Status, DateOnly? DecisionDate, string? DecisionNumber,
    DateTimeOffset CreatedAt, bool Latest, int? CriteriaMet, IReadOnlyList<string> Unmet, IReadOnlyList<WaitingStep> Stages, bool HighestRecognition,
    int CriteriaAssessed = 0);

/// <summary>
/// A commune's recognition in force (its highest tier) with its decision; when it falls due for re-evaluation
/// (<c>recognition.reEvaluationYears</c> after the decision); whether a revocation review is under way; and the
/// criteria its latest assessment fails, with whether they meet the revocation triggers (<c>revocation.*</c>
/// parameters, as the revocation workflow reads them; the workflow decides, this only points at the commune).
/// </summary>
public sealed record RecognitionEntry(
    Guid DossierId, string CommuneCode, string CommuneName, RecognitionTier Tier, string? DecisionNumber, DateOnly? DecisionDate, DateOnly? ReEvaluationDue,
    bool ReEvaluationUnverified, bool UnderReview, IReadOnlyList<string> FailingCriteria, decimal? FailingShare, bool TriggersMet);

/// <summary>A step a dossier in progress waits at, and how long after its opening it got there (which orders the funnel).</summary>
public sealed record WaitingStep(string ElementId, string Name, TimeSpan ReachedAfter);

/// <summary>Which dossiers behind a figure a drill-down lists (one of them set, besides the province and year).</summary>
public sealed record DossierDrillDown(RecognitionTier? Level = null, string? Stage = null, int? CriteriaMet = null, string? Unmet = null, RecognitionTier? Achieved = null, bool InProgress = false);

/// <summary>A task behind a unit's or step's figure: open past its deadline, or completed in the year.</summary>
public sealed record TaskFact(Guid TaskId, string ElementId, string Name, string UnitKey, string? UnitName, Guid? DossierId, string? CommuneName, string? Assignee,
    DateTimeOffset Created, DateTimeOffset? Due, DateTimeOffset? Completed, Timeliness? Timeliness);

/// <summary>Which tasks behind a figure a drill-down lists.</summary>
public sealed record TaskDrillDown(bool Overdue, string? Unit = null, string? Step = null, Timeliness? Timeliness = null);

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
/// and the year's targets against what was achieved. The facts a figure counts are those the drill-down lists
/// (<see cref="DossiersAsync"/>, <see cref="TasksAsync"/>) filter, so the dashboard, the report and the list behind a
/// figure agree.
/// </summary>
public sealed class ProgrammeDashboard(AppDbContext db, TimeProvider clock, LegalParameters.LiveLegalParameters parameters)
{
    /// <summary>How many indicators the "most often unmet" list shows.</summary>
    public const int MostUnmetShown = 10;

    public async Task<DashboardFigures> FiguresAsync(string provinceCode, int year, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provinceCode);
        var now = clock.GetUtcNow();
        var communes = await ProvinceCommunes(provinceCode).CountAsync(ct);

        var facts = await DossierFactsAsync(provinceCode, ct);

        // Levels: each commune's highest tier among its recognitions in force.
        var levels = Enum.GetValues<RecognitionTier>().Select(t => new LevelCount(t, facts.Count(f => f.HighestRecognition && f.Tier == t))).ToList();

        // Stages: where dossiers in progress wait, in the order dossiers reach them (mean time from opening).
        var stages = facts.SelectMany(f => f.Stages.Select(st => (Stage: st, Fact: f))).GroupBy(p => p.Stage.ElementId)
            .Select(g => (Stage: new StageCount(g.Key, g.First().Stage.Name, g.Count()), Reached: g.Average(p => p.Stage.ReachedAfter.TotalSeconds)))
            .OrderBy(p => p.Reached).ThenBy(p => p.Stage.ElementId, StringComparer.Ordinal).Select(p => p.Stage).ToList();
        var inProgress = facts.Count(f => f.Status == DossierStatus.InProgress);

        // Criteria met per commune: the latest dossier of each commune, a criterion met when every indicator of it is.
        var assessed = facts.Where(f => f.Latest && f.CriteriaMet is not null).ToList();
        var buckets = assessed.GroupBy(f => f.CriteriaMet!.Value).OrderBy(g => g.Key).Select(g => new CriteriaBucket(g.Key, g.Count())).ToList();
        decimal? average = assessed.Count == 0 ? null : Math.Round((decimal)assessed.Average(f => f.CriteriaMet!.Value), 1);
        var unmetCounts = assessed.SelectMany(f => f.Unmet).GroupBy(n => n).Select(g => (Number: g.Key, Count: g.Count()))
            .OrderByDescending(u => u.Count).ThenBy(u => u.Number, NumberOrder.Instance).Take(MostUnmetShown).ToList();
        var unmetNumbers = unmetCounts.Select(u => u.Number).ToList();
        var latestIds = assessed.Select(f => f.Id).ToList();
        var indicatorNames = (await (from di in db.DossierIndicators.AsNoTracking()
                                     join i in db.Indicators.AsNoTracking() on di.IndicatorId equals i.Id
                                     where latestIds.Contains(di.DossierId) && unmetNumbers.Contains(di.Number)
                                     select new { di.Number, i.Name }).ToListAsync(ct))
            .GroupBy(i => i.Number).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
        var mostUnmet = unmetCounts.Select(u => new UnmetIndicator(u.Number, indicatorNames.GetValueOrDefault(u.Number) ?? u.Number, u.Count)).ToList();

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
        var achieved = facts.Where(f => IsAchieved(f, year)).ToList();
        var progress = Enum.GetValues<RecognitionTier>().Select(tier =>
        {
            var target = targets.FirstOrDefault(t => t.Tier == tier);
            return new TargetProgress(tier, target?.Count, target?.Source, achieved.Count(a => a.Tier == tier));
        }).ToList();

        return new DashboardFigures(provinceCode, year, now, communes, levels, stages, inProgress, buckets, assessed.Count, average, mostUnmet,
            [.. overdueUnits.Select(u => new UnitOverdue(names[u.Key], u.Count)).OrderByDescending(u => u.Tasks).ThenBy(u => u.Unit.Key, StringComparer.Ordinal)],
            byUnit, byStep, progress);
    }

    /// <summary>The dossiers behind a figure of <see cref="FiguresAsync"/>, by the same facts the figure counts.</summary>
    public async Task<IReadOnlyList<DossierFact>> DossiersAsync(string provinceCode, int year, DossierDrillDown drill, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(drill);
        var facts = await DossierFactsAsync(provinceCode, ct);
        IEnumerable<DossierFact> chosen = facts;
        if (drill.Level is { } level)
        {
            chosen = chosen.Where(f => f.HighestRecognition && f.Tier == level);
        }

        if (drill.Stage is { } stage)
        {
            chosen = chosen.Where(f => f.Stages.Any(s => s.ElementId == stage));
        }

        if (drill.CriteriaMet is { } met)
        {
            chosen = chosen.Where(f => f.Latest && f.CriteriaMet == met);
        }

        if (drill.Unmet is { } number)
        {
            chosen = chosen.Where(f => f.Latest && f.CriteriaMet is not null && f.Unmet.Contains(number, StringComparer.Ordinal));
        }

        if (drill.Achieved is { } tier)
        {
            chosen = chosen.Where(f => f.Tier == tier && IsAchieved(f, year));
        }

        if (drill.InProgress)
        {
            chosen = chosen.Where(f => f.Status == DossierStatus.InProgress);
        }

        return [.. chosen.OrderBy(f => f.CommuneName, StringComparer.Ordinal).ThenBy(f => f.CreatedAt)];
    }

    /// <summary>The tasks behind a unit's or step's figure: open past their deadline now, or completed in the year with a deadline.</summary>
    public async Task<IReadOnlyList<TaskFact>> TasksAsync(string provinceCode, int year, TaskDrillDown drill, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(drill);
        List<TaskFact> tasks;
        if (drill.Overdue)
        {
            var now = clock.GetUtcNow();
            var open = await (from t in db.WorkflowTasks.AsNoTracking()
                              join i in db.WorkflowInstances.AsNoTracking() on t.InstanceId equals i.Id
                              where i.ProvinceCode == provinceCode && t.Due != null && t.Due < now
                              select new { t.Id, t.ElementId, t.Name, t.CandidateGroups, t.DossierId, t.CommuneName, t.Assignee, t.Created, t.Due }).ToListAsync(ct);
            tasks = [.. open.Select(t => new TaskFact(t.Id, t.ElementId, t.Name ?? t.ElementId, UnitOfGroups(JsonSerializer.Deserialize<List<string>>(t.CandidateGroups) ?? []) ?? "",
                null, t.DossierId, t.CommuneName, t.Assignee, t.Created, t.Due, null, null))];
        }
        else
        {
            var (from, to) = YearBounds(year);
            var done = await db.CompletedTasks.AsNoTracking()
                .Where(c => c.ProvinceCode == provinceCode && c.Completed >= from && c.Completed < to && c.Timeliness != Timeliness.NoDeadline).ToListAsync(ct);
            var communes = await CommuneNamesAsync(done.Select(c => c.DossierId), ct);
            tasks = [.. done.Select(c => new TaskFact(c.TaskId, c.ElementId, c.Name ?? c.ElementId, c.UnitKey ?? "", null, c.DossierId,
                c.DossierId is { } d ? communes.GetValueOrDefault(d) : null, c.CompletedBy, c.Created, c.Due, c.Completed, c.Timeliness))];
        }

        var chosen = tasks.Where(t => (drill.Unit is null || t.UnitKey == drill.Unit) && (drill.Step is null || t.ElementId == drill.Step)
                                      && (drill.Timeliness is null || t.Timeliness == drill.Timeliness)).ToList();
        var names = await UnitNamesAsync(chosen.Select(t => t.UnitKey), ct);
        return [.. chosen.Select(t => t with { UnitName = names[t.UnitKey].Name }).OrderBy(t => t.Due).ThenBy(t => t.TaskId)];
    }

    /// <summary>The communes of the province recognised now, by commune name, with re-evaluation and revocation signals.</summary>
    public async Task<IReadOnlyList<RecognitionEntry>> RecognitionsAsync(string provinceCode, CancellationToken ct)
    {
        var facts = await DossierFactsAsync(provinceCode, ct);
        var variables = new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["provinceCode"] = provinceCode };
        var years = parameters.Find("recognition.reEvaluationYears", variables);
        var lower = Number(parameters.Find("revocation.failingShareLower", variables)) ?? 30m;
        var upper = Number(parameters.Find("revocation.failingShareUpper", variables)) ?? 50m;
        var key = parameters.Find("revocation.keyCriteria", variables)?.Value is System.Text.Json.Nodes.JsonArray list
            ? list.Select(k => k?.ToString() ?? "").ToHashSet(StringComparer.Ordinal) : [];
        var reviewing = await (from d in CommuneDossiers(provinceCode)
                               join i in db.WorkflowInstances.AsNoTracking() on d.RevocationInstanceId equals i.Id
                               where i.Status == Engine.Runtime.InstanceStatus.Running
                               select d.Id).ToListAsync(ct);
        var latest = facts.Where(f => f.Latest).ToDictionary(f => f.CommuneCode, StringComparer.Ordinal);
        return [.. facts.Where(f => f.HighestRecognition).OrderBy(f => f.CommuneName, StringComparer.Ordinal).Select(f =>
        {
            var assessed = latest.GetValueOrDefault(f.CommuneCode);
            var failing = assessed?.Unmet.Select(CriterionOf).Distinct(StringComparer.Ordinal).OrderBy(c => c, NumberOrder.Instance).ToList() ?? [];
            decimal? share = assessed is { CriteriaAssessed: > 0 } a ? Math.Round(100m * failing.Count / a.CriteriaAssessed, 1) : null;
            var triggered = share is { } sh && (sh >= upper || (sh >= lower && failing.Any(key.Contains)));
            var due = f.DecisionDate is { } day && Number(years) is { } n ? day.AddYears((int)n) : (DateOnly?)null;
            return new RecognitionEntry(f.Id, f.CommuneCode, f.CommuneName, f.Tier, f.DecisionNumber, f.DecisionDate, due, years is { Verified: false },
                reviewing.Contains(f.Id), failing, share, triggered);
        })];
    }

    private static decimal? Number(Engine.Runtime.ProcessParameter? parameter) =>
        parameter?.Value is System.Text.Json.Nodes.JsonValue value && value.TryGetValue(out decimal number) ? number : null;

    /// <summary>Recognised (and since perhaps revoked) by a decision dated in the year.</summary>
    private static bool IsAchieved(DossierFact fact, int year) =>
        fact.Status is DossierStatus.Recognised or DossierStatus.Revoked && fact.DecisionDate is { } day && day.Year == year;

    private async Task<Dictionary<Guid, string>> CommuneNamesAsync(IEnumerable<Guid?> dossierIds, CancellationToken ct)
    {
        var ids = dossierIds.OfType<Guid>().Distinct().ToList();
        return await db.Dossiers.AsNoTracking().Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.CommuneName, ct);
    }

    /// <summary>
    /// Every commune dossier of the province (cancelled ones left out) with what the figures count of it.
    /// </summary>
    private async Task<List<DossierFact>> DossierFactsAsync(string provinceCode, CancellationToken ct)
    {
        var dossiers = await CommuneDossiers(provinceCode)
            .Select(d => new { d.Id, d.Code, d.CommuneCode, d.CommuneName, d.Tier, d.Status, d.DecisionDate, d.DecisionNumber, d.CreatedAt }).ToListAsync(ct);
        var ids = dossiers.Select(d => d.Id).ToList();
        var latest = dossiers.GroupBy(d => d.CommuneCode).Select(g => g.OrderByDescending(d => d.CreatedAt).First().Id).ToHashSet();
        var highest = dossiers.Where(d => d.Status == DossierStatus.Recognised).GroupBy(d => d.CommuneCode)
            .Select(g => g.OrderByDescending(d => d.Tier).ThenByDescending(d => d.DecisionDate).First().Id).ToHashSet();
        var indicators = (await db.DossierIndicators.AsNoTracking().Where(i => ids.Contains(i.DossierId))
                .Select(i => new { i.DossierId, i.Number, Met = i.Met ?? i.StatedMet }).ToListAsync(ct))
            .ToLookup(i => i.DossierId);
        var waiting = (await db.WorkflowTasks.AsNoTracking().Where(t => t.DossierId != null && ids.Contains(t.DossierId.Value))
                .Select(t => new { DossierId = t.DossierId!.Value, t.ElementId, t.Name, t.Created }).ToListAsync(ct))
            .ToLookup(t => t.DossierId);
        return [.. dossiers.Select(d =>
        {
            var own = indicators[d.Id].ToList();
            int? met = own.Count == 0 ? null : own.GroupBy(i => CriterionOf(i.Number)).Count(c => c.All(i => i.Met == true));
            var stages = d.Status == DossierStatus.InProgress
                ? waiting[d.Id].GroupBy(t => t.ElementId).Select(g => new WaitingStep(g.Key, g.First().Name ?? g.Key, g.Min(t => t.Created) - d.CreatedAt)).ToList()
                : [];
            return new DossierFact(d.Id, d.Code, d.CommuneCode, d.CommuneName, d.Tier, d.Status, d.DecisionDate, d.DecisionNumber, d.CreatedAt, latest.Contains(d.Id), met,
                [.. own.Where(i => i.Met == false).Select(i => i.Number).Order(NumberOrder.Instance)], stages, highest.Contains(d.Id),
                own.Select(i => CriterionOf(i.Number)).Distinct(StringComparer.Ordinal).Count());
        })];
    }

    /// <summary>
    /// Sets a province's targets for a year (a tier left null has none), from the resolution or plan named; audited.
    /// Throws <see cref="ArgumentException"/> with a readable message for a count out of 0–10,000 or a year out of range.
    /// </summary>
    public async Task SetTargetsAsync(string provinceCode, int year, IReadOnlyDictionary<RecognitionTier, int?> counts, string? source, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (year is < 2010 or > 2100)
        {
            throw new ArgumentException($"{year} is not a programme year (2010–2100).", nameof(year));
        }

        if (counts.FirstOrDefault(c => c.Value is < 0 or > 10_000) is { Value: { } bad } wrong)
        {
            throw new ArgumentException($"{bad} communes is not a target for {wrong.Key} (0–10,000).", nameof(counts));
        }

        if (source is { Length: > 300 })
        {
            throw new ArgumentException("The source is longer than 300 characters.", nameof(source));
        }

        var rows = await db.ProgrammeTargets.Where(t => t.ProvinceCode == provinceCode && t.Year == year).ToListAsync(ct);
        var before = rows.ToDictionary(r => r.Tier.ToString(), r => (int?)r.Count);
        foreach (var (tier, count) in counts)
        {
            var row = rows.FirstOrDefault(r => r.Tier == tier);
            if (count is null)
            {
                if (row is not null)
                {
                    db.ProgrammeTargets.Remove(row);
                }

                continue;
            }

            if (row is null)
            {
                row = new ProgrammeTargetRow { ProvinceCode = provinceCode, Year = year, Tier = tier };
                db.ProgrammeTargets.Add(row);
            }

            row.Count = count.Value;
            row.Source = string.IsNullOrWhiteSpace(source) ? null : source.Trim();
            row.UpdatedAt = clock.GetUtcNow();
            row.UpdatedBy = actor;
        }

        Audit.AuditTrail.Record(db, actor, "report.targets-set", $"targets/{provinceCode}/{year}",
            new { province = provinceCode, year, before, after = counts.ToDictionary(c => c.Key.ToString(), c => c.Value), source });
        await db.SaveChangesAsync(ct);
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

    private static string? UnitOfGroups(IEnumerable<string> groups) =>
        groups.Select(CandidateGroups.Parse).FirstOrDefault(p => p is not null)?.Unit.ToString();

    /// <summary>Names of units by key: communes, districts and provinces from the units, departments from their kinds.</summary>
    private Task<Dictionary<string, UnitName>> UnitNamesAsync(IEnumerable<string> keys, CancellationToken ct) => UnitNamesAsync(db, keys, ct);

    /// <summary>Names of units by key (see the instance method), for the forecast too.</summary>
    internal static async Task<Dictionary<string, UnitName>> UnitNamesAsync(AppDbContext db, IEnumerable<string> keys, CancellationToken ct)
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
