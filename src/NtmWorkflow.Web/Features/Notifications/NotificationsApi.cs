using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Infrastructure;
using NtmWorkflow.Web.Persistence;

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

    public static async Task<Ok<List<OutboxMessageView>>> ListOutbox(OutboxStatus? status, Guid? instanceId, AppDbContext db, CancellationToken ct)
    {
        var query = db.OutboxMessages.AsNoTracking();
        if (status is not null)
        {
            query = query.Where(o => o.Status == status);
        }

        if (instanceId is not null)
        {
            query = query.Where(o => o.InstanceId == instanceId);
        }

        return TypedResults.Ok(await query.OrderByDescending(o => o.Id).Take(500)
            .Select(o => new OutboxMessageView(o.Id, o.DedupKey, o.Channel, o.InstanceId, o.ElementId, o.MessageId, o.Status, o.Attempts, o.CreatedAt, o.NextAttemptAt, o.SentAt, o.LastError))
            .ToListAsync(ct));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Resend(long id, AppDbContext db, TimeProvider clock, WorkflowWakeups wakeups, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var changed = await db.OutboxMessages.Where(o => o.Id == id && o.Status == OutboxStatus.Dead)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OutboxStatus.Pending).SetProperty(o => o.Attempts, 0).SetProperty(o => o.NextAttemptAt, now), ct);
        if (changed == 0)
        {
            return TypedResults.Problem(statusCode: 409, title: "Not a dead letter", detail: $"Outbox message {id} does not exist or is not dead.");
        }

        wakeups.OutboxWritten();
        return TypedResults.NoContent();
    }

    public static async Task<Ok<List<MailTemplateRow>>> ListTemplates(AppDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.MailTemplates.AsNoTracking().OrderBy(t => t.Key).ThenBy(t => t.Culture).ToListAsync(ct));

    public static async Task<Results<Ok<MailTemplateRow>, ProblemHttpResult>> PutTemplate(string key, string culture, MailTemplateRequest request, AppDbContext db, TimeProvider clock,
        CancellationToken ct)
    {
        if (key.Length is 0 or > 100 || culture is not ("vi" or "en"))
        {
            return TypedResults.Problem(statusCode: 400, title: "The template was refused", detail: "The key is 1 to 100 characters and the language vi or en.");
        }

        var problems = new[] { ("subject", request.Subject), ("body", request.Body) }
            .Select(p => string.IsNullOrWhiteSpace(p.Item2) ? $"{p.Item1} is required" : EmailNotificationHandler.CheckTemplate(p.Item2) is { } error ? $"{p.Item1} does not parse: {error}" : null)
            .OfType<string>().ToList();
        if (problems.Count > 0)
        {
            return TypedResults.Problem(statusCode: 400, title: "The template was refused", detail: string.Join("; ", problems));
        }

        var row = await db.MailTemplates.SingleOrDefaultAsync(t => t.Key == key && t.Culture == culture, ct);
        if (row is null)
        {
            row = new MailTemplateRow { Key = key, Culture = culture, Subject = "", Body = "" };
            db.MailTemplates.Add(row);
        }

        row.Subject = request.Subject!;
        row.Body = request.Body!;
        row.UpdatedAt = clock.GetUtcNow();
        row.UpdatedBy = request.Actor;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(row);
    }
}
