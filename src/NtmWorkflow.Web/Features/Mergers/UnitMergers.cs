using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Inbox;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Infrastructure;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Mergers;

/// <summary>A refused merger request: <see cref="Status"/> is the HTTP status (400 bad input, 403 not the official's province).</summary>
public sealed class MergerException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// What to remap: the units of <see cref="FromEdition"/> that <see cref="ToEdition"/> replaced, for the successors in one
/// province (a code of the newer edition), with the administrator's choice of successor for each split unit (old code → new code).
/// </summary>
public sealed record MergerRequest(string FromEdition, string ToEdition, string ProvinceCode, IReadOnlyDictionary<string, string> Choices);

/// <summary>A unit as one edition names it.</summary>
public sealed record UnitName(string Code, string Name);

public enum MergerOutcome
{
    /// <summary>Moves to its successor on apply.</summary>
    Movable,

    /// <summary>The unit was split: the administrator must choose the successor.</summary>
    NeedsChoice,

    /// <summary>Refused: the successor already has an open dossier of the same year and tier, or the choice is not a successor.</summary>
    Conflict,

    /// <summary>Moved by this apply.</summary>
    Moved,

    /// <summary>The apply failed for this dossier (it moved on between the preview and its turn); the others went on.</summary>
    Failed,
}

/// <summary>A candidate group of an open task before and after the move.</summary>
public sealed record GroupChange(Guid TaskId, string Step, string From, string To);

/// <summary>One open dossier of a former unit: where it goes, which task groups change, or why it cannot move.</summary>
public sealed record MergerItem(
    Guid DossierId, string DossierCode, RecognitionTier Tier, int Year, string ProcessId, UnitName OldCommune, string OldProvince, string? DistrictCode,
    IReadOnlyList<UnitName> Successors, UnitName? NewCommune, string? NewProvince, bool KeepsDistrict, IReadOnlyList<GroupChange> Groups,
    MergerOutcome Outcome, string? Reason);

/// <summary>A role an official holds at a former unit, and the successor unit it moves to (null with the reason when it cannot).</summary>
public sealed record AssignmentMove(int AssignmentId, string UserName, string Role, string FromUnit, string? ToUnit, bool AlreadyHeld, string? Reason, bool Moved = false);

/// <summary>A merger previewed or applied.</summary>
public sealed record MergerBatch(MergerRequest Request, DateOnly EffectiveOn, IReadOnlyList<MergerItem> Dossiers, IReadOnlyList<AssignmentMove> Assignments, bool Applied)
{
    public int Movable => Dossiers.Count(d => d.Outcome is MergerOutcome.Movable or MergerOutcome.Moved);

    public int Moved => Dossiers.Count(d => d.Outcome == MergerOutcome.Moved);

    public int Refused => Dossiers.Count(d => d.Outcome is MergerOutcome.NeedsChoice or MergerOutcome.Conflict);
}

/// <summary>
/// Sáp nhập đơn vị hành chính: when units merge (as on 2025-07-01), moves the open dossiers of the former communes to
/// their successor — the dossier's province, commune code and name; its workflow's variables and the candidate groups of
/// its open tasks (so the successor's officials find them in their inbox); the inbox and monitor columns — and the roles
/// officials hold at former units. Previewed, then applied dossier by dossier, each in its own save with an audit entry
/// (<c>dossier.unitMerged</c>) carrying the old and the new code and name; the workflow history is not rewritten and
/// keeps the old names. A split unit (several successors) moves only to the successor the administrator chooses; a
/// dossier whose successor already has an open dossier of the same year and tier is refused. Applying twice changes
/// nothing the second time. Who: a national administrator, or an administrator of the successors' province.
/// </summary>
public sealed class UnitMergers(AppDbContext db, WorkflowEngine engine, TimeProvider clock)
{
    /// <summary>The audit action that marks a dossier as moved: a dossier carrying it is not moved again.</summary>
    public const string DossierMoved = "dossier.unitMerged";

    /// <summary>The workflow variables that name units: their old values are replaced in every scope.</summary>
    private static readonly string[] UnitVariables = ["communeCode", "communeName", "provinceCode", "departments", "department"];

    private DateOnly Today => VietnamTime.VietnamDate(clock.GetUtcNow());

    public static bool MayRemap(Official official, string? provinceCode)
    {
        ArgumentNullException.ThrowIfNull(official);
        return official.Administers(null) || (provinceCode is not null && official.Administers(provinceCode));
    }

