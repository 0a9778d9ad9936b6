using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Reports;

/// <summary>The forecast's settings (section <c>Forecast</c>); the dashboard states them as its assumptions.</summary>
public sealed class ForecastOptions
{
    public const string SectionName = "Forecast";

    /// <summary>Completed tasks a unit needs on a step before its own pace is used instead of the step's deadline.</summary>
    public int MinimumSample { get; set; } = 3;

    /// <summary>The day of the year (<c>MM-dd</c>) the year's target is counted to unless the page asks for another date.</summary>
    public string TargetDay { get; set; } = "12-31";

    /// <summary>The end event of a commune process that means "recognised".</summary>
    public string RecognisedEndEvent { get; set; } = "recognised";

    /// <summary>Null when the options are usable, else why not.</summary>
    public string? Problem() =>
        MinimumSample is < 1 or > 1000 ? $"Forecast:MinimumSample is {MinimumSample}; give 1–1000."
        : !DateOnly.TryParseExact("2024-" + TargetDay, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? $"Forecast:TargetDay \"{TargetDay}\" is not a day of the year (MM-dd, e.g. 12-31)."
            : string.IsNullOrWhiteSpace(RecognisedEndEvent) ? "Forecast:RecognisedEndEvent is empty." : null;

    /// <summary>The default target date of a year (29 February falls back to the 28th in other years).</summary>
    public DateOnly TargetDateOf(int year)
    {
        var md = DateOnly.ParseExact("2024-" + TargetDay, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return new DateOnly(year, md.Month, Math.Min(md.Day, DateTime.DaysInMonth(year, md.Month)));
    }
}

/// <summary>Stops the app at start with the setting named when the forecast's options cannot work.</summary>
public sealed class ForecastOptionsValidator : IValidateOptions<ForecastOptions>
{
    public ValidateOptionsResult Validate(string? name, ForecastOptions options) =>
        options?.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}

/// <summary>Where a step's duration comes from.</summary>
public enum PaceSource
{
    /// <summary>The median working days the unit took on the step, over at least the minimum sample of completed tasks.</summary>
    History,

    /// <summary>
    /// A commune's step with too little history of its own: the median over the completed tasks of every commune of the
    /// province on that step, when those reach the minimum sample.
    /// </summary>
    Province,

    /// <summary>The step's deadline in working days (too little history).</summary>
    Deadline,

    /// <summary>Neither history nor a readable deadline: the step is counted as taking no time.</summary>
    Unknown,
}

/// <summary>
/// One unit's part of a step on a dossier's way to recognition: when it starts and is expected to finish, how many
/// working days that is, and where the duration comes from (<paramref name="Sample"/> completed tasks behind a pace).
/// <paramref name="Current"/> marks a step the dossier waits at now (its start is when the task was created).
/// <paramref name="DaysBeyondDeadline"/>: the working days the expected finish lies after the step's deadline (the open
/// task's due, else the step's deadline counted from its expected start); 0 when in time or without a deadline.
/// </summary>
public sealed record ForecastStep(string ElementId, string Name, string UnitKey, DateTimeOffset Start, DateTimeOffset Finish, int WorkingDays, PaceSource Source,
    int Sample, bool Current, int DaysBeyondDeadline = 0);

/// <summary>A dossier in progress and the date it is expected to be recognised (null when no way to recognition was found).</summary>
public sealed record DossierForecast(Guid DossierId, string Code, string CommuneCode, string CommuneName, RecognitionTier Tier, IReadOnlyList<string> WaitingAt,
    DateOnly? Estimated, bool AtRisk, IReadOnlyList<ForecastStep> Steps);

/// <summary>
/// A unit's queue: the working days its steps take on the ways to recognition of the province's dossiers in progress
/// (counted from now for a step under way), over how many dossiers, how many of its tasks are open now, and the working
/// days its steps are expected to finish beyond their deadlines, summed (<see cref="ForecastStep.DaysBeyondDeadline"/>).
/// </summary>
public sealed record UnitWorkload(UnitName Unit, int WorkingDaysAhead, int Dossiers, int OpenTasks, int DaysBeyondDeadline = 0);

/// <summary>A unit's pace on a step the forecast used: the sample, the median (null below the minimum) and the deadline in working days.</summary>
public sealed record StepPace(string ElementId, string Name, string UnitKey, int Sample, int? Median, int? DeadlineWorkingDays, PaceSource Source);

/// <summary>A tier's target for the year, recognised so far in the year, and expected by the target date (recognised plus forecast).</summary>
public sealed record TierOutlook(RecognitionTier Tier, int? Target, int Achieved, int Expected)
{
    /// <summary>Null without a target; else whether the expected count reaches it.</summary>
    public bool? Reached => Target is { } t ? Expected >= t : null;
}

/// <summary>The forecast of a province's year as of <paramref name="AsOf"/>, with the assumptions it rests on.</summary>
public sealed record ForecastFigures(
    string ProvinceCode, int Year, DateTimeOffset AsOf, DateOnly TargetDate, int MinimumSample,
    IReadOnlyList<DossierForecast> Dossiers, IReadOnlyList<UnitWorkload> Workloads, IReadOnlyList<StepPace> Paces, IReadOnlyList<TierOutlook> Tiers,
    IReadOnlyList<DateOnly> DaysOff)
{
    public IEnumerable<DossierForecast> AtRisk => Dossiers.Where(d => d.AtRisk);

    /// <summary>The unit with the most working days ahead (ties: more dossiers, then key); null when no unit has any.</summary>
    public UnitWorkload? Bottleneck => Workloads.FirstOrDefault(q => q.WorkingDaysAhead > 0);
}

/// <summary>
/// Dự báo hoàn thành: when each commune dossier in progress is expected to be recognised, which communes will miss the
/// year's target date, and which unit holds most of the work ahead.
/// <list type="bullet">
/// <item>Path: from each step the dossier waits at (its open tasks; without one, after its last completed task) along the
/// shortest way in its process version to the end event "recognised": no further return for supplement, the council
/// passes.</item>
/// <item>A user task's duration for a unit (its candidate group read with the dossier's commune, province, district and
/// departments): the median working days the unit took on that step over its completed tasks in the province, when there
/// are at least <see cref="ForecastOptions.MinimumSample"/>; for a commune with fewer, the median of all the province's
/// communes on the step, when they have as many; else the step's deadline (that of the open task, or the
/// model's <c>camunda:dueDate</c> from the legal parameters, a variable's read from the script that sets it, or the median
/// deadline of the step's tasks). A step run once
/// per department lasts as long as its slowest department. Gateways, events and service tasks take no time.</item>
/// <item>Days are counted on the province's working-day calendar (the days-off table, office hours): a step under way
/// finishes at its start plus its duration, but not before now.</item>
/// <item>The bottleneck: the unit whose steps add up to the most working days ahead over all dossiers in progress.</item>
/// </list>
/// </summary>
public sealed partial class CompletionForecast(
    AppDbContext db, TimeProvider clock, WorkflowEngine engine, LegalParameters.LiveLegalParameters parameters, CriteriaCatalog catalog, IOptions<ForecastOptions> options)
{
    private const string BpmnNamespace = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    private const string CamundaNamespace = "http://camunda.org/schema/1.0/bpmn";

    /// <summary>Reads a target date typed on the page: null and a message key when it is not a date of <paramref name="year"/>.</summary>
    public static (DateOnly? Date, string? Problem) ParseTargetDate(string? text, int year)
    {
        if (!DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return (null, "Forecast_BadTargetDate");
        }

        return date.Year == year ? (date, null) : (null, "Forecast_TargetDateOutOfYear");
    }

    /// <summary>The forecast of the province's commune dossiers in progress (of the year or earlier) against <paramref name="targetDate"/> (default: the configured day of the year).</summary>
    public async Task<ForecastFigures> ForecastAsync(string provinceCode, int year, DateOnly? targetDate, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provinceCode);
        var settings = options.Value;
        var target = targetDate ?? settings.TargetDateOf(year);
        if (target.Year != year)
        {
            throw new ArgumentException($"The target date {target:yyyy-MM-dd} is not in {year}.", nameof(targetDate));
        }

        var now = clock.GetUtcNow();
        var calendar = engine.CalendarForProvince(provinceCode);

        var dossiers = await db.Dossiers.AsNoTracking()
            .Where(d => d.ProvinceCode == provinceCode && d.Subject == CriteriaSubject.Commune && d.Status == DossierStatus.InProgress && d.Year <= year)
            .OrderBy(d => d.CommuneName).ThenBy(d => d.Code).ToListAsync(ct);
        var ids = dossiers.Select(d => d.Id).ToList();
        var open = (await db.WorkflowTasks.AsNoTracking().Where(t => t.DossierId != null && ids.Contains(t.DossierId.Value))
                .Select(t => new { DossierId = t.DossierId!.Value, t.InstanceId, t.ElementId, t.Name, t.CandidateGroups, t.Created, t.Due }).ToListAsync(ct))
            .ToLookup(t => t.DossierId);
        var instanceIds = dossiers.Where(d => d.InstanceId is not null).Select(d => d.InstanceId!.Value).ToList();
        var instances = await db.WorkflowInstances.AsNoTracking().Where(i => instanceIds.Contains(i.Id) || (i.DossierId != null && ids.Contains(i.DossierId.Value)))
            .Select(i => new { i.Id, i.ProcessId, i.Version, i.DossierId }).ToListAsync(ct);

        // Every completed task of the province: the units' paces, the dossiers' last steps, the steps' observed deadlines.
        var history = (await db.CompletedTasks.AsNoTracking().Where(c => c.ProvinceCode == provinceCode)
                .Select(c => new { c.ElementId, c.UnitKey, c.DossierId, c.Created, c.Due, c.Completed }).ToListAsync(ct))
            .Select(c => new Done(c.ElementId, c.UnitKey ?? "", c.DossierId, c.Created, c.Due, c.Completed)).ToList();
        var paces = history.GroupBy(h => (h.ElementId, h.UnitKey))
            .ToDictionary(g => g.Key, g => g.Select(h => Math.Max(0, calendar.WorkingDaysBetween(h.Created, h.Completed))).Order().ToList());
        // A commune's own history is thin (a few dossiers a programme): its step falls back to the communes of the province together.
        var communePaces = history.Where(h => h.UnitKey.StartsWith(UnitKey.Commune + ":", StringComparison.Ordinal)).GroupBy(h => h.ElementId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(h => Math.Max(0, calendar.WorkingDaysBetween(h.Created, h.Completed))).Order().ToList(), StringComparer.Ordinal);
        var observedDeadlines = history.Where(h => h.Due is not null).GroupBy(h => h.ElementId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Median(g.Select(h => Math.Max(0, calendar.WorkingDaysBetween(h.Created, h.Due!.Value))).Order().ToList()), StringComparer.Ordinal);

        var models = new Dictionary<(string, int), ProcessGraph?>();
        var departments = new Dictionary<int, JsonArray>();
        var used = new Dictionary<(string, string), StepPace>();
        var forecasts = new List<DossierForecast>();
        foreach (var dossier in dossiers)
        {
            var tasks = open[dossier.Id].ToList();
            var instance = instances.FirstOrDefault(i => i.Id == dossier.InstanceId) ?? instances.FirstOrDefault(i => i.DossierId == dossier.Id)
                           ?? (tasks.Count > 0 ? instances.FirstOrDefault(i => i.Id == tasks[0].InstanceId) : null);
            var processId = instance?.ProcessId ?? dossier.ProcessId;
            var graph = await GraphAsync(models, processId, instance?.Version, ct);
            var variables = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
            {
                ["communeCode"] = dossier.CommuneCode, ["provinceCode"] = dossier.ProvinceCode, ["departments"] = await DepartmentsAsync(departments, dossier, ct),
            };
            if (dossier.DistrictCode is not null)
            {
                variables["districtCode"] = dossier.DistrictCode;
            }

            var steps = new List<ForecastStep>();

            // The steps under way: each open task from its creation, by its unit's pace or its own deadline.
            var positions = new List<(string ElementId, DateTimeOffset Finish)>();
            foreach (var element in tasks.GroupBy(t => t.ElementId, StringComparer.Ordinal))
            {
                var finish = now;
                foreach (var task in element)
                {
                    var unit = UnitOfGroups(JsonSerializer.Deserialize<List<string>>(task.CandidateGroups) ?? []) ?? "";
                    var name = task.Name ?? graph?.Nodes.GetValueOrDefault(task.ElementId)?.Name ?? task.ElementId;
                    var deadline = task.Due is { } due ? _ => due : graph?.Nodes.GetValueOrDefault(task.ElementId) is { } node ? DeadlineOf(node, variables, calendar) : null;
                    var (end, source, sample, deadlineEnd) = Estimate(task.ElementId, name, unit, task.Created, deadline);
                    end = end < now ? now : end;
                    steps.Add(new ForecastStep(task.ElementId, name, unit, task.Created, end, Math.Max(0, calendar.WorkingDaysBetween(now, end)), source, sample, true, Beyond(deadlineEnd, end)));
                    finish = end > finish ? end : finish;
                }

                positions.Add((element.Key, finish));
            }

            if (positions.Count == 0 && history.Where(h => h.DossierId == dossier.Id).MaxBy(h => h.Completed) is { } last)
            {
                positions.Add((last.ElementId, now));
            }

            // The way on from each position; the dossier is recognised when the last of them arrives.
            DateTimeOffset? recognised = null;
            var found = graph is not null && positions.Count > 0;
            foreach (var (elementId, finish) in positions)
            {
                var path = graph?.ShortestPath(elementId, settings.RecognisedEndEvent);
                if (path is null)
                {
                    found = false;
                    continue;
                }

                var at = finish;
                foreach (var node in path.Where(n => n.IsUserTask))
                {
                    var units = UnitsOf(node, variables);
                    var stepEnd = at;
                    foreach (var (unit, scope) in units)
                    {
                        var start = at;
                        var (end, source, sample, deadlineEnd) = Estimate(node.Id, node.Name, unit, start, DeadlineOf(node, scope, calendar));
                        steps.Add(new ForecastStep(node.Id, node.Name, unit, start, end, Math.Max(0, calendar.WorkingDaysBetween(start, end)), source, sample, false, Beyond(deadlineEnd, end)));
                        stepEnd = end > stepEnd ? end : stepEnd;
                    }

                    at = stepEnd;
                }

                recognised = recognised is { } r && r > at ? r : at;
            }

            var estimated = found && recognised is { } day ? day.VietnamDate() : (DateOnly?)null;
            forecasts.Add(new DossierForecast(dossier.Id, dossier.Code, dossier.CommuneCode, dossier.CommuneName, dossier.Tier,
                [.. tasks.Select(t => t.Name ?? t.ElementId).Distinct(StringComparer.Ordinal)], estimated, estimated is null || estimated > target, steps));
        }

        // Workloads: the working days of each unit's steps over all dossiers, and its tasks open now.
        var unitKeys = forecasts.SelectMany(f => f.Steps).Select(s => s.UnitKey).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var names = await ProgrammeDashboard.UnitNamesAsync(db, unitKeys, ct);
        var workloads = unitKeys.Select(k => new UnitWorkload(names[k],
                forecasts.SelectMany(f => f.Steps).Where(s => s.UnitKey == k).Sum(s => s.WorkingDays),
                forecasts.Count(f => f.Steps.Any(s => s.UnitKey == k)),
                forecasts.SelectMany(f => f.Steps).Count(s => s.UnitKey == k && s.Current),
                forecasts.SelectMany(f => f.Steps).Where(s => s.UnitKey == k).Sum(s => s.DaysBeyondDeadline)))
            .OrderByDescending(q => q.WorkingDaysAhead).ThenByDescending(q => q.Dossiers).ThenBy(q => q.Unit.Key, StringComparer.Ordinal).ToList();

        // Targets: recognised by a decision of the year, plus the dossiers expected by the target date.
        var targets = await db.ProgrammeTargets.AsNoTracking().Where(t => t.ProvinceCode == provinceCode && t.Year == year).ToListAsync(ct);
        var (from, to) = (new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
        var achieved = await db.Dossiers.AsNoTracking()
            .Where(d => d.ProvinceCode == provinceCode && d.Subject == CriteriaSubject.Commune && (d.Status == DossierStatus.Recognised || d.Status == DossierStatus.Revoked)
                        && d.DecisionDate >= from && d.DecisionDate <= to)
            .GroupBy(d => d.Tier).Select(g => new { Tier = g.Key, Count = g.Count() }).ToListAsync(ct);
        var tiers = Enum.GetValues<RecognitionTier>().Select(tier =>
        {
            var done = achieved.FirstOrDefault(a => a.Tier == tier)?.Count ?? 0;
            return new TierOutlook(tier, targets.FirstOrDefault(t => t.Tier == tier)?.Count, done, done + forecasts.Count(f => f.Tier == tier && !f.AtRisk));
        }).ToList();

        var lastDay = forecasts.Select(f => f.Estimated).Append(target).Max() ?? target;
        var today = now.VietnamDate();
        List<DateOnly> daysOff = [];
        for (var d = today; d <= lastDay && d <= today.AddYears(3); d = d.AddDays(1))
        {
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !calendar.IsWorkingDay(d))
            {
                daysOff.Add(d);
            }
        }

        return new ForecastFigures(provinceCode, year, now, target, settings.MinimumSample,
            [.. forecasts.OrderBy(f => f.Estimated ?? DateOnly.MaxValue).ThenBy(f => f.CommuneName, StringComparer.Ordinal).ThenBy(f => f.Code, StringComparer.Ordinal)],
            workloads, [.. used.Values.OrderBy(p => p.ElementId, StringComparer.Ordinal).ThenBy(p => p.UnitKey, StringComparer.Ordinal)], tiers, daysOff);

        // Working days from a deadline to a later expected finish (a day counts when deadline < day ≤ finish).
        int Beyond(DateTimeOffset? deadline, DateTimeOffset finish) => deadline is { } d && finish > d ? Math.Max(0, calendar.WorkingDaysBetween(d, finish)) : 0;

        // A unit's duration on a step from start: its median pace over enough history, else the deadline; and the deadline itself.
        (DateTimeOffset End, PaceSource Source, int Sample, DateTimeOffset? Deadline) Estimate(string elementId, string name, string unit, DateTimeOffset start, Func<DateTimeOffset, DateTimeOffset>? deadline)
        {
            var sample = paces.GetValueOrDefault((elementId, unit)) ?? [];
            var paceSource = PaceSource.History;
            if (sample.Count < settings.MinimumSample && unit.StartsWith(UnitKey.Commune + ":", StringComparison.Ordinal)
                && communePaces.GetValueOrDefault(elementId) is { } pooled && pooled.Count >= settings.MinimumSample)
            {
                (sample, paceSource) = (pooled, PaceSource.Province);
            }

            int? median = sample.Count >= settings.MinimumSample ? Median(sample) : null;
            deadline ??= observedDeadlines.GetValueOrDefault(elementId) is { } days ? s => calendar.AddWorkingDays(s, days) : null;
            var (end, source) = median is { } m ? (calendar.AddWorkingDays(start, m), paceSource)
                : deadline is not null ? (deadline(start), PaceSource.Deadline) : (start, PaceSource.Unknown);
            used.TryAdd((elementId, unit), new StepPace(elementId, name, unit, sample.Count, median,
                deadline is null ? null : Math.Max(0, calendar.WorkingDaysBetween(start, deadline(start))), source));
            return (end, source, sample.Count, deadline?.Invoke(start));
        }
    }

    /// <summary>The middle value of a sorted list (the upper one of an even count); null when empty.</summary>
    private static int? Median(List<int> sorted) => sorted.Count == 0 ? null : sorted[sorted.Count / 2];

    private sealed record Done(string ElementId, string UnitKey, Guid? DossierId, DateTimeOffset Created, DateTimeOffset? Due, DateTimeOffset Completed);

    private static string? UnitOfGroups(IEnumerable<string> groups) =>
        groups.Select(CandidateGroups.Parse).FirstOrDefault(p => p is not null)?.Unit.ToString();

    /// <summary>The departments a dossier's reviews go to, as the dossier service starts them (<c>01-nong-nghiep-moi-truong</c>, …).</summary>
    private async Task<JsonArray> DepartmentsAsync(Dictionary<int, JsonArray> cache, DossierRow dossier, CancellationToken ct)
    {
        if (!cache.TryGetValue(dossier.CriteriaSetId, out var list))
        {
            var set = await db.CriteriaSets.AsNoTracking().Include(s => s.Criteria).ThenInclude(c => c.Indicators).SingleOrDefaultAsync(s => s.Id == dossier.CriteriaSetId, ct);
            var owners = set is null ? new Dictionary<string, IReadOnlyList<IndicatorRow>>() : await catalog.IndicatorsByDepartmentAsync(dossier.ProvinceCode, set, clock.GetUtcNow().VietnamDate(), ct);
            list = cache[dossier.CriteriaSetId] = new JsonArray([.. owners.Keys.Order(StringComparer.Ordinal).Select(k => (JsonNode?)JsonValue.Create($"{dossier.ProvinceCode}-{k}"))]);
        }

        return (JsonArray)list.DeepClone();
    }

    /// <summary>The units a user task falls to, each with the variables of its instance (one per item of a multi-instance collection).</summary>
    private List<(string Unit, IReadOnlyDictionary<string, JsonNode?> Scope)> UnitsOf(Node node, Dictionary<string, JsonNode?> variables)
    {
        List<IReadOnlyDictionary<string, JsonNode?>> scopes = [variables];
        if (node.Collection is { } collection)
        {
            scopes = variables.GetValueOrDefault(collection) is JsonArray items && items.Count > 0
                ? [.. items.Select(item => (IReadOnlyDictionary<string, JsonNode?>)new Dictionary<string, JsonNode?>(variables, StringComparer.Ordinal) { [node.ElementVariable ?? "item"] = item?.DeepClone() })]
                : [variables];
        }

        return [.. scopes.Select(scope => (node.CandidateGroups is { } text ? UnitOfGroups(Groups(text, scope)) ?? "" : "", scope))
            .DistinctBy(s => s.Item1, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Reads a candidate-group attribute the way the shipped models write it: a list, or <c>${…}</c> joining quoted text,
    /// variables and <c>param('…')</c> with <c>+</c>. Anything else gives no group (the unit is then unknown).
    /// </summary>
    private string[] Groups(string text, IReadOnlyDictionary<string, JsonNode?> scope)
    {
        text = text.Trim();
        if (!text.StartsWith("${", StringComparison.Ordinal))
        {
            return text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        }

        if (!text.EndsWith('}'))
        {
            return [];
        }

        var body = text[2..^1];
        var pieces = Piece().Matches(body);
        if (pieces.Count == 0 || pieces.Sum(p => p.Length) != body.Length)
        {
            return [];
        }

        var result = new System.Text.StringBuilder();
        foreach (Match piece in pieces)
        {

            var value = piece.Groups["quoted"].Success ? piece.Groups["quoted"].Value
                : piece.Groups["param"].Success ? ParameterText(piece.Groups["param"].Value, scope)
                : scope.GetValueOrDefault(piece.Groups["name"].Value) is JsonValue v && v.TryGetValue(out string? s) ? s : null;
            if (value is null)
            {
                return [];
            }

            result.Append(value);
        }

        return [result.ToString()];
    }

    private string? ParameterText(string name, IReadOnlyDictionary<string, JsonNode?> scope) =>
        parameters.Find(name, scope)?.Value is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private decimal? ParameterNumber(string name, IReadOnlyDictionary<string, JsonNode?> scope) =>
        parameters.Find(name, scope)?.Value is JsonValue v && v.TryGetValue(out decimal d) ? d : null;

    /// <summary>
    /// The deadline a model's <c>camunda:dueDate</c> sets from a start: <c>addWorkingDays(now(), param('x'))</c> and
    /// <c>param('y') * 86400000</c> (calendar days after now), the later of those it names; null when it names neither.
    /// </summary>
    private Func<DateTimeOffset, DateTimeOffset>? DeadlineOf(Node node, IReadOnlyDictionary<string, JsonNode?> scope, WorkingCalendar calendar)
    {
        if (node.DueDate is not { } due)
        {
            return null;
        }

        var working = WorkingDaysDue().Matches(due).Select(m => ParameterNumber(m.Groups[1].Value, scope)).ToList();
        var calendarDays = CalendarDaysDue().Matches(due).Select(m => ParameterNumber(m.Groups[1].Value, scope)).ToList();
        if (working.Concat(calendarDays).Any(n => n is null) || working.Count + calendarDays.Count == 0)
        {
            return null;
        }

        return start => working.Select(n => calendar.AddWorkingDays(start, (int)Math.Ceiling(n!.Value)))
            .Concat(calendarDays.Select(n => start.AddDays((double)n!.Value))).Max();
    }

    [GeneratedRegex(@"\G\s*(?:'(?<quoted>[^']*)'|""(?<quoted>[^""]*)""|param\(\s*'(?<param>[^']+)'\s*\)|(?<name>[A-Za-z_][A-Za-z0-9_]*))\s*(?:\+|$)")]
    private static partial Regex Piece();

    [GeneratedRegex(@"addWorkingDays\(\s*now\(\)\s*,\s*param\('([^']+)'\)\s*\)")]
    private static partial Regex WorkingDaysDue();

    [GeneratedRegex(@"param\('([^']+)'\)\s*\*\s*86400000")]
    private static partial Regex CalendarDaysDue();

    [GeneratedRegex(@"setVariable\(\s*'([A-Za-z_][A-Za-z0-9_]*)'\s*,\s*(addWorkingDays\(\s*now\(\)\s*,\s*param\('[^']+'\)\s*\))\s*\)")]
    private static partial Regex ScriptedDue();

    [GeneratedRegex(@"^\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$")]
    private static partial Regex VariableOnly();

    /// <summary>The process version an instance runs (the latest when unknown), read once per call.</summary>
    private async Task<ProcessGraph?> GraphAsync(Dictionary<(string, int), ProcessGraph?> cache, string processId, int? version, CancellationToken ct)
    {
        if (cache.TryGetValue((processId, version ?? 0), out var graph))
        {
            return graph;
        }

        var row = await db.WorkflowDefinitions.AsNoTracking().Where(d => d.ProcessId == processId && (version == null || d.Version == version))
            .OrderByDescending(d => d.Version).Select(d => new { d.Version, d.Bpmn }).FirstOrDefaultAsync(ct);
        return cache[(processId, version ?? 0)] = row is null ? null : ProcessGraph.Read(row.Bpmn, processId);
    }

    /// <summary>A flow node of a process as the forecast needs it.</summary>
    private sealed record Node(string Id, string Name, bool IsUserTask, string? CandidateGroups, string? DueDate, string? Collection, string? ElementVariable);

    /// <summary>The top-level flow nodes of a process and its sequence flows (boundary events are not followed: they are detours).</summary>
    private sealed class ProcessGraph(Dictionary<string, Node> nodes, ILookup<string, string> next)
    {
        public IReadOnlyDictionary<string, Node> Nodes => nodes;

        public static ProcessGraph? Read(byte[] bpmn, string processId)
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(new MemoryStream(bpmn), settings);
            var process = XDocument.Load(reader).Root?.Elements(XName.Get("process", BpmnNamespace)).FirstOrDefault(p => (string?)p.Attribute("id") == processId);
            if (process is null)
            {
                return null;
            }

            XName Camunda(string name) => XName.Get(name, CamundaNamespace);
            var all = process.Elements().Where(e => e.Name.NamespaceName == BpmnNamespace && e.Attribute("id") is not null).ToList();
            var flows = all.Where(e => e.Name.LocalName == "sequenceFlow")
                .Select(e => ((string?)e.Attribute("sourceRef") ?? "", (string?)e.Attribute("targetRef") ?? "")).ToLookup(f => f.Item1, f => f.Item2, StringComparer.Ordinal);
            // A due date held in a variable (reception's ${intakeDue}) is read from the script that sets it.
            var scripted = process.Descendants(XName.Get("script", BpmnNamespace)).SelectMany(script => ScriptedDue().Matches(script.Value))
                .GroupBy(m => m.Groups[1].Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => "${" + g.First().Groups[2].Value + "}", StringComparer.Ordinal);
            string? Due(string? due) => due is not null && VariableOnly().Match(due) is { Success: true } only && scripted.TryGetValue(only.Groups[1].Value, out var set) ? set : due;
            var nodes = all.Where(e => e.Name.LocalName is not ("sequenceFlow" or "boundaryEvent")).ToDictionary(e => (string)e.Attribute("id")!, e =>
            {
                var loop = e.Element(XName.Get("multiInstanceLoopCharacteristics", BpmnNamespace));
                return new Node((string)e.Attribute("id")!, (string?)e.Attribute("name") ?? (string)e.Attribute("id")!, e.Name.LocalName == "userTask",
                    (string?)e.Attribute(Camunda("candidateGroups")), Due((string?)e.Attribute(Camunda("dueDate"))),
                    loop is null ? null : ((string?)loop.Attribute(Camunda("collection")))?.Trim().TrimStart('$', '{').TrimEnd('}'), (string?)loop?.Attribute(Camunda("elementVariable")));
            }, StringComparer.Ordinal);
            return new ProcessGraph(nodes, flows);
        }

        /// <summary>The nodes after <paramref name="from"/> on a way with fewest nodes to the end event <paramref name="end"/> (it included); null when none.</summary>
        public List<Node>? ShortestPath(string from, string end)
        {
            var previous = new Dictionary<string, string>(StringComparer.Ordinal) { [from] = from };
            var queue = new Queue<string>([from]);
            while (queue.Count > 0)
            {
                var id = queue.Dequeue();
                if (id == end && id != from)
                {
                    List<Node> path = [];
                    for (var at = id; at != from; at = previous[at])
                    {
                        path.Add(nodes[at]);
                    }

                    path.Reverse();
                    return path;
                }

                foreach (var target in next[id].Where(t => nodes.ContainsKey(t) && !previous.ContainsKey(t)))
                {
                    previous[target] = id;
                    queue.Enqueue(target);
                }
            }

            return null;
        }
    }
}
