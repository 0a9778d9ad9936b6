using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MimeKit;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Workflows;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests.Workflows;

/// <summary>The ntm.notify / ntm.escalate handler with the app's real services: SQLite users, MailKit to maildev or the pickup folder.</summary>
public sealed class EmailNotificationHandlerTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _data = new();
    private IHost? _host;

    public async Task InitializeAsync() => _host = await StartAsync(new Dictionary<string, string?>());

    private async Task<IHost> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = _data.Path });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddNtmWorkflow();
        var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<DemoAccounts>().EnsureRolesAsync();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        foreach (var (name, email) in new[] { ("tuan", "tuan@vpdp.test"), ("hanh", "hanh@vpdp.test"), ("noemail", "") })
        {
            if (await users.FindByNameAsync(name) is null)
            {
                var user = new AppUser { UserName = name, FullName = name, Email = email.Length == 0 ? null : email };
                Assert.True((await users.CreateAsync(user, "Mat-khau-2026")).Succeeded);
                await users.AddToRoleAsync(user, Roles.CoordinationOffice);
            }
        }

        return host;
    }

    private static ServiceTaskContext Context(string topic, Dictionary<string, string> properties) => new(
        Guid.NewGuid(), "ntm-commune-recognition", "escalateAppraisal", topic, "2026-XA-00745",
        new Dictionary<string, JsonNode?> { ["communeCode"] = "00745", ["agreeCount"] = 3, ["appraisals"] = new JsonArray("a", "b") },
        properties);

    [Fact]
    public void Both_topics_are_registered()
    {
        var registry = _host!.Services.GetRequiredService<HandlerRegistry>();
        Assert.Equal(["ntm.escalate", "ntm.notify"], registry.Names);
    }

    [Fact]
    public async Task A_notice_to_a_role_reaches_every_member_with_an_address_rendered_in_Vietnamese()
    {
        var handler = _host!.Services.GetRequiredService<EmailNotificationHandler>();
        await handler.HandleAsync(Context("ntm.escalate", new()
        {
            ["to"] = "role:CoordinationOffice, lanh.dao@ubnd.test",
            ["subject"] = "Quá hạn thẩm định hồ sơ {{ businessKey }}",
            ["body"] = "Xã {{ communeCode }}: {{ appraisals | size }} sở, ngành; {{ agreeCount }} phiếu.",
        }), CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(Path.Combine(_data.Path, "mail-pickup"), "*.eml"));
        var message = await MimeMessage.LoadAsync(file);
        Assert.Equal(["hanh@vpdp.test", "lanh.dao@ubnd.test", "tuan@vpdp.test"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("Quá hạn thẩm định hồ sơ 2026-XA-00745", message.Subject);
        Assert.Equal("Xã 00745: 2 sở, ngành; 3 phiếu.", message.TextBody?.Trim());
    }

    [Fact]
    public async Task Without_a_subject_a_default_one_names_the_dossier()
    {
        var handler = _host!.Services.GetRequiredService<EmailNotificationHandler>();
        await handler.HandleAsync(Context("ntm.escalate", new() { ["to"] = "tuan@vpdp.test" }), CancellationToken.None);
        var message = await MimeMessage.LoadAsync(Assert.Single(Directory.GetFiles(Path.Combine(_data.Path, "mail-pickup"), "*.eml")));
        Assert.Equal("[NtmWorkflow] Quá hạn xử lý hồ sơ 2026-XA-00745", message.Subject);
    }

    [Theory]
    [InlineData("role:CouncilMember", "reaches nobody")]
    [InlineData("not an address", "is neither an email address nor role:NAME")]
    [InlineData("{% if %}", "does not parse")]
    [InlineData("", "has no camunda:property 'to'")]
    public async Task A_notice_that_cannot_be_sent_fails_so_the_token_stops_with_an_incident(string to, string expected)
    {
        var handler = _host!.Services.GetRequiredService<EmailNotificationHandler>();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await handler.HandleAsync(Context("ntm.notify", new() { ["to"] = to }), CancellationToken.None));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_data.Path, "mail-pickup")) && Directory.GetFiles(Path.Combine(_data.Path, "mail-pickup"), "*.eml").Length > 0);
    }

    [Fact]
    [Trait("Service", "maildev")]
    public async Task Over_SMTP_the_notice_arrives_at_the_mail_server()
    {
        using var host = await StartAsync(new Dictionary<string, string?>
        {
            ["Email:Transport"] = "Smtp",
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = TestEnvironment.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
        });
        var subject = $"Hồ sơ {Guid.NewGuid():N} được công nhận";
        await host.Services.GetRequiredService<EmailNotificationHandler>().HandleAsync(
            Context("ntm.notify", new() { ["to"] = "role:CoordinationOffice", ["subject"] = subject }), CancellationToken.None);

        using var http = new HttpClient { BaseAddress = TestEnvironment.MaildevApi };
        JsonElement? found = null;
        for (var i = 0; i < 50 && found is null; i++)
        {
            found = (await http.GetFromJsonAsync<JsonElement>("/api/email")).EnumerateArray().Cast<JsonElement?>().FirstOrDefault(m => m!.Value.GetProperty("subject").GetString() == subject);
            if (found is null)
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(found);
        Assert.Equal(["hanh@vpdp.test", "tuan@vpdp.test"], found.Value.GetProperty("to").EnumerateArray().Select(t => t.GetProperty("address").GetString()));
    }

    public Task DisposeAsync()
    {
        _host?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
        return Task.CompletedTask;
    }
}
