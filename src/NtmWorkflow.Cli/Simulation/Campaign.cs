using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Cli.Scenarios;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Workflows;
using NtmWorkflow.Web.Infrastructure;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Cli.Simulation;

/// <summary>One commune's dossier as the simulator follows it.</summary>
internal sealed class DossierTrack(CampaignCommune commune, DateTimeOffset opensAt)
{
    public CampaignCommune Commune { get; } = commune;

    public DateTimeOffset OpensAt { get; } = opensAt;

    public Guid Id { get; set; }

    public Guid InstanceId { get; set; }

    public string ProvinceCode { get; set; } = commune.ProvinceCode;

    /// <summary>Open tasks the simulator has seen (and planned an action for, or knows the council handles).</summary>
    public HashSet<Guid> KnownTasks { get; } = [];

    /// <summary>Tasks with an action planned and not yet taken.</summary>
    public HashSet<Guid> PlannedTasks { get; } = [];

    public int Returns { get; set; }

    /// <summary>Drawn once: the council votes this dossier down.</summary>
    public bool CouncilRejects { get; set; }

    /// <summary>What the simulator expects the dossier's end to be: set when the council's vote or the decision makes it so.</summary>
    public DossierStatus Expected { get; set; } = DossierStatus.InProgress;

    /// <summary>On a session's agenda (the council's session, not the dossier, has the next step).</summary>
    public Guid? Session { get; set; }
}

/// <summary>What happens at a moment of simulated time: a dossier's step, or a province's council work.</summary>
internal sealed record CampaignEvent(DateTimeOffset At, CampaignEventKind Kind, DossierTrack? Dossier = null, Guid TaskId = default, string? Province = null, Guid SessionId = default);

internal enum CampaignEventKind
{
    OpenDossier,
    DossierTask,
    PlanSession,
    HoldSession,
    SignDecision,
}

/// <summary>
/// A national campaign: communes open their dossiers and simulated officials act on every task at a desk
/// (<see cref="ICampaignDesk"/>). Two grounds:
/// <list type="bullet">
/// <item>In this process, the clock jumping from event to event (<see cref="ManualClock"/>): the officials call the services
/// the pages call (<see cref="DossierService"/>, <see cref="CouncilService"/>), timers fire through
/// <see cref="WorkflowEngine.FireDueTimersAsync"/> as the alarm clock's job calls it, and mail leaves through
/// <see cref="OutboxSender"/> to the pickup folder. Quartz itself is not used: it rings in real time, and this clock jumps.</item>
/// <item>On app nodes (<see cref="AppNodes"/>), the clock fast-forwarded in real time (<see cref="NtmWorkflow.Web.Infrastructure.FastForwardClock"/>):
/// the officials call the nodes' JSON API, and the nodes' own alarm clocks and outbox senders do the background work.</item>
/// </list>
/// </summary>
internal sealed class Campaign(IServiceProvider services, TimeProvider clock, ICampaignDesk desk, CampaignOptions options, CampaignOfficials officials, Figures figures, TextWriter log)
{
    private const int AgendaMax = 30;
    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(15);
    private static readonly byte[] DecisionScan = DemoDossiers.SamplePdf.ToArray();

    private readonly PriorityQueue<CampaignEvent, (DateTimeOffset, long)> _queue = new();
    private readonly Lock _queueLock = new();
    private readonly Random _random = new(options.Seed);
    private readonly Lock _randomLock = new();
    private readonly ConcurrentDictionary<string, int> _decisionNumbers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly Stopwatch _wall = new();
    private long _sequence;
    private IReadOnlyDictionary<string, MeasurementKind> _kinds = new Dictionary<string, MeasurementKind>();
    private WorkingCalendar _calendar = null!;
    private WorkflowTimerOptions _timers = null!;
    private int _timerLoops = 1;

    public List<DossierTrack> Dossiers { get; } = [];

    public IReadOnlyCollection<string> Errors => _errors;

    public DateTimeOffset End => VietnamTime.At(options.Start.AddDays(options.Days), TimeOnly.MinValue);

    public TimeSpan Elapsed => _wall.Elapsed;

    /// <summary>Wall-clock seconds each timer waited between the simulated clock reaching its due time and its firing.</summary>
    public List<double> TimerLateness { get; } = [];

