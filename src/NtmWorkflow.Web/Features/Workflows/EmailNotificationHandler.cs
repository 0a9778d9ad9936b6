using System.Text.Json.Nodes;
using Fluid;
using Microsoft.AspNetCore.Identity;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Infrastructure.Email;

namespace NtmWorkflow.Web.Features.Workflows;

/// <summary>
/// The handler of send and service tasks that tell people something by email (topics <c>ntm.notify</c>
/// and <c>ntm.escalate</c>). The task's <c>camunda:properties</c> say what and to whom:
/// <list type="bullet">
/// <item><c>to</c>: comma-separated addresses and roles (<c>role:CoordinationOffice</c> means every user in that role);</item>
/// <item><c>subject</c> and <c>body</c>: Liquid templates over the process variables (plus <c>businessKey</c>).</item>
/// </list>
/// A notice that would reach nobody fails, so the token stops with an incident instead of passing silently.
/// </summary>
public sealed class EmailNotificationHandler(IServiceScopeFactory scopes, IEmailSender email, ILogger<EmailNotificationHandler> logger) : IServiceTaskHandler
{
    public const string NotifyTopic = "ntm.notify";
    public const string EscalateTopic = "ntm.escalate";
    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions TemplateOptions = CreateTemplateOptions();

    public async ValueTask<IReadOnlyDictionary<string, JsonNode?>> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = new Dictionary<string, object?>(StringComparer.Ordinal) { ["businessKey"] = context.BusinessKey, ["processId"] = context.ProcessId };
        foreach (var (name, value) in context.Variables)
        {
            model[name] = ToTemplateValue(value);
        }

        var to = Render(context, "to", model, required: true)!;
        var subject = Render(context, "subject", model, required: false)
                      ?? (context.Topic == EscalateTopic ? $"[NtmWorkflow] Quá hạn xử lý hồ sơ {context.BusinessKey}" : $"[NtmWorkflow] Thông báo về hồ sơ {context.BusinessKey}");
        var body = Render(context, "body", model, required: false) ?? subject;

        var recipients = await ResolveRecipientsAsync(to);
        if (recipients.Count == 0)
        {
            throw new InvalidOperationException($"the notice of {context.ElementId} reaches nobody: '{to}' names no address and no user with an email in those roles");
        }

        await email.SendAsync(new EmailMessage(recipients, subject, body), cancellationToken);
        logger.LogInformation("{Topic} from {Element} of {Instance} sent to {Count} recipient(s)", context.Topic, context.ElementId, context.InstanceId, recipients.Count);
        return new Dictionary<string, JsonNode?>();
    }

    private static string? Render(ServiceTaskContext context, string property, Dictionary<string, object?> model, bool required)
    {
        if (!context.Properties.TryGetValue(property, out var source) || string.IsNullOrWhiteSpace(source))
        {
            return required ? throw new InvalidOperationException($"{context.ElementId} has no camunda:property '{property}'") : null;
        }

        if (!Parser.TryParse(source, out var template, out var error))
        {
            throw new InvalidOperationException($"the '{property}' template of {context.ElementId} does not parse: {error}");
        }

        return template.Render(new TemplateContext(model, TemplateOptions)).Trim();
    }

    private async Task<List<string>> ResolveRecipientsAsync(string to)
    {
        var addresses = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        foreach (var part in to.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("role:", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var user in await users.GetUsersInRoleAsync(part[5..].Trim()))
                {
                    if (!string.IsNullOrWhiteSpace(user.Email))
                    {
                        addresses.Add(user.Email);
                    }
                }
            }
            else if (MimeKit.MailboxAddress.TryParse(part, out _))
            {
                addresses.Add(part);
            }
            else
            {
                throw new InvalidOperationException($"'{part}' is neither an email address nor role:NAME");
            }
        }

        return [.. addresses];
    }

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
        var options = new TemplateOptions { MemberAccessStrategy = new UnsafeMemberAccessStrategy() };
        options.CultureInfo = System.Globalization.CultureInfo.GetCultureInfo("vi-VN");
        return options;
    }
}
