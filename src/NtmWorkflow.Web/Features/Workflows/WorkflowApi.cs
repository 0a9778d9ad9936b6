using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Infrastructure;

namespace NtmWorkflow.Web.Features.Workflows;

public sealed record StartInstanceRequest(string? BusinessKey, Dictionary<string, JsonNode?>? Variables, int? Version, string? Actor);

public sealed record CompleteTaskRequest(Dictionary<string, JsonNode?>? Variables, string? Actor);

public sealed record CorrelateMessageRequest(string? CorrelationKey, Dictionary<string, JsonNode?>? Variables, string? Actor);

public sealed record BroadcastSignalRequest(Dictionary<string, JsonNode?>? Variables, string? Actor);

public sealed record CancelInstanceRequest(string? Reason, string? Actor);

public sealed record InstanceDetail(InstanceView Instance, IReadOnlyList<WorkflowEvent> History);

public sealed record MessageCorrelated(Guid InstanceId);

public sealed record SignalBroadcast(int Triggered);

/// <summary>
/// The engine's JSON API: start instances, list and complete tasks, correlate messages, broadcast
/// signals, cancel, retry incidents, read an instance with its history. Guarded by an API key (header
/// <c>X-Api-Key</c>, setting <c>Api:Key</c>) until officials sign in to it; every error is ProblemDetails.
/// </summary>
public static class WorkflowApi
{
    public const string ApiKeyHeader = Infrastructure.ApiCallerConventions.ApiKeyHeader;

    public static IEndpointRouteBuilder MapWorkflowApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireApiKey().WithTags("Workflows");
        api.MapGet("/definitions", ListDefinitions).WithSummary("The latest version of every deployed process, and files that failed to deploy");
        api.MapPost("/processes/{processId}/instances", StartInstance).WithSummary("Starts an instance of a process");
        api.MapGet("/instances/{instanceId:guid}", GetInstance).WithSummary("An instance with its variables, open tasks, incidents, timers and history");
        api.MapPost("/instances/{instanceId:guid}/cancel", CancelInstance).WithSummary("Cancels a running instance");
        api.MapPost("/instances/{instanceId:guid}/incidents/{incidentId}/retry", RetryIncident).WithSummary("Runs the failed step of an incident again");
        api.MapGet("/tasks", ListTasks).WithSummary("Open tasks, oldest first; filter by instance, assignee or candidate group");
        api.MapPost("/tasks/{taskId:guid}/complete", CompleteTask).WithSummary("Completes an open task, setting variables");
        api.MapPost("/messages/{messageName}", CorrelateMessage).WithSummary("Delivers a message to the instance waiting for it, or starts one");
        api.MapPost("/signals/{signalName}", BroadcastSignal).WithSummary("Broadcasts a signal to every instance waiting for it");
        return app;
    }

    public static Ok<object> ListDefinitions(WorkflowEngine engine, WorkflowDeployment deployment) =>
        TypedResults.Ok<object>(new { processes = engine.DeployedProcesses, problems = deployment.Problems });

    public static async Task<Created<InstanceView>> StartInstance(string processId, StartInstanceRequest? request, WorkflowEngine engine, CancellationToken ct)
    {
        var instance = await engine.StartAsync(processId, request?.Variables, request?.BusinessKey, request?.Version, request?.Actor, ct);
        return TypedResults.Created($"/api/instances/{instance.Id}", instance);
    }

    public static async Task<Results<Ok<InstanceDetail>, ProblemHttpResult>> GetInstance(Guid instanceId, WorkflowEngine engine, IWorkflowStore store, CancellationToken ct)
    {
        var instance = await engine.GetInstanceAsync(instanceId, ct);
        if (instance is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"Instance {instanceId} does not exist.");
        }

        return TypedResults.Ok(new InstanceDetail(instance, await store.ReadHistoryAsync(instanceId, ct)));
    }

    public static async Task<NoContent> CancelInstance(Guid instanceId, CancelInstanceRequest? request, WorkflowEngine engine, CancellationToken ct)
    {
        await engine.CancelInstanceAsync(instanceId, request?.Reason, request?.Actor, ct);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> RetryIncident(Guid instanceId, string incidentId, WorkflowEngine engine, CancellationToken ct)
    {
        await engine.RetryIncidentAsync(instanceId, incidentId, cancellationToken: ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<IReadOnlyList<TaskView>>> ListTasks(Guid? instanceId, string? assignee, string? candidateGroup, WorkflowEngine engine, CancellationToken ct)
    {
        var tasks = await engine.ListTasksAsync(instanceId, ct);
        IReadOnlyList<TaskView> filtered = [.. tasks.Where(t => (assignee is null || t.Assignee == assignee) && (candidateGroup is null || t.CandidateGroups.Contains(candidateGroup)))];
        return TypedResults.Ok(filtered);
    }

    public static async Task<NoContent> CompleteTask(Guid taskId, CompleteTaskRequest? request, WorkflowEngine engine, CancellationToken ct)
    {
        await engine.CompleteTaskAsync(taskId, request?.Variables, request?.Actor, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<MessageCorrelated>> CorrelateMessage(string messageName, CorrelateMessageRequest? request, WorkflowEngine engine, CancellationToken ct) =>
        TypedResults.Ok(new MessageCorrelated(await engine.CorrelateMessageAsync(messageName, request?.CorrelationKey, request?.Variables, request?.Actor, ct)));

    public static async Task<Ok<SignalBroadcast>> BroadcastSignal(string signalName, BroadcastSignalRequest? request, WorkflowEngine engine, CancellationToken ct) =>
        TypedResults.Ok(new SignalBroadcast(await engine.BroadcastSignalAsync(signalName, request?.Variables, request?.Actor, ct)));
}
