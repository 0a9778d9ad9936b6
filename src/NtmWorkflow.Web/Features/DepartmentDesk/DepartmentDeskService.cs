using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.DepartmentDesk;

/// <summary>A department an official reviews for: <c>department:08/noi-vu</c> and its name.</summary>
public sealed record DepartmentDesk(UnitKey Unit, string Name)
{
    public string ProvinceCode => Unit.ProvinceCode!;

    /// <summary>The department kind, e.g. <c>noi-vu</c>.</summary>
    public string Kind => Unit.Code.Split('/')[1];

    /// <summary>The workflow candidate group of its reviewers.</summary>
    public string Group => CandidateGroups.Of(Unit, Roles.DepartmentReviewer).Single();
}

/// <summary>Which rows the table shows: the evaluation year, a commune (code or part of its name), an indicator, and where each row stands.</summary>
public sealed record DeskFilter(int? Year = null, string? Commune = null, string? Indicator = null, DeskRowState? State = null);

public enum DeskRowState
{
    /// <summary>No finding yet.</summary>
    Pending,

    /// <summary>Agreed (a draft until the dossier's review is sent).</summary>
    Agreed,
}

/// <summary>One indicator of one dossier waiting for the department's review.</summary>
public sealed record DeskRow(
    Guid DossierId, string DossierCode, string CommuneName, int Year, Guid TaskId, DateTimeOffset? Due, string Number, string IndicatorName, string? Value, bool? Met,
    int Evidence, DeskRowState State);

/// <summary>The table and, per dossier, whether every indicator the department owns is agreed (it can be forwarded).</summary>
public sealed record DeskTable(DepartmentDesk Desk, IReadOnlyList<DeskRow> Rows, IReadOnlyList<int> Years, IReadOnlySet<Guid> ReadyTasks, int Dossiers);

/// <summary>
/// Chị Hoa's desk: the indicators her department owns, across every commune whose dossier waits for the
/// department's review, in one table; agreeing many rows at once, forwarding each dossier once all its rows are
/// agreed (the same review the dossier's page sends, findings and all), and raising a difficulty (kiến nghị) with
/// the coordination office, which gets a task with a deadline.
/// </summary>
public sealed class DepartmentDeskService(AppDbContext db, DossierService dossiers, CriteriaCatalog catalog, WorkflowEngine engine, TimeProvider clock)
{
    private readonly Dictionary<(int, string), IReadOnlyDictionary<string, IReadOnlyList<IndicatorRow>>> _owned = [];

    public const string DifficultyProcess = "ntm-difficulty";
    private const string ReviewFormKey = "ntm:department-review";

    /// <summary>The departments the official reviews for, by name.</summary>
    public async Task<IReadOnlyList<DepartmentDesk>> DesksAsync(Official official, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(official);
        var units = official.Assignments.Where(a => a.Role == Roles.DepartmentReviewer && a.Unit.Kind == UnitKey.Department).Select(a => a.Unit).Distinct().ToList();
        var kinds = units.Select(u => u.Code.Split('/')[1]).ToList();
        var names = await db.DepartmentKinds.AsNoTracking().Where(k => kinds.Contains(k.Code)).ToDictionaryAsync(k => k.Code, k => k.Name, ct);
        return [.. units.Select(u => new DepartmentDesk(u, names.GetValueOrDefault(u.Code.Split('/')[1]) ?? u.Code)).OrderBy(d => d.Name, StringComparer.Ordinal)];
    }

