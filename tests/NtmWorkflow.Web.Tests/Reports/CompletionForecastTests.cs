using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Calendar;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Reports;
using NtmWorkflow.Web.Features.Workflows.Store;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests.Reports;

/// <summary>
/// The completion forecast against a seeded province whose answer is worked out by hand (Hà Nội, 01, year 2026), on the
/// shipped two-tier process and legal parameters, as of Monday 1 June 2026, 09:00 in Vietnam, with a day off added on
/// Wednesday 10 June 2026 (no statutory holiday falls in June or early July 2026). Office hours close at 17:00.
/// <para>History (completed tasks of province 01, created Monday 2 March 2026, 09:00; March 2026 has no day off, so
/// N working days later is the N-th weekday after 2/3: 3/3 = 1, 4/3 = 2, 5/3 = 3, 6/3 = 4, 9/3 = 5, 10/3 = 6, 12/3 = 8,
/// 13/3 = 9, 18/3 = 12):</para>
/// <list type="bullet">
/// <item>coordination office, <c>scheduleCouncil</c>: 5, 6, 9 working days → median 6 (the 9 is dossier D's own);</item>
/// <item>coordination office, <c>recognitionDecision</c>: 2, 4, 3 → median 3 (a 30-day one of province 02 is left out);</item>
/// <item>Agriculture and Environment (X), <c>departmentReview</c>: 8, 9, 12 → median 9 (its deadline is 7);</item>
/// <item>Construction (Y), <c>departmentReview</c>: 2 tasks, under the minimum of 3 → its deadline (7, or its open task's).</item>
/// </list>
/// <para>Dossiers in progress, and the hand count (AddWorkingDays: the close of the N-th working day after the day):</para>
/// <list type="bullet">
/// <item>A waits at <c>scheduleCouncil</c> since Fri 29/5 10:00: 6 → Mon 8/6; then <c>recognitionDecision</c> 3 → Tue 9, (10 off),
/// Thu 11, Fri 12/6. <b>A: 12/06/2026.</b></item>
/// <item>B waits at <c>departmentReview</c> since Thu 28/5 09:00: X 9 → 29, 1, 2, 3, 4, 5, 8, 9, (10 off), 11 → Thu 11/6; Y by its
/// open task's due, Mon 8/6; the step ends with X, 11/6. <c>scheduleCouncil</c> 6 → Fri 19/6; <c>recognitionDecision</c> 3 →
/// <b>B: 24/06/2026.</b></item>
/// <item>C waits at <c>verification</c> (the coordination office, no history) since Mon 1/6 08:00: its due, Tue 16/6 (10 working
/// days with 10/6 off). <c>departmentReview</c>: X 9 → Mon 29/6, every other department its deadline 7 → Thu 25/6; ends 29/6.
/// <c>scheduleCouncil</c> 6 → Tue 7/7; <c>recognitionDecision</c> 3 → <b>C: 10/07/2026.</b></item>
/// <item>D has no open task: its last completed step is <c>scheduleCouncil</c>, so it waits for the council; from now,
/// <c>recognitionDecision</c> 3 → <b>D: 04/06/2026.</b></item>
/// </list>
/// <para>Against 30/06/2026, C is at risk; NTM target 5, recognised in 2026 so far 1, expected 1 + 3 = 4: not reached.
/// Against the default (31/12), nobody is at risk and 1 + 4 = 5 reaches it.</para>
/// <para>Working days ahead (from now for a step under way; d counted when start &lt; d ≤ end): the coordination office
/// A 5 + 3, B 6 + 3, C 10 + 6 + 3, D 3 = 39 over 4 dossiers (the bottleneck); X B 7 (1/6→11/6 without 10/6) + C 9
/// (16/6→29/6) = 16; Y B 5 (1/6→8/6) + C 7 (16/6→25/6) = 12.</para>
/// <para>Working days beyond deadlines (deadline &lt; d ≤ expected finish; the deadlines of the shipped parameters:
/// review 7, council scheduling 10, decision 5): X, B's open review due Mon 8/6 but expected Thu 11/6 → 9, (10 off), 11 = 2;
/// C's review, deadline 7 from Tue 16/6 → Thu 25/6, expected Mon 29/6 → 26, 29 = 2; X = 4. Y's steps go by their deadlines:
/// 0. The coordination office is faster than every deadline (A's scheduling due 15/6, expected 8/6; decisions 3 &lt; 5;
/// scheduling 6 &lt; 10; C's verification by its due): 0.</para>
/// </summary>
public abstract class CompletionForecastTests : AppTestHost
{
    private const string X = "department:01/nong-nghiep-moi-truong";
    private const string Y = "department:01/xay-dung";
    private const string Office = "coordination-office:01";

