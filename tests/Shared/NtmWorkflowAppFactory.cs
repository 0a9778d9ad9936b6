using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace NtmWorkflow.Testing;

/// <summary>
/// The real web app in process, on the given settings (provider, connection string, data folder),
/// optionally on real Kestrel for the browser. Settings go in as configuration, exactly as an
/// operator would set them.
/// </summary>
public sealed class NtmWorkflowAppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public NtmWorkflowAppFactory(TemporaryDirectory dataDirectory, IDictionary<string, string?>? settings = null, bool useKestrel = false)
    {
        _settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory.Path,
            ["Demo:Enabled"] = "true",
            // Tests sign in and upload hundreds of times a minute from one address; the rate-limit tests set their own limits.
            ["RateLimits:SignIn:PermitLimit"] = "1000000",
            ["RateLimits:Uploads:PermitLimit"] = "1000000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        if (useKestrel)
        {
            UseKestrel(0);
        }
    }

    public static Dictionary<string, string?> Postgres(PostgresTestDatabase database) => new()
    {
        ["Database:Provider"] = "Postgres",
        ["Database:ConnectionString"] = database.ConnectionString,
    };

    /// <summary>The Kestrel address (when created with useKestrel).</summary>
    public Uri ServerAddress
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First());
        }
    }

    /// <summary>
    /// Starts the host, and disposes it when its start throws: the factory keeps only a started host, so a test whose
    /// app refuses to start would otherwise leave the host's services (file watchers, timers, pools) to the process.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = builder.Build();
        try
        {
            host.Start();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseUrls("http://127.0.0.1:0");
        // UseSetting, not ConfigureAppConfiguration: the app reads its settings while building its
        // services, and only host settings are visible that early under minimal hosting.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
