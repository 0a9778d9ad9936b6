using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.BrowserTests;

/// <summary>
/// The real app on Kestrel (loopback) over a fresh PostgreSQL database with demo data, and Debian's Chromium
/// driving it: the base of every browser test. <see cref="SeedAsync"/> runs once the app is up.
/// </summary>
public abstract class BrowserTestHost : IAsyncLifetime
{
    private readonly TemporaryDirectory _data = new();
    private PostgresTestDatabase? _database;
    private NtmWorkflowAppFactory? _app;
    private Browser? _browser;

    protected NtmWorkflowAppFactory App => _app ?? throw new InvalidOperationException("Not initialized");

    protected Browser Browser => _browser ?? throw new InvalidOperationException("Not initialized");

    /// <summary>A folder the test may write files in (uploads), removed afterwards.</summary>
    protected string DataPath => _data.Path;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        var settings = NtmWorkflowAppFactory.Postgres(_database);
        Configure(settings);
        _app = new NtmWorkflowAppFactory(_data, settings, useKestrel: true);
        _ = _app.ServerAddress;
        await SeedAsync();
        _browser = new Browser(Path.Combine(_data.Path, "downloads"));
    }

    /// <summary>Settings a test class adds to the app's.</summary>
    protected virtual void Configure(IDictionary<string, string?> settings)
    {
    }

    /// <summary>What a test class needs in the app before the browser starts.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    protected void Go(string path) => Browser.GoTo(new Uri(App.ServerAddress, path));

    /// <summary>Signs in (after signing out whoever was): the demo password, the home page's welcome awaited.</summary>
    protected void SignIn(string userName)
    {
        Browser.Driver.Manage().Cookies.DeleteAllCookies();
        Go("/account/sign-in");
        Browser.Find("#user-name").SendKeys(userName);
        Browser.Find("#password").SendKeys("NtmDemo@2026");
        Browser.Find("#sign-in-submit").Click();
        Browser.Find("#welcome");
    }

    protected async Task<T> QueryAsync<T>(Func<AppDbContext, Task<T>> read)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public async Task DisposeAsync()
    {
        _browser?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        _data.Dispose();
    }
}
