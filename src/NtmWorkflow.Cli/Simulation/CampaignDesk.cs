using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Cli.Simulation;

/// <summary>An open task as the simulated officials see it.</summary>
internal sealed record CampaignTask(Guid Id, string ElementId, string? Name, string? FormKey, IReadOnlyList<string> CandidateGroups, DateTimeOffset? Due);

/// <summary>A dossier just opened.</summary>
internal sealed record OpenedDossier(Guid Id, Guid InstanceId, string ProvinceCode);

/// <summary>A council session: its province and each agenda item's outcome (none before the tally).</summary>
internal sealed record CampaignSession(Guid Id, string ProvinceCode, IReadOnlyList<(Guid DossierId, CouncilOutcome? Outcome)> Agenda);

/// <summary>Where the simulated officials act: the app's services in this process, or the JSON API of app nodes.</summary>
internal interface ICampaignDesk
{
    /// <summary>One event's calls (in this process: one DI scope, as one request has).</summary>
    ICampaignVisit Visit();
}

/// <summary>The officials' calls: each one the service call (or API request) the app's page or a caller makes.</summary>
internal interface ICampaignVisit : IAsyncDisposable
{
    Task<OpenedDossier> OpenDossierAsync(Official officer, OpenDossierRequest request, CancellationToken ct);

    Task<IReadOnlyList<CampaignTask>> TasksAsync(Guid dossierId, Guid instanceId, CancellationToken ct);

    Task SetIndicatorsAsync(Official official, Guid dossierId, IReadOnlyList<(string Number, IndicatorValueRequest Value)> values, CancellationToken ct);

    Task SetConditionsAsync(Official official, Guid dossierId, ConditionsRequest request, CancellationToken ct);

    Task CompleteCommuneStepAsync(Official official, Guid dossierId, CommuneStep step, CancellationToken ct);

    Task<IReadOnlyList<string>> ReopenedIndicatorsAsync(Guid dossierId, Official reader, CancellationToken ct);

    Task ReviewAsync(Official official, Guid dossierId, Guid taskId, ReviewRequest review, CancellationToken ct);

    /// <summary>A step with no form of its own (the district's publication and submission): completed as the workflow API does.</summary>
    Task CompleteTaskAsync(Official official, Guid instanceId, Guid taskId, CancellationToken ct);

    Task<IReadOnlyList<Guid>> AgendaCandidatesAsync(Official office, string province, CancellationToken ct);

    Task<CampaignSession> PlanSessionAsync(Official office, string province, PlanSessionRequest request, CancellationToken ct);

    Task<CampaignSession> SessionAsync(Official reader, Guid sessionId, CancellationToken ct);

    Task RollCallAsync(Official secretary, Guid sessionId, RollCallRequest request, CancellationToken ct);

    Task PresentReportAsync(Official secretary, Guid sessionId, string report, CancellationToken ct);

    Task CastAsync(Official voter, Guid sessionId, Guid dossierId, BallotRequest ballot, CancellationToken ct);

    Task<CampaignSession> CloseAsync(Official secretary, Guid sessionId, CancellationToken ct);

    Task RecordDecisionAsync(Official office, Guid sessionId, DecisionRecordRequest request, string fileName, byte[] scan, CancellationToken ct);
}

/// <summary>The app's services in this process, as its pages call them.</summary>
internal sealed class ServiceDesk(IServiceProvider services) : ICampaignDesk
{
    public ICampaignVisit Visit() => new ServiceVisit(services.CreateAsyncScope());

    private sealed class ServiceVisit(AsyncServiceScope scope) : ICampaignVisit
    {
        private DossierService Dossiers => scope.ServiceProvider.GetRequiredService<DossierService>();

        private CouncilService Council => scope.ServiceProvider.GetRequiredService<CouncilService>();

        private WorkflowEngine Engine => scope.ServiceProvider.GetRequiredService<WorkflowEngine>();

        public async Task<OpenedDossier> OpenDossierAsync(Official officer, OpenDossierRequest request, CancellationToken ct)
        {
            var dossier = await Dossiers.OpenAsync(officer, request, ct);
            return new OpenedDossier(dossier.Id, dossier.InstanceId ?? throw new InvalidOperationException($"Dossier {dossier.Code} has no workflow."), dossier.ProvinceCode);
        }

