using Microsoft.Extensions.Options;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Calendar;
using NtmWorkflow.Web.Features.LegalParameters;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Infrastructure;
using Quartz;

namespace NtmWorkflow.Web.Features.Workflows;

public static class WorkflowRegistration
{
    /// <summary>
    /// The engine on the app's database, its working calendar, and the handlers of service and send tasks
    /// by topic (the names <c>ntm handlers</c> lists). No background work: see <see cref="AddWorkflowBackgroundServices"/>.
    /// </summary>
    public static IHostApplicationBuilder AddWorkflows(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var calendar = builder.Configuration.GetSection(CalendarOptions.SectionName).Get<CalendarOptions>() ?? new CalendarOptions();
        if (!OfficeHours.TryParse(calendar.OfficeHours, out var hours))
        {
            throw new OptionsValidationException(CalendarOptions.SectionName, typeof(CalendarOptions),
                [$"Calendar:OfficeHours must read like 07:30-11:30,13:30-17:00, not '{calendar.OfficeHours}'."]);
        }

        var provinceHours = new Dictionary<string, OfficeHours>(StringComparer.Ordinal);
        foreach (var (province, text) in calendar.ProvinceOfficeHours)
        {
            provinceHours[province] = OfficeHours.TryParse(text, out var own)
                ? own
                : throw new OptionsValidationException(CalendarOptions.SectionName, typeof(CalendarOptions),
                    [$"Calendar:ProvinceOfficeHours:{province} must read like 07:30-11:30,13:30-17:00, not '{text}'."]);
        }

        // Deadlines count in the civil service's working days: the Labour Code's rules plus the yearly table,
        // kept in the database (seeded from the shipped one) and held in memory.
        var workingDays = new LiveWorkingDays();
        services.AddSingleton(workingDays);

        // Office hours: configuration, overlaid by what administrators set in the calendar settings (held in memory likewise).
        var officeHours = new LiveOfficeHours(hours, provinceHours, nationalConfigured: builder.Configuration[$"{CalendarOptions.SectionName}:OfficeHours"] is not null);
        services.AddSingleton(officeHours);
        services.AddScoped<CalendarService>();

        // The national calendar with today's office hours, fresh on each resolve (an instance's own: WorkflowEngine.CalendarFor).
        services.AddTransient(sp => sp.GetRequiredService<WorkflowEngine>().Calendar);

        // Legal deadlines and thresholds, read by definitions through param('name'), held in memory like the calendar.
        var legalParameters = new LiveLegalParameters();
        services.AddSingleton(legalParameters);
        services.AddScoped<LegalParameterService>();

        services.Configure<NotificationOptions>(builder.Configuration.GetSection(NotificationOptions.SectionName));
        services.Configure<RecipientOptions>(builder.Configuration.GetSection(RecipientOptions.SectionName));
        services.Configure<WorkflowTimerOptions>(builder.Configuration.GetSection(WorkflowTimerOptions.SectionName));
        services.Configure<DigestOptions>(builder.Configuration.GetSection(DigestOptions.SectionName));
        services.AddScoped<DailyDigest>();
        services.Configure<Reports.MonthlyReportOptions>(builder.Configuration.GetSection(Reports.MonthlyReportOptions.SectionName));
        services.AddScoped<Reports.MonthlyReportMail>();
        services.AddSingleton<WorkflowWakeups>();
        services.AddScoped<OutboxService>();
        services.AddScoped<MailTemplateService>();
        services.AddSingleton<CrashPoints>();
        services.AddSingleton<NodeIdentity>();
        services.AddSingleton<RecipientDirectory>();
        services.AddSingleton<EmailNotificationHandler>();
        services.AddSingleton<Dossiers.DossierCheckHandler>();
        services.AddSingleton<Council.CouncilTallyHandler>();
        services.AddSingleton(sp =>
        {
            var notifications = sp.GetRequiredService<EmailNotificationHandler>();
            return new HandlerRegistry()
                .Register(EmailNotificationHandler.NotifyTopic, notifications)
                .Register(EmailNotificationHandler.EscalateTopic, notifications)
                .Register(Dossiers.DossierCheckHandler.Topic, sp.GetRequiredService<Dossiers.DossierCheckHandler>())
                .Register(Council.CouncilTallyHandler.Topic, sp.GetRequiredService<Council.CouncilTallyHandler>());
        });
        services.AddSingleton<IWorkflowStore, Store.EfWorkflowStore>();
        services.AddSingleton(sp =>
        {
            return new WorkflowEngine(sp.GetRequiredService<IWorkflowStore>(), new WorkflowEngineOptions
            {
                Clock = sp.GetRequiredService<TimeProvider>(),
                Handlers = sp.GetRequiredService<HandlerRegistry>(),
                WorkingDays = sp.GetRequiredService<LiveWorkingDays>(),
                OfficeHoursSource = officeHours,
                Parameters = legalParameters,
                NodeId = sp.GetRequiredService<NodeIdentity>().Id,
                TimerLease = sp.GetRequiredService<TimeProvider>().AppTime(TimeSpan.FromSeconds(Math.Max(5, sp.GetRequiredService<IOptions<WorkflowTimerOptions>>().Value.LeaseSeconds))),
            });
        });
        services.AddSingleton<WorkflowDeployment>();
        return builder;
    }

    /// <summary>
    /// The app node's background work: the timer alarm clock, the daily digest and the monthly report mail (Quartz, in-memory), and the outbox sender.
    /// Off when <c>Workflows:BackgroundWorkers</c> is false (tests that drive timers and mail themselves).
    /// </summary>
    /// <summary>The node's Quartz scheduler (in-memory, real time): resolve its factory keyed by this name.</summary>
    public const string SchedulerName = "ntm";

    public static IHostApplicationBuilder AddWorkflowBackgroundServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<OutboxSender>();
        builder.Services.AddHostedService<ReferenceDataReloader>();

        // The daily digest: each node runs it at the same local time; its dedup keys make the runs send each mail once.
        // A malformed time stops the app here, whether or not this node runs background work.
        var digest = builder.Configuration.GetSection(DigestOptions.SectionName).Get<DigestOptions>() ?? new DigestOptions();
        var sendAt = digest.SendAtTime();

        // The monthly report mail, the same way: each node on the same day and time, the dedup keys sending once.
        var monthly = builder.Configuration.GetSection(Reports.MonthlyReportOptions.SectionName).Get<Reports.MonthlyReportOptions>() ?? new Reports.MonthlyReportOptions();
        var (reportDay, reportAt) = monthly.Schedule();
        if (!builder.Configuration.GetValue("Workflows:BackgroundWorkers", true))
        {
            return builder;
        }

        // The alarm needs Quartz's scheduler factory: registered only with it (the container is validated in Development).
        builder.Services.AddSingleton<TimerAlarm>();
        // A scheduler of its own name, on real time: Quartz would otherwise run on the app's TimeProvider, which a
        // rehearsal fast-forwards (Clock section) and a test may stop; the alarm converts app time to real delays itself.
        builder.AddQuartz(SchedulerName, quartz =>
        {
            quartz.UseTimeProvider(TimeProvider.System);
            if (digest.Enabled)
            {
                DailyDigestJob.Schedule(quartz, sendAt);
            }

            if (monthly.Enabled)
            {
                Reports.MonthlyReportJob.Schedule(quartz, reportDay, reportAt);
            }
        });
        builder.AddQuartzHostedService(SchedulerName, o => o.WaitForJobsToComplete = true);
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TimerAlarm>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxSender>());
        return builder;
    }
}
