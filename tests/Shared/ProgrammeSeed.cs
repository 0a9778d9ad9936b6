using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Reports;
using NtmWorkflow.Web.Features.Workflows.Store;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Testing;

/// <summary>
/// A province whose figures are known (Hà Nội, 01, year 2026): six communes, seven dossiers (one cancelled),
/// indicators met and unmet, open tasks (one overdue) and completed tasks (early, on time, late, out of the year, of
/// another province), and the year's targets. Shared by the dashboard's and the report's tests.
/// </summary>
internal static class ProgrammeSeed
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static DateTimeOffset Vn(int year, int month, int day, int hour = 9, int minute = 0) => new(year, month, day, hour, minute, 0, VietnamTime.Offset);

    /// <summary>Seeds province 01 and returns the six communes it used, in code order.</summary>
    public static async Task<List<string>> SeedAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var communes = await db.AdministrativeUnits.Where(u => u.Level == AdministrativeLevel.Commune && u.ValidTo == null && u.Parent!.Code == "01")
            .OrderBy(u => u.Code).Select(u => u.Code).Take(6).ToListAsync();
        Assert.Equal(6, communes.Count);
        var set = await db.CriteriaSets.OrderBy(s => s.Id).FirstAsync(s => s.Subject == CriteriaSubject.Commune);
        var indicators = await db.Indicators.Where(i => i.Criterion.CriteriaSetId == set.Id).ToDictionaryAsync(i => i.Number, i => i.Id);

        DossierRow Dossier(int commune, RecognitionTier tier, DossierStatus status, int openedDay, DateOnly? decision = null) => new()
        {
            Id = Guid.NewGuid(), Code = $"T-{commune}-{openedDay}", Tier = tier, Year = 2026, ProvinceCode = "01", CommuneCode = communes[commune], CommuneName = $"Xã {commune}",
            OpenedOn = DateOnly.FromDateTime(Vn(2026, 1, openedDay).DateTime), ProcessId = "ntm-commune-two-tier", CriteriaSetId = set.Id, CriteriaSetCode = set.Code,
            Status = status, DecisionNumber = decision is null ? null : $"{openedDay}/QĐ-UBND", DecisionDate = decision, CreatedAt = Vn(2026, 1, openedDay), CreatedBy = "test",
            UpdatedAt = Vn(2026, 1, openedDay),
        };
        var d1 = Dossier(0, RecognitionTier.Ntm, DossierStatus.Recognised, 2, new DateOnly(2026, 3, 10));
        var d2 = Dossier(1, RecognitionTier.Ntm, DossierStatus.Recognised, 1, new DateOnly(2025, 12, 1));
        var d3 = Dossier(1, RecognitionTier.Advanced, DossierStatus.Recognised, 5, new DateOnly(2026, 5, 5));
        var d4 = Dossier(2, RecognitionTier.Model, DossierStatus.Recognised, 3, new DateOnly(2026, 6, 1));
        var d5 = Dossier(3, RecognitionTier.Ntm, DossierStatus.InProgress, 4);
        var d6 = Dossier(4, RecognitionTier.Ntm, DossierStatus.InProgress, 6);
        var d7 = Dossier(5, RecognitionTier.Ntm, DossierStatus.Cancelled, 7);
        db.Dossiers.AddRange(d1, d2, d3, d4, d5, d6, d7);

        void Indicator(DossierRow dossier, string number, bool? met, bool? stated = null) => db.DossierIndicators.Add(new DossierIndicatorRow
        {
            DossierId = dossier.Id, Number = number, IndicatorId = indicators[number], Met = met, StatedMet = stated ?? met,
        });

        // Criteria met in full: d1 three (1, 2, 17), d5 one (2: criterion 1 misses 1.2, 17 misses 17.8 as stated), d6 three, d7 cancelled.
        foreach (var dossier in new[] { d1, d6, d7 })
        {
            foreach (var number in new[] { "1.1", "1.2", "2.1", "17.8" })
            {
                Indicator(dossier, number, dossier == d7 ? false : true);
            }
        }

        Indicator(d5, "1.1", true);
        Indicator(d5, "1.2", false);
        Indicator(d5, "2.1", true);
        Indicator(d5, "17.8", null, stated: false);

        // Open tasks: d6 at its self-assessment (reached a day after opening), d5 at two departments' reviews (reached
        // ten days after), one of them overdue; an overdue task of another province counts for nobody here.
        var i5 = Instance("01", d5.Id);
        var i6 = Instance("01", d6.Id);
        var other = Instance("02", null);
        db.WorkflowInstances.AddRange(i5, i6, other);
        db.WorkflowTasks.AddRange(
            Task(i6, d6, "selfAssessment", "Xã tự đánh giá", d6.CreatedAt.AddDays(1), Now.AddDays(5), "commune-" + communes[4]),
            Task(i5, d5, "departmentReview", "Sở ngành thẩm định", d5.CreatedAt.AddDays(10), Now.AddDays(-1), "department-01-nong-nghiep-moi-truong"),
            Task(i5, d5, "departmentReview", "Sở ngành thẩm định", d5.CreatedAt.AddDays(10), Now.AddDays(3), "department-01-xay-dung"),
            Task(other, null, "selfAssessment", "Xã tự đánh giá", Now.AddDays(-20), Now.AddDays(-2), "commune-00004"));

        // Completed in 2026: the commune early twice, on time once, late once; the department late twice. Left out:
        // one of 2025, one without a deadline, one of province 02.
        var commune = "commune:" + communes[3];
        CompletedTaskRow Done(string? province, string? unit, string element, DateTimeOffset? due, DateTimeOffset completed) => new()
        {
            TaskId = Guid.NewGuid(), InstanceId = i5.Id, ProcessId = "ntm-commune-two-tier", ElementId = element, Name = element == "selfAssessment" ? "Xã tự đánh giá" : "Sở ngành thẩm định",
            ProvinceCode = province, UnitKey = unit, Created = completed.AddDays(-3), Due = due, Completed = completed, Timeliness = CompletedTaskRow.Of(due, completed),
        };
        var due = Vn(2026, 3, 10, 17);
        db.CompletedTasks.AddRange(
            Done("01", commune, "selfAssessment", due, Vn(2026, 3, 9)),
            Done("01", commune, "selfAssessment", due, Vn(2026, 3, 2)),
            Done("01", commune, "selfAssessment", due, Vn(2026, 3, 10, 16, 59)),
            Done("01", commune, "selfAssessment", due, Vn(2026, 3, 10, 17, 1)),
            Done("01", "department:01/nong-nghiep-moi-truong", "departmentReview", due, Vn(2026, 4, 1)),
            Done("01", "department:01/nong-nghiep-moi-truong", "departmentReview", due, Vn(2026, 3, 11)),
            Done("01", commune, "selfAssessment", Vn(2025, 12, 1, 17), Vn(2025, 12, 31, 23, 59)),
            Done("01", commune, "selfAssessment", null, Vn(2026, 2, 2)),
            Done("02", "commune:00004", "selfAssessment", due, Vn(2026, 3, 2)));

        db.ProgrammeTargets.AddRange(
            new ProgrammeTargetRow { ProvinceCode = "01", Year = 2026, Tier = RecognitionTier.Ntm, Count = 7, Source = "Nghị quyết thử 1/NQ-HĐND" },
            new ProgrammeTargetRow { ProvinceCode = "01", Year = 2026, Tier = RecognitionTier.Advanced, Count = 3 },
            new ProgrammeTargetRow { ProvinceCode = "01", Year = 2025, Tier = RecognitionTier.Ntm, Count = 9 });
        await db.SaveChangesAsync();
        return communes;
    }

    private static WorkflowInstanceRow Instance(string province, Guid? dossier) => new()
    {
        Id = Guid.NewGuid(), ProcessId = "ntm-commune-two-tier", Version = 1, Status = InstanceStatus.Running, State = "{}", ProvinceCode = province, DossierId = dossier,
        StartedAt = Now.AddDays(-30), UpdatedAt = Now,
    };

    private static WorkflowTaskRow Task(WorkflowInstanceRow instance, DossierRow? dossier, string element, string name, DateTimeOffset created, DateTimeOffset due, string group) => new()
    {
        Id = Guid.NewGuid(), InstanceId = instance.Id, ElementId = element, Name = name, CandidateUsers = "[]", CandidateGroups = $"[\"{group}\"]", Properties = "{}",
        Created = created, Due = due, DossierId = dossier?.Id, CommuneCode = dossier?.CommuneCode, CommuneName = dossier?.CommuneName,
    };
}
