using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Evidence;
using NtmWorkflow.Web.Features.LegalParameters;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Infrastructure.Documents;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Council;

public sealed record AppointmentRequest(string? UserName, CouncilPosition? Position, string? Title, DateOnly? From, DateOnly? To, string? AppointedBy);

public sealed record PlanSessionRequest(DateOnly? MeetsOn, string? Venue, List<Guid>? DossierIds);

public sealed record RollCallRequest(List<string>? Present);

public sealed record BallotRequest(BallotChoice? Choice, string? Reason);

public sealed record DecisionRecordRequest(string? Number, DateOnly? SignedOn, string? Signer);

/// <summary>A dossier the coordination office may put on a session's agenda: every review passed, waiting for the council.</summary>
public sealed record AgendaCandidate(Guid DossierId, string Code, string CommuneName, string Tier, int Year, Guid TaskId, DateTimeOffset? Due);

/// <summary>
/// The provincial appraisal council: appointments with terms, sessions (agenda, roll call, reports, ballots, close),
/// the tally by the province's rules, the minutes and the draft decision, and the signed decision that lets each
/// passed dossier finish as recognised. The session's steps are the <c>ntm-council-session</c> workflow's tasks;
/// the ballots themselves are rows that are written once and never changed. Refusals are
/// <see cref="DossierException"/>s (ProblemDetails on the API, a message on the pages) and change nothing.
/// </summary>
public sealed partial class CouncilService(
    AppDbContext db,
    WorkflowEngine engine,
    DossierService dossiers,
    OrganisationService organisation,
    LiveLegalParameters parameters,
    IDocumentStore store,
    IOptions<DocumentStorageOptions> documentOptions,
    TimeProvider clock)
{
    public const string SessionProcess = "ntm-council-session";
    public const string SessionClosedMessage = "councilSessionClosed";

    private DateOnly Today => VietnamTime.VietnamDate(clock.GetUtcNow());

    // ----- appointments ---------------------------------------------------------------------------

    /// <summary>The province's appointments, in force on <paramref name="on"/> (or every one, past and future, when null), by seat.</summary>
    public async Task<List<CouncilMemberRow>> MembersAsync(string provinceCode, DateOnly? on, CancellationToken ct)
    {
        var rows = await db.CouncilMembers.AsNoTracking().Where(m => m.ProvinceCode == provinceCode).ToListAsync(ct);
        return [.. rows.Where(m => on is null || m.IsInForceOn(on.Value)).OrderBy(m => m.Position).ThenBy(m => m.From).ThenBy(m => m.FullName, StringComparer.Create(CultureInfo.GetCultureInfo("vi-VN"), false))];
    }

    /// <summary>Appoints an official to the council for a term, granting the council role for the same days.</summary>
    public async Task<CouncilMemberRow> AppointAsync(Official official, string provinceCode, AppointmentRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        MayManage(official, provinceCode);
        var problems = new List<string>();
        var user = string.IsNullOrWhiteSpace(request.UserName) ? null : await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == request.UserName.Trim(), ct);
        if (user is null)
        {
            problems.Add(string.IsNullOrWhiteSpace(request.UserName) ? "userName is required." : $"There is no user '{request.UserName}'.");
        }

        if (request.Position is null)
        {
            problems.Add("position is required: Chair, ViceChair, Member or Secretary.");
        }

        var from = request.From ?? Today;
        if (request.To is { } to && to < from)
        {
            problems.Add($"The term cannot end ({to:yyyy-MM-dd}) before it begins ({from:yyyy-MM-dd}).");
        }

        if (request.Title is { Length: > 200 } || request.AppointedBy is { Length: > 200 })
        {
            problems.Add("title and appointedBy have at most 200 characters.");
        }

        if (user is not null && request.Position is { } position)
        {
            var existing = await db.CouncilMembers.AsNoTracking().Where(m => m.ProvinceCode == provinceCode).ToListAsync(ct);
            bool Overlaps(CouncilMemberRow m) => m.From <= (request.To ?? DateOnly.MaxValue) && from <= (m.To ?? DateOnly.MaxValue);
            if (existing.FirstOrDefault(m => m.UserName == user.UserName && Overlaps(m)) is { } same)
            {
                problems.Add($"{user.FullName} already sits on the council from {same.From:yyyy-MM-dd}{(same.To is null ? "" : $" to {same.To:yyyy-MM-dd}")}.");
            }

            if (position is CouncilPosition.Chair or CouncilPosition.Secretary && existing.FirstOrDefault(m => m.Position == position && Overlaps(m)) is { } holder)
            {
                problems.Add($"{holder.FullName} is already {PositionText(position)} for these days; end that term first.");
            }
        }

        if (problems.Count > 0)
        {
            throw new DossierException(400, "The appointment is not valid", string.Join(" ", problems), problems);
        }

        // The role opens the council's pages and tasks; an official who already holds it keeps that assignment.
        var role = request.Position == CouncilPosition.Secretary ? Roles.CouncilSecretary : Roles.CouncilMember;
        var unit = new UnitKey(UnitKey.Council, provinceCode).ToString();
        var assignment = await db.RoleAssignments.FirstOrDefaultAsync(a => a.UserId == user!.Id && a.UnitKey == unit && a.Role == role && (a.ValidTo == null || a.ValidTo >= from), ct)
                         ?? await organisation.AssignAsync(user!.UserName!, unit, role, from, official.UserName, ct);
        if (request.To is { } lastDay && (assignment.ValidTo is null || assignment.ValidTo > lastDay))
        {
            assignment = await organisation.EndAsync(user!.UserName!, assignment.Id, lastDay, official.UserName, ct);
        }

        var row = new CouncilMemberRow
        {
            ProvinceCode = provinceCode, UserName = user!.UserName!, FullName = user.FullName, Position = request.Position!.Value, Title = request.Title?.Trim(),
            From = from, To = request.To, AppointedBy = request.AppointedBy?.Trim(), RoleAssignmentId = assignment.Id, CreatedAt = clock.GetUtcNow(), CreatedBy = official.UserName,
        };
        db.CouncilMembers.Add(row);
        AuditTrail.Record(db, official.UserName, "council.appointed", $"council/{provinceCode}", new { row.UserName, row.Position, row.Title, row.From, row.To, row.AppointedBy });
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>Ends a term on its last day; refused while the member sits in a session that meets after that day and has not closed.</summary>
    public async Task<CouncilMemberRow> EndTermAsync(Official official, string provinceCode, int memberId, DateOnly? lastDay, CancellationToken ct)
    {
        MayManage(official, provinceCode);
        var row = await db.CouncilMembers.SingleOrDefaultAsync(m => m.Id == memberId && m.ProvinceCode == provinceCode, ct)
                  ?? throw new DossierException(404, "Not found", $"The council of province {provinceCode} has no appointment {memberId}.");
        var day = lastDay ?? Today;
        if (day < row.From.AddDays(-1))
        {
            throw Bad($"The term began on {row.From:yyyy-MM-dd}; it cannot end on {day:yyyy-MM-dd}.");
        }

        var sitting = await db.CouncilSessionMembers.AsNoTracking().Where(m => m.MemberId == memberId)
            .Join(db.CouncilSessions.AsNoTracking(), m => m.SessionId, s => s.Id, (m, s) => s)
            .Where(s => s.MeetsOn > day && (s.State == CouncilSessionState.Opened || s.State == CouncilSessionState.Voting)).Select(s => s.Code).ToListAsync(ct);
        if (sitting.Count > 0)
        {
            throw new DossierException(409, "Sitting in a session", $"{row.FullName} sits in session {string.Join(", ", sitting)}, which meets after {day:yyyy-MM-dd}; end the term after it closes.");
        }

        row.To = day;
        var assignment = await db.RoleAssignments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == row.RoleAssignmentId, ct);
        AuditTrail.Record(db, official.UserName, "council.termEnded", $"council/{provinceCode}", new { row.UserName, row.Position, lastDay = day });
        await db.SaveChangesAsync(ct);
        if (assignment is not null && (assignment.ValidTo is null || assignment.ValidTo > day))
        {
            await organisation.EndAsync(row.UserName, assignment.Id, day, official.UserName, ct);
        }

        return row;
    }

    // ----- planning a session ---------------------------------------------------------------------

    /// <summary>Dossiers of the province whose workflow waits for the office to put them on a session's agenda.</summary>
    public async Task<List<AgendaCandidate>> AgendaCandidatesAsync(string provinceCode, CancellationToken ct)
    {
        // The province's scheduling tasks, found by the candidate group the workflows give them.
        var group = $"coordination-office-{provinceCode}";
        var tasks = await db.WorkflowTasks.AsNoTracking()
            .Where(t => t.FormKey == "ntm:council-agenda" && t.DossierId != null && db.WorkflowTaskGroups.Any(g => g.TaskId == t.Id && g.Group == group))
            .ToListAsync(ct);
        var ids = tasks.Select(t => t.DossierId!.Value).ToList();
        var rows = await db.Dossiers.AsNoTracking().Where(d => ids.Contains(d.Id) && d.ProvinceCode == provinceCode).ToListAsync(ct);
        return [.. rows.Join(tasks, d => d.Id, t => t.DossierId, (d, t) => new AgendaCandidate(d.Id, d.Code, d.CommuneName, d.Tier.ToString(), d.Year, t.Id, t.Due))
            .OrderBy(c => c.Due ?? DateTimeOffset.MaxValue).ThenBy(c => c.Code, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Plans a session: checks every dossier again (100 % of indicators met, waiting for the council, in the province),
    /// takes the appointments in force on the session's day, starts the session's workflow and takes each dossier's
    /// scheduling step.
    /// </summary>
    public async Task<CouncilSessionRow> PlanAsync(Official official, string provinceCode, PlanSessionRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        MayCoordinate(official, provinceCode);
        var problems = new List<string>();
        if (request.MeetsOn is not { } meetsOn || meetsOn < Today)
        {
            problems.Add("meetsOn (the session's day) is required and cannot be in the past.");
        }

        if (string.IsNullOrWhiteSpace(request.Venue) || request.Venue.Length > 300)
        {
            problems.Add("venue (1 to 300 characters) is required.");
        }

        var ids = (request.DossierIds ?? []).Distinct().ToList();
        if (ids.Count == 0)
        {
            problems.Add("dossierIds lists at least one dossier.");
        }

        var candidates = (await AgendaCandidatesAsync(provinceCode, ct)).ToDictionary(c => c.DossierId);
        var agenda = new List<(DossierRow Dossier, AgendaCandidate Candidate)>();
        foreach (var id in ids)
        {
            var dossier = await db.Dossiers.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct);
            if (dossier is null || !candidates.TryGetValue(id, out var candidate))
            {
                problems.Add(dossier is null ? $"There is no dossier {id}." : $"{dossier.Code} ({dossier.CommuneName}) is not waiting for the council of province {provinceCode}.");
                continue;
            }

            // Không để nợ chỉ tiêu: checked again now, not only when the reviews ended.
            var (allMet, unmet, _) = await dossiers.CheckIndicatorsAsync(id, ct);
            if (!allMet)
            {
                problems.Add($"{dossier.Code} ({dossier.CommuneName}) does not meet every indicator: {string.Join(", ", unmet)}.");
                continue;
            }

            agenda.Add((dossier, candidate));
        }

        var members = request.MeetsOn is { } day ? await MembersAsync(provinceCode, day, ct) : [];
        if (request.MeetsOn is not null)
        {
            if (!members.Any(m => m.Position == CouncilPosition.Chair))
            {
                problems.Add($"The council of province {provinceCode} has no chair in office on {request.MeetsOn:yyyy-MM-dd}.");
            }

            if (!members.Any(m => m.Position == CouncilPosition.Secretary))
            {
                problems.Add($"The council of province {provinceCode} has no secretary in office on {request.MeetsOn:yyyy-MM-dd}.");
            }
        }

        if (problems.Count > 0)
        {
            throw new DossierException(422, "The session cannot be planned", string.Join(" ", problems), problems);
        }

        var now = clock.GetUtcNow();
        var number = await db.CouncilSessions.CountAsync(s => s.ProvinceCode == provinceCode && s.MeetsOn.Year == request.MeetsOn!.Value.Year, ct) + 1;
        var session = new CouncilSessionRow
        {
            Id = Guid.NewGuid(), Code = $"HĐTĐ-{provinceCode}-{request.MeetsOn!.Value.Year}-{number:00}", ProvinceCode = provinceCode, MeetsOn = request.MeetsOn.Value,
            Venue = request.Venue!.Trim(), State = CouncilSessionState.Planned, CreatedAt = now, CreatedBy = official.UserName,
        };
        Seat(session, members);
        foreach (var ((dossier, _), order) in agenda.Select((a, i) => (a, i + 1)))
        {
            session.Agenda.Add(new CouncilAgendaItemRow { SessionId = session.Id, DossierId = dossier.Id, Order = order, DossierCode = dossier.Code, CommuneName = dossier.CommuneName });
        }

        db.CouncilSessions.Add(session);
        AuditTrail.Record(db, official.UserName, "council.sessionPlanned", Subject(session.Id),
            new { session.Code, session.MeetsOn, session.Venue, agenda = agenda.Select(a => a.Dossier.Code), members = session.Members.Select(m => m.UserName) });
        await db.SaveChangesAsync(ct);

        var ends = new DateTimeOffset(session.MeetsOn.ToDateTime(new TimeOnly(17, 0)), VietnamTime.Offset);
        try
        {
            var instance = await engine.StartAsync(SessionProcess, new Dictionary<string, JsonNode?>
            {
                ["sessionId"] = session.Id.ToString(), ["sessionCode"] = session.Code, ["provinceCode"] = provinceCode,
                ["sessionEnds"] = ends.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture), ["ballots"] = new JsonArray(),
                ["meetsOn"] = session.MeetsOn.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), ["venue"] = session.Venue, ["agendaCount"] = session.Agenda.Count,
                ["agendaText"] = string.Join("; ", session.Agenda.OrderBy(a => a.Order).Select(a => $"{a.CommuneName} ({a.DossierCode})")),
                ["invitees"] = string.Join(",", session.Members.OrderBy(m => m.Seat).Select(m => $"user:{m.UserName}")),
            }, session.Code, actor: official.UserName, cancellationToken: ct);
            session.InstanceId = instance.Id;
            await db.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is WorkflowException or InvalidOperationException)
        {
            db.CouncilSessions.Remove(session);
            AuditTrail.Record(db, official.UserName, "council.sessionPlanFailed", Subject(session.Id), new { reason = e.Message });
            await db.SaveChangesAsync(CancellationToken.None);
            throw new DossierException(409, "The session's workflow could not start", $"The process {SessionProcess} could not start: {e.Message}");
        }

        foreach (var (dossier, candidate) in agenda)
        {
            await engine.CompleteTaskAsync(candidate.TaskId, new Dictionary<string, JsonNode?> { ["councilSession"] = session.Code }, official.UserName, ct);
        }

        return session;
    }

    // ----- the session's steps --------------------------------------------------------------------

    /// <summary>
    /// The roll call that opens the session: the appointments in force on the day are taken again (a term that ended
    /// since planning drops out), each member is present or absent, and the ballots are laid out for the members.
    /// </summary>
    public async Task<CouncilSessionRow> OpenAsync(Official official, Guid sessionId, RollCallRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var session = await LoadAsync(sessionId, ct);
        var task = await SessionTaskAsync(official, session, "openSession", ct);
        if (Today < session.MeetsOn)
        {
            throw new DossierException(409, "Not the session's day", $"Session {session.Code} meets on {session.MeetsOn:dd/MM/yyyy}.");
        }

        var members = await MembersAsync(session.ProvinceCode, session.MeetsOn, ct);
        db.CouncilSessionMembers.RemoveRange(session.Members.Where(m => members.All(a => a.Id != m.MemberId)));
        foreach (var gone in session.Members.Where(m => members.All(a => a.Id != m.MemberId)).ToList())
        {
            session.Members.Remove(gone);
        }

        Seat(session, members);
        var present = (request.Present ?? []).Select(p => p.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = present.Where(p => session.Members.All(m => !string.Equals(m.UserName, p, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
        {
            throw Bad($"{string.Join(", ", unknown)} {(unknown.Count == 1 ? "is not a member" : "are not members")} of the council on {session.MeetsOn:dd/MM/yyyy}.");
        }

        foreach (var member in session.Members)
        {
            member.Attendance = present.Contains(member.UserName) ? Attendance.Present : Attendance.Absent;
        }

        // Ballots go to every voting member, absent ones too: where the province allows written votes they use them;
        // otherwise their ballot is refused and withdrawn at the close.
        var voters = Voters(session);
        var ballots = new JsonArray();
        foreach (var item in session.Agenda.OrderBy(a => a.Order))
        {
            foreach (var voter in voters)
            {
                ballots.Add(new JsonObject
                {
                    ["member"] = voter.UserName, ["dossierId"] = item.DossierId.ToString(), ["businessKey"] = item.DossierCode, ["communeName"] = item.CommuneName,
                });
            }
        }

        session.State = CouncilSessionState.Opened;
        session.OpenedAt = clock.GetUtcNow();
        AuditTrail.Record(db, official.UserName, "council.sessionOpened", Subject(session.Id),
            new { present = session.Members.Where(m => m.Attendance == Attendance.Present).Select(m => m.UserName), absent = session.Members.Where(m => m.Attendance == Attendance.Absent).Select(m => m.UserName) });
        await db.SaveChangesAsync(ct);
        await CompleteAsync(session, task, new Dictionary<string, JsonNode?> { ["ballots"] = ballots }, official, ct);
        return session;
    }

    /// <summary>Records that a report was presented, in order: the coordination office's appraisal, then the Fatherland Front's satisfaction report; after it, voting opens.</summary>
    public async Task<CouncilSessionRow> PresentReportAsync(Official official, Guid sessionId, string report, CancellationToken ct)
    {
        var session = await LoadAsync(sessionId, ct);
        var element = report switch
        {
            "appraisal" => "presentAppraisalReport",
            "satisfaction" => "presentSatisfactionReport",
            _ => throw Bad($"'{report}' is not a report of the session: appraisal or satisfaction."),
        };
        var task = await SessionTaskAsync(official, session, element, ct);
        if (element == "presentSatisfactionReport")
        {
            session.State = CouncilSessionState.Voting;
        }

        AuditTrail.Record(db, official.UserName, "council.reportPresented", Subject(session.Id), new { report });
        await db.SaveChangesAsync(ct);
        await CompleteAsync(session, task, null, official, ct);
        return session;
    }

    /// <summary>
    /// A member's ballot on one dossier: once, never changed, and only while the session votes. The ballot and the
    /// session's ballot count are written in one transaction that re-reads the session's state under its row lock,
    /// so a ballot racing the close is either in before it or refused; the unique key refuses a second ballot.
    /// </summary>
    public async Task<CouncilBallotRow> CastAsync(Official official, Guid sessionId, Guid dossierId, BallotRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var session = await LoadAsync(sessionId, ct);
        var member = session.Members.FirstOrDefault(m => string.Equals(m.UserName, official.UserName, StringComparison.OrdinalIgnoreCase));
        var appointment = member is null ? null : await db.CouncilMembers.AsNoTracking().SingleOrDefaultAsync(m => m.Id == member.MemberId, ct);
        if (member is null || appointment is null || !appointment.IsInForceOn(session.MeetsOn))
        {
            throw Forbidden($"{official.FullName} is not a member of the council on {session.MeetsOn:dd/MM/yyyy} and cannot vote in session {session.Code}.");
        }

        if (!member.Position.Votes())
        {
            throw Forbidden($"The secretary of the council does not vote.");
        }

        var item = session.Agenda.FirstOrDefault(a => a.DossierId == dossierId)
                   ?? throw new DossierException(404, "Not on the agenda", $"Dossier {dossierId} is not on the agenda of session {session.Code}.");
        if (session.State is not CouncilSessionState.Voting)
        {
            throw new DossierException(409, session.State < CouncilSessionState.Voting ? "Voting has not opened" : "The session is closed",
                session.State < CouncilSessionState.Voting
                    ? $"Voting in session {session.Code} opens after the roll call and both reports."
                    : $"Session {session.Code} was closed at {session.ClosedAt?.ToOffset(VietnamTime.Offset):HH:mm dd/MM/yyyy}; no ballot is taken after the close.");
        }

        var rules = CouncilVotingRules.For(parameters, session.ProvinceCode);
        var written = member.Attendance == Attendance.Absent;
        var reason = request.Reason?.Trim();
        var problems = new List<string>();
        switch (request.Choice)
        {
            case null:
                problems.Add("choice is required: Agree, Disagree" + (rules.AbstentionAllowed ? ", Abstain" : "") + " or Recused.");
                break;
            case BallotChoice.Disagree when string.IsNullOrWhiteSpace(reason):
                problems.Add("A vote against gives its reason in writing.");
                break;
            case BallotChoice.Recused when string.IsNullOrWhiteSpace(reason):
                problems.Add("Recusal states the conflict of interest.");
                break;
            case BallotChoice.Abstain when !rules.AbstentionAllowed:
                problems.Add($"The rules of province {session.ProvinceCode} do not allow abstaining (council.abstentionAllowed).");
                break;
            case BallotChoice.Abstain when written:
                problems.Add("A written vote agrees or disagrees.");
                break;
        }

        if (written && !rules.WrittenVotesAllowed)
        {
            problems.Add($"{member.FullName} was absent at the roll call, and the rules of province {session.ProvinceCode} do not allow written votes (council.writtenVotesAllowed).");
        }

        if (reason is { Length: > 4000 })
        {
            problems.Add("The reason has at most 4,000 characters.");
        }

        if (problems.Count > 0)
        {
            throw new DossierException(problems.Any(p => p.Contains("do not allow", StringComparison.Ordinal)) ? 409 : 400, "The ballot is not valid", string.Join(" ", problems), problems);
        }

        var ballot = new CouncilBallotRow
        {
            Id = Guid.NewGuid(), SessionId = session.Id, DossierId = dossierId, MemberId = member.MemberId, UserName = member.UserName, Choice = request.Choice!.Value,
            Reason = string.IsNullOrEmpty(reason) ? null : reason, Written = written, CastAt = clock.GetUtcNow(),
        };
        db.ChangeTracker.Clear();
        try
        {
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async token =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(token);
                var open = await db.CouncilSessions.Where(s => s.Id == session.Id && s.State == CouncilSessionState.Voting)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.BallotsCast, x => x.BallotsCast + 1), token);
                if (open == 0)
                {
                    throw new DossierException(409, "The session is closed", $"Session {session.Code} was closed before the ballot arrived; no ballot is taken after the close.");
                }

                db.CouncilBallots.Add(ballot);
                AuditTrail.Record(db, official.UserName, "council.ballotCast", Subject(session.Id),
                    new { ballot = ballot.Id, dossier = item.DossierCode, choice = ballot.Choice, ballot.Reason, ballot.Written, ballot.CastAt });
                await db.SaveChangesAsync(token);
                await transaction.CommitAsync(token);
            }, ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.CouncilBallots.AsNoTracking().AnyAsync(b => b.SessionId == session.Id && b.DossierId == dossierId && b.MemberId == member.MemberId, CancellationToken.None))
            {
                throw new DossierException(409, "Already voted", $"{member.FullName} has already voted on {item.DossierCode} ({item.CommuneName}) in session {session.Code}; a ballot cannot be changed.");
            }

            throw;
        }

        // The ballot is the record; the workflow's task is the member's to-do item and closes with it.
        var voters = Voters(session);
        var index = session.Agenda.OrderBy(a => a.Order).ToList().FindIndex(a => a.DossierId == dossierId) * voters.Count + voters.FindIndex(m => m.MemberId == member.MemberId);
        var task = session.InstanceId is { } instanceId
            ? (await engine.ListTasksAsync(instanceId, ct)).FirstOrDefault(t => t.ElementId == "castBallot" && t.LoopCounter == index)
            : null;
        if (task is not null)
        {
            try
            {
                await engine.CompleteTaskAsync(task.Id, new Dictionary<string, JsonNode?> { ["choice"] = ballot.Choice.ToString() }, official.UserName, ct);
            }
            catch (WorkflowException e) when (e.Kind is WorkflowErrorKind.NotFound or WorkflowErrorKind.Conflict)
            {
                // Closed meanwhile: the ballot was taken before the close, and the close withdraws the task.
            }
        }

        return ballot;
    }

    /// <summary>The secretary closes the session: no ballot after this; open ballots are withdrawn; the tally runs and each dossier hears its outcome.</summary>
    public async Task<CouncilSessionRow> CloseAsync(Official official, Guid sessionId, CancellationToken ct)
    {
        var session = await LoadAsync(sessionId, ct);
        if (!IsSecretary(official, session))
        {
            throw Forbidden($"Only the council's secretary closes session {session.Code}.");
        }

        if (session.State is CouncilSessionState.Planned or CouncilSessionState.Opened)
        {
            throw new DossierException(409, "Voting has not opened", $"Session {session.Code} closes after the roll call, both reports and the voting.");
        }

        var now = clock.GetUtcNow();
        var closed = 0;
        db.ChangeTracker.Clear();
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async token =>
        {
            // The same row lock as a ballot's: whichever commits first, the other sees it.
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            closed = await db.CouncilSessions.Where(s => s.Id == session.Id && s.State == CouncilSessionState.Voting)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.State, CouncilSessionState.Closed).SetProperty(x => x.ClosedAt, now).SetProperty(x => x.ClosedBy, official.UserName), token);
            if (closed == 1)
            {
                AuditTrail.Record(db, official.UserName, "council.sessionClosed", Subject(session.Id),
                    new { closedAt = now, ballots = await db.CouncilBallots.CountAsync(b => b.SessionId == session.Id, token) });
                await db.SaveChangesAsync(token);
            }

            await transaction.CommitAsync(token);
        }, ct);

        // Also when the close was recorded but its message was not delivered (a crash between the two): sent again.
        try
        {
            await engine.CorrelateMessageAsync(SessionClosedMessage, session.Code, null, official.UserName, ct);
        }
        catch (WorkflowException e) when (e.Kind == WorkflowErrorKind.Conflict)
        {
            if (closed == 0)
            {
                throw new DossierException(409, "Already closed", $"Session {session.Code} is already closed.");
            }

            throw;
        }

        // The close and the tally were written past this context's tracked copy: read the session afresh.
        db.ChangeTracker.Clear();
        return await LoadAsync(sessionId, ct);
    }

    /// <summary>
    /// The tally (the session workflow's step <c>ntm.council.tally</c>): each dossier's ballots by the province's rules in
    /// force now, written on the agenda; the same ballots give the same outcome if the step runs again.
    /// </summary>
    public async Task<JsonArray> TallyAsync(Guid sessionId, CancellationToken ct)
    {
        var session = await LoadAsync(sessionId, ct);
        if (session.State < CouncilSessionState.Closed)
        {
            throw new InvalidOperationException($"Session {session.Code} is {session.State}: it is tallied after the close.");
        }

        var rules = CouncilVotingRules.For(parameters, session.ProvinceCode);
        var ballots = await db.CouncilBallots.AsNoTracking().Where(b => b.SessionId == sessionId).ToListAsync(ct);
        var voters = Voters(session);
        var outcomes = new JsonArray();
        foreach (var item in session.Agenda.OrderBy(a => a.Order))
        {
            var mine = ballots.Where(b => b.DossierId == item.DossierId).ToList();
            var inRoom = mine.Where(b => !b.Written).ToList();
            var present = voters.Count(m => m.Attendance == Attendance.Present);
            int Count(BallotChoice choice) => inRoom.Count(b => b.Choice == choice);
            var count = new BallotCount(voters.Count, present, Count(BallotChoice.Agree), Count(BallotChoice.Disagree), Count(BallotChoice.Abstain), Count(BallotChoice.Recused),
                mine.Count(b => b.Written && b.Choice == BallotChoice.Agree), mine.Count(b => b.Written && b.Choice == BallotChoice.Disagree), present - inRoom.Count);
            var result = CouncilTally.Tally(rules, count);
            item.Outcome = !result.QuorumMet ? CouncilOutcome.NoQuorum : result.Passed ? CouncilOutcome.Passed : CouncilOutcome.NotPassed;
            (item.MembersInForce, item.Attending, item.Agree, item.Disagree, item.Abstain, item.Recused, item.NotVoted, item.WrittenVotes, item.ApprovalBase, item.AgreeNeeded) =
                (count.MembersInForce, result.Attending, result.AgreeVotes, count.Disagree + (rules.WrittenVotesCountAsPresent ? count.WrittenDisagree : 0), count.Abstain, count.Recused,
                 count.NotVoted, count.WrittenAgree + count.WrittenDisagree, result.ApprovalBase, result.AgreeNeeded);
            outcomes.Add(new JsonObject
            {
                ["dossierId"] = item.DossierId.ToString(), ["businessKey"] = item.DossierCode, ["outcome"] = OutcomeVariable(item.Outcome.Value),
            });
        }

        if (session.State == CouncilSessionState.Closed)
        {
            session.State = CouncilSessionState.Tallied;
        }

        AuditTrail.Record(db, "ntm.council.tally", "council.tallied", Subject(session.Id),
            new { rules = new { quorum = rules.Quorum.ToString(), approval = rules.Approval.ToString(), rules.AbstentionAllowed, rules.AbstentionsInBase, rules.WrittenVotesAllowed, rules.WrittenVotesCountAsPresent },
                  outcomes = session.Agenda.Select(a => new { a.DossierCode, a.Outcome, a.Attending, a.Agree, a.ApprovalBase, a.AgreeNeeded }) });
        await db.SaveChangesAsync(ct);
        return outcomes;
    }

    // ----- the signed decision --------------------------------------------------------------------

    /// <summary>
    /// The coordination office records the chairman's signed decision: number and symbol, date, signer and the signed
    /// scan (PDF or image). Each dossier the session passed then finishes as recognised with that decision.
    /// </summary>
    public async Task<RecognitionDecisionRow> RecordDecisionAsync(Official official, Guid sessionId, DecisionRecordRequest request, string? fileName, Stream? scan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var session = await LoadAsync(sessionId, ct);
        MayCoordinate(official, session.ProvinceCode);
        if (session.State != CouncilSessionState.Tallied)
        {
            throw new DossierException(409, session.State == CouncilSessionState.Decided ? "Already recorded" : "Not tallied yet",
                session.State == CouncilSessionState.Decided ? $"The decision of session {session.Code} is already recorded." : $"Session {session.Code} has not been tallied yet.");
        }

        var passed = session.Agenda.Where(a => a.Outcome == CouncilOutcome.Passed).OrderBy(a => a.Order).ToList();
        var problems = new List<string>();
        if (passed.Count == 0)
        {
            problems.Add($"Session {session.Code} passed no dossier: there is no decision to record.");
        }

        var number = DecisionNumber().Match(request.Number?.Trim() ?? string.Empty);
        if (!number.Success)
        {
            problems.Add("number is the decision's number and symbol, e.g. 1763/QĐ-UBND.");
        }

        if (request.SignedOn is not { } signedOn || signedOn > Today || signedOn < session.MeetsOn)
        {
            problems.Add($"signedOn is required, not before the session ({session.MeetsOn:dd/MM/yyyy}) and not after today.");
        }

        if (string.IsNullOrWhiteSpace(request.Signer) || request.Signer.Length > 200)
        {
            problems.Add("signer (who signed, 1 to 200 characters) is required.");
        }

        if (scan is null || string.IsNullOrWhiteSpace(fileName))
        {
            problems.Add("The signed scan (PDF or image) is required.");
        }

        if (problems.Count > 0)
        {
            throw new DossierException(400, "The decision cannot be recorded", string.Join(" ", problems), problems);
        }

        var numberText = $"{number.Groups[1].Value}/QĐ-{number.Groups[2].Value}";
        if (await db.RecognitionDecisions.AnyAsync(d => d.ProvinceCode == session.ProvinceCode && d.Number == numberText, ct))
        {
            throw new DossierException(409, "Number already recorded", $"Decision {numberText} is already recorded in province {session.ProvinceCode}.");
        }

        var (content, kind, sha256) = await ReadScanAsync(fileName!, scan!, ct);
        var id = Guid.NewGuid();
        var key = $"council/{session.Id:N}/decision-{id:N}{kind.Extensions[0]}";
        await store.SaveAsync(key, new MemoryStream(content, writable: false), kind.ContentType, ct);
        var decision = new RecognitionDecisionRow
        {
            Id = id, SessionId = session.Id, ProvinceCode = session.ProvinceCode, Number = numberText, SignedOn = request.SignedOn!.Value, Signer = request.Signer!.Trim(),
            ScanBlob = key, ScanFileName = DocumentContent.SafeFileName(fileName, kind), ScanContentType = kind.ContentType, ScanLength = content.Length, ScanSha256 = sha256,
            RecordedAt = clock.GetUtcNow(), RecordedBy = official.UserName,
        };
        try
        {
            db.RecognitionDecisions.Add(decision);
            session.State = CouncilSessionState.Decided;
            AuditTrail.Record(db, official.UserName, "council.decisionRecorded", Subject(session.Id),
                new { decision.Number, decision.SignedOn, decision.Signer, decision.ScanSha256, dossiers = passed.Select(p => p.DossierCode) });
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            await store.DeleteAsync(key, CancellationToken.None);
            throw new DossierException(409, "Already recorded", $"A decision for session {session.Code} or numbered {numberText} was recorded meanwhile.");
        }

        foreach (var item in passed)
        {
            await dossiers.RecordRecognitionAsync(official, item.DossierId, decision.Number, decision.SignedOn, decision.Signer, ct);
        }

        return decision;
    }

    public async Task<RecognitionDecisionRow?> DecisionOfAsync(Guid sessionId, CancellationToken ct) =>
        await db.RecognitionDecisions.AsNoTracking().SingleOrDefaultAsync(d => d.SessionId == sessionId, ct);

    public async Task<StoredDocument?> OpenScanAsync(RecognitionDecisionRow decision, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return await store.OpenAsync(decision.ScanBlob, ct);
    }

    // ----- reading --------------------------------------------------------------------------------

    public async Task<CouncilSessionRow> LoadAsync(Guid sessionId, CancellationToken ct) =>
        await db.CouncilSessions.Include(s => s.Members).Include(s => s.Agenda).AsSplitQuery().SingleOrDefaultAsync(s => s.Id == sessionId, ct)
        ?? throw new DossierException(404, "Not found", $"There is no council session {sessionId}.");

    public async Task<List<CouncilSessionRow>> SessionsAsync(string provinceCode, CancellationToken ct) =>
        (await db.CouncilSessions.AsNoTracking().Include(s => s.Agenda).Where(s => s.ProvinceCode == provinceCode).ToListAsync(ct))
        .OrderByDescending(s => s.MeetsOn).ThenByDescending(s => s.Code, StringComparer.Ordinal).ToList();

    public async Task<List<CouncilBallotRow>> BallotsAsync(Guid sessionId, CancellationToken ct) =>
        await db.CouncilBallots.AsNoTracking().Where(b => b.SessionId == sessionId).OrderBy(b => b.CastAt).ToListAsync(ct);

    /// <summary>Who may see a session: its province's council, coordination office and administrators, and the chairman.</summary>
    public static bool MayRead(Official official, CouncilSessionRow session)
    {
        ArgumentNullException.ThrowIfNull(official);
        ArgumentNullException.ThrowIfNull(session);
        return session.Members.Any(m => string.Equals(m.UserName, official.UserName, StringComparison.OrdinalIgnoreCase))
               || official.Holds(Roles.CouncilMember, new UnitKey(UnitKey.Council, session.ProvinceCode))
               || official.Holds(Roles.CouncilSecretary, new UnitKey(UnitKey.Council, session.ProvinceCode))
               || official.Holds(Roles.CoordinationOffice, new UnitKey(UnitKey.CoordinationOffice, session.ProvinceCode))
               || official.Holds(Roles.Chairman, new UnitKey(UnitKey.Province, session.ProvinceCode))
               || official.Administers(session.ProvinceCode);
    }

    public static bool IsSecretary(Official official, CouncilSessionRow session)
    {
        ArgumentNullException.ThrowIfNull(official);
        ArgumentNullException.ThrowIfNull(session);
        return official.Holds(Roles.CouncilSecretary, new UnitKey(UnitKey.Council, session.ProvinceCode));
    }

    public static bool IsCoordinator(Official official, string provinceCode)
    {
        ArgumentNullException.ThrowIfNull(official);
        return official.Holds(Roles.CoordinationOffice, new UnitKey(UnitKey.CoordinationOffice, provinceCode)) || official.Administers(provinceCode);
    }

    /// <summary>The voting members in seat order: the ballots' order within each dossier.</summary>
    public static List<CouncilSessionMemberRow> Voters(CouncilSessionRow session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return [.. session.Members.Where(m => m.Position.Votes()).OrderBy(m => m.Seat)];
    }

    public static string PositionText(CouncilPosition position) => position switch
    {
        CouncilPosition.Chair => "Chủ tịch Hội đồng",
        CouncilPosition.ViceChair => "Phó Chủ tịch Hội đồng",
        CouncilPosition.Member => "Ủy viên",
        _ => "Thư ký",
    };

    public static string Subject(Guid sessionId) => $"council-session/{sessionId}";

    // ----- helpers --------------------------------------------------------------------------------

    private static void Seat(CouncilSessionRow session, List<CouncilMemberRow> members)
    {
        var seat = 0;
        foreach (var member in members.OrderBy(m => m.Position).ThenBy(m => m.From).ThenBy(m => m.Id))
        {
            seat++;
            var existing = session.Members.FirstOrDefault(m => m.MemberId == member.Id);
            if (existing is null)
            {
                session.Members.Add(new CouncilSessionMemberRow
                {
                    SessionId = session.Id, MemberId = member.Id, Seat = seat, UserName = member.UserName, FullName = member.FullName, Position = member.Position, Title = member.Title,
                });
            }
            else
            {
                existing.Seat = seat;
            }
        }
    }

    private async Task<TaskView> SessionTaskAsync(Official official, CouncilSessionRow session, string elementId, CancellationToken ct)
    {
        IReadOnlyList<TaskView> tasks = session.InstanceId is { } instanceId ? await engine.ListTasksAsync(instanceId, ct) : [];
        var task = tasks.FirstOrDefault(t => t.ElementId == elementId)
                   ?? throw new DossierException(409, "Not this step", $"Session {session.Code} is not at this step ({string.Join(", ", tasks.Select(t => t.Name).Distinct()) switch { "" => session.State.ToString(), var names => "now: " + names }}).");
        if (!DossierService.MayAct(official, task))
        {
            throw Forbidden($"{official.FullName} cannot act on '{task.Name}' of session {session.Code}: it is the secretary's.");
        }

        return task;
    }

    private async Task CompleteAsync(CouncilSessionRow session, TaskView task, Dictionary<string, JsonNode?>? variables, Official official, CancellationToken ct)
    {
        try
        {
            await engine.CompleteTaskAsync(task.Id, variables, official.UserName, ct);
        }
        catch (WorkflowException e) when (e.Kind is WorkflowErrorKind.NotFound or WorkflowErrorKind.Conflict)
        {
            throw new DossierException(409, "The step was already completed", $"'{task.Name}' of session {session.Code} was completed meanwhile: {e.Message}");
        }
    }

    private async Task<(byte[] Content, DocumentKind Kind, string Sha256)> ReadScanAsync(string fileName, Stream scan, CancellationToken ct)
    {
        var limit = documentOptions.Value.MaxDocumentBytes;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await scan.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new DossierException(413, "Too large", $"'{fileName}' is larger than the {limit / (1024 * 1024)} MiB a document may have.");
            }

            buffer.Write(chunk, 0, read);
        }

        var content = buffer.ToArray();
        var sniffed = DocumentContent.SniffHead(content, fileName);
        if (sniffed.Kind is not { } kind || !(kind == DocumentContent.Pdf || kind == DocumentContent.Png || kind == DocumentContent.Jpeg || kind == DocumentContent.Tiff))
        {
            throw new DossierException(415, "Not a scan", $"'{fileName}' is not a PDF or an image (PNG, JPEG, TIFF): the signed decision is recorded as its scan.");
        }

        return (content, kind, Convert.ToHexStringLower(SHA256.HashData(content)));
    }

    private static string OutcomeVariable(CouncilOutcome outcome) => outcome switch
    {
        CouncilOutcome.Passed => "passed",
        CouncilOutcome.NotPassed => "notPassed",
        _ => "noQuorum",
    };

    private static void MayManage(Official official, string provinceCode)
    {
        if (!official.Administers(provinceCode) && !official.Holds(Roles.CoordinationOffice, new UnitKey(UnitKey.CoordinationOffice, provinceCode)))
        {
            throw Forbidden($"{official.FullName} does not administer the council of province {provinceCode}.");
        }
    }

    private static void MayCoordinate(Official official, string provinceCode)
    {
        if (!IsCoordinator(official, provinceCode))
        {
            throw Forbidden($"{official.FullName} is not of the coordination office of province {provinceCode}.");
        }
    }

    [GeneratedRegex(@"^(\d{1,6})\s*/\s*QĐ-([\p{L}\d]+(?:-[\p{L}\d]+)*)$")]
    private static partial Regex DecisionNumber();

    private static DossierException Bad(string detail) => new(400, "Bad request", detail);

    private static DossierException Forbidden(string detail) => new(403, "Not yours", detail);
}

public static class CouncilPositions
{
    /// <summary>Whether the seat votes: every seat but the secretary's.</summary>
    public static bool Votes(this CouncilPosition position) => position != CouncilPosition.Secretary;
}
