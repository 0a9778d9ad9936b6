using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Testing;

/// <summary>Dossiers of the demo province brought to a given step through the app's own services, for tests that start there.</summary>
public static class DossierSeeds
{
    /// <summary>Opens a 2025 dossier of <paramref name="commune"/> (two-tier path, opened 2025-09-15) as its officer.</summary>
    public static async Task<Guid> OpenAsync(IServiceProvider services, string communeOfficer, string commune)
    {
        await using var scope = services.CreateAsyncScope();
        var officer = await OfficialAsync(scope, communeOfficer);
        return (await scope.ServiceProvider.GetRequiredService<DossierService>()
            .OpenAsync(officer, new OpenDossierRequest(commune, RecognitionTier.Ntm, 2025, null, null, "*", new DateOnly(2025, 9, 15), null), CancellationToken.None)).Id;
    }

    /// <summary>Assesses every indicator as met (a value of its kind), except those in <paramref name="leave"/>.</summary>
    public static async Task AssessAllAsync(IServiceProvider services, string communeOfficer, Guid dossierId, params string[] leave)
    {
        await using var scope = services.CreateAsyncScope();
        var officer = await OfficialAsync(scope, communeOfficer);
        var dossiers = scope.ServiceProvider.GetRequiredService<DossierService>();
        var dossier = await dossiers.LoadAsync(dossierId, CancellationToken.None);
        var kinds = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Indicators.AsNoTracking()
            .Where(i => i.Criterion.CriteriaSetId == dossier.CriteriaSetId).ToDictionaryAsync(i => i.Number, i => i.Kind);
        foreach (var number in dossier.Indicators.Select(i => i.Number).Except(leave).ToList())
        {
            var value = kinds[number] switch { MeasurementKind.YesNo => "true", MeasurementKind.Rating => "\"Tốt\"", MeasurementKind.Percent => "92.5", _ => "58" };
            await dossiers.SetIndicatorAsync(officer, dossierId, number, new IndicatorValueRequest(JsonDocument.Parse(value).RootElement, true, null), CancellationToken.None);
        }
    }

    /// <summary>Records recognition conditions that hold: survey above the threshold, a posting long enough, no debt, no security problem.</summary>
    public static async Task SetConditionsAsync(IServiceProvider services, string communeOfficer, Guid dossierId)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DossierService>().SetConditionsAsync(await OfficialAsync(scope, communeOfficer), dossierId,
            new ConditionsRequest(96.4m, 1180, true, SecurityOrderStatus.NotComplicated, new DateOnly(2025, 10, 1), new DateOnly(2025, 10, 15), 3, "Ý kiến về đường liên thôn"),
            CancellationToken.None);
    }

    /// <summary>A dossier with every indicator met, submitted, taken in and verified by the coordination office: at the departments' reviews.</summary>
    public static async Task<Guid> AtDepartmentReviewAsync(IServiceProvider services, string communeOfficer, string commune)
    {
        var id = await OpenAsync(services, communeOfficer, commune);
        await AssessAllAsync(services, communeOfficer, id);
        await SetConditionsAsync(services, communeOfficer, id);
        await using var scope = services.CreateAsyncScope();
        var officer = await OfficialAsync(scope, communeOfficer);
        var office = await OfficialAsync(scope, "vpdp");
        var dossiers = scope.ServiceProvider.GetRequiredService<DossierService>();
        await dossiers.CompleteCommuneStepAsync(officer, id, CommuneStep.SelfAssessment, CancellationToken.None);
        await dossiers.CompleteCommuneStepAsync(officer, id, CommuneStep.PostingAndSurvey, CancellationToken.None);
        await dossiers.CompleteCommuneStepAsync(officer, id, CommuneStep.Submit, CancellationToken.None);
        foreach (var step in new[] { "intake", "verification" })
        {
            var dossier = await dossiers.LoadAsync(id, CancellationToken.None);
            var task = (await dossiers.OpenTasksAsync(dossier, CancellationToken.None)).Single(t => t.ElementId == step);
            await dossiers.ReviewAsync(office, id, task.Id, new ReviewRequest("forward", null, null, null), CancellationToken.None);
        }

        return id;
    }

    private static async Task<Official> OfficialAsync(AsyncServiceScope scope, string userName) =>
        await scope.ServiceProvider.GetRequiredService<OrganisationService>().FindOfficialAsync(userName, null, CancellationToken.None)
        ?? throw new InvalidOperationException($"There is no official {userName}.");
}