    public async Task RunAsync(IReadOnlyList<CampaignCommune> communes, CancellationToken ct)
    {
        _calendar = services.GetRequiredService<WorkflowEngine>().Calendar;
        _timers = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WorkflowTimerOptions>>().Value;
        _timerLoops = _timers.LoopsFor(services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value.Provider);
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var set = await scope.ServiceProvider.GetRequiredService<CriteriaCatalog>().SetInForceAsync(CriteriaSubject.Commune, RecognitionTier.Ntm, options.Start, ct);
            _kinds = await db.Indicators.AsNoTracking().Where(i => i.Criterion.CriteriaSetId == set!.Id).ToDictionaryAsync(i => i.Number, i => i.Kind, ct);
        }

        // Each commune opens on a working day of the opening months; each province's office plans a session every few working days.
        foreach (var commune in communes)
        {
            var track = new DossierTrack(commune, OfficeMoment(VietnamTime.At(options.Start, TimeOnly.MinValue).AddDays(Draw() * options.OpeningDays)))
            {
                CouncilRejects = Draw() < options.CouncilRejectShare,
            };
            Dossiers.Add(track);
            Schedule(new CampaignEvent(track.OpensAt, CampaignEventKind.OpenDossier, track));
        }

        var provinces = communes.Select(c => c.ProvinceCode).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var (province, index) in provinces.Select((p, i) => (p, i)))
        {
            var first = _calendar.StartOfWorkingDay(_calendar.AddWorkingDays(VietnamTime.At(options.Start, new TimeOnly(8, 0)), 20 + index % options.CouncilEveryWorkingDays));
            Schedule(new CampaignEvent(first, CampaignEventKind.PlanSession, Province: province));
        }

        _wall.Start();
        if (clock is ManualClock manual)
        {
            await RunJumpingAsync(manual, ct);
        }
        else
        {
            await RunInRealTimeAsync(ct);
        }

        _wall.Stop();
    }

    /// <summary>In this process: the clock jumps to the next event or timer; timers fire and mail leaves here.</summary>
    private async Task RunJumpingAsync(ManualClock manual, CancellationToken ct)
    {
        var outbox = services.GetRequiredService<OutboxSender>();
        var engine = services.GetRequiredService<WorkflowEngine>();
        var lastReport = Stopwatch.StartNew();
        while (!ct.IsCancellationRequested)
        {
            var nextEvent = PeekTime();
            var nextTimer = await engine.NextTimerDueAsync(ct) ?? DateTimeOffset.MaxValue;
            var next = nextEvent < nextTimer ? nextEvent : nextTimer;
            if (next >= End)
            {
                break;
            }

            if (next > manual.GetUtcNow())
            {
                manual.Set(next);
            }

            await FireTimersAsync(engine, ct);
            var batch = TakeDue();
            if (batch.Count > 0)
            {
                await RunBatchAsync(batch, ct);
            }

            await SendMailAsync(outbox, ct);
            await ReportAsync(lastReport);
        }

        // The year is over: what fell due before its end fires, and the mail it causes leaves.
        manual.Set(End);
        await FireTimersAsync(engine, ct);
        await SendMailAsync(outbox, ct);
    }

    /// <summary>On app nodes: the clock runs on its own; the officials wait for each event's time, the nodes do the rest.</summary>
    private async Task RunInRealTimeAsync(CancellationToken ct)
    {
        var lastReport = Stopwatch.StartNew();
        while (!ct.IsCancellationRequested)
        {
            var next = PeekTime();
            if (next >= End)
            {
                break;
            }

            var wait = clock.RealTime(next - clock.GetUtcNow());
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait < TimeSpan.FromSeconds(5) ? wait : TimeSpan.FromSeconds(5), ct);
                continue;
            }

            var batch = TakeDue();
            figures.Record("officials behind the clock (real time)", clock.RealTime(clock.GetUtcNow() - batch[0].At).TotalSeconds * 1000);
            await RunBatchAsync(batch, ct);
            await ReportAsync(lastReport);
        }
    }

    private async Task ReportAsync(Stopwatch lastReport)
    {
        if (lastReport.Elapsed > TimeSpan.FromSeconds(30))
        {
            lastReport.Restart();
            await log.WriteLineAsync($"  … {VietnamTime.VietnamDate(clock.GetUtcNow()):yyyy-MM-dd}: {figures.Counter("steps"):N0} steps, {_wall.Elapsed.TotalSeconds:N0} s");
        }
    }

    // ----- the event queue ----------------------------------------------------------------------

    private void Schedule(CampaignEvent e)
    {
        var now = clock.GetUtcNow();
        lock (_queueLock)
        {
            var at = e.At < now ? now : e.At;
            _queue.Enqueue(e with { At = at }, (at, _sequence++));
        }
    }

    private DateTimeOffset PeekTime()
    {
        lock (_queueLock)
        {
            return _queue.TryPeek(out var e, out _) ? e.At : DateTimeOffset.MaxValue;
        }
    }

    private List<CampaignEvent> TakeDue()
    {
        var now = clock.GetUtcNow();
        var due = new List<CampaignEvent>();
        lock (_queueLock)
        {
            while (_queue.TryPeek(out var e, out _) && e.At <= now)
            {
                due.Add(_queue.Dequeue());
            }
        }

        return due;
    }

    private double Draw()
    {
        lock (_randomLock)
        {
            return _random.NextDouble();
        }
    }

    /// <summary>The instant rounded up to the next quarter hour inside office hours on a working day: when an official acts.</summary>
    private DateTimeOffset OfficeMoment(DateTimeOffset instant)
    {
        var local = instant.ToVietnamTime();
        var quarter = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, local.Minute / 15 * 15, 0, VietnamTime.Offset);
        if (quarter < local)
        {
            quarter += Slot;
        }

        var day = DateOnly.FromDateTime(quarter.DateTime);
        var time = TimeOnly.FromDateTime(quarter.DateTime);
        var hours = _calendar.Hours;
        if (!_calendar.IsWorkingDay(day) || time >= hours.AfternoonEnd.Add(-Slot))
        {
            return _calendar.StartOfWorkingDay(_calendar.AddWorkingDays(VietnamTime.At(day, hours.MorningStart), 1)).Add(Slot);
        }

        return time < hours.MorningStart ? VietnamTime.At(day, hours.MorningStart).Add(Slot) : quarter;
    }

    /// <summary>When an official takes a task: within its time, or (the late share) one to eight working days after its deadline.</summary>
    private DateTimeOffset ActingTime(CampaignTask task, DateTimeOffset now)
    {
        if (task.Due is not { } due || due <= now)
        {
            return OfficeMoment(now.Add(Slot));
        }

        if (Draw() < options.LateShare)
        {
            return OfficeMoment(_calendar.AddWorkingDays(due, 1 + (int)(Draw() * 8)));
        }

        var working = _calendar.WorkingTimeBetween(now, due);
        return OfficeMoment(_calendar.AddWorkingTime(now, working * (0.15 + 0.75 * Draw())));
    }

    // ----- timers and mail ----------------------------------------------------------------------

    public const string TimerOperation = "timers (a batch)";

    public const string OutboxOperation = "outbox (batch of ≤ 20)";

    private async Task FireTimersAsync(WorkflowEngine engine, CancellationToken ct)
    {
        // As the alarm's job fires them (its batch and claimers side by side). Lateness is real time: how long the timers
        // due at this moment wait while the node works through the burst, taken as each batch ends.
        var reached = Stopwatch.GetTimestamp();
        using var counted = DatabaseCommands.For(TimerOperation);
        await DueTimerFiring.FireAsync(engine, clock, _timers.BatchSize, _timerLoops, (fired, took, _) =>
        {
            figures.Record(TimerOperation, took.TotalMilliseconds);
            figures.Count("timers fired", fired);
            figures.Count("steps", fired);
            var late = Stopwatch.GetElapsedTime(reached).TotalSeconds;
            lock (TimerLateness)
            {
                TimerLateness.AddRange(Enumerable.Repeat(late, fired));
            }

            return Task.CompletedTask;
        }, ct);
    }

    private async Task SendMailAsync(OutboxSender outbox, CancellationToken ct)
    {
        int sent;
        do
        {
            using var counted = DatabaseCommands.For(OutboxOperation);
            var started = Stopwatch.GetTimestamp();
            sent = await outbox.SendDueAsync(ct);
            if (sent > 0)
            {
                figures.Record(OutboxOperation, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        while (sent > 0);
    }

    // ----- officials at work ----------------------------------------------------------------------

    private async Task RunBatchAsync(List<CampaignEvent> batch, CancellationToken ct)
    {
        // A dossier's events in order, a province's council work in order; different ones at once, as different officials would.
        var groups = batch.GroupBy(e => e.Dossier is { } d ? "d:" + d.Commune.Code : "p:" + e.Province).Select(g => g.ToList()).ToList();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = options.EffectiveWorkers, CancellationToken = ct }, async (group, token) =>
        {
            foreach (var e in group)
            {
                try
                {
                    await RunAsync(e, token);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    var what = e.Dossier is { } d ? $"dossier of {d.Commune.Code}" : $"council of {e.Province}";
                    _errors.Enqueue($"{e.At.ToVietnamTime():yyyy-MM-dd HH:mm} {e.Kind} ({what}): {error.GetType().Name}: {error.Message}");
                    figures.Count("errors");
                }
            }
        });
    }

    private async Task RunAsync(CampaignEvent e, CancellationToken ct)
    {
        await using var sp = desk.Visit();
        switch (e.Kind)
        {
            case CampaignEventKind.OpenDossier:
                await OpenAsync(sp, e.Dossier!, ct);
                break;
            case CampaignEventKind.DossierTask:
                await ActAsync(sp, e.Dossier!, e.TaskId, ct);
                break;
            case CampaignEventKind.PlanSession:
                await PlanSessionAsync(sp, e.Province!, ct);
                break;
            case CampaignEventKind.HoldSession:
                await HoldSessionAsync(sp, e.Province!, e.SessionId, ct);
                break;
            case CampaignEventKind.SignDecision:
                await SignDecisionAsync(sp, e.Province!, e.SessionId, ct);
                break;
        }
    }

    private async Task<T> TimedAsync<T>(string operation, Func<Task<T>> act)
    {
        using var counted = DatabaseCommands.For(operation);
        var started = Stopwatch.GetTimestamp();
        var result = await act();
        figures.Record(operation, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        figures.Count("steps");
        return result;
    }

    private Task<bool> TimedAsync(string operation, Func<Task> act) => TimedAsync(operation, async () =>
    {
        await act();
        return true;
    });

    private async Task OpenAsync(ICampaignVisit sp, DossierTrack track, CancellationToken ct)
    {
        var officer = officials.For($"commune-{track.Commune.Code}")!;
        var dossier = await TimedAsync("open dossier", () => sp.OpenDossierAsync(officer,
            new OpenDossierRequest(track.Commune.Code, RecognitionTier.Ntm, null, null, null, "*", VietnamTime.VietnamDate(clock.GetUtcNow()), null), ct));
        track.Id = dossier.Id;
        track.InstanceId = dossier.InstanceId;
        track.ProvinceCode = dossier.ProvinceCode;
        await FollowAsync(sp, track, ct);
    }

    /// <summary>Reads the dossier's open tasks and plans an action for each new one (the council's own steps are planned by the province).</summary>
    private async Task FollowAsync(ICampaignVisit sp, DossierTrack track, CancellationToken ct)
    {
        var tasks = await sp.TasksAsync(track.Id, track.InstanceId, ct);
        var now = clock.GetUtcNow();
        lock (track)
        {
            track.KnownTasks.IntersectWith(tasks.Select(t => t.Id));
            foreach (var task in tasks.Where(t => track.KnownTasks.Add(t.Id)))
            {
                if (task.FormKey is "ntm:council-agenda" or "ntm:recognition-decision")
                {
                    continue; // the coordination office takes these on the council's page
                }

                track.PlannedTasks.Add(task.Id);
                Schedule(new CampaignEvent(ActingTime(task, now), CampaignEventKind.DossierTask, track, task.Id));
            }
        }
    }

    private async Task ActAsync(ICampaignVisit sp, DossierTrack track, Guid taskId, CancellationToken ct)
    {
        lock (track)
        {
            track.PlannedTasks.Remove(taskId);
        }

        var dossiers = sp;
        var task = (await sp.TasksAsync(track.Id, track.InstanceId, ct)).FirstOrDefault(t => t.Id == taskId)
                   ?? throw new InvalidOperationException($"Task {taskId} is no longer open.");
        var official = task.CandidateGroups.Select(officials.For).FirstOrDefault(o => o is not null)
                       ?? throw new InvalidOperationException($"No simulated official is in {string.Join(", ", task.CandidateGroups)} for '{task.Name}'.");
        var mayReturn = track.Returns < 2 && Draw() < options.ReturnShare;
        switch (task.FormKey)
        {
            case "ntm:self-assessment":
                await TimedAsync("self-assessment: 58 indicators", () => dossiers.SetIndicatorsAsync(official, track.Id,
                    [.. _kinds.Select(k => (k.Key, new IndicatorValueRequest(JsonDocument.Parse(DemoDossiers.MetValue(k.Value)).RootElement, true, null)))], ct));
                await TimedAsync("self-assessment: complete", () => dossiers.CompleteCommuneStepAsync(official, track.Id, CommuneStep.SelfAssessment, ct));
                break;
            case "ntm:posting-survey":
                var today = VietnamTime.VietnamDate(clock.GetUtcNow());
                await TimedAsync("posting and survey", async () =>
                {
                    await dossiers.SetConditionsAsync(official, track.Id, new ConditionsRequest(95.5m, 1200, true, SecurityOrderStatus.NotComplicated, today.AddDays(-30), today, 2,
                        "Ý kiến về đường liên thôn (mô phỏng)"), ct);
                    await dossiers.CompleteCommuneStepAsync(official, track.Id, CommuneStep.PostingAndSurvey, ct);
                });
                break;
            case "ntm:submit-dossier":
                await TimedAsync("submit", () => dossiers.CompleteCommuneStepAsync(official, track.Id, CommuneStep.Submit, ct));
                break;
            case "ntm:supplement" when task.CandidateGroups.Contains($"commune-{track.Commune.Code}"):
                await TimedAsync("supplement and resubmit", async () =>
                {
                    var reopened = await dossiers.ReopenedIndicatorsAsync(track.Id, official, ct);
                    if (reopened.Count > 0)
                    {
                        await dossiers.SetIndicatorsAsync(official, track.Id,
                            [.. reopened.Select(n => (n, new IndicatorValueRequest(JsonDocument.Parse(DemoDossiers.MetValue(_kinds[n])).RootElement, true, "Bổ sung theo yêu cầu (mô phỏng)")))], ct);
                    }

                    await dossiers.CompleteCommuneStepAsync(official, track.Id, CommuneStep.Submit, ct);
                });
                break;
            case "ntm:district-verification" or "ntm:intake" or "ntm:verification" or "ntm:department-review":
                var step = task.FormKey["ntm:".Length..];
                var returnItem = ReturnItem(track, task);
                var review = mayReturn && returnItem is not null
                    ? new ReviewRequest("return", "Đề nghị bổ sung hồ sơ (mô phỏng)", null, [returnItem])
                    : new ReviewRequest("forward", null, null, null);
                await TimedAsync($"review: {step}", () => dossiers.ReviewAsync(official, track.Id, task.Id, review, ct));
                if (review.Decision == "return")
                {
                    track.Returns++;
                    figures.Count("returns");
                }

                break;
            default:
                // The district's own steps on the three-tier path (publication, submission to the province, its supplement)
                // have no form of their own: the official completes the task as the workflow API does.
                await TimedAsync($"task: {task.ElementId}", () => dossiers.CompleteTaskAsync(official, track.InstanceId, task.Id, ct));
                break;
        }

        figures.Count("dossier tasks completed");
        await FollowAsync(sp, track, ct);
    }

    private string? ReturnItem(DossierTrack track, CampaignTask task)
    {
        if (task.FormKey != "ntm:department-review")
        {
            return _kinds.Keys.ElementAt((int)(Draw() * _kinds.Count));
        }

        var kind = task.CandidateGroups.Select(CandidateGroups.Parse).FirstOrDefault(p => p?.Unit.Kind == UnitKey.Department)?.Unit.Code.Split('/')[1];
        return kind is not null && officials.DepartmentIndicators[track.ProvinceCode].TryGetValue(kind, out var own) && own.Count > 0 ? own[(int)(Draw() * own.Count)] : null;
    }

    // ----- the council ----------------------------------------------------------------------------

    private async Task PlanSessionAsync(ICampaignVisit sp, string province, CancellationToken ct)
    {
        var council = sp;
        var now = clock.GetUtcNow();
        var candidates = (await council.AgendaCandidatesAsync(officials.Office(province), province, ct)).Take(AgendaMax).ToList();
        var next = _calendar.AddWorkingDays(_calendar.StartOfWorkingDay(now), options.CouncilEveryWorkingDays).AddMinutes(30);
        Schedule(new CampaignEvent(next, CampaignEventKind.PlanSession, Province: province));
        if (candidates.Count == 0)
        {
            return;
        }

        var meetsOn = VietnamTime.VietnamDate(_calendar.AddWorkingDays(now, 2));
        var session = await TimedAsync("council: plan session", () => council.PlanSessionAsync(officials.Office(province), province,
            new PlanSessionRequest(meetsOn, "Phòng họp UBND tỉnh (mô phỏng)", [.. candidates]), ct));
        figures.Count("dossier tasks completed", candidates.Count);
        foreach (var track in Tracks(candidates))
        {
            track.Session = session.Id;
        }

        Schedule(new CampaignEvent(VietnamTime.At(meetsOn, new TimeOnly(8, 30)), CampaignEventKind.HoldSession, Province: province, SessionId: session.Id));
    }

    private async Task HoldSessionAsync(ICampaignVisit sp, string province, Guid sessionId, CancellationToken ct)
    {
        var council = sp;
        var session = await council.SessionAsync(officials.Office(province), sessionId, ct);
        var members = officials.Councils[session.ProvinceCode];
        var quorum = Draw() >= options.NoQuorumShare;
        var present = quorum ? members.Voters : members.Voters.Take(1).ToList();
        await TimedAsync("council: roll call", () => council.RollCallAsync(members.Secretary, sessionId, new RollCallRequest([.. present.Select(p => p.UserName)]), ct));
        await TimedAsync("council: reports", async () =>
        {
            await council.PresentReportAsync(members.Secretary, sessionId, "appraisal", ct);
            await council.PresentReportAsync(members.Secretary, sessionId, "satisfaction", ct);
        });
        var agenda = Tracks(session.Agenda.Select(a => a.DossierId)).ToList();
        foreach (var track in agenda)
        {
            foreach (var voter in present)
            {
                var ballot = track.CouncilRejects
                    ? new BallotRequest(BallotChoice.Disagree, "Chưa đủ điều kiện công nhận (mô phỏng)")
                    : new BallotRequest(BallotChoice.Agree, null);
                await TimedAsync("council: ballot", () => council.CastAsync(voter, sessionId, track.Id, ballot, ct));
            }
        }

        var closed = await TimedAsync("council: close and tally", () => council.CloseAsync(members.Secretary, sessionId, ct));
        var outcomes = closed.Agenda.ToDictionary(a => a.DossierId, a => a.Outcome);
        var passed = false;
        foreach (var track in agenda)
        {
            track.Session = null;
            switch (outcomes.GetValueOrDefault(track.Id))
            {
                case CouncilOutcome.Passed:
                    passed = true;
                    break;
                case CouncilOutcome.NoQuorum:
                    figures.Count("dossiers back on the agenda (no quorum)");
                    break;
                default:
                    track.Expected = DossierStatus.NotRecognised;
                    break;
            }

            await FollowAsync(sp, track, ct);
        }

        if (passed)
        {
            var signs = Draw() < options.LateShare
                ? _calendar.AddWorkingDays(clock.GetUtcNow(), 8 + (int)(Draw() * 8))
                : _calendar.AddWorkingDays(clock.GetUtcNow(), 1 + (int)(Draw() * 4));
            Schedule(new CampaignEvent(OfficeMoment(signs), CampaignEventKind.SignDecision, Province: session.ProvinceCode, SessionId: sessionId));
        }
    }

    private async Task SignDecisionAsync(ICampaignVisit sp, string province, Guid sessionId, CancellationToken ct)
    {
        var council = sp;
        var session = await council.SessionAsync(officials.Office(province), sessionId, ct);
        var number = _decisionNumbers.AddOrUpdate(session.ProvinceCode, 1, (_, n) => n + 1);
        var today = VietnamTime.VietnamDate(clock.GetUtcNow());
        await TimedAsync("council: record the decision", () => council.RecordDecisionAsync(officials.Office(session.ProvinceCode), sessionId,
            new DecisionRecordRequest($"{number}/QĐ-UBND", today, $"Chủ tịch UBND tỉnh {session.ProvinceCode}"), "quyet-dinh-cong-nhan.pdf", DecisionScan, ct));
        foreach (var track in Tracks(session.Agenda.Where(a => a.Outcome == CouncilOutcome.Passed).Select(a => a.DossierId)))
        {
            track.Expected = DossierStatus.Recognised;
            figures.Count("dossier tasks completed");
            await FollowAsync(sp, track, ct);
        }
    }

    private IEnumerable<DossierTrack> Tracks(IEnumerable<Guid> dossierIds)
    {
        var ids = dossierIds.ToHashSet();
        return Dossiers.Where(d => ids.Contains(d.Id));
    }
}
