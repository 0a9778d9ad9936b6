using System.Net;
using System.Text.Json;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Tests.Persistence;

namespace NtmWorkflow.Web.Tests.Health;

public sealed class HealthTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    [Fact]
    public async Task On_embedded_defaults_the_app_is_live_and_ready()
    {
        await using var app = new NtmWorkflowAppFactory(_data);
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(["database", "documents", "mail"], body.GetProperty("checks").EnumerateObject().Select(c => c.Name).Order());
        Assert.True(File.Exists(Path.Combine(_data.Path, "ntmworkflow.db")));
    }

    [Fact]
    [Trait("Service", "Azurite")]
    public async Task With_blob_storage_and_SMTP_the_app_is_ready()
    {
        await using var app = new NtmWorkflowAppFactory(_data, new Dictionary<string, string?>
        {
            ["Documents:Provider"] = "AzureBlob",
            ["Documents:ConnectionString"] = TestEnvironment.Azurite,
            ["Documents:Container"] = "ready-" + Guid.NewGuid().ToString("N")[..8],
            ["Email:Transport"] = "Smtp",
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = TestEnvironment.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
        });
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task When_the_mail_server_is_down_the_app_is_live_but_not_ready()
    {
        await using var app = new NtmWorkflowAppFactory(_data, new Dictionary<string, string?>
        {
            ["Email:Transport"] = "Smtp",
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = "9",
            ["Email:Smtp:Security"] = "None",
            ["Email:Smtp:TimeoutSeconds"] = "5",
        });
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var mail = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").GetProperty("mail");
        Assert.Equal("Unhealthy", mail.GetProperty("status").GetString());
        Assert.Contains("127.0.0.1:9", mail.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    public void Dispose() => _data.Dispose();
}

[Trait("Db", "Postgres")]
public sealed class PostgresHealthTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>, IDisposable
{
    private readonly TemporaryDirectory _data = new();

    [Fact]
    public async Task On_PostgreSQL_the_app_is_ready()
    {
        await using var app = new NtmWorkflowAppFactory(_data, NtmWorkflowAppFactory.Postgres(database.Database));
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    public void Dispose() => _data.Dispose();
}
