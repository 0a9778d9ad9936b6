using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Web.Features.Workflows;

public static class WorkflowRegistration
{
    /// <summary>
    /// The engine's store on the app's database, and the handlers of service and send tasks by topic
    /// (the names <c>ntm handlers</c> lists).
    /// </summary>
    public static IHostApplicationBuilder AddWorkflows(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<EmailNotificationHandler>();
        builder.Services.AddSingleton(sp =>
        {
            var notifications = sp.GetRequiredService<EmailNotificationHandler>();
            return new HandlerRegistry()
                .Register(EmailNotificationHandler.NotifyTopic, notifications)
                .Register(EmailNotificationHandler.EscalateTopic, notifications);
        });
        builder.Services.AddSingleton<IWorkflowStore, Store.EfWorkflowStore>();
        var calendar = builder.Configuration.GetSection(Calendar.CalendarOptions.SectionName).Get<Calendar.CalendarOptions>() ?? new Calendar.CalendarOptions();
        if (!TimeOnly.TryParseExact(calendar.CloseOfBusiness, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var closeOfBusiness))
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(Calendar.CalendarOptions.SectionName, typeof(Calendar.CalendarOptions),
                [$"Calendar:CloseOfBusiness must be HH:mm, not '{calendar.CloseOfBusiness}'."]);
        }

        // Deadlines count in the civil service's working days: the Labour Code's rules plus the shipped yearly table.
        builder.Services.AddSingleton(sp => new WorkflowEngine(sp.GetRequiredService<IWorkflowStore>(), new WorkflowEngineOptions
        {
            Clock = sp.GetRequiredService<TimeProvider>(),
            Handlers = sp.GetRequiredService<HandlerRegistry>(),
            WorkingDays = new NtmWorkflow.Engine.Calendar.VietnameseWorkingDays(Calendar.OfficialCalendar.ShippedTable),
            CloseOfBusiness = closeOfBusiness,
        }));
        builder.Services.AddSingleton<WorkflowDeployment>();
        return builder;
    }
}
