using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Reports;
using NtmWorkflow.Web.Features.Workflows.Store;
using NtmWorkflow.Web.Persistence;

/// <summary>
/// The coordination office's dashboard with the whole country in the database: a dossier per commune (3,321 communes
/// of 34 provinces, July 2025), each with its self-assessment (indicators of the shipped set, some unmet), a quarter
/// in progress with open tasks (some overdue), the rest recognised, and completed tasks (the projection) for every
/// dossier; then <see cref="ProgrammeDashboard.FiguresAsync"/> timed for several provinces. Prints figures only.
/// </summary>
internal static class DashboardBenchmark
{
    private const int ProvinceCount = 34;

    public static async Task RunAsync(string providerName, string provider, string connectionString, string dataDirectory, int communes, int calls)
    {
        using var host = BenchmarkHost.Build(provider, connectionString, dataDirectory, importUnits: false);
        await host.StartAsync();
        try
        {
            var seeding = Stopwatch.StartNew();
            var rows = await SeedAsync(host.Services, communes);
            Console.WriteLine($"dashboard ({providerName}): seeded {communes:N0} dossiers, {rows:N0} rows in {seeding.Elapsed.TotalSeconds:N1} s");

            var times = new List<double>();
            var provinces = Enumerable.Range(1, ProvinceCount).Select(Province).ToList();
            DashboardFigures? shown = null;
            foreach (var province in provinces.Take(2))
            {
                shown = await FiguresAsync(host.Services, province); // warm: JIT, EF's query cache
            }

            var budget = Stopwatch.StartNew();
            for (var i = 0; i < calls && budget.Elapsed < TimeSpan.FromSeconds(60); i++)
            {
                var call = Stopwatch.StartNew();
                shown = await FiguresAsync(host.Services, provinces[i % provinces.Count]);
                times.Add(call.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            Console.WriteLine($"  dashboard of one province: p50 {At(times, 0.5):N1} ms, p95 {At(times, 0.95):N1} ms, p99 {At(times, 0.99):N1} ms ({times.Count} calls over {provinces.Count} provinces)");
            if (shown is not null)
            {
                Console.WriteLine($"  last: {shown.DossiersInProgress} in progress, {shown.Levels.Sum(l => l.Communes)} recognised, average {shown.AverageCriteriaMet} criteria, {shown.OverdueByUnit.Sum(u => u.Tasks)} overdue");
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static string Province(int n) => n.ToString("00", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<DashboardFigures> FiguresAsync(IServiceProvider services, string province)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ProgrammeDashboard>().FiguresAsync(province, 2026, CancellationToken.None);
    }

    private static async Task<long> SeedAsync(IServiceProvider services, int communes)
    {
        long rows = 0;
        var random = new Random(20261124);
        var now = DateTimeOffset.UtcNow;
        int setId;
        string setCode;
        List<(int Id, string Number)> indicators;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var set = await db.CriteriaSets.AsNoTracking().OrderBy(s => s.Id).FirstAsync(s => s.Subject == CriteriaSubject.Commune);
            (setId, setCode) = (set.Id, set.Code);
            indicators = [.. (await db.Indicators.AsNoTracking().Where(i => i.Criterion.CriteriaSetId == set.Id).Select(i => new { i.Id, i.Number }).ToListAsync()).Select(i => (i.Id, i.Number))];
        }

        string[] steps = ["selfAssessment", "postingAndSurvey", "intake", "departmentReview", "councilPreparation", "decision"];
        const int batch = 200;
        for (var start = 0; start < communes; start += batch)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var c = start; c < Math.Min(communes, start + batch); c++)
            {
                var province = Province(c % ProvinceCount + 1);
                var commune = (10_000 + c).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var inProgress = c % 4 == 0;
                var opened = now.AddDays(-random.Next(30, 300));
                var dossier = new DossierRow
                {
                    Id = Guid.NewGuid(), Code = $"B-{commune}", Tier = (RecognitionTier)(c % 7 == 0 ? 1 : c % 29 == 0 ? 2 : 0), Year = 2026, ProvinceCode = province,
                    CommuneCode = commune, CommuneName = $"Xã {commune}", OpenedOn = DateOnly.FromDateTime(opened.UtcDateTime), ProcessId = "ntm-commune-two-tier",
                    CriteriaSetId = setId, CriteriaSetCode = setCode, Status = inProgress ? DossierStatus.InProgress : DossierStatus.Recognised,
                    DecisionNumber = inProgress ? null : $"{c}/QĐ-UBND", DecisionDate = inProgress ? null : new DateOnly(2026, 1 + c % 10, 1 + c % 27),
                    CreatedAt = opened, CreatedBy = "bench", UpdatedAt = opened,
                };
                db.Dossiers.Add(dossier);
                foreach (var (id, number) in indicators)
                {
                    db.DossierIndicators.Add(new DossierIndicatorRow { DossierId = dossier.Id, Number = number, IndicatorId = id, Met = !inProgress || random.Next(10) > 0 });
                    rows++;
                }

                var instance = new WorkflowInstanceRow
                {
                    Id = Guid.NewGuid(), ProcessId = "ntm-commune-two-tier", Version = 1, Status = inProgress ? InstanceStatus.Running : InstanceStatus.Completed, State = "{}",
                    ProvinceCode = province, DossierId = dossier.Id, StartedAt = opened, UpdatedAt = now,
                };
                db.WorkflowInstances.Add(instance);
                if (inProgress)
                {
                    var step = steps[random.Next(steps.Length)];
                    db.WorkflowTasks.Add(new WorkflowTaskRow
                    {
                        Id = Guid.NewGuid(), InstanceId = instance.Id, ElementId = step, Name = step, CandidateUsers = "[]",
                        CandidateGroups = step == "departmentReview" ? $"[\"department-{province}-nong-nghiep-moi-truong\"]" : $"[\"commune-{commune}\"]",
                        Properties = "{}", Created = opened.AddDays(random.Next(1, 20)), Due = now.AddDays(random.Next(-10, 20)), DossierId = dossier.Id, CommuneCode = commune,
                        CommuneName = dossier.CommuneName,
                    });
                    rows++;
                }

                for (var t = 0; t < 12; t++)
                {
                    var completed = opened.AddDays(t * 3 + 1);
                    var due = completed.AddDays(random.Next(-3, 4));
                    db.CompletedTasks.Add(new CompletedTaskRow
                    {
                        TaskId = Guid.NewGuid(), InstanceId = instance.Id, ProcessId = "ntm-commune-two-tier", ElementId = steps[t % steps.Length], Name = steps[t % steps.Length],
                        ProvinceCode = province, DossierId = dossier.Id, CommuneCode = commune, UnitKey = t % 3 == 0 ? $"department:{province}/nong-nghiep-moi-truong" : $"commune:{commune}",
                        Created = completed.AddDays(-2), Due = due, Completed = completed, Timeliness = CompletedTaskRow.Of(due, completed),
                    });
                    rows++;
                }

                rows += 2;
            }

            await db.SaveChangesAsync();
        }

        return rows;
    }

    private static double At(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
