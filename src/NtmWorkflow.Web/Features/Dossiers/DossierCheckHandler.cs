using System.Text.Json.Nodes;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Web.Features.Dossiers;

/// <summary>
/// The step before the council (topic <c>ntm.dossier.check</c>): whether 100 % of the dossier's indicators are
/// met now (không để nợ chỉ tiêu), and which are not.
/// </summary>
public sealed class DossierCheckHandler(IServiceScopeFactory scopes) : IServiceTaskHandler
{
    public const string Topic = "ntm.dossier.check";

    public async ValueTask<IReadOnlyDictionary<string, JsonNode?>> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Variables.GetValueOrDefault("dossierId") is not JsonValue value || !Guid.TryParse(value.ToString(), out var dossierId))
        {
            throw new InvalidOperationException("The instance has no dossierId variable: it was not opened as a dossier.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var dossiers = scope.ServiceProvider.GetRequiredService<DossierService>();
        var (allMet, unmet, _) = await dossiers.CheckIndicatorsAsync(dossierId, cancellationToken);
        return new Dictionary<string, JsonNode?>
        {
            ["allIndicatorsMet"] = allMet,
            ["unmetIndicators"] = new JsonArray([.. unmet.Select(n => (JsonNode?)JsonValue.Create(n))]),
        };
    }
}
