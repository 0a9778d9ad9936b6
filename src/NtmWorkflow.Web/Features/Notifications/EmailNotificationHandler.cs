using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Calendar;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Notifications;

/// <summary>
/// The handler of send and service tasks that tell people something by email (topics <c>ntm.notify</c>
/// and <c>ntm.escalate</c>). It renders the mail and puts it in the outbox, so the mail is saved with the
/// step that caused it and sent after; it never talks to the mail server itself. The task's
/// <c>camunda:properties</c> say what and to whom:
/// <list type="bullet">
/// <item><c>to</c>: recipients (see <see cref="RecipientDirectory"/>); <c>assignee,candidates</c> by default when the mail is about a task;</item>
/// <item><c>task</c>: the id of the user task the mail is about (its due date, its link <c>/tasks/{id}</c>, its people);</item>
/// <item><c>template</c>: a stored template (Vietnamese, then English), or <c>subject</c> and <c>body</c>: Liquid inline.</item>
/// </list>
/// Templates see the process variables, <c>businessKey</c>, <c>processId</c>, <c>run</c> (the reminder number)
/// and <c>task</c> (<c>name</c>, <c>due</c>, <c>link</c>, <c>workingDaysLeft</c>, <c>workingDaysOverdue</c>, <c>responsible</c>).
/// A mail that would reach nobody fails, so the token stops with an incident instead of passing silently.
/// </summary>
public sealed class EmailNotificationHandler(
    IServiceScopeFactory scopes,
    RecipientDirectory recipients,
    IOptions<NotificationOptions> options,
    LiveWorkingDays workingDays,
    LiveOfficeHours officeHours) : IServiceTaskHandler
{
    public const string NotifyTopic = "ntm.notify";
    public const string EscalateTopic = "ntm.escalate";
    public const string EmailChannel = "email";
    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions TemplateOptions = CreateTemplateOptions();

    public async ValueTask<IReadOnlyDictionary<string, JsonNode?>> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tasks = TasksConcerned(context);
        var model = Model(context, tasks);

        string subject, body;
        if (context.Properties.TryGetValue("template", out var key) && !string.IsNullOrWhiteSpace(key))
        {
            var templates = await LoadTemplatesAsync(key.Trim(), cancellationToken);
            if (templates.Count == 0)
            {
                throw new InvalidOperationException($"{context.ElementId} names mail template '{key}', which does not exist");
            }

            var parts = templates.Select(t => (Subject: Render(t.Subject, $"template {t.Key}/{t.Culture} subject", model), Body: Render(t.Body, $"template {t.Key}/{t.Culture} body", model))).ToList();
            subject = parts[0].Subject;
            body = string.Join("\n\n———\n\n", parts.Select(p => p.Body));
        }
        else
        {
            subject = Property(context, "subject", model)
                      ?? (context.Topic == EscalateTopic ? $"[NtmWorkflow] Quá hạn xử lý hồ sơ {context.BusinessKey}" : $"[NtmWorkflow] Thông báo về hồ sơ {context.BusinessKey}");
            body = Property(context, "body", model) ?? subject;
        }

        var to = Property(context, "to", model) ?? (tasks.Count > 0 ? "assignee,candidates" : null)
                 ?? throw new InvalidOperationException($"{context.ElementId} has no camunda:property 'to' and is about no task");
        var addresses = await recipients.ResolveAsync(to, tasks, cancellationToken,
            context.Variables.GetValueOrDefault("provinceCode") is System.Text.Json.Nodes.JsonValue province && province.TryGetValue(out string? code) ? code : null);
        if (addresses.Count == 0)
        {
            throw new InvalidOperationException($"the mail of {context.ElementId} reaches nobody: '{to}' names no address and no user or group member with an email");
        }

        var payload = new EmailPayload(addresses, subject, body.Trim(), tasks.Select(t => t.Id).ToList());
        context.Enqueue(EmailChannel, JsonSerializer.Serialize(payload, EmailPayload.Json));
        return new Dictionary<string, JsonNode?>();
    }

    /// <summary>The tasks named by the <c>task</c> property (an element id: every open task of it), oldest first.</summary>
    private static List<TaskView> TasksConcerned(ServiceTaskContext context)
    {
        if (!context.Properties.TryGetValue("task", out var element) || string.IsNullOrWhiteSpace(element))
        {
            return [];
        }

        var tasks = context.OpenTasks.Where(t => t.ElementId == element.Trim()).ToList();
        return tasks.Count > 0 ? tasks : throw new InvalidOperationException($"{context.ElementId} is about task '{element}', which has no open task");
    }

    private Dictionary<string, object?> Model(ServiceTaskContext context, List<TaskView> tasks)
    {
        var model = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in context.Variables)
        {
            model[name] = ToTemplateValue(value);
        }

        model["businessKey"] = context.BusinessKey;
        model["processId"] = context.ProcessId;
        model["run"] = context.RunNumber;
        // The instance's own calendar (its province's office hours); the app's when called outside the engine.
        var instanceCalendar = context.Calendar ?? new WorkingCalendar(workingDays, officeHours.OfProvince(null));
        var views = tasks.Select(t => TaskModel(t, context.Now, instanceCalendar)).ToList();
        model["tasks"] = views;
        model["task"] = views.Count > 0 ? views[0] : null;
        return model;
    }

    private Dictionary<string, object?> TaskModel(TaskView task, DateTimeOffset now, WorkingCalendar calendar)
    {
        var days = task.Due is { } due ? calendar.WorkingDaysBetween(now, due) : (int?)null;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = task.Id.ToString(),
            ["name"] = task.Name ?? task.ElementId,
            ["elementId"] = task.ElementId,
            ["due"] = task.Due is { } d ? d.ToVietnamTime().ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture) : "",
            ["link"] = $"{options.Value.PublicBaseUrl.TrimEnd('/')}/tasks/{task.Id}",
            ["workingDaysLeft"] = days is > 0 ? days : 0,
            ["workingDaysOverdue"] = days is < 0 ? -days : 0,
            ["responsible"] = task.Assignee ?? string.Join(", ", task.CandidateUsers.Concat(task.CandidateGroups)),
        };
    }

    private async Task<List<MailTemplateRow>> LoadTemplatesAsync(string key, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var rows = await db.MailTemplates.AsNoTracking().Where(t => t.Key == key).ToListAsync(cancellationToken);

        // Vietnamese first, then English, then any other language.
        return [.. rows.OrderBy(t => t.Culture switch { "vi" => 0, "en" => 1, _ => 2 }).ThenBy(t => t.Culture, StringComparer.Ordinal)];
    }

    private static string? Property(ServiceTaskContext context, string property, Dictionary<string, object?> model) =>
        context.Properties.TryGetValue(property, out var source) && !string.IsNullOrWhiteSpace(source)
            ? Render(source, $"the '{property}' property of {context.ElementId}", model)
            : null;

    internal static string Render(string source, string what, Dictionary<string, object?> model)
    {
        if (!Parser.TryParse(source, out var template, out var error))
        {
            throw new InvalidOperationException($"{what} does not parse: {error}");
        }

        return template.Render(new TemplateContext(model, TemplateOptions)).Trim();
    }

    /// <summary>Checks a Liquid template; null when it parses, else the parser's message.</summary>
    public static string? CheckTemplate(string source) => Parser.TryParse(source, out _, out var error) ? null : error;

    /// <summary>
    /// Renders a template on a model shaped as the handler's (the administrators' preview); throws
    /// <see cref="InvalidOperationException"/> naming <paramref name="what"/> when it does not parse.
    /// </summary>
    public static string RenderTemplate(string source, string what, Dictionary<string, object?> model) => Render(source, what, model);

    private static object? ToTemplateValue(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => ToTemplateValue(p.Value)),
        JsonArray a => a.Select(ToTemplateValue).ToList(),
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<decimal>(out var d) => d,
        _ => node.ToJsonString(),
    };

    private static TemplateOptions CreateTemplateOptions()
    {
        // Administrators write the templates: a loop is stopped after MaxSteps, and the filters that can grow a text
        // faster than a loop can count (doubling by append, replace, join of a long range) refuse past MaxRenderedLength.
        var options = new TemplateOptions { MemberAccessStrategy = new UnsafeMemberAccessStrategy(), MaxSteps = 100_000, MaxRecursion = 32 };
        options.CultureInfo = CultureInfo.GetCultureInfo("vi-VN");
        options.Filters.AddFilter("append", (input, arguments, _) => Bounded("append", (long)input.ToStringValue().Length + arguments.At(0).ToStringValue().Length,
            () => input.ToStringValue() + arguments.At(0).ToStringValue()));
        options.Filters.AddFilter("prepend", (input, arguments, _) => Bounded("prepend", (long)input.ToStringValue().Length + arguments.At(0).ToStringValue().Length,
            () => arguments.At(0).ToStringValue() + input.ToStringValue()));
        options.Filters.AddFilter("replace", (input, arguments, _) =>
        {
            var (text, from, to) = (input.ToStringValue(), arguments.At(0).ToStringValue(), arguments.At(1).ToStringValue());
            var times = from.Length == 0 ? text.Length + 1 : (text.Length - text.Replace(from, "", StringComparison.Ordinal).Length) / from.Length;
            return Bounded("replace", text.Length + ((long)times * to.Length), () => from.Length == 0 ? text : text.Replace(from, to, StringComparison.Ordinal));
        });
        options.Filters.AddFilter("join", (input, arguments, context) =>
        {
            var separator = arguments.Count > 0 ? arguments.At(0).ToStringValue() : " ";
            long length = 0;
            var parts = new List<string>();
            foreach (var item in input.Enumerate(context))
            {
                var part = item.ToStringValue();
                if ((length += part.Length + separator.Length) > MaxRenderedLength)
                {
                    return Bounded("join", length, () => "");
                }

                parts.Add(part);
            }

            return new Fluid.Values.StringValue(string.Join(separator, parts));
        });
        return options;
    }

    /// <summary>The longest text a template's filter may make: far beyond any mail, far below what could hurt a node.</summary>
    internal const int MaxRenderedLength = 1_000_000;

    private static ValueTask<Fluid.Values.FluidValue> Bounded(string filter, long length, Func<string> make) =>
        length > MaxRenderedLength
            ? throw new InvalidOperationException($"the filter '{filter}' would make a text of more than {MaxRenderedLength} characters")
            : new Fluid.Values.StringValue(make());
}