    public async Task<DeskTable> TableAsync(DepartmentDesk desk, DeskFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(desk);
        ArgumentNullException.ThrowIfNull(filter);
        var groupJson = System.Text.Json.JsonSerializer.Serialize(desk.Group);
        var waiting = await (from t in db.WorkflowTasks.AsNoTracking()
                             join d in db.Dossiers.AsNoTracking() on (Guid?)t.InstanceId equals d.InstanceId
                             where t.FormKey == ReviewFormKey && t.CandidateGroups.Contains(groupJson) && d.ProvinceCode == desk.ProvinceCode
                             select new { TaskId = t.Id, t.Due, Dossier = d.Id }).ToListAsync(ct);
        var dossierIds = waiting.Select(w => w.Dossier).Distinct().ToList();
        var loaded = await db.Dossiers.AsNoTracking().Include(d => d.Indicators).Where(d => dossierIds.Contains(d.Id)).ToListAsync(ct);
        var years = loaded.Select(d => d.Year).Distinct().Order().ToList();
        var taskIds = waiting.Select(w => w.TaskId).ToList();
        var drafts = await db.ReviewDrafts.AsNoTracking().Where(r => taskIds.Contains(r.TaskId)).ToListAsync(ct);
        var rows = new List<DeskRow>();
        var ready = new HashSet<Guid>();
        foreach (var dossier in loaded.Where(d => filter.Year is null || d.Year == filter.Year).OrderBy(d => d.CommuneName, StringComparer.Ordinal))
        {
            var task = waiting.First(w => w.Dossier == dossier.Id);
            var owned = await OwnedIndicatorsAsync(dossier, desk, ct);
            var agreed = drafts.Where(r => r.TaskId == task.TaskId && r.Finding == "agree").Select(r => r.IndicatorNumber).ToHashSet(StringComparer.Ordinal);
            if (owned.Count > 0 && owned.Keys.All(agreed.Contains))
            {
                ready.Add(task.TaskId);
            }

            rows.AddRange(dossier.Indicators.Where(i => owned.ContainsKey(i.Number)).OrderBy(i => i.Number, IndicatorOrder.Instance).Select(i => new DeskRow(
                dossier.Id, dossier.Code, dossier.CommuneName, dossier.Year, task.TaskId, task.Due, i.Number, owned[i.Number], i.Value, i.Met,
                JsonNode.Parse(i.Evidence)!.AsArray().Count, agreed.Contains(i.Number) ? DeskRowState.Agreed : DeskRowState.Pending)));
        }

        var commune = filter.Commune?.Trim();
        var shown = rows.Where(r => string.IsNullOrEmpty(commune) || r.CommuneName.Contains(commune, StringComparison.CurrentCultureIgnoreCase) || r.DossierCode.EndsWith(commune, StringComparison.Ordinal))
            .Where(r => string.IsNullOrWhiteSpace(filter.Indicator) || r.Number == filter.Indicator.Trim())
            .Where(r => filter.State is null || r.State == filter.State).ToList();
        return new DeskTable(desk, shown, years, ready, shown.Select(r => r.DossierId).Distinct().Count());
    }

    /// <summary>
    /// Agrees the chosen rows (task and indicator) as drafts. With <paramref name="forward"/>, then sends the review of
    /// every dossier whose owned indicators are now all agreed. Returns how many rows were agreed and the dossiers forwarded.
    /// </summary>
    public async Task<(int Agreed, IReadOnlyList<string> Forwarded)> AgreeAsync(Official official, DepartmentDesk desk, IReadOnlyCollection<(Guid TaskId, string Number)> rows,
        bool forward, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(official);
        ArgumentNullException.ThrowIfNull(desk);
        ArgumentNullException.ThrowIfNull(rows);
        Require(official, desk);
        var table = await TableAsync(desk, new DeskFilter(), ct);
        var open = table.Rows.ToDictionary(r => (r.TaskId, r.Number));
        var unknown = rows.Where(r => !open.ContainsKey(r)).Select(r => r.Number).ToList();
        if (unknown.Count > 0)
        {
            throw new DossierException(409, "No longer waiting",
                $"{unknown.Count} of the chosen rows ({string.Join(", ", unknown.Distinct().Take(5))}) no longer wait for the department's review: reload the table.");
        }

        var now = clock.GetUtcNow();
        var taskIds = rows.Select(r => r.TaskId).Distinct().ToList();
        var existing = await db.ReviewDrafts.Where(r => taskIds.Contains(r.TaskId)).ToListAsync(ct);
        var added = 0;
        foreach (var (taskId, number) in rows.Distinct())
        {
            if (existing.Any(e => e.TaskId == taskId && e.IndicatorNumber == number))
            {
                continue;
            }

            db.ReviewDrafts.Add(new ReviewDraftRow { TaskId = taskId, IndicatorNumber = number, DossierId = open[(taskId, number)].DossierId, Finding = "agree", Actor = official.UserName, At = now });
            added++;
        }

        foreach (var dossier in rows.GroupBy(r => open[r].DossierId))
        {
            AuditTrail.Record(db, official.UserName, "dossier.findingsDrafted", DossierService.Subject(dossier.Key),
                new { department = desk.Kind, finding = "agree", indicators = dossier.Select(r => r.Number).Order(IndicatorOrder.Instance).ToList() });
        }

        await db.SaveChangesAsync(ct);
        var forwarded = new List<string>();
        if (forward)
        {
            // Complete now: every row of the review was agreed before or in this action.
            var chosen = rows.ToHashSet();
            foreach (var taskId in taskIds.Where(t => table.Rows.Where(r => r.TaskId == t).All(r => r.State == DeskRowState.Agreed || chosen.Contains((r.TaskId, r.Number)))))
            {
                forwarded.Add(await ForwardAsync(official, desk, taskId, ct));
            }
        }

        return (added, forwarded);
    }