    private static readonly DateTimeOffset Now = Vn(2026, 6, 1, 9);

    private static DateTimeOffset Vn(int year, int month, int day, int hour = 9, int minute = 0) => new(year, month, day, hour, minute, 0, VietnamTime.Offset);

    protected override async Task SeedAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CalendarService>()
            .SaveAsync(new DayOffEntry(new DateOnly(2026, 6, 10), DayOffKind.SwappedDayOff, "Ngày nghỉ thử", "test"), "test", CancellationToken.None);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var communes = await db.AdministrativeUnits.Where(u => u.Level == Features.AdministrativeUnits.AdministrativeLevel.Commune && u.ValidTo == null && u.Parent!.Code == "01")
            .OrderBy(u => u.Code).Select(u => u.Code).Take(5).ToListAsync();
        var set = await db.CriteriaSets.OrderBy(s => s.Id).FirstAsync(s => s.Subject == CriteriaSubject.Commune);
        var version = await db.WorkflowDefinitions.Where(d => d.ProcessId == "ntm-commune-two-tier").MaxAsync(d => d.Version);

        DossierRow Dossier(int commune, string name, DossierStatus status, DateOnly? decision = null) => new()
        {
            Id = Guid.NewGuid(), Code = $"F-{name}", Tier = RecognitionTier.Ntm, Year = 2026, ProvinceCode = "01", CommuneCode = communes[commune], CommuneName = $"Xã {name}",
            OpenedOn = new DateOnly(2026, 1, 5), ProcessId = "ntm-commune-two-tier", CriteriaSetId = set.Id, CriteriaSetCode = set.Code, Status = status,
            DecisionDate = decision, DecisionNumber = decision is null ? null : "1/QĐ-UBND", CreatedAt = Vn(2026, 1, 5), CreatedBy = "test", UpdatedAt = Vn(2026, 1, 5),
        };
        var a = Dossier(0, "A", DossierStatus.InProgress);
        var b = Dossier(1, "B", DossierStatus.InProgress);
        var c = Dossier(2, "C", DossierStatus.InProgress);
        var d = Dossier(3, "D", DossierStatus.InProgress);
        var done = Dossier(4, "E", DossierStatus.Recognised, new DateOnly(2026, 3, 20));
        db.Dossiers.AddRange(a, b, c, d, done);

        WorkflowInstanceRow Instance(DossierRow dossier)
        {
            var row = new WorkflowInstanceRow
            {
                Id = Guid.NewGuid(), ProcessId = "ntm-commune-two-tier", Version = version, Status = InstanceStatus.Running, State = "{}", ProvinceCode = "01", DossierId = dossier.Id,
                StartedAt = dossier.CreatedAt, UpdatedAt = Now,
            };
            dossier.InstanceId = row.Id;
            db.WorkflowInstances.Add(row);
            return row;
        }

