using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Reports;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests.Reports;

/// <summary>
/// The coordination office's figures against a seeded province whose answers are known (Hà Nội, 01, year 2026):
/// six communes, seven dossiers (one cancelled), indicators met and unmet, open tasks (one overdue) and completed
/// tasks (early, on time, late, out of the year, of another province), and the year's targets.
/// </summary>
public abstract class ProgrammeDashboardTests : AppTestHost
{
    private List<string> _communes = [];

    private static DateTimeOffset Vn(int year, int month, int day, int hour = 9, int minute = 0) => new(year, month, day, hour, minute, 0, VietnamTime.Offset);

    protected override async Task SeedAsync() => _communes = await ProgrammeSeed.SeedAsync(App.Services);

    [Fact]
    public async Task The_figures_of_a_seeded_province_are_the_known_answers()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var figures = await scope.ServiceProvider.GetRequiredService<ProgrammeDashboard>().FiguresAsync("01", 2026, CancellationToken.None);
        var communes = await QueryAsync(db => db.AdministrativeUnits.CountAsync(u => u.Level == AdministrativeLevel.Commune && u.ValidTo == null && u.Parent!.Code == "01"));

        Assert.Equal(communes, figures.Communes);
        Assert.Equal([new LevelCount(RecognitionTier.Ntm, 1), new LevelCount(RecognitionTier.Advanced, 1), new LevelCount(RecognitionTier.Model, 1)], figures.Levels);
        Assert.Equal(communes - 3, figures.NotRecognised);

        Assert.Equal(2, figures.DossiersInProgress);
        Assert.Equal([new StageCount("selfAssessment", "Xã tự đánh giá", 1), new StageCount("departmentReview", "Sở ngành thẩm định", 1)], figures.Stages);

        Assert.Equal([new CriteriaBucket(1, 1), new CriteriaBucket(3, 2)], figures.CriteriaMet);
        Assert.Equal(3, figures.CommunesAssessed);
        Assert.Equal(2.3m, figures.AverageCriteriaMet);
        Assert.Equal(["1.2", "17.8"], figures.MostUnmet.Select(u => u.Number));
        Assert.All(figures.MostUnmet, u => Assert.Equal(1, u.Communes));

        var overdue = Assert.Single(figures.OverdueByUnit);
        Assert.Equal(("department:01/nong-nghiep-moi-truong", 1), (overdue.Unit.Key, overdue.Tasks));

        Assert.Equal(2, figures.TimelinessByUnit.Count);
        Assert.Equal(("department:01/nong-nghiep-moi-truong", 0, 0, 2, 0.0m), Tuple(figures.TimelinessByUnit[0]));
        Assert.Equal(("commune:" + _communes[3], 2, 1, 1, 75.0m), Tuple(figures.TimelinessByUnit[1]));
        Assert.Equal([("departmentReview", 0.0m), ("selfAssessment", 75.0m)], figures.TimelinessByStep.Select(s => (s.Key, s.OnTimeRate!.Value)));

