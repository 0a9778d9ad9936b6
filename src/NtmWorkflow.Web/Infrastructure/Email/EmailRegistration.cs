using Microsoft.Extensions.Options;
using NtmWorkflow.Web.Infrastructure.Storage;

namespace NtmWorkflow.Web.Infrastructure.Email;

public static class EmailRegistration
{
    public static IHostApplicationBuilder AddEmail(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(EmailOptions.SectionName).Get<EmailOptions>() ?? new EmailOptions();
        if (!MimeKit.MailboxAddress.TryParse(options.From, out _))
        {
            throw new OptionsValidationException(EmailOptions.SectionName, typeof(EmailOptions), [$"Email:From '{options.From}' is not a valid address."]);
        }

        builder.Services.AddSingleton(Options.Create(options));
        if (options.Transport == EmailTransport.Smtp)
        {
            builder.Services.AddSingleton<IEmailSender, SmtpEmailSender>();
        }
        else
        {
            var folder = string.IsNullOrWhiteSpace(options.PickupDirectory)
                ? Path.Combine(DataDirectory.Resolve(builder.Configuration), "mail-pickup")
                : options.PickupDirectory;
            builder.Services.AddSingleton<IEmailSender>(sp => new PickupFolderEmailSender(
                sp.GetRequiredService<IOptions<EmailOptions>>(), folder, sp.GetRequiredService<ILogger<PickupFolderEmailSender>>()));
        }

        return builder;
    }
}