    /// <summary>Sends the department's review of one dossier, every owned indicator agreed: the same findings and decision as the review page sends.</summary>
    public async Task<string> ForwardAsync(Official official, DepartmentDesk desk, Guid taskId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(official);
        ArgumentNullException.ThrowIfNull(desk);
        Require(official, desk);
        var drafts = await db.ReviewDrafts.AsNoTracking().Where(r => r.TaskId == taskId).ToListAsync(ct);
        var dossierId = drafts.Select(d => (Guid?)d.DossierId).FirstOrDefault()
                        ?? throw new DossierException(409, "Nothing agreed", "No indicator of this review has been agreed yet.");
        var dossier = await dossiers.LoadAsync(dossierId, ct);
        var owned = await OwnedIndicatorsAsync(dossier, desk, ct);
        var missing = owned.Keys.Where(n => drafts.All(d => d.IndicatorNumber != n)).Order(IndicatorOrder.Instance).ToList();
        if (missing.Count > 0)
        {
            throw new DossierException(409, "Not every indicator is agreed",
                $"{dossier.Code}: indicators {string.Join(", ", missing)} have no finding yet; agree them, or open the dossier's review to disagree and return it.", missing);
        }

        await dossiers.ReviewAsync(official, dossierId, taskId,
            new ReviewRequest("forward", null, [.. drafts.Where(d => owned.ContainsKey(d.IndicatorNumber)).Select(d => new FindingRequest(d.IndicatorNumber, d.Finding, null))], null), ct);
        return dossier.Code; // the review removed the drafts with the findings it recorded
    }

    /// <summary>Raises a difficulty with the coordination office of the department's province: a task for it, with a deadline, and a record.</summary>
    public async Task<DifficultyRow> RaiseDifficultyAsync(Official official, DepartmentDesk desk, string? subject, string? description, Guid? dossierId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(official);
        ArgumentNullException.ThrowIfNull(desk);
        Require(official, desk);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(subject) || subject.Trim().Length > 200)
        {
            problems.Add("the subject needs 1 to 200 characters");
        }

        if (string.IsNullOrWhiteSpace(description) || description.Trim().Length > 4000)
        {
            problems.Add("the description needs 1 to 4,000 characters");
        }