    /// <summary>The longest list of choices accepted, in lines.</summary>
    public const int MaxChoiceLines = 500;

    /// <summary>
    /// Reads the choices for split units, one a line: <c>old-code → new-code</c> (also <c>-></c> or <c>=</c>); blank lines
    /// and # comments skipped. Throws <see cref="MergerException"/> (400) naming the line at fault.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ParseChoices(string? text) =>
        PairLines.Parse(text, MaxChoiceLines, IsCode, problem => new MergerException(400, problem.Fault switch
        {
            PairLineFault.TooManyLines => $"The choices have {problem.Line} lines; at most {MaxChoiceLines} are read.",
            PairLineFault.Repeated => $"Line {problem.Line} of the choices chooses for {problem.Text} a second time.",
            _ => $"Line {problem.Line} of the choices, '{(problem.Text.Length > 60 ? problem.Text[..60] + "…" : problem.Text)}', is not 'old-commune-code → new-commune-code' (5 digits each).",
        }));

    public Task<MergerBatch> PreviewAsync(Official official, MergerRequest request, CancellationToken ct) => RunAsync(official, request, apply: false, ct);

    public Task<MergerBatch> ApplyAsync(Official official, MergerRequest request, CancellationToken ct) => RunAsync(official, request, apply: true, ct);

    private async Task<MergerBatch> RunAsync(Official official, MergerRequest request, bool apply, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(official);
        ArgumentNullException.ThrowIfNull(request);
        var map = await MapAsync(official, request, ct);
        var items = await DossiersAsync(map, request, ct);
        var moves = await AssignmentsAsync(map, request, ct);
        if (!apply)
        {
            return new MergerBatch(request, map.EffectiveOn, items, moves, Applied: false);
        }

        var done = new List<MergerItem>(items.Count);
        foreach (var item in items)
        {
            done.Add(item.Outcome == MergerOutcome.Movable ? await MoveDossierAsync(official, request, item, ct) : item);
        }

        var moved = new List<AssignmentMove>(moves.Count);
        foreach (var move in moves)
        {
            moved.Add(move.ToUnit is null ? move : await MoveAssignmentAsync(official, request, move, ct));
        }

        var batch = new MergerBatch(request, map.EffectiveOn, done, moved, Applied: true);
        AuditTrail.Record(db, official.UserName, "merger.applied", $"province/{request.ProvinceCode}", new
        {
            from = request.FromEdition, to = request.ToEdition, choices = request.Choices, moved = batch.Moved, refused = batch.Refused,
            failed = done.Count(d => d.Outcome == MergerOutcome.Failed), roles = moved.Count(m => m.Moved),
        });
        await db.SaveChangesAsync(ct);
        return batch;
    }

    // ----- the succession map --------------------------------------------------------------------

    private sealed record Link(string OldCode, string OldName, string OldProvince, string NewCode, string NewName, string NewProvince);

    private sealed record SuccessionMap(DateOnly EffectiveOn, string Province, ILookup<string, Link> Communes, IReadOnlyDictionary<string, string> Provinces);

