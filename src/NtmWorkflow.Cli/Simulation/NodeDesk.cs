using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Infrastructure;

namespace NtmWorkflow.Cli.Simulation;

/// <summary>
/// The officials at the JSON API of several app nodes, as a provincial portal holding the API key calls it for them
/// (<c>X-Acting-User</c>). Requests go round the nodes; a node that refuses connections (down, restarting) is skipped
/// for a moment and the request goes to the next, as a load balancer does.
/// </summary>
internal sealed class NodeDesk(AppNodes nodes, string apiKey, Figures figures) : ICampaignDesk, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1), ConnectTimeout = TimeSpan.FromSeconds(5) })
    {
        Timeout = TimeSpan.FromSeconds(120),
    };

    private int _next;

    public ICampaignVisit Visit() => new NodeVisit(this);

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Sends to the next node that is up. Not connecting is safe to try elsewhere; a request cut off after it was sent
    /// may have been done, so it is tried elsewhere and, when the node that answers refuses it as already done (4xx),
    /// counted as done.
    /// </summary>
    private async Task<HttpResponseMessage?> SendAsync(Func<HttpRequestMessage> build, Official? acting, CancellationToken ct)
    {
        var cutOff = false;
        var conflicts = 0;
        for (var attempt = 0; ; attempt++)
        {
            var node = nodes.Route(Interlocked.Increment(ref _next));
            using var request = build();
            request.RequestUri = new Uri(node.BaseAddress, request.RequestUri!);
            request.Headers.Add(ApiCallerConventions.ApiKeyHeader, apiKey);
            if (acting is not null)
            {
                request.Headers.Add(ApiCallerConventions.ActingUserHeader, acting.UserName);
            }

            HttpResponseMessage response;
            node.Enter();
            try
            {
                response = await _http.SendAsync(request, ct);
            }
            catch (HttpRequestException e) when (attempt < 40)
            {
                node.Unreachable();
                if (e.HttpRequestError != HttpRequestError.ConnectionError)
                {
                    cutOff = true;
                }

                figures.Count("requests sent to another node");
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
                continue;
            }
            finally
            {
                node.Leave();
            }

            if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway && attempt < 40)
            {
                response.Dispose();
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                var problem = await response.Content.ReadAsStringAsync(ct);
                var status = (int)response.StatusCode;
                response.Dispose();

                // A timer fired on the same instance in the meantime: the official reloads and does it again, as the page tells them to.
                if (response.StatusCode == HttpStatusCode.Conflict && problem.Contains("Changed by someone else", StringComparison.Ordinal) && conflicts++ < 5)
                {
                    figures.Count("requests repeated after a concurrent change (409)");
                    await Task.Delay(TimeSpan.FromMilliseconds(50 * conflicts), ct);
                    continue;
                }

                if (cutOff && status is >= 400 and < 500)
                {
                    figures.Count("requests cut off by a node's death, found done");
                    return null;
                }

                throw new InvalidOperationException($"{request.Method} {request.RequestUri.PathAndQuery} → {status}: {problem}");
            }

            return response;
        }
    }

    private async Task<T> ReadAsync<T>(Func<HttpRequestMessage> build, Official? acting, CancellationToken ct)
    {
        using var response = await SendAsync(build, acting, ct)
                             ?? throw new InvalidOperationException("A request whose answer is needed was cut off by a node's death.");
        return await response.Content.ReadFromJsonAsync<T>(Json, ct) ?? throw new InvalidOperationException("An empty answer.");
    }

    private async Task DoAsync(Func<HttpRequestMessage> build, Official? acting, CancellationToken ct) => (await SendAsync(build, acting, ct))?.Dispose();

    private static HttpRequestMessage Request(HttpMethod method, string path, object? body = null) => new(method, new Uri(path, UriKind.Relative))
    {
        Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: Json),
    };

    private sealed class NodeVisit(NodeDesk desk) : ICampaignVisit
    {
        public async Task<OpenedDossier> OpenDossierAsync(Official officer, OpenDossierRequest request, CancellationToken ct)
        {
            var dossier = await desk.ReadAsync<DossierView>(() => Request(HttpMethod.Post, "/api/dossiers/", request), officer, ct);
            return new OpenedDossier(dossier.Id, dossier.InstanceId ?? throw new InvalidOperationException($"Dossier {dossier.Code} has no workflow."), dossier.ProvinceCode);
        }

        public async Task<IReadOnlyList<CampaignTask>> TasksAsync(Guid dossierId, Guid instanceId, CancellationToken ct) =>
            [.. (await desk.ReadAsync<List<TaskView>>(() => Request(HttpMethod.Get, $"/api/tasks?instanceId={instanceId}"), null, ct))
                .Select(t => new CampaignTask(t.Id, t.ElementId, t.Name, t.FormKey, t.CandidateGroups, t.Due))];

        public async Task SetIndicatorsAsync(Official official, Guid dossierId, IReadOnlyList<(string Number, IndicatorValueRequest Value)> values, CancellationToken ct)
        {
            // The page saves one indicator at a time; so does the API.
            foreach (var (number, value) in values)
            {
                await desk.DoAsync(() => Request(HttpMethod.Put, $"/api/dossiers/{dossierId}/indicators/{Uri.EscapeDataString(number)}", value), official, ct);
            }
        }

        public Task SetConditionsAsync(Official official, Guid dossierId, ConditionsRequest request, CancellationToken ct) =>
            desk.DoAsync(() => Request(HttpMethod.Put, $"/api/dossiers/{dossierId}/conditions", request), official, ct);

        public Task CompleteCommuneStepAsync(Official official, Guid dossierId, CommuneStep step, CancellationToken ct) =>
            desk.DoAsync(() => Request(HttpMethod.Post, step switch
            {
                CommuneStep.SelfAssessment => $"/api/dossiers/{dossierId}/self-assessment/complete",
                CommuneStep.PostingAndSurvey => $"/api/dossiers/{dossierId}/posting/complete",
                _ => $"/api/dossiers/{dossierId}/submit",
            }), official, ct);

        public async Task<IReadOnlyList<string>> ReopenedIndicatorsAsync(Guid dossierId, Official reader, CancellationToken ct) =>
            [.. (await desk.ReadAsync<DossierView>(() => Request(HttpMethod.Get, $"/api/dossiers/{dossierId}"), reader, ct)).Indicators.Where(i => i.Reopened).Select(i => i.Number)];

        public Task ReviewAsync(Official official, Guid dossierId, Guid taskId, ReviewRequest review, CancellationToken ct) =>
            desk.DoAsync(() => Request(HttpMethod.Post, $"/api/dossiers/{dossierId}/tasks/{taskId}/review", review), official, ct);

        public Task CompleteTaskAsync(Official official, Guid instanceId, Guid taskId, CancellationToken ct) =>
            desk.DoAsync(() => Request(HttpMethod.Post, $"/api/tasks/{taskId}/complete", new NtmWorkflow.Web.Features.Workflows.CompleteTaskRequest(null, official.UserName)), null, ct);

        public async Task<IReadOnlyList<Guid>> AgendaCandidatesAsync(Official office, string province, CancellationToken ct) =>
            [.. (await desk.ReadAsync<List<AgendaCandidate>>(() => Request(HttpMethod.Get, $"/api/council/{province}/agenda-candidates"), office, ct)).Select(c => c.DossierId)];

        public async Task<CampaignSession> PlanSessionAsync(Official office, string province, PlanSessionRequest request, CancellationToken ct) =>
            View(await desk.ReadAsync<SessionView>(() => Request(HttpMethod.Post, $"/api/council/{province}/sessions", request), office, ct));

        public async Task<CampaignSession> SessionAsync(Official reader, Guid sessionId, CancellationToken ct) =>
            View(await desk.ReadAsync<SessionView>(() => Request(HttpMethod.Get, $"/api/council/sessions/{sessionId}"), reader, ct));

        public Task RollCallAsync(Official secretary, Guid sessionId, RollCallRequest request, CancellationToken ct) =>
            desk.DoAsync(() => Request(HttpMethod.Post, $"/api/council/sessions/{sessionId}/roll-call", request), secretary, ct);

        public Task PresentReportAsync(Official secretary, Guid sessionId, string report, CancellationToken ct) =>
            desk.DoAsync(() => Request(HttpMethod.Post, $"/api/council/sessions/{sessionId}/reports/{report}"), secretary, ct);

        public Task CastAsync(Official voter, Guid sessionId, Guid dossierId, BallotRequest ballot, CancellationToken ct) =>
            desk.DoAsync(() => Request(HttpMethod.Post, $"/api/council/sessions/{sessionId}/dossiers/{dossierId}/ballot", ballot), voter, ct);

        public async Task<CampaignSession> CloseAsync(Official secretary, Guid sessionId, CancellationToken ct)
        {
            await desk.DoAsync(() => Request(HttpMethod.Post, $"/api/council/sessions/{sessionId}/close"), secretary, ct);
            return await SessionAsync(secretary, sessionId, ct);
        }

        public Task RecordDecisionAsync(Official office, Guid sessionId, DecisionRecordRequest request, string fileName, byte[] scan, CancellationToken ct) =>
            desk.DoAsync(() => new HttpRequestMessage(HttpMethod.Post, new Uri(string.Create(CultureInfo.InvariantCulture,
                $"/api/council/sessions/{sessionId}/decision?number={Uri.EscapeDataString(request.Number ?? "")}&signedOn={request.SignedOn:yyyy-MM-dd}&signer={Uri.EscapeDataString(request.Signer ?? "")}&fileName={Uri.EscapeDataString(fileName)}"), UriKind.Relative))
            {
                Content = new ByteArrayContent(scan) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf") } },
            }, office, ct);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private static CampaignSession View(SessionView session) =>
            new(session.Id, session.ProvinceCode, [.. session.Agenda.OrderBy(a => a.Order).Select(a => (a.DossierId, a.Outcome is { } o ? Enum.Parse<CouncilOutcome>(o) : (CouncilOutcome?)null))]);
    }
}