        void Open(DossierRow dossier, WorkflowInstanceRow instance, string element, string group, DateTimeOffset created, DateTimeOffset due) => db.WorkflowTasks.Add(new WorkflowTaskRow
        {
            Id = Guid.NewGuid(), InstanceId = instance.Id, ElementId = element, Name = element, CandidateUsers = "[]", CandidateGroups = $"[\"{group}\"]", Properties = "{}",
            Created = created, Due = due, DossierId = dossier.Id, CommuneCode = dossier.CommuneCode, CommuneName = dossier.CommuneName,
        });
        var (ia, ib, ic, id) = (Instance(a), Instance(b), Instance(c), Instance(d));
        Open(a, ia, "scheduleCouncil", "coordination-office-01", Vn(2026, 5, 29, 10), Vn(2026, 6, 15, 17));
        Open(b, ib, "departmentReview", "department-01-nong-nghiep-moi-truong", Vn(2026, 5, 28), Vn(2026, 6, 8, 17));
        Open(b, ib, "departmentReview", "department-01-xay-dung", Vn(2026, 5, 28), Vn(2026, 6, 8, 17));
        Open(c, ic, "verification", "coordination-office-01", Vn(2026, 6, 1, 8), Vn(2026, 6, 16, 17));

        CompletedTaskRow Done(string province, string unit, string element, int completedOnMarch, DossierRow? dossier = null) => new()
        {
            TaskId = Guid.NewGuid(), InstanceId = dossier?.InstanceId ?? Guid.NewGuid(), ProcessId = "ntm-commune-two-tier", ElementId = element, Name = element,
            ProvinceCode = province, UnitKey = unit, DossierId = dossier?.Id, CommuneCode = dossier?.CommuneCode, Created = Vn(2026, 3, 2),
            Due = null, Completed = Vn(2026, 3, completedOnMarch, 10), Timeliness = Timeliness.NoDeadline,
        };
        db.CompletedTasks.AddRange(
            Done("01", Office, "scheduleCouncil", 9), Done("01", Office, "scheduleCouncil", 10), Done("01", Office, "scheduleCouncil", 13, d),
            Done("01", Office, "recognitionDecision", 4), Done("01", Office, "recognitionDecision", 6), Done("01", Office, "recognitionDecision", 5),
            Done("02", Office, "recognitionDecision", 31),
            Done("01", X, "departmentReview", 12), Done("01", X, "departmentReview", 13), Done("01", X, "departmentReview", 18),
            Done("01", Y, "departmentReview", 4), Done("01", Y, "departmentReview", 5));
        db.ProgrammeTargets.Add(new ProgrammeTargetRow { ProvinceCode = "01", Year = 2026, Tier = RecognitionTier.Ntm, Count = 5 });
        await db.SaveChangesAsync();
    }

    private async Task<ForecastFigures> ForecastAsync(DateOnly? target, int minimumSample = 3)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var s = scope.ServiceProvider;
        var forecast = new CompletionForecast(s.GetRequiredService<AppDbContext>(), new FakeTimeProvider(Now), s.GetRequiredService<WorkflowEngine>(),
            s.GetRequiredService<Features.LegalParameters.LiveLegalParameters>(), s.GetRequiredService<CriteriaCatalog>(),
            Microsoft.Extensions.Options.Options.Create(new ForecastOptions { MinimumSample = minimumSample }));
        return await forecast.ForecastAsync("01", 2026, target, CancellationToken.None);
    }

    [Fact]
    public async Task The_forecast_of_a_seeded_province_is_the_known_answer()
    {
        var figures = await ForecastAsync(new DateOnly(2026, 6, 30));

        Assert.Equal(
            [("F-D", new DateOnly(2026, 6, 4)), ("F-A", new DateOnly(2026, 6, 12)), ("F-B", new DateOnly(2026, 6, 24)), ("F-C", new DateOnly(2026, 7, 10))],
            figures.Dossiers.Select(f => (f.Code, f.Estimated!.Value)));
        var late = Assert.Single(figures.AtRisk);
        Assert.Equal("Xã C", late.CommuneName);
        Assert.Equal(["verification"], late.WaitingAt);
        Assert.Equal([new DateOnly(2026, 6, 10)], figures.DaysOff);

        // B's review ends with the slower department, by its pace; Y's open task by its own due.
        var b = figures.Dossiers.Single(f => f.Code == "F-B");
        Assert.Equal((Vn(2026, 6, 11, 17), PaceSource.History, 3), Step(b, "departmentReview", X));
        Assert.Equal((Vn(2026, 6, 8, 17), PaceSource.Deadline, 2), Step(b, "departmentReview", Y));

        // C's future review: X by its pace, every other department by the 7-day deadline.
        var c = figures.Dossiers.Single(f => f.Code == "F-C");
        Assert.Equal((Vn(2026, 6, 16, 17), PaceSource.Deadline, 0), Step(c, "verification", Office));
        Assert.Equal((Vn(2026, 6, 29, 17), PaceSource.History, 3), Step(c, "departmentReview", X));
        var others = c.Steps.Where(s => s.ElementId == "departmentReview" && s.UnitKey != X).ToList();
        Assert.Contains(others, s => s.UnitKey == Y);
        Assert.All(others, s => Assert.Equal((Vn(2026, 6, 25, 17), PaceSource.Deadline), (s.Finish, s.Source)));
        Assert.Equal(["verification", "departmentReview", "scheduleCouncil", "recognitionDecision"], c.Steps.Select(s => s.ElementId).Distinct());

        Assert.Equal((Office, 39, 4, 2), Workload(figures.Bottleneck!));
        Assert.Equal((X, 16, 2, 1), Workload(figures.Workloads.Single(q => q.Unit.Key == X)));
        Assert.Equal((Y, 12, 2, 1), Workload(figures.Workloads.Single(q => q.Unit.Key == Y)));
        Assert.Equal("Sở Nông nghiệp và Môi trường", figures.Workloads.Single(q => q.Unit.Key == X).Unit.Name);
        Assert.Equal([(X, 4), (Y, 0), (Office, 0)], new[] { X, Y, Office }.Select(k => (k, figures.Workloads.Single(q => q.Unit.Key == k).DaysBeyondDeadline)));
        Assert.Equal(2, b.Steps.Single(s => s.ElementId == "departmentReview" && s.UnitKey == X).DaysBeyondDeadline);
        Assert.Equal(2, c.Steps.Single(s => s.ElementId == "departmentReview" && s.UnitKey == X).DaysBeyondDeadline);
        Assert.All(figures.Workloads.Where(q => q.Unit.Key != X), q => Assert.Equal(0, q.DaysBeyondDeadline));

        Assert.Contains(new StepPace("recognitionDecision", "", Office, 3, 3, 5, PaceSource.History), figures.Paces.Select(p => p with { Name = "" }));
        var ntm = figures.Tiers.Single(t => t.Tier == RecognitionTier.Ntm);
        Assert.Equal((5, 1, 4, false), (ntm.Target!.Value, ntm.Achieved, ntm.Expected, ntm.Reached!.Value));

        // By the year's end (the default target) everyone arrives and the target is reached.
        var yearEnd = await ForecastAsync(null);
        Assert.Equal(new DateOnly(2026, 12, 31), yearEnd.TargetDate);
        Assert.Empty(yearEnd.AtRisk);
        Assert.True(yearEnd.Tiers.Single(t => t.Tier == RecognitionTier.Ntm).Reached);
    }

    [Fact]
    public async Task With_too_little_history_every_step_takes_its_deadline()
    {
        // Minimum 4: no unit has enough history. A: scheduleCouncil by its open task's due, Mon 15/6 (10 working days after
        // 29/5, without 10/6); recognitionDecision decision.workingDays 5 → 16, 17, 18, 19, 22 → Mon 22/6. D: from now, 5 → 2, 3, 4, 5, 8 → Mon 8/6.
        // B: both reviews due Mon 8/6; scheduleCouncil council.schedulingWorkingDays 10 → 9, 11, 12, 15, 16, 17, 18, 19, 22, 23
        // → Tue 23/6; decision 5 → 24, 25, 26, 29, 30 → Tue 30/6.
        // C: verification due Tue 16/6; reviews 7 → 17, 18, 19, 22, 23, 24, 25 → Thu 25/6; scheduling 10 → 26, 29, 30, 1, 2, 3, 6,
        // 7, 8, 9 → Thu 9/7; decision 5 → 10, 13, 14, 15, 16 → Thu 16/7.
        var figures = await ForecastAsync(new DateOnly(2026, 6, 30), minimumSample: 4);

        Assert.Equal(
            [("F-D", new DateOnly(2026, 6, 8)), ("F-A", new DateOnly(2026, 6, 22)), ("F-B", new DateOnly(2026, 6, 30)), ("F-C", new DateOnly(2026, 7, 16))],
            figures.Dossiers.Select(f => (f.Code, f.Estimated!.Value)));
        Assert.All(figures.Dossiers.SelectMany(f => f.Steps), s => Assert.Equal(PaceSource.Deadline, s.Source));
        Assert.Equal(["F-C"], figures.AtRisk.Select(f => f.Code));
        Assert.All(figures.Workloads, q => Assert.Equal(0, q.DaysBeyondDeadline)); // every step takes exactly its deadline
        Assert.Contains(new StepPace("scheduleCouncil", "", Office, 3, null, 10, PaceSource.Deadline), figures.Paces.Select(p => p with { Name = "" }));
    }

    [Fact]
    public async Task A_commune_with_too_little_history_takes_the_pace_of_the_provinces_communes_before_the_deadline()
    {
        // G waits at its posting and survey (a commune's step) since Mon 1/6 08:00, due Tue 30/6. Completed postings in
        // province 01 (created Mon 2/3 09:00): G's own commune 5 working days (9/3), one under the minimum of 3; two other
        // communes 2 (4/3), 4 (6/3) and 8 (12/3). The communes together: 2, 4, 5, 8 → median (upper middle) 5, over 4 tasks.
        // G's posting: 5 working days after Mon 1/6 → 2, 3, 4, 5, 8 → Mon 8/6, 17:00. With a minimum of 5 the communes'
        // 4 tasks are too few as well: the open task's due, Tue 30/6.
        var g = await QueryAsync(async db =>
        {
            var codes = await db.AdministrativeUnits.Where(u => u.Level == Features.AdministrativeUnits.AdministrativeLevel.Commune && u.ValidTo == null && u.Parent!.Code == "01")
                .OrderBy(u => u.Code).Select(u => u.Code).Skip(5).Take(3).ToListAsync();
            var template = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == "F-A");
            var dossier = new DossierRow
            {
                Id = Guid.NewGuid(), Code = "F-G", Tier = RecognitionTier.Ntm, Year = 2026, ProvinceCode = "01", CommuneCode = codes[0], CommuneName = "Xã G",
                OpenedOn = template.OpenedOn, ProcessId = template.ProcessId, CriteriaSetId = template.CriteriaSetId, CriteriaSetCode = template.CriteriaSetCode,
                Status = DossierStatus.InProgress, CreatedAt = template.CreatedAt, CreatedBy = "test", UpdatedAt = template.UpdatedAt,
            };
            var instance = await db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == template.InstanceId);
            var row = new WorkflowInstanceRow
            {
                Id = Guid.NewGuid(), ProcessId = instance.ProcessId, Version = instance.Version, Status = InstanceStatus.Running, State = "{}", ProvinceCode = "01",
                DossierId = dossier.Id, StartedAt = dossier.CreatedAt, UpdatedAt = Now,
            };
            dossier.InstanceId = row.Id;
            db.Dossiers.Add(dossier);
            db.WorkflowInstances.Add(row);
            db.WorkflowTasks.Add(new WorkflowTaskRow
            {
                Id = Guid.NewGuid(), InstanceId = row.Id, ElementId = "postingAndSurvey", Name = "postingAndSurvey", CandidateUsers = "[]", CandidateGroups = $"[\"commune-{codes[0]}\"]",
                Properties = "{}", Created = Vn(2026, 6, 1, 8), Due = Vn(2026, 6, 30, 17), DossierId = dossier.Id, CommuneCode = dossier.CommuneCode, CommuneName = dossier.CommuneName,
            });
            foreach (var (commune, day) in new[] { (codes[0], 9), (codes[1], 4), (codes[1], 6), (codes[2], 12) })
            {
                db.CompletedTasks.Add(new CompletedTaskRow
                {
                    TaskId = Guid.NewGuid(), InstanceId = Guid.NewGuid(), ProcessId = "ntm-commune-two-tier", ElementId = "postingAndSurvey", Name = "postingAndSurvey",
                    ProvinceCode = "01", UnitKey = $"commune:{commune}", CommuneCode = commune, Created = Vn(2026, 3, 2), Due = null, Completed = Vn(2026, 3, day, 10),
                    Timeliness = Timeliness.NoDeadline,
                });
            }

            await db.SaveChangesAsync();
            return $"commune:{codes[0]}";
        });

        var figures = await ForecastAsync(new DateOnly(2026, 6, 30));
        Assert.Equal((Vn(2026, 6, 8, 17), PaceSource.Province, 4), Step(figures.Dossiers.Single(f => f.Code == "F-G"), "postingAndSurvey", g));
        Assert.Contains(figures.Paces, p => p.ElementId == "postingAndSurvey" && p.UnitKey == g && (p.Sample, p.Median, p.Source) == (4, 5, PaceSource.Province));
        // The other steps are as before: the fallback is for communes only.
        Assert.Equal((Vn(2026, 6, 8, 17), PaceSource.Deadline, 2), Step(figures.Dossiers.Single(f => f.Code == "F-B"), "departmentReview", Y));

        var fewer = await ForecastAsync(new DateOnly(2026, 6, 30), minimumSample: 5);
        Assert.Equal((Vn(2026, 6, 30, 17), PaceSource.Deadline, 1), Step(fewer.Dossiers.Single(f => f.Code == "F-G"), "postingAndSurvey", g));
    }

    [Fact]
    public async Task The_dashboard_shows_the_forecast_and_its_assumptions_in_Vietnamese()
    {
        // The page runs on the real clock (after the seeded dates): every dossier's way ends after today, and C still
        // waits at verification; a bad target date is refused with a reason and the default used.
        using var mai = await SignedInAsync("admin");
        var page = await mai.GetStringAsync("/reports?province=01&year=2026");
        Assert.Contains("id=\"forecast-heading\">Dự báo hoàn thành chỉ tiêu năm</h2>", page, StringComparison.Ordinal);
        Assert.Contains("Ngày mục tiêu: 31/12/2026", page, StringComparison.Ordinal);
        Assert.Contains("ít nhất 3 việc đã hoàn thành", page, StringComparison.Ordinal);
        Assert.Contains("id=\"forecast-bottleneck\"", page, StringComparison.Ordinal);
        Assert.Contains("Ngày làm việc vượt hạn</th>", page, StringComparison.Ordinal);
        Assert.Matches($"<tr id=\"forecast-unit-{Regex.Escape(X)}\">.*?(<td class=\"number\">\\d+</td>){{4}}</tr>", page);
        Assert.Contains("<tr id=\"forecast-F-C\">", page, StringComparison.Ordinal);

        var refused = await mai.GetStringAsync("/reports?province=01&year=2026&target=2027-01-15");
        Assert.Contains("id=\"forecast-problem\"", refused, StringComparison.Ordinal);
        Assert.Contains("không thuộc năm 2026", refused, StringComparison.Ordinal);
        Assert.Contains("Ngày mục tiêu: 31/12/2026", refused, StringComparison.Ordinal);

        var english = await mai.GetStringAsync("/reports?province=01&year=2026&culture=en");
        Assert.Contains("id=\"forecast-heading\">Forecast: the year&#x27;s target</h2>", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dossier_the_engine_runs_is_forecast_along_its_process_with_every_deadline_read()
    {
        // A real dossier (province 08) one step on: it waits at its posting and survey; every step ahead has a deadline
        // the forecast reads (reception's from the script that sets ${intakeDue}), and the estimate is its last finish.
        var id = await DossierSeeds.OneStepOnAsync(App.Services);
        var year = await QueryAsync(db => db.Dossiers.Where(d => d.Id == id).Select(d => d.Year).SingleAsync());
        await using var scope = App.Services.CreateAsyncScope();
        var figures = await scope.ServiceProvider.GetRequiredService<CompletionForecast>().ForecastAsync("08", year, null, CancellationToken.None);
        var dossier = Assert.Single(figures.Dossiers, d => d.DossierId == id);
        Assert.Equal(["postingAndSurvey", "submitDossier", "intake", "verification", "departmentReview", "scheduleCouncil", "recognitionDecision"],
            dossier.Steps.Select(s => s.ElementId).Distinct());
        Assert.Equal(("commune:00700", true), (dossier.Steps[0].UnitKey, dossier.Steps[0].Current));
        Assert.All(dossier.Steps, s => Assert.Equal(PaceSource.Deadline, s.Source));
        Assert.Equal((Office.Replace("01", "08", StringComparison.Ordinal), 3), dossier.Steps.Where(s => s.ElementId == "intake").Select(s => (s.UnitKey, s.WorkingDays)).Single());
        Assert.Contains(dossier.Steps, s => s.ElementId == "departmentReview" && s.UnitKey.StartsWith("department:08/", StringComparison.Ordinal));
        Assert.Equal(dossier.Steps.Max(s => s.Finish).VietnamDate(), dossier.Estimated);
    }

    private static (DateTimeOffset, PaceSource, int) Step(DossierForecast forecast, string element, string unit)
    {
        var step = forecast.Steps.Single(s => s.ElementId == element && s.UnitKey == unit);
        return (step.Finish, step.Source, step.Sample);
    }

    private static (string, int, int, int) Workload(UnitWorkload w) => (w.Unit.Key, w.WorkingDaysAhead, w.Dossiers, w.OpenTasks);
}

public sealed class CompletionForecastTests_Sqlite : CompletionForecastTests;

/// <summary>The forecast's inputs that need no database: the target date typed on the page and the settings.</summary>
public sealed class CompletionForecastSettingsTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    [Fact]
    public void A_target_date_outside_the_year_or_not_a_date_is_refused_with_a_reason()
    {
        Assert.Equal((new DateOnly(2026, 11, 30), (string?)null), CompletionForecast.ParseTargetDate("2026-11-30", 2026));
        Assert.Equal((null, "Forecast_BadTargetDate"), CompletionForecast.ParseTargetDate("30/11/2026", 2026));
        Assert.Equal((null, "Forecast_BadTargetDate"), CompletionForecast.ParseTargetDate(null, 2026));
        Assert.Equal((null, "Forecast_TargetDateOutOfYear"), CompletionForecast.ParseTargetDate("2027-01-15", 2026));
        Assert.Equal(new DateOnly(2026, 2, 28), new ForecastOptions { TargetDay = "02-29" }.TargetDateOf(2026));
        Assert.Equal(new DateOnly(2028, 2, 29), new ForecastOptions { TargetDay = "02-29" }.TargetDateOf(2028));
    }

    [Theory]
    [InlineData("MinimumSample", "0", "Forecast:MinimumSample is 0; give 1–1000.")]
    [InlineData("TargetDay", "13-01", "Forecast:TargetDay \"13-01\" is not a day of the year (MM-dd, e.g. 12-31).")]
    [InlineData("TargetDay", "31/12", "Forecast:TargetDay \"31/12\" is not a day of the year (MM-dd, e.g. 12-31).")]
    [InlineData("RecognisedEndEvent", " ", "Forecast:RecognisedEndEvent is empty.")]
    public void A_setting_that_cannot_work_stops_start_up_naming_it(string setting, string value, string message)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _data.Path, ["Workflows:BackgroundWorkers"] = "false", ["Forecast:" + setting] = value,
        });
        builder.AddNtmWorkflow();
        using var host = builder.Build();
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForecastOptions>>().Value);
        Assert.Equal(message, error.Message);
    }

    public void Dispose() => _data.Dispose();
}

[Trait("Db", "Postgres")]
public sealed class CompletionForecastTests_Postgres : CompletionForecastTests
{
    protected override bool OnPostgres => true;
}