/// <summary>
/// What the email channel of the outbox carries. <paramref name="Attachments"/> reference files in the document store
/// (<see cref="OutboxAttachments"/>); absent from the JSON of mails without any, so payloads written before attachments
/// existed read as before.
/// </summary>
public sealed record EmailPayload(IReadOnlyList<string> To, string Subject, string Body, IReadOnlyList<Guid> TaskIds,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<EmailAttachmentRef>? Attachments = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

/// <summary>Section <c>Notifications</c>.</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>The address officials open the app at; mails link to <c>{PublicBaseUrl}/tasks/{id}</c>.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    /// <summary>The right-hand side of Message-IDs.</summary>
    public string MessageIdDomain { get; set; } = "ntmworkflow.local";

    /// <summary>How often each node looks for mail to send when nothing woke it.</summary>
    public int PollSeconds { get; set; } = 10;

    /// <summary>How long a claimed mail stays reserved for the node sending it.</summary>
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>
    /// How long the sender leaves a thrown message or signal to the engine, which delivers it right after
    /// the step; only one still pending after this (a crash, nothing waiting yet) is the sender's.
    /// </summary>
    public int WorkflowDeliveryGraceSeconds { get; set; } = 30;

    /// <summary>Attempts before a mail becomes a dead letter.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failure; doubled after each further one (capped at 6 hours).</summary>
    public int FirstRetrySeconds { get; set; } = 30;
}
