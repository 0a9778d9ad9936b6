using System.Net.Http.Json;
using System.Text.Json;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Infrastructure.Email;

namespace NtmWorkflow.Web.Tests.Email;

[Trait("Service", "maildev")]
public sealed class SmtpEmailSenderTests
{
    private static SmtpEmailSender Sender(int port) => new(Options.Create(new EmailOptions
    {
        Transport = EmailTransport.Smtp,
        From = "NtmWorkflow <no-reply@ntmworkflow.test>",
        Smtp = new SmtpServerOptions { Host = "127.0.0.1", Port = port, Security = SecureSocketOptions.None, TimeoutSeconds = 5 },
    }), NullLogger<SmtpEmailSender>.Instance);

    [Fact]
    public async Task A_reminder_sent_with_MailKit_arrives_with_its_Vietnamese_text()
    {
        var subject = $"Nhắc việc: hồ sơ xã Phố Bảng sắp đến hạn ({Guid.NewGuid():N})";
        await Sender(TestEnvironment.SmtpPort).SendAsync(
            new EmailMessage(["lan@xa.test", "minh@huyen.test"], subject, "Còn 2 ngày làm việc để hoàn thành bước thẩm tra.", "<p>Còn <b>2 ngày làm việc</b>.</p>"),
            CancellationToken.None);

        var mail = await WaitForMailAsync(subject);
        Assert.Equal(["lan@xa.test", "minh@huyen.test"], mail.GetProperty("to").EnumerateArray().Select(t => t.GetProperty("address").GetString()));
        Assert.Equal("no-reply@ntmworkflow.test", mail.GetProperty("from")[0].GetProperty("address").GetString());
        Assert.Contains("Còn 2 ngày làm việc", mail.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("<b>2 ngày làm việc</b>", mail.GetProperty("html").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_probe_reports_a_reachable_server_and_an_unreachable_one()
    {
        Assert.Null(await Sender(TestEnvironment.SmtpPort).ProbeAsync(CancellationToken.None));
        var problem = await Sender(9).ProbeAsync(CancellationToken.None);
        Assert.StartsWith("SMTP server 127.0.0.1:9 is not reachable", problem, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> WaitForMailAsync(string subject)
    {
        using var http = new HttpClient { BaseAddress = TestEnvironment.MaildevApi, Timeout = TimeSpan.FromSeconds(10) };
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var mails = await http.GetFromJsonAsync<JsonElement>("/api/email");
            foreach (var mail in mails.EnumerateArray())
            {
                if (mail.GetProperty("subject").GetString() == subject)
                {
                    return mail;
                }
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"maildev never received \"{subject}\"");
    }
}

public sealed class PickupFolderEmailSenderTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    [Fact]
    public async Task Each_message_becomes_a_complete_eml_file()
    {
        var sender = new PickupFolderEmailSender(Options.Create(new EmailOptions()), _folder.Path, NullLogger<PickupFolderEmailSender>.Instance);
        await sender.SendAsync(new EmailMessage(["thu@hoidong.test"], "Triệu tập phiên họp Hội đồng thẩm định", "Phiên họp lúc 8 giờ."), CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(_folder.Path));
        Assert.EndsWith(".eml", file, StringComparison.Ordinal);
        var message = await MimeMessage.LoadAsync(file);
        Assert.Equal("Triệu tập phiên họp Hội đồng thẩm định", message.Subject);
        Assert.Equal("thu@hoidong.test", message.To.Mailboxes.Single().Address);
        Assert.Equal("Phiên họp lúc 8 giờ.", message.TextBody?.Trim());
    }

    [Fact]
    public async Task A_message_without_recipients_is_refused()
    {
        var sender = new PickupFolderEmailSender(Options.Create(new EmailOptions()), _folder.Path, NullLogger<PickupFolderEmailSender>.Instance);
        await Assert.ThrowsAsync<ArgumentException>(() => sender.SendAsync(new EmailMessage([], "x", "y"), CancellationToken.None));
        Assert.Empty(Directory.GetFiles(_folder.Path));
    }

    public void Dispose() => _folder.Dispose();
}
