using System.Text.Json.Nodes;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Web.Features.Council;

/// <summary>
/// The session workflow's tally (topic <c>ntm.council.tally</c>): counts the session's ballots by the province's
/// rules and returns each dossier's outcome, which the workflow sends to the dossier.
/// </summary>
public sealed class CouncilTallyHandler(IServiceScopeFactory scopes) : IServiceTaskHandler
{
    public const string Topic = "ntm.council.tally";

    public async ValueTask<IReadOnlyDictionary<string, JsonNode?>> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Variables.GetValueOrDefault("sessionId") is not JsonValue value || !Guid.TryParse(value.ToString(), out var sessionId))
        {
            throw new InvalidOperationException("The instance has no sessionId variable: it was not planned as a council session.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var outcomes = await scope.ServiceProvider.GetRequiredService<CouncilService>().TallyAsync(sessionId, cancellationToken);
        return new Dictionary<string, JsonNode?> { ["outcomes"] = outcomes };
    }
}
