using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests;

/// <summary>
/// The real app with demo data for API and page tests, on SQLite or (when <see cref="OnPostgres"/>) a fresh
/// PostgreSQL database, with the API key set on <see cref="Client"/> and no background workers (tests drive
/// timers and mail). API calls that act for an official name them in <c>X-Acting-User</c>; pages are read by
/// a signed-in client (<see cref="SignedInAsync"/>). <see cref="SeedAsync"/> runs once the app is up.
/// </summary>
public abstract class AppTestHost : IAsyncLifetime
{
    protected const string Key = "test-api-key";
    private readonly TemporaryDirectory _data = new();
    private PostgresTestDatabase? _database;
    private NtmWorkflowAppFactory? _app;
    private HttpClient? _client;

    protected virtual bool OnPostgres => false;

    protected NtmWorkflowAppFactory App => _app ?? throw new InvalidOperationException("Not initialized");

    protected HttpClient Client => _client ?? throw new InvalidOperationException("Not initialized");

    public async Task InitializeAsync()
    {
        Dictionary<string, string?> settings = [];
        if (OnPostgres)
        {
            _database = await PostgresTestDatabase.CreateAsync();
            settings = NtmWorkflowAppFactory.Postgres(_database);
        }

        settings["Api:Key"] = Key;
        settings["Workflows:BackgroundWorkers"] = "false";
        Configure(settings);
        _app = new NtmWorkflowAppFactory(_data, settings);
        _client = _app.CreateClient();
        _client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        await SeedAsync();
    }

    /// <summary>Settings a test class adds to the app's (document storage, part sizes, …).</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    /// <summary>What a test class needs in the app before its tests: officials, dossiers, instances.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    /// <summary>A browser-like client (cookies, no redirects followed unless asked) signed in as the demo or test user.</summary>
    protected async Task<HttpClient> SignedInAsync(string userName, bool followRedirects = false)
    {
        var client = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = followRedirects });
        var response = await PageForms.SignInAsync(client, userName);
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, $"{userName} could not sign in: {(int)response.StatusCode}");
        return client;
    }

    /// <summary>Creates a user (password NtmDemo@2026) holding a role at a unit from today.</summary>
    protected async Task CreateOfficialAsync(string userName, string unit, string role)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Features.Accounts.AppUser>>();
        if (await users.FindByNameAsync(userName) is null)
        {
            var created = await users.CreateAsync(new Features.Accounts.AppUser { UserName = userName, FullName = userName, Email = $"{userName}@test.ntmworkflow.local" }, "NtmDemo@2026");
            Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        }

        await scope.ServiceProvider.GetRequiredService<Features.Organisation.OrganisationService>().AssignAsync(userName, unit, role, new DateOnly(2025, 7, 1), "admin", CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    /// <summary>Sends a request acting for <paramref name="actingUser"/> (none when null).</summary>
    protected async Task<HttpResponseMessage> SendAsync(string? actingUser, HttpMethod method, string url, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        if (actingUser is not null)
        {
            request.Headers.Add("X-Acting-User", actingUser);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>A call that must succeed with <paramref name="expected"/>; its JSON body (default when empty).</summary>
    protected async Task<JsonElement> OkAsync(string? actingUser, HttpMethod method, string url, object? body = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await SendAsync(actingUser, method, url, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {url} as {actingUser}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A refused call: the status and a ProblemDetails body with a detail, returned for further checks.</summary>
    protected async Task<JsonElement> RefusedAsync(HttpStatusCode status, string? actingUser, HttpMethod method, string url, object? body = null)
    {
        var response = await SendAsync(actingUser, method, url, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{method} {url} as {actingUser}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    /// <summary>Runs <paramref name="read"/> on the app's database.</summary>
    protected async Task<T> QueryAsync<T>(Func<AppDbContext, Task<T>> read)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }
}
