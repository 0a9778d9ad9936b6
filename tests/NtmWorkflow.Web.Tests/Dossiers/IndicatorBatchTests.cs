using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Tests.Dossiers;

/// <summary>Several indicators in one save (<see cref="DossierService.SetIndicatorsAsync"/>): each checked as one, all or nothing, an audit entry each.</summary>
public sealed class IndicatorBatchTests : AppTestHost
{
    private Guid _dossier;

    protected override async Task SeedAsync() => _dossier = await DossierSeeds.OpenAsync(App.Services, "xa.lan", "00700");

    private static IndicatorValueRequest Value(string json, bool? met = true) => new(JsonDocument.Parse(json).RootElement, met, null);

    private async Task<T> WithAsync<T>(Func<DossierService, Official, Task<T>> act)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var official = await scope.ServiceProvider.GetRequiredService<OrganisationService>().FindOfficialAsync("xa.lan", null, CancellationToken.None);
        return await act(scope.ServiceProvider.GetRequiredService<DossierService>(), official!);
    }

    [Fact]
    public async Task A_batch_with_one_bad_value_changes_nothing_and_a_good_one_sets_each_with_its_audit_entry()
    {
        // 2.1 is a percentage: 140 is refused, and the good values before and after it are not kept either.
        var refused = await Assert.ThrowsAsync<DossierException>(() => WithAsync((dossiers, lan) =>
            dossiers.SetIndicatorsAsync(lan, _dossier, [("1.1", Value("true")), ("2.1", Value("140")), ("1.2", Value("true"))], CancellationToken.None)));
        Assert.Equal(400, refused.Status);
        Assert.Contains("2.1", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await QueryAsync(db => db.DossierIndicators.CountAsync(i => i.DossierId == _dossier && i.Value != null)));
        Assert.Equal(0, await QueryAsync(db => db.AuditEntries.CountAsync(a => a.Subject == $"dossier/{_dossier}" && a.Action == "dossier.indicatorSet")));

        await Assert.ThrowsAsync<DossierException>(() => WithAsync((dossiers, lan) =>
            dossiers.SetIndicatorsAsync(lan, _dossier, [("1.1", Value("true")), ("99.9", Value("true"))], CancellationToken.None)));
        Assert.Equal(0, await QueryAsync(db => db.DossierIndicators.CountAsync(i => i.DossierId == _dossier && i.Value != null)));

        var set = await WithAsync((dossiers, lan) =>
            dossiers.SetIndicatorsAsync(lan, _dossier, [("1.1", Value("true")), ("2.1", Value("92.5")), ("1.2", Value("false", met: false))], CancellationToken.None));
        Assert.Equal(["1.1", "2.1", "1.2"], set.Select(r => r.Number));
        var stored = await QueryAsync(db => db.DossierIndicators.Where(i => i.DossierId == _dossier && i.Value != null).ToDictionaryAsync(i => i.Number, i => (i.Value, i.Met)));
        Assert.Equal(3, stored.Count);
        Assert.Equal(("92.5", (bool?)true), stored["2.1"]);
        Assert.Equal(("false", (bool?)false), stored["1.2"]);
        Assert.Equal(3, await QueryAsync(db => db.AuditEntries.CountAsync(a => a.Subject == $"dossier/{_dossier}" && a.Action == "dossier.indicatorSet")));
    }
}
