using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Evidence;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Dossiers;

/// <summary>
/// Demo dossiers of Tuyên Quang (<c>Demo:Dossiers</c>, on in Development), driven through the same services the
/// pages use: Xã Phú Linh's 2025 dossier, every indicator met, waiting for the departments (chị Hoa's table has
/// rows); Xã Ngọc Đường's being filled by chị Lan (criteria 16–19 still to do), with one evidence document. Tests use the same steps.
/// </summary>
public sealed class DemoDossiers(AppDbContext db, DossierService dossiers, EvidenceService evidence, OrganisationService organisation, ILogger<DemoDossiers> logger)
{
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
        var pdf = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"u8.ToArray();
        await evidence.UploadAsync(await OfficialAsync("xa.lan", ct), ngocDuong, "2.1", "Biên bản kiểm tra đường giao thông xã.pdf", pdf.Length, new MemoryStream(pdf), ct);
        logger.LogInformation("Seeded the demo dossiers {PhuLinh} (with the departments) and {NgocDuong} (being filled)", phuLinh, ngocDuong);
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
        foreach (var number in dossier.Indicators.Select(i => i.Number).Except(leave ?? []).ToList())
        {
            var value = kinds[number] switch { MeasurementKind.YesNo => "true", MeasurementKind.Rating => "\"Tốt\"", MeasurementKind.Percent => "92.5", _ => "58" };
            await dossiers.SetIndicatorAsync(officer, dossierId, number, new IndicatorValueRequest(JsonDocument.Parse(value).RootElement, true, null), ct);
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