        Assert.Equal(
            [new TargetProgress(RecognitionTier.Ntm, 7, "Nghị quyết thử 1/NQ-HĐND", 1), new TargetProgress(RecognitionTier.Advanced, 3, null, 1), new TargetProgress(RecognitionTier.Model, null, null, 1)],
            figures.Targets);
    }

    [Fact]
    public async Task Every_figure_drills_down_to_the_dossiers_or_tasks_it_counts()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var dashboard = scope.ServiceProvider.GetRequiredService<ProgrammeDashboard>();
        var figures = await dashboard.FiguresAsync("01", 2026, CancellationToken.None);
        Task<IReadOnlyList<DossierFact>> Dossiers(DossierDrillDown drill) => dashboard.DossiersAsync("01", 2026, drill, CancellationToken.None);
        Task<IReadOnlyList<TaskFact>> Tasks(TaskDrillDown drill) => dashboard.TasksAsync("01", 2026, drill, CancellationToken.None);

        foreach (var level in figures.Levels)
        {
            Assert.Equal(level.Communes, (await Dossiers(new(Level: level.Tier))).Count);
        }

        Assert.Equal(["T-1-5"], (await Dossiers(new(Level: RecognitionTier.Advanced))).Select(d => d.Code));
        foreach (var stage in figures.Stages)
        {
            Assert.Equal(stage.Dossiers, (await Dossiers(new(Stage: stage.ElementId))).Count);
        }

        Assert.Equal(figures.DossiersInProgress, (await Dossiers(new(InProgress: true))).Count);
        foreach (var bucket in figures.CriteriaMet)
        {
            Assert.Equal(bucket.Communes, (await Dossiers(new(CriteriaMet: bucket.CriteriaMet))).Count);
        }

        foreach (var unmet in figures.MostUnmet)
        {
            Assert.Equal(unmet.Communes, (await Dossiers(new(Unmet: unmet.Number))).Count);
        }

        Assert.Equal(["T-3-4"], (await Dossiers(new(Unmet: "17.8"))).Select(d => d.Code));
        foreach (var target in figures.Targets)
        {
            Assert.Equal(target.Achieved, (await Dossiers(new(Achieved: target.Tier))).Count);
        }

        foreach (var unit in figures.OverdueByUnit)
        {
            var overdue = await Tasks(new(Overdue: true, Unit: unit.Unit.Key));
            Assert.Equal(unit.Tasks, overdue.Count);
            Assert.All(overdue, t => Assert.True(t.Due < DateTimeOffset.UtcNow));
        }

        foreach (var (figure, byStep) in figures.TimelinessByUnit.Select(u => (u, false)).Concat(figures.TimelinessByStep.Select(s => (s, true))))
        {
            foreach (var (kind, count) in new[] { (Timeliness.Early, figure.Early), (Timeliness.OnTime, figure.OnTime), (Timeliness.Late, figure.Late) })
            {
                var drill = byStep ? new TaskDrillDown(false, Step: figure.Key, Timeliness: kind) : new TaskDrillDown(false, Unit: figure.Key, Timeliness: kind);
                Assert.Equal(count, (await Tasks(drill)).Count);
            }
        }
    }

    [Fact]
    public async Task The_dashboard_page_shows_the_figures_and_each_links_to_the_list_behind_it()
    {
        using var mai = await SignedInAsync("admin");
        var page = await mai.GetStringAsync("/reports?province=01&year=2026");
        Assert.Contains("<tr id=\"level-Advanced\">", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/reports/dossiers?province=01&amp;year=2026&amp;level=Advanced\">1</a>", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/reports/dossiers?province=01&amp;year=2026&amp;unmet=17.8\">1</a>", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/reports/tasks?province=01&amp;year=2026&amp;overdue=true&amp;unit=department%3A01%2Fnong-nghiep-moi-truong\">1</a>", page, StringComparison.Ordinal);
        Assert.Contains("Bình quân 2,3 tiêu chí/xã (3 xã có hồ sơ tự đánh giá).", page, StringComparison.Ordinal);
        Assert.Contains("Nghị quyết thử 1/NQ-HĐND", page, StringComparison.Ordinal);

        // Each chart draws the numbers of its table.
        var communes = await QueryAsync(db => db.AdministrativeUnits.CountAsync(u => u.Level == AdministrativeLevel.Commune && u.ValidTo == null && u.Parent!.Code == "01"));
        Assert.Matches($"id=\"chart-levels\"[^>]*&quot;values&quot;:\\[1,1,1,{communes - 3}\\]", page);
        Assert.Matches("id=\"chart-targets\"[^>]*&quot;values&quot;:\\[7,3,0\\][^>]*&quot;values&quot;:\\[1,1,1\\]", page);
        Assert.Contains("<script src=\"/js/charts.js?v=", page, StringComparison.Ordinal);

        var unmet = await mai.GetStringAsync("/reports/dossiers?province=01&year=2026&unmet=17.8");
        Assert.Contains("1 hồ sơ.", unmet, StringComparison.Ordinal);
        Assert.Contains(">T-3-4</a>", unmet, StringComparison.Ordinal);
        var late = await mai.GetStringAsync("/reports/tasks?province=01&year=2026&step=departmentReview&timeliness=Late");
        Assert.Contains("2 việc.", late, StringComparison.Ordinal);

        // Each list exports what it shows: the export link carries its filters, and the file reads back the same rows.
        var link = System.Text.RegularExpressions.Regex.Match(unmet, "id=\"export-excel\" href=\"([^\"]+)\"").Groups[1].Value.Replace("&amp;", "&", StringComparison.Ordinal);
        var dossiers = Excel.Workbook.Read(await mai.GetByteArrayAsync(link));
        Assert.Equal("T-3-4", Assert.Single(dossiers.Rows)["Hồ sơ"]);
        Assert.Equal("1.2, 17.8", dossiers.Rows[0]["Chỉ tiêu chưa đạt"]);
        var linkLate = System.Text.RegularExpressions.Regex.Match(late, "id=\"export-excel\" href=\"([^\"]+)\"").Groups[1].Value.Replace("&amp;", "&", StringComparison.Ordinal);
        var tasks = Excel.Workbook.Read(await mai.GetByteArrayAsync(linkLate));
        Assert.Equal(2, tasks.Rows.Count);
        Assert.All(tasks.Column("Tiến độ"), cell => Assert.Equal("Quá hạn", cell));
    }

    [Fact]
    public async Task The_years_targets_are_set_from_the_dashboard_audited_and_a_bad_one_changes_nothing()
    {
        using var mai = await SignedInAsync("admin");
        const string page = "/reports?province=01&year=2026";
        static KeyValuePair<string, string> F(string name, string value) => new(name, value);
        var refused = await PageForms.PostFormAsync(mai, page, "/reports?province=01&year=2026&handler=Targets",
            [F("ntm", "-1"), F("advanced", "3"), F("model", ""), F("source", "NQ 2")]);
        Assert.Equal(System.Net.HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("-1 communes is not a target", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(7, await QueryAsync(db => db.ProgrammeTargets.Where(t => t.ProvinceCode == "01" && t.Year == 2026 && t.Tier == RecognitionTier.Ntm).Select(t => t.Count).SingleAsync()));

        var saved = await PageForms.PostFormAsync(mai, page, "/reports?province=01&year=2026&handler=Targets",
            [F("ntm", "8"), F("advanced", ""), F("model", "2"), F("source", "Nghị quyết 2/NQ-HĐND")]);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, saved.StatusCode);
        await using var scope = App.Services.CreateAsyncScope();
        var figures = await scope.ServiceProvider.GetRequiredService<ProgrammeDashboard>().FiguresAsync("01", 2026, CancellationToken.None);
        Assert.Equal([(RecognitionTier.Ntm, (int?)8), (RecognitionTier.Advanced, null), (RecognitionTier.Model, 2)], figures.Targets.Select(t => (t.Tier, t.Target)));
        Assert.Equal("Nghị quyết 2/NQ-HĐND", figures.Targets[0].Source);
        Assert.Equal(1, await QueryAsync(db => db.AuditEntries.CountAsync(a => a.Action == "report.targets-set" && a.Subject == "targets/01/2026" && a.Actor == "admin")));
    }

    [Fact]
    public async Task A_coordination_office_reads_its_own_provinces_figures_only()
    {
        await CreateOfficialAsync("vp.08", "coordination-office:08", Features.Accounts.Roles.CoordinationOffice);
        using var tuan = await SignedInAsync("vp.08");
        var page = await tuan.GetAsync("/reports");
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<input type=\"hidden\" name=\"province\" value=\"08\" />", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await tuan.GetAsync("/reports?province=01&year=2026")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await tuan.GetAsync("/reports/dossiers?province=01&level=Ntm")).StatusCode);
    }

    [Fact]
    public async Task Recognised_communes_are_listed_publicly_and_a_new_assessment_failing_key_criteria_is_flagged_for_revocation()
    {
        var anonymous = App.CreateClient();
        var page = await anonymous.GetStringAsync("/public/recognised-communes?province=01");
        Assert.Contains("3 xã đang được công nhận.", page, StringComparison.Ordinal);
        Assert.Contains($"<tr data-commune=\"{_communes[1]}\"><td>Xã 1</td><td>Xã nông thôn mới nâng cao</td><td>5/QĐ-UBND</td><td>05/05/2026</td></tr>", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-commune=\"{_communes[3]}\"", page, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await anonymous.GetAsync("/public/recognised-communes?province=99")).StatusCode);

        // Xã 0 (NTM since 10/3/2026) assesses itself again: criteria 1 and 17 of three fail, 66.7 %, over the upper bound.
        var again = Guid.NewGuid();
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var first = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Code == "T-0-2");
            db.Dossiers.Add(new DossierRow
            {
                Id = again, Code = "T-0-8", Tier = RecognitionTier.Advanced, Year = 2026, ProvinceCode = "01", CommuneCode = first.CommuneCode, CommuneName = first.CommuneName,
                OpenedOn = new DateOnly(2026, 1, 8), ProcessId = first.ProcessId, CriteriaSetId = first.CriteriaSetId, CriteriaSetCode = first.CriteriaSetCode,
                Status = DossierStatus.InProgress, CreatedAt = Vn(2026, 1, 8), CreatedBy = "test", UpdatedAt = Vn(2026, 1, 8),
            });
            var indicators = await db.DossierIndicators.AsNoTracking().Where(i => i.DossierId == first.Id).ToListAsync();
            db.DossierIndicators.AddRange(indicators.Select(i => new DossierIndicatorRow { DossierId = again, Number = i.Number, IndicatorId = i.IndicatorId, Met = i.Number is "2.1" or "1.1" ? true : false }));
            await db.SaveChangesAsync();
        }

        await using var read = App.Services.CreateAsyncScope();
        var entries = await read.ServiceProvider.GetRequiredService<ProgrammeDashboard>().RecognitionsAsync("01", CancellationToken.None);
        var flagged = Assert.Single(entries, e => e.CommuneCode == _communes[0]);
        Assert.Equal(["1", "17"], flagged.FailingCriteria);
        Assert.Equal((66.7m, true), (flagged.FailingShare, flagged.TriggersMet));
        Assert.Equal((new DateOnly(2031, 3, 10), true), (flagged.ReEvaluationDue, flagged.ReEvaluationUnverified));
        Assert.All(entries.Where(e => e.CommuneCode != _communes[0]), e => Assert.False(e.TriggersMet));

        using var mai = await SignedInAsync("admin");
        var dashboard = await mai.GetStringAsync("/reports?province=01&year=2026");
        Assert.Contains($"<tr id=\"follow-up-{_communes[0]}\">", dashboard, StringComparison.Ordinal);
        Assert.Contains("Chạm ngưỡng thu hồi", dashboard, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completing_a_task_through_the_engine_records_how_it_kept_its_deadline()
    {
        var id = await DossierSeeds.OneStepOnAsync(App.Services);
        var row = await QueryAsync(db => db.CompletedTasks.AsNoTracking().SingleAsync(c => c.DossierId == id));
        Assert.Equal(("selfAssessment", "08", "commune:00700", Timeliness.Early), (row.ElementId, row.ProvinceCode, row.UnitKey, row.Timeliness));
        Assert.NotNull(row.Due);
        Assert.True(row.Completed >= row.Created);
    }

    [Theory]
    [InlineData("2026-03-09T10:00:00+07:00", Timeliness.Early)]
    [InlineData("2026-03-10T08:00:00+07:00", Timeliness.OnTime)]
    [InlineData("2026-03-10T17:00:00+07:00", Timeliness.OnTime)]
    [InlineData("2026-03-10T17:00:01+07:00", Timeliness.Late)]
    [InlineData("2026-03-10T00:30:00+00:00", Timeliness.OnTime)]
    [InlineData("2026-03-09T16:59:00+00:00", Timeliness.Early)]
    [InlineData("2026-03-09T17:00:00+00:00", Timeliness.OnTime)]
    public void A_task_is_early_on_the_days_before_its_deadline_on_time_on_its_day_and_late_after(string completed, Timeliness expected) =>
        Assert.Equal(expected, CompletedTaskRow.Of(Vn(2026, 3, 10, 17), DateTimeOffset.Parse(completed, System.Globalization.CultureInfo.InvariantCulture)));

    private static (string, int, int, int, decimal) Tuple(TimelinessCount count) => (count.Key, count.Early, count.OnTime, count.Late, count.OnTimeRate!.Value);
}

public sealed class ProgrammeDashboardTests_Sqlite : ProgrammeDashboardTests;

[Trait("Db", "Postgres")]
public sealed class ProgrammeDashboardTests_Postgres : ProgrammeDashboardTests
{
    protected override bool OnPostgres => true;
}