    private async Task<SuccessionMap> MapAsync(Official official, MergerRequest request, CancellationToken ct)
    {
        var province = request.ProvinceCode?.Trim() ?? "";
        if (province.Length != 2 || !province.All(char.IsAsciiDigit))
        {
            throw new MergerException(400, $"'{province}' is not a province code (2 digits).");
        }

        if (!MayRemap(official, province))
        {
            throw new MergerException(403, $"Only a national administrator or an administrator of province {province} remaps its units.");
        }

        if (!await db.AdministrativeUnits.AnyAsync(u => u.Edition == request.ToEdition && u.Level == AdministrativeLevel.Province && u.Code == province, ct))
        {
            throw new MergerException(400, $"There is no province {province} in the {request.ToEdition} edition of the list of units.");
        }

        var links = await db.AdministrativeUnitSuccessions.AsNoTracking()
            .Where(s => s.Predecessor.Edition == request.FromEdition && s.Successor.Edition == request.ToEdition
                && s.Predecessor.Level == AdministrativeLevel.Commune && s.Successor.Level == AdministrativeLevel.Commune)
            .Where(s => db.AdministrativeUnitSuccessions.Any(o => o.PredecessorId == s.PredecessorId && o.Successor.Parent!.Code == province && o.Successor.Edition == request.ToEdition))
            .Select(s => new
            {
                s.EffectiveOn, OldCode = s.Predecessor.Code, OldName = s.Predecessor.Name,
                OldProvince = s.Predecessor.Parent!.Level == AdministrativeLevel.Province ? s.Predecessor.Parent.Code : s.Predecessor.Parent.Parent!.Code,
                NewCode = s.Successor.Code, NewName = s.Successor.Name, NewProvince = s.Successor.Parent!.Code,
            })
            .ToListAsync(ct);
        if (links.Count == 0)
        {
            throw new MergerException(400, $"No commune of the {request.FromEdition} edition went into province {province} of the {request.ToEdition} edition: check the editions.");
        }

        var provinces = await db.AdministrativeUnitSuccessions.AsNoTracking()
            .Where(s => s.Predecessor.Edition == request.FromEdition && s.Successor.Edition == request.ToEdition
                && s.Predecessor.Level == AdministrativeLevel.Province && s.Successor.Code == province && s.Kind == SuccessionKind.Full)
            .Select(s => s.Predecessor.Code).ToListAsync(ct);
        return new SuccessionMap(
            links.Min(l => l.EffectiveOn), province,
            links.Select(l => new Link(l.OldCode, l.OldName, l.OldProvince, l.NewCode, l.NewName, l.NewProvince)).OrderBy(l => l.NewCode, StringComparer.Ordinal).ToLookup(l => l.OldCode, StringComparer.Ordinal),
            provinces.ToDictionary(p => p, _ => province, StringComparer.Ordinal));
    }

    /// <summary>The successor of a former commune: the only one, or the one chosen; null with the reason otherwise.</summary>
    private static (Link? Link, MergerOutcome Outcome, string? Reason) Successor(SuccessionMap map, MergerRequest request, string oldCode)
    {
        var successors = map.Communes[oldCode].ToList();
        Link? link;
        if (request.Choices.TryGetValue(oldCode, out var chosen))
        {
            link = successors.FirstOrDefault(l => l.NewCode == chosen);
            if (link is null)
            {
                return (null, MergerOutcome.Conflict, $"{chosen} is not a successor of {oldCode}: choose one of {string.Join(", ", successors.Select(s => s.NewCode))}.");
            }
        }
        else if (successors.Count == 1)
        {
            link = successors[0];
        }
        else
        {
            return (null, MergerOutcome.NeedsChoice,
                $"{successors[0].OldName} ({oldCode}) was split between {string.Join(", ", successors.Select(s => $"{s.NewName} ({s.NewCode})"))}: choose the successor (no record says which received the largest part).");
        }

        return link.NewProvince != map.Province
            ? (null, MergerOutcome.Conflict, $"The successor {link.NewName} ({link.NewCode}) is in province {link.NewProvince}: remap it from that province.")
            : (link, MergerOutcome.Movable, null);
    }

    // ----- dossiers -------------------------------------------------------------------------------

