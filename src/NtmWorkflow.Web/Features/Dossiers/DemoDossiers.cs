using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Evidence;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Dossiers;

/// <summary>
/// Demo dossiers of Tuyên Quang (<c>Demo:Dossiers</c>, on in Development), driven through the same services the
/// pages use: Xã Phú Linh's 2025 dossier, every indicator met, waiting for the departments (chị Hoa's table has
/// rows); Xã Ngọc Đường's being filled by chị Lan (criteria 16–19 still to do), with one evidence document; the
/// province's council for its term, and Xã Lũng Cú's dossier on the agenda of a session meeting on the day the
/// demo data was seeded (bà Thu calls the roll, ông Sơn votes). Tests use the same steps.
/// </summary>
public sealed class DemoDossiers(AppDbContext db, DossierService dossiers, EvidenceService evidence, CouncilService council, OrganisationService organisation,
    WorkflowEngine engine, TimeProvider clock, ILogger<DemoDossiers> logger)
{
    /// <summary>A one-page PDF with nothing on it: the demo's evidence document, the simulator's signed scan.</summary>
    public static ReadOnlySpan<byte> SamplePdf => "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"u8;

    /// <summary>A value of the indicator's kind, as JSON, that a commune would report as met (no thresholds are known for 2021–2025).</summary>
    public static string MetValue(MeasurementKind kind) => kind switch
    {
        MeasurementKind.YesNo => "true",
        MeasurementKind.Rating => "\"Tốt\"",
        MeasurementKind.Percent => "92.5",
        _ => "58",
    };

    /// <summary>Seeds the demo dossiers into a database that has none.</summary>
    public async Task EnsureAsync(CancellationToken ct)
    {
        if (await db.Dossiers.AnyAsync(ct))
        {
            return;
        }

        var phuLinh = await AtDepartmentReviewAsync("xa.binh", "00706", ct);
        var ngocDuong = await OpenAsync("xa.lan", "00700", ct);
        await AssessAllAsync("xa.lan", ngocDuong, ct, [.. (await dossiers.LoadAsync(ngocDuong, ct)).Indicators.Select(i => i.Number).Where(n => n.Split('.')[0] is "16" or "17" or "18" or "19")]);
        var pdf = SamplePdf.ToArray();
        await evidence.UploadAsync(await OfficialAsync("xa.lan", ct), ngocDuong, "2.1", "Biên bản kiểm tra đường giao thông xã.pdf", pdf.Length, new MemoryStream(pdf), ct);
        await EnsureCouncilAsync(ct);
        var lungCu = await AtDepartmentReviewAsync("xa.sinh", "00715", ct);
        await PastDepartmentReviewsAsync(lungCu, ct);
        var session = await council.PlanAsync(await OfficialAsync("vpdp", ct), "08",
            new PlanSessionRequest(VietnamTime.VietnamDate(clock.GetUtcNow()), "Phòng họp tầng 3, UBND tỉnh Tuyên Quang", [lungCu]), ct);
        logger.LogInformation("Seeded the demo dossiers {PhuLinh} (with the departments), {NgocDuong} (being filled) and {LungCu} (on the agenda of council session {Session})",
            phuLinh, ngocDuong, lungCu, session.Code);
    }

    /// <summary>The demo province's council for the 2026 term: chair, vice chair, two members, secretary.</summary>
    public async Task EnsureCouncilAsync(CancellationToken ct)
    {
        if (await db.CouncilMembers.AnyAsync(m => m.ProvinceCode == "08", ct))
        {
            return;
        }

        var admin = await OfficialAsync("admin", ct);
        const string Decision = "QĐ số 15/QĐ-UBND ngày 05/01/2026 (dữ liệu mẫu)";
        var from = new DateOnly(2026, 1, 1);
        foreach (var (user, position, title) in new (string, CouncilPosition, string)[]
                 {
                     ("hd.hung", CouncilPosition.Chair, "Phó Chủ tịch UBND tỉnh"),
                     ("hd.son", CouncilPosition.ViceChair, "Giám đốc Sở Nông nghiệp và Môi trường"),
                     ("hd.nga", CouncilPosition.Member, "Giám đốc Sở Tài chính"),
                     ("hd.minh", CouncilPosition.Member, "Phó Chủ tịch Ủy ban MTTQ Việt Nam tỉnh"),
                     ("hd.thu", CouncilPosition.Secretary, "Phó Chánh Văn phòng Điều phối nông thôn mới tỉnh"),
                 })
        {
            await council.AppointAsync(admin, "08", new AppointmentRequest(user, position, title, from, null, Decision), ct);
        }
    }

    /// <summary>
    /// Every department's review of a dossier forwarded: chị Hoa's through her review page's service, the departments
    /// without a demo account recorded as the engine records a completed task.
    /// </summary>
    private async Task PastDepartmentReviewsAsync(Guid id, CancellationToken ct)
    {
        var hoa = await OfficialAsync("so.hoa", ct);
        foreach (var review in (await dossiers.OpenTasksAsync(await dossiers.LoadAsync(id, ct), ct)).Where(t => t.ElementId == "departmentReview").ToList())
        {
            db.ChangeTracker.Clear();
            if (DossierService.MayAct(hoa, review))
            {
                await dossiers.ReviewAsync(hoa, id, review.Id, new ReviewRequest("forward", null, null, null), ct);
            }
            else
            {
                await engine.CompleteTaskAsync(review.Id, new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["decision"] = "forward" }, "demo", ct);
            }
        }
    }

    /// <summary>Opens a 2025 dossier of <paramref name="commune"/> (two-tier path, opened 2025-09-15) as its officer.</summary>
    public async Task<Guid> OpenAsync(string communeOfficer, string commune, CancellationToken ct) =>
        (await dossiers.OpenAsync(await OfficialAsync(communeOfficer, ct), new OpenDossierRequest(commune, RecognitionTier.Ntm, 2025, null, null, "*", new DateOnly(2025, 9, 15), null), ct)).Id;

    /// <summary>Assesses every indicator as met, with a value of its kind, except those in <paramref name="leave"/>.</summary>
    public async Task AssessAllAsync(string communeOfficer, Guid dossierId, CancellationToken ct, IReadOnlyCollection<string>? leave = null)
    {
        var officer = await OfficialAsync(communeOfficer, ct);
        var dossier = await dossiers.LoadAsync(dossierId, ct);
        var kinds = await db.Indicators.AsNoTracking().Where(i => i.Criterion.CriteriaSetId == dossier.CriteriaSetId).ToDictionaryAsync(i => i.Number, i => i.Kind, ct);
        var values = dossier.Indicators.Select(i => i.Number).Except(leave ?? [])
            .Select(number => (number, new IndicatorValueRequest(JsonDocument.Parse(MetValue(kinds[number])).RootElement, true, null))).ToList();
        if (values.Count > 0)
        {
            // One save for the whole form, as the self-assessment page sends it: an audit entry each, all or nothing.
            await dossiers.SetIndicatorsAsync(officer, dossierId, values, ct);
        }
    }

    /// <summary>Records recognition conditions that hold: the survey above the threshold, a posting long enough, no debt, no security problem.</summary>
    public async Task SetConditionsAsync(string communeOfficer, Guid dossierId, CancellationToken ct) =>
        await dossiers.SetConditionsAsync(await OfficialAsync(communeOfficer, ct), dossierId,
            new ConditionsRequest(96.4m, 1180, true, SecurityOrderStatus.NotComplicated, new DateOnly(2025, 10, 1), new DateOnly(2025, 10, 15), 3, "Ý kiến về đường liên thôn"), ct);

    /// <summary>A dossier with every indicator met, submitted, taken in and verified by the coordination office: at the departments' reviews.</summary>
    public async Task<Guid> AtDepartmentReviewAsync(string communeOfficer, string commune, CancellationToken ct)
    {
        var id = await OpenAsync(communeOfficer, commune, ct);
        await AssessAllAsync(communeOfficer, id, ct);
        await SetConditionsAsync(communeOfficer, id, ct);
        var officer = await OfficialAsync(communeOfficer, ct);
        foreach (var step in new[] { CommuneStep.SelfAssessment, CommuneStep.PostingAndSurvey, CommuneStep.Submit })
        {
            db.ChangeTracker.Clear(); // each step reads the dossier afresh, as a new request would
            await dossiers.CompleteCommuneStepAsync(officer, id, step, ct);
        }

        var office = await OfficialAsync("vpdp", ct);
        foreach (var element in new[] { "intake", "verification" })
        {
            db.ChangeTracker.Clear();
            var task = (await dossiers.OpenTasksAsync(await dossiers.LoadAsync(id, ct), ct)).Single(t => t.ElementId == element);
            await dossiers.ReviewAsync(office, id, task.Id, new ReviewRequest("forward", null, null, null), ct);
        }

        return id;
    }

    private async Task<Official> OfficialAsync(string userName, CancellationToken ct) =>
        await organisation.FindOfficialAsync(userName, null, ct) ?? throw new InvalidOperationException($"There is no official {userName}.");
}