        public async Task<IReadOnlyList<CampaignTask>> TasksAsync(Guid dossierId, Guid instanceId, CancellationToken ct) =>
            [.. (await Engine.ListTasksAsync(instanceId, ct)).Select(t => new CampaignTask(t.Id, t.ElementId, t.Name, t.FormKey, t.CandidateGroups, t.Due))];

        public Task SetIndicatorsAsync(Official official, Guid dossierId, IReadOnlyList<(string Number, IndicatorValueRequest Value)> values, CancellationToken ct) =>
            Dossiers.SetIndicatorsAsync(official, dossierId, values, ct);

        public Task SetConditionsAsync(Official official, Guid dossierId, ConditionsRequest request, CancellationToken ct) =>
            Dossiers.SetConditionsAsync(official, dossierId, request, ct);

        public Task CompleteCommuneStepAsync(Official official, Guid dossierId, CommuneStep step, CancellationToken ct) =>
            Dossiers.CompleteCommuneStepAsync(official, dossierId, step, ct);

        public async Task<IReadOnlyList<string>> ReopenedIndicatorsAsync(Guid dossierId, Official reader, CancellationToken ct) =>
            [.. (await Dossiers.LoadAsync(dossierId, ct)).Indicators.Where(i => i.Reopened).Select(i => i.Number)];

        public Task ReviewAsync(Official official, Guid dossierId, Guid taskId, ReviewRequest review, CancellationToken ct) =>
            Dossiers.ReviewAsync(official, dossierId, taskId, review, ct);

        public async Task CompleteTaskAsync(Official official, Guid instanceId, Guid taskId, CancellationToken ct)
        {
            var task = (await Engine.ListTasksAsync(instanceId, ct)).FirstOrDefault(t => t.Id == taskId)
                       ?? throw new InvalidOperationException($"Task {taskId} is no longer open.");
            if (!DossierService.MayAct(official, task))
            {
                throw new InvalidOperationException($"{official.UserName} may not act on '{task.Name}'.");
            }

            await Engine.CompleteTaskAsync(task.Id, null, official.UserName, ct);
        }

        public async Task<IReadOnlyList<Guid>> AgendaCandidatesAsync(Official office, string province, CancellationToken ct) =>
            [.. (await Council.AgendaCandidatesAsync(province, ct)).Select(c => c.DossierId)];

        public async Task<CampaignSession> PlanSessionAsync(Official office, string province, PlanSessionRequest request, CancellationToken ct) =>
            View(await Council.PlanAsync(office, province, request, ct));

        public async Task<CampaignSession> SessionAsync(Official reader, Guid sessionId, CancellationToken ct) => View(await Council.LoadAsync(sessionId, ct));

        public Task RollCallAsync(Official secretary, Guid sessionId, RollCallRequest request, CancellationToken ct) => Council.OpenAsync(secretary, sessionId, request, ct);

        public Task PresentReportAsync(Official secretary, Guid sessionId, string report, CancellationToken ct) => Council.PresentReportAsync(secretary, sessionId, report, ct);

        public Task CastAsync(Official voter, Guid sessionId, Guid dossierId, BallotRequest ballot, CancellationToken ct) => Council.CastAsync(voter, sessionId, dossierId, ballot, ct);

        public async Task<CampaignSession> CloseAsync(Official secretary, Guid sessionId, CancellationToken ct) => View(await Council.CloseAsync(secretary, sessionId, ct));

        public Task RecordDecisionAsync(Official office, Guid sessionId, DecisionRecordRequest request, string fileName, byte[] scan, CancellationToken ct) =>
            Council.RecordDecisionAsync(office, sessionId, request, fileName, new MemoryStream(scan, writable: false), ct);

        public ValueTask DisposeAsync() => scope.DisposeAsync();

        private static CampaignSession View(CouncilSessionRow session) =>
            new(session.Id, session.ProvinceCode, [.. session.Agenda.OrderBy(a => a.Order).Select(a => (a.DossierId, a.Outcome))]);
    }
}