        DossierRow? dossier = null;
        if (dossierId is { } id)
        {
            dossier = await db.Dossiers.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id && d.ProvinceCode == desk.ProvinceCode, ct);
        }

        if (dossierId is not null && dossier is null)
        {
            problems.Add("the dossier named is not one of the province's");
        }

        if (problems.Count > 0)
        {
            throw new DossierException(400, "The difficulty was not sent", string.Join("; ", problems) + ".", problems);
        }

        var now = clock.GetUtcNow();
        var variables = new Dictionary<string, JsonNode?>
        {
            ["provinceCode"] = desk.ProvinceCode, ["raisedBy"] = official.UserName, ["raisedByUnit"] = desk.Unit.ToString(), ["departmentName"] = desk.Name,
            ["subject"] = subject!.Trim(), ["description"] = description!.Trim(), ["dossierCode"] = dossier?.Code,
        };
        var instance = await engine.StartAsync(DifficultyProcess, variables, $"KN-{desk.ProvinceCode}-{now:yyyyMMddHHmmss}-{official.UserName}", actor: official.UserName, cancellationToken: ct);
        var row = new DifficultyRow
        {
            Id = instance.Id, ProvinceCode = desk.ProvinceCode, RaisedByUnit = desk.Unit.ToString(), RaisedBy = official.UserName, RaisedAt = now,
            Subject = subject.Trim(), Description = description.Trim(), DossierId = dossier?.Id,
        };
        db.Difficulties.Add(row);
        AuditTrail.Record(db, official.UserName, "difficulty.raised", $"difficulty/{row.Id}", new { row.Subject, department = desk.Kind, dossier = dossier?.Code });
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>The difficulties the desk's department raised, newest first, with the answers.</summary>
    public async Task<List<DifficultyRow>> DifficultiesAsync(DepartmentDesk desk, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(desk);
        var unit = desk.Unit.ToString();
        return (await db.Difficulties.AsNoTracking().Where(d => d.RaisedByUnit == unit).ToListAsync(ct)).OrderByDescending(d => d.RaisedAt).Take(50).ToList();
    }

    /// <summary>The coordination office answers: the task completes, the answer is mailed back by the workflow and kept.</summary>
    public async Task<DifficultyRow> AnswerAsync(Official official, Guid taskId, string? answer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(official);
        var (task, row) = await DifficultyTaskAsync(taskId, ct);
        if (!DossierService.MayAct(official, task))
        {
            throw new DossierException(403, "Not yours", $"{official.UserName} is not of the coordination office that answers '{row.Subject}'.");
        }

        if (string.IsNullOrWhiteSpace(answer) || answer.Trim().Length > 4000)
        {
            throw new DossierException(400, "Bad request", "The answer needs 1 to 4,000 characters.");
        }

        row.Answer = answer.Trim();
        row.AnsweredBy = official.UserName;
        row.AnsweredAt = clock.GetUtcNow();
        AuditTrail.Record(db, official.UserName, "difficulty.answered", $"difficulty/{row.Id}", new { row.Subject, row.Answer });
        await db.SaveChangesAsync(ct);
        await engine.CompleteTaskAsync(taskId, new Dictionary<string, JsonNode?> { ["answer"] = row.Answer }, official.UserName, ct);
        return row;
    }

    /// <summary>An open answer task and its difficulty; 404 when there is none.</summary>
    public async Task<(TaskView Task, DifficultyRow Difficulty)> DifficultyTaskAsync(Guid taskId, CancellationToken ct)
    {
        var instanceId = await db.WorkflowTasks.AsNoTracking().Where(t => t.Id == taskId && t.FormKey == "ntm:difficulty-answer").Select(t => (Guid?)t.InstanceId).SingleOrDefaultAsync(ct);
        var row = instanceId is { } id ? await db.Difficulties.SingleOrDefaultAsync(d => d.Id == id, ct) : null;
        var task = instanceId is { } instance ? (await engine.ListTasksAsync(instance, ct)).SingleOrDefault(t => t.Id == taskId) : null;
        return task is not null && row is not null ? (task, row) : throw new DossierException(404, "Not found", $"There is no open difficulty to answer under task {taskId}.");
    }

    /// <summary>The indicators of the dossier's set the department owns in its province today, by number, with their names.</summary>
    private async Task<Dictionary<string, string>> OwnedIndicatorsAsync(DossierRow dossier, DepartmentDesk desk, CancellationToken ct)
    {
        var key = (dossier.CriteriaSetId, dossier.ProvinceCode);
        if (!_owned.TryGetValue(key, out var owned))
        {
            var set = await db.CriteriaSets.AsNoTracking().Include(s => s.Criteria).ThenInclude(c => c.Indicators).ThenInclude(i => i.Thresholds)
                .AsSingleQuery().SingleAsync(s => s.Id == dossier.CriteriaSetId, ct);
            owned = await catalog.IndicatorsByDepartmentAsync(dossier.ProvinceCode, set, VietnamTime.VietnamDate(clock.GetUtcNow()), ct);
            _owned[key] = owned;
        }

        return owned.GetValueOrDefault(desk.Kind)?.ToDictionary(i => i.Number, i => i.Name, StringComparer.Ordinal) ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }

    private static void Require(Official official, DepartmentDesk desk)
    {
        if (!official.Holds(Roles.DepartmentReviewer, desk.Unit))
        {
            throw new DossierException(403, "Not yours", $"{official.UserName} does not review for {desk.Name}.");
        }
    }
}