    private async Task<List<MergerItem>> DossiersAsync(SuccessionMap map, MergerRequest request, CancellationToken ct)
    {
        var oldCodes = map.Communes.Select(g => g.Key).ToList();
        var candidates = await db.Dossiers.AsNoTracking()
            .Where(d => d.Status == DossierStatus.InProgress && d.OpenedOn < map.EffectiveOn && oldCodes.Contains(d.CommuneCode))
            .OrderBy(d => d.Code).ToListAsync(ct);
        var subjects = candidates.Select(d => DossierService.Subject(d.Id)).ToList();
        var moved = (await db.AuditEntries.AsNoTracking().Where(a => a.Action == DossierMoved && subjects.Contains(a.Subject)).Select(a => a.Subject).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        candidates = [.. candidates.Where(d => !moved.Contains(DossierService.Subject(d.Id)))];

        var planned = candidates.Select(d => (Dossier: d, Successor: Successor(map, request, d.CommuneCode))).ToList();
        var newCodes = planned.Where(p => p.Successor.Link is not null).Select(p => p.Successor.Link!.NewCode).Distinct().ToList();
        var candidateIds = candidates.Select(d => d.Id).ToHashSet();
        var atSuccessors = (await db.Dossiers.AsNoTracking().Where(d => d.Status == DossierStatus.InProgress && newCodes.Contains(d.CommuneCode))
                .Select(d => new { d.Id, d.Code, d.CommuneCode, d.Year, d.Tier, d.Subject, d.VillageName }).ToListAsync(ct))
            .Where(d => !candidateIds.Contains(d.Id)).ToList();

        var instanceIds = candidates.Where(d => d.InstanceId is not null).Select(d => d.InstanceId!.Value).ToList();
        var tasks = (await db.WorkflowTasks.AsNoTracking().Where(t => instanceIds.Contains(t.InstanceId))
                .Select(t => new { t.Id, t.InstanceId, t.ElementId, t.Name, t.CandidateGroups }).ToListAsync(ct))
            .ToLookup(t => t.InstanceId);

        var items = new List<MergerItem>(planned.Count);
        foreach (var (dossier, successor) in planned)
        {
            var (link, outcome, reason) = successor;
            var successors = map.Communes[dossier.CommuneCode].Select(l => new UnitName(l.NewCode, l.NewName)).ToList();
            var oldName = new UnitName(dossier.CommuneCode, dossier.CommuneName);
            if (link is null)
            {
                items.Add(new MergerItem(dossier.Id, dossier.Code, dossier.Tier, dossier.Year, dossier.ProcessId, oldName, dossier.ProvinceCode, dossier.DistrictCode,
                    successors, null, null, dossier.DistrictCode is not null, [], outcome, reason));
                continue;
            }

            bool Same(RecognitionTier tier, int year, CriteriaSubject subject, string? village) =>
                tier == dossier.Tier && year == dossier.Year && subject == dossier.Subject && village == dossier.VillageName;
            var existing = atSuccessors.FirstOrDefault(d => d.CommuneCode == link.NewCode && Same(d.Tier, d.Year, d.Subject, d.VillageName));
            var siblings = planned.Where(p => p.Dossier.Id != dossier.Id && p.Successor.Link?.NewCode == link.NewCode
                && Same(p.Dossier.Tier, p.Dossier.Year, p.Dossier.Subject, p.Dossier.VillageName)).Select(p => p.Dossier.Code).ToList();
            if (existing is not null)
            {
                outcome = MergerOutcome.Conflict;
                reason = $"{link.NewName} ({link.NewCode}) already has the open dossier {existing.Code} for {dossier.Year}, tier {dossier.Tier}: close one of them first.";
            }
            else if (siblings.Count > 0)
            {
                outcome = MergerOutcome.Conflict;
                reason = $"{string.Join(", ", siblings)} would also become {link.NewName}'s dossier for {dossier.Year}, tier {dossier.Tier}: keep one open, cancel the others first.";
            }

            var keepsDistrict = dossier.DistrictCode is not null && dossier.ProcessId == DossierService.ThreeTierProcess;
            var groups = new List<GroupChange>();
            if (dossier.InstanceId is { } instance)
            {
                var provinces = Provinces(map, dossier, link);
                foreach (var task in tasks[instance])
                {
                    foreach (var group in System.Text.Json.JsonSerializer.Deserialize<List<string>>(task.CandidateGroups) ?? [])
                    {
                        if (MapGroup(group, link, provinces) is { } to && to != group)
                        {
                            groups.Add(new GroupChange(task.Id, task.Name ?? task.ElementId, group, to));
                        }
                    }
                }
            }

            items.Add(new MergerItem(dossier.Id, dossier.Code, dossier.Tier, dossier.Year, dossier.ProcessId, oldName, dossier.ProvinceCode, dossier.DistrictCode,
                successors, new UnitName(link.NewCode, link.NewName), link.NewProvince, keepsDistrict, groups, outcome, reason));
        }

        return items;
    }

    /// <summary>The old province codes a dossier's workflow may name (the former commune's, the dossier's) → the successor's.</summary>
    private static Dictionary<string, string> Provinces(SuccessionMap map, DossierRow dossier, Link link)
    {
        var provinces = new Dictionary<string, string>(map.Provinces, StringComparer.Ordinal)
        {
            [link.OldProvince] = link.NewProvince,
            [dossier.ProvinceCode] = link.NewProvince,
        };
        return provinces;
    }

    /// <summary>A candidate group after the move: the commune's groups go to the successor, the province's bodies to its province; a district's stay (it has no successor).</summary>
    private static string? MapGroup(string group, Link link, IReadOnlyDictionary<string, string> provinces)
    {
        if (CandidateGroups.Parse(group) is not { } parsed || MapUnit(parsed.Unit, link.OldCode, link.NewCode, provinces) is not { } unit)
        {
            return null;
        }

        return CandidateGroups.Of(unit, parsed.Role).FirstOrDefault();
    }

    private static UnitKey? MapUnit(UnitKey unit, string oldCommune, string newCommune, IReadOnlyDictionary<string, string> provinces) => unit.Kind switch
    {
        UnitKey.Commune => unit.Code == oldCommune ? unit with { Code = newCommune } : null,
        UnitKey.Province or UnitKey.CoordinationOffice or UnitKey.Council => provinces.TryGetValue(unit.Code, out var p) ? unit with { Code = p } : null,
        UnitKey.Department => provinces.TryGetValue(unit.ProvinceCode!, out var p) ? unit with { Code = p + unit.Code[unit.Code.IndexOf('/', StringComparison.Ordinal)..] } : null,
        _ => null,
    };

    private async Task<MergerItem> MoveDossierAsync(Official official, MergerRequest request, MergerItem item, CancellationToken ct)
    {
        var dossier = await db.Dossiers.SingleAsync(d => d.Id == item.DossierId, ct);
        var (newCommune, newProvince) = (item.NewCommune!, item.NewProvince!); // a movable item names its successor
        if (dossier.Status != DossierStatus.InProgress || dossier.CommuneCode != item.OldCommune.Code)
        {
            return item with { Outcome = MergerOutcome.Failed, Reason = $"{dossier.Code} changed since the preview ({dossier.Status}, {dossier.CommuneCode})." };
        }

        // The workflow first: a failure after it leaves a dossier a second apply finds unchanged, and moving the
        // workflow again then changes nothing.
        var relocated = 0;
        if (dossier.InstanceId is { } instance)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal) { [item.OldCommune.Code] = newCommune.Code, [item.OldCommune.Name] = newCommune.Name };
            if (item.OldProvince != newProvince)
            {
                values[item.OldProvince] = newProvince;
            }

            // The departments the dossier's criteria go to are named "province-kind" (departments, department): rewritten
            // by the engine in the same load that moves the rest.
            string Department(string value) =>
                value.StartsWith(item.OldProvince + "-", StringComparison.Ordinal) ? newProvince + value[item.OldProvince.Length..] : value;

            try
            {
                relocated = await engine.RelocateAsync(instance, UnitVariables, values, item.Groups.ToDictionary(g => g.From, g => g.To, StringComparer.Ordinal)
                    .Concat(MoreGroups(item)).DistinctBy(p => p.Key).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), Department, official.UserName, ct);
            }
            catch (WorkflowException e)
            {
                // The workflow is not running (it ended, or there is none): nothing of it to move, and the dossier moves. A
                // running instance whose process is not deployed is also "not found": that one fails, like any other error.
                var notRunning = e.Kind is WorkflowErrorKind.Conflict
                                 || (e.Kind is WorkflowErrorKind.NotFound && !await db.WorkflowInstances.AnyAsync(i => i.Id == instance, ct));
                if (!notRunning)
                {
                    return item with { Outcome = MergerOutcome.Failed, Reason = e.Message };
                }
            }
        }

        var before = new { code = dossier.CommuneCode, name = dossier.CommuneName, province = dossier.ProvinceCode, district = dossier.DistrictCode };
        dossier.CommuneCode = newCommune.Code;
        dossier.CommuneName = newCommune.Name;
        dossier.ProvinceCode = newProvince;
        if (!item.KeepsDistrict)
        {
            dossier.DistrictCode = null;
        }

        dossier.UpdatedAt = clock.GetUtcNow();
        AuditTrail.Record(db, official.UserName, DossierMoved, DossierService.Subject(dossier.Id), new
        {
            dossier.Code, from = request.FromEdition, to = request.ToEdition, before,
            after = new { code = dossier.CommuneCode, name = dossier.CommuneName, province = dossier.ProvinceCode, district = dossier.DistrictCode },
            districtKept = item.KeepsDistrict, groups = item.Groups.Select(g => new { task = g.TaskId, g.From, g.To }), workflowValuesChanged = relocated,
        });
        await db.SaveChangesAsync(ct);
        if (dossier.InstanceId is { } linked)
        {
            await InboxColumns.FillAsync(db, dossier, linked, ct);
        }

        return item with { Outcome = MergerOutcome.Moved };
    }

    /// <summary>The commune's groups a later step will name are the same mapping; listed so a task made between preview and apply moves too.</summary>
    private static IEnumerable<KeyValuePair<string, string>> MoreGroups(MergerItem item) =>
        new[] { Roles.CommuneOfficer, Roles.Chairman }.SelectMany(role =>
            CandidateGroups.Of(new UnitKey(UnitKey.Commune, item.OldCommune.Code), role)
                .Zip(CandidateGroups.Of(new UnitKey(UnitKey.Commune, item.NewCommune!.Code), role), (from, to) => KeyValuePair.Create(from, to)));

    // ----- officials' roles ----------------------------------------------------------------------

    private async Task<List<AssignmentMove>> AssignmentsAsync(SuccessionMap map, MergerRequest request, CancellationToken ct)
    {
        var today = Today;
        var communeKeys = map.Communes.Select(g => $"{UnitKey.Commune}:{g.Key}").ToList();
        var oldProvinces = map.Provinces.Keys.Where(p => p != map.Province).ToList();
        var rows = await db.RoleAssignments.AsNoTracking()
            .Where(a => a.ValidFrom <= today && (a.ValidTo == null || a.ValidTo >= today) && a.ValidFrom < map.EffectiveOn)
            .Where(a => communeKeys.Contains(a.UnitKey) || (oldProvinces.Count > 0 && !a.UnitKey.StartsWith(UnitKey.Commune + ":") && !a.UnitKey.StartsWith(UnitKey.District + ":")
                && !a.UnitKey.StartsWith(UnitKey.National + ":")))
            .Join(db.Users, a => a.UserId, u => u.Id, (a, u) => new { a.Id, a.UserId, u.UserName, a.UnitKey, a.Role })
            .OrderBy(a => a.UnitKey).ThenBy(a => a.UserName).ToListAsync(ct);
        var held = (await db.RoleAssignments.AsNoTracking().Where(a => a.ValidFrom <= today && (a.ValidTo == null || a.ValidTo >= today))
            .Select(a => new { a.UserId, a.UnitKey, a.Role }).ToListAsync(ct)).Select(a => (a.UserId, a.UnitKey, a.Role)).ToHashSet();

        var moves = new List<AssignmentMove>();
        foreach (var row in rows)
        {
            if (!UnitKey.TryParse(row.UnitKey, out var unit))
            {
                continue;
            }

            UnitKey? target;
            string? reason = null;
            if (unit.Kind == UnitKey.Commune)
            {
                var (link, _, why) = Successor(map, request, unit.Code);
                target = link is null ? null : unit with { Code = link.NewCode };
                reason = why;
            }
            else
            {
                target = unit.ProvinceCode is { } p && oldProvinces.Contains(p) ? MapUnit(unit, "", "", map.Provinces) : null;
                if (target is null && unit.ProvinceCode is null)
                {
                    continue;
                }
            }

            if (target == unit || (target is null && reason is null))
            {
                continue; // the unit kept its code (or is not a former unit of this province)
            }

            moves.Add(new AssignmentMove(row.Id, row.UserName!, row.Role, row.UnitKey, target?.ToString(), target is { } t && held.Contains((row.UserId, t.ToString(), row.Role)), reason));
        }

        return moves;
    }

    private async Task<AssignmentMove> MoveAssignmentAsync(Official official, MergerRequest request, AssignmentMove move, CancellationToken ct)
    {
        var today = Today;
        var row = await db.RoleAssignments.SingleAsync(a => a.Id == move.AssignmentId, ct);
        if (row.ValidTo is { } end && end < today)
        {
            return move; // ended since the preview
        }

        row.ValidTo = row.ValidFrom > today.AddDays(-1) ? row.ValidFrom.AddDays(-1) : today.AddDays(-1);
        if (!move.AlreadyHeld && !await db.RoleAssignments.AnyAsync(a => a.UserId == row.UserId && a.UnitKey == move.ToUnit && a.Role == row.Role
                && a.ValidFrom <= today && (a.ValidTo == null || a.ValidTo >= today), ct))
        {
            db.RoleAssignments.Add(new RoleAssignmentRow
            {
                UserId = row.UserId, UnitKey = move.ToUnit!, Role = row.Role, ValidFrom = today, CreatedAt = clock.GetUtcNow(), CreatedBy = official.UserName,
            });
        }

        AuditTrail.Record(db, official.UserName, "role.movedByMerger", $"user/{move.UserName}",
            new { from = request.FromEdition, to = request.ToEdition, unitBefore = move.FromUnit, unitAfter = move.ToUnit, move.Role, lastDayBefore = row.ValidTo, alreadyHeld = move.AlreadyHeld });
        await db.SaveChangesAsync(ct);
        return move with { Moved = true };
    }

    private static bool IsCode(string text) => text.Length == 5 && text.All(char.IsAsciiDigit);
}
