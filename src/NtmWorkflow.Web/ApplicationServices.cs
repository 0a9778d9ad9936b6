using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Workflows;
using NtmWorkflow.Web.Infrastructure.Documents;
using NtmWorkflow.Web.Infrastructure.Email;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web;

/// <summary>
/// Everything NtmWorkflow needs except the HTTP pipeline: the web app adds its pages on top, and
/// <c>ntm</c> uses this alone for the verbs that touch the database (docs/adr/0002-cli-project.md).
/// </summary>
public static class ApplicationServices
{
    public static IHostApplicationBuilder AddNtmWorkflow(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // The real clock, or in a rehearsal a fast-forwarded one (Clock section; refused in Production).
        builder.Services.AddSingleton(Infrastructure.AppClock.FromConfiguration(builder.Configuration, builder.Environment));
        builder.Services.AddSingleton(sp => new Infrastructure.AppClockSource(sp.GetRequiredService<TimeProvider>()));
        builder.AddPersistence();
        builder.AddDocumentStorage();
        builder.AddEmail();

        builder.Services.AddIdentityCore<AppUser>(options =>
            {
                // Defaults; the "Identity" settings section overrides any of them (below). Twelve characters with upper- and
                // lower-case letters, a digit and a symbol; five failed sign-ins lock the account for 15 minutes.
                options.User.RequireUniqueEmail = false;
                options.Password.RequiredLength = 12;
                options.Password.RequireDigit = true;
                options.Password.RequireLowercase = true;
                options.Password.RequireUppercase = true;
                options.Password.RequireNonAlphanumeric = true;
                options.Password.RequiredUniqueChars = 6;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddDefaultTokenProviders();

        builder.Services.Configure<IdentityOptions>(builder.Configuration.GetSection("Identity"));

        // Keys in the database: every node of a scaled-out deployment signs and reads the same cookies.
        builder.Services.AddDataProtection().SetApplicationName("NtmWorkflow").PersistKeysToDbContext<AppDbContext>();

        builder.Services.Configure<DemoOptions>(builder.Configuration.GetSection(DemoOptions.SectionName));
        builder.Services.AddScoped<DemoAccounts>();
        builder.Services.AddScoped<AdministrativeUnitImporter>();
        builder.Services.AddScoped<Features.Organisation.OrganisationService>();
        builder.Services.AddScoped<UserAdministration>();
        builder.Services.AddScoped<Features.Criteria.CriteriaCatalog>();
        builder.Services.AddScoped<Features.Dossiers.DossierService>();
        builder.Services.AddScoped<Features.Inbox.InboxService>();
        builder.Services.AddScoped<Features.Monitor.InstanceMonitor>();
        builder.Services.AddScoped<Features.Monitor.InstanceMigrations>();
        builder.Services.AddScoped<Features.Mergers.UnitMergers>();
        builder.Services.AddScoped<Features.Mergers.MergedTitles>();
        builder.Services.AddScoped<Features.Evidence.EvidenceService>();
        builder.Services.AddScoped<Features.Backup.SystemBackup>();
        builder.Services.AddScoped<Features.DepartmentDesk.DepartmentDeskService>();
        builder.Services.AddScoped<Features.Council.CouncilService>();
        builder.Services.AddScoped<Features.Designer.DesignerService>();
        builder.Services.AddScoped<Features.Reports.ProgrammeDashboard>();
        builder.Services.AddScoped<Features.Reports.ProgrammeReport>();
        builder.Services.AddScoped<Features.Reports.CompletionForecast>();
        builder.Services.AddOptions<Features.Reports.ForecastOptions>().BindConfiguration(Features.Reports.ForecastOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<Features.Reports.ForecastOptions>, Features.Reports.ForecastOptionsValidator>();
        builder.Services.AddScoped<Features.Dossiers.DemoDossiers>();
        builder.AddWorkflows();
        return builder;
    }
}
