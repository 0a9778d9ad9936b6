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
        builder.Services.AddSingleton(sp => new WorkflowEngine(sp.GetRequiredService<IWorkflowStore>(), new WorkflowEngineOptions
        {
            Clock = sp.GetRequiredService<TimeProvider>(),
            Handlers = sp.GetRequiredService<HandlerRegistry>(),
        }));
        builder.Services.AddSingleton<WorkflowDeployment>();
        return builder;
    }
}
