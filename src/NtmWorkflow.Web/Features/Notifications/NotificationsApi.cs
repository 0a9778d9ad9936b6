using Microsoft.AspNetCore.Http.HttpResults;
using NtmWorkflow.Web.Infrastructure;

namespace NtmWorkflow.Web.Features.Notifications;

public sealed record MailTemplateRequest(string? Subject, string? Body, string? Actor);

public sealed record OutboxMessageView(long Id, string DedupKey, string Channel, Guid InstanceId, string ElementId, string MessageId, OutboxStatus Status,
    int Attempts, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt, DateTimeOffset? SentAt, string? LastError);

/// <summary>The outbox (pending mail, dead letters and sending them again) and the mail templates, for administrators.</summary>
public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireApiKey().WithTags("Notifications");
        api.MapGet("/outbox", ListOutbox).WithSummary("Outbox messages, newest first; ?status=Pending|Sent|Dead, ?instanceId=");
        api.MapPost("/outbox/{id:long}/resend", Resend).WithSummary("Puts a dead letter back in the queue (same dedup key, same Message-ID)");
        api.MapGet("/mail-templates", ListTemplates).WithSummary("The mail templates (Liquid), by key and language");
        api.MapPut("/mail-templates/{key}/{culture}", PutTemplate).WithSummary("Sets a template's subject and body; refused when the Liquid does not parse");
        return app;
    }

    public static async Task<Ok<List<OutboxMessageView>>> ListOutbox(OutboxStatus? status, Guid? instanceId, OutboxService outbox, CancellationToken ct) =>
        TypedResults.Ok(await outbox.ListAsync(status, instanceId, 500, ct));

    public static async Task<Results<NoContent, ProblemHttpResult>> Resend(long id, OutboxService outbox, CancellationToken ct)
    {
        try
        {
            await outbox.ResendAsync(id, "api", null, ct);
            return TypedResults.NoContent();
        }
        catch (OutboxException e)
        {
            // A message that does not exist is "not a dead letter" too, as this API has always answered.
            return TypedResults.Problem(statusCode: 409, title: "Not a dead letter", detail: e.Status == StatusCodes.Status404NotFound ? $"Outbox message {id} does not exist or is not dead." : e.Message);
        }
    }

    public static async Task<Ok<List<MailTemplateRow>>> ListTemplates(MailTemplateService templates, CancellationToken ct) =>
        TypedResults.Ok(await templates.ListAsync(ct));

    public static async Task<Results<Ok<MailTemplateRow>, ProblemHttpResult>> PutTemplate(string key, string culture, MailTemplateRequest request, MailTemplateService templates,
        CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await templates.SaveAsync(key, culture, request.Subject, request.Body, request.Actor, ct));
        }
        catch (MailTemplateException e)
        {
            return TypedResults.Problem(statusCode: 400, title: "The template was refused", detail: e.Message);
        }
    }
}
