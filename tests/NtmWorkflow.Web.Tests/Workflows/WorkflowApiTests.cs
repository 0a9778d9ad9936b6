using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NtmWorkflow.Testing;

namespace NtmWorkflow.Web.Tests.Workflows;

/// <summary>The engine's JSON API over HTTP, on the real app (SQLite), with the shipped workflows deployed at start.</summary>
public sealed class WorkflowApiTests : IAsyncLifetime
{
    private const string Key = "test-api-key";
    private readonly TemporaryDirectory _data = new();
    private NtmWorkflowAppFactory? _app;
    private HttpClient? _client;

    public Task InitializeAsync()
    {
        _app = new NtmWorkflowAppFactory(_data, new Dictionary<string, string?> { ["Api:Key"] = Key });
        _client = _app.CreateClient();
        _client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        return Task.CompletedTask;
    }

    private static object Dossier(string key) => new
    {
        businessKey = key,
        actor = "vpdp",
        variables = new
        {
            dossierId = key,
            communeCode = "00745",
            communeName = "Xã Tân Hòa",
            provinceCode = "31",
            tier = "ntm",
            year = 2026,
            criteriaSet = "ntm-2026-2030",
            departments = new[] { "01-nong-nghiep-moi-truong" },
            councilMembers = new[] { "hd.son" },
        },
    };

    [Fact]
    public async Task The_shipped_workflows_are_deployed_at_start()
    {
        var body = await _client!.GetFromJsonAsync<JsonElement>("/api/definitions");
        var ids = body.GetProperty("processes").EnumerateArray().Select(p => (p.GetProperty("processId").GetString(), p.GetProperty("version").GetInt32())).ToList();
        Assert.Contains(("ntm-commune-two-tier", 1), ids);
        Assert.Contains(("ntm-commune", 1), ids);
        Assert.Contains(("ntm-village", 1), ids);
        Assert.Contains(("ntm-revocation", 1), ids);
        Assert.Empty(body.GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public async Task A_dossier_is_started_its_task_completed_and_its_history_read()
    {
        var started = await _client!.PostAsJsonAsync("/api/processes/ntm-commune-two-tier/instances", Dossier("2026-XA-API"));
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var instance = await started.Content.ReadFromJsonAsync<JsonElement>();
        var id = instance.GetProperty("id").GetString();
        Assert.Equal($"/api/instances/{id}", started.Headers.Location?.OriginalString);
        Assert.Equal("Running", instance.GetProperty("status").GetString());

        var tasks = await _client!.GetFromJsonAsync<JsonElement>($"/api/tasks?instanceId={id}&candidateGroup=commune-00745");
        var task = Assert.Single(tasks.EnumerateArray());
        Assert.Equal("selfAssessment", task.GetProperty("elementId").GetString());

        var completed = await _client!.PostAsJsonAsync($"/api/tasks/{task.GetProperty("id").GetString()}/complete", new { actor = "xa.lan", variables = new { note = "Đủ hồ sơ" } });
        Assert.Equal(HttpStatusCode.NoContent, completed.StatusCode);

        var detail = await _client!.GetFromJsonAsync<JsonElement>($"/api/instances/{id}");
        Assert.Equal("postingAndSurvey", detail.GetProperty("instance").GetProperty("openTasks")[0].GetProperty("elementId").GetString());
        Assert.Equal("Đủ hồ sơ", detail.GetProperty("instance").GetProperty("variables").GetProperty("note").GetString());
        var history = detail.GetProperty("history").EnumerateArray().ToList();
        Assert.Contains(history, h => h.GetProperty("event").GetString() == "taskCompleted" && h.GetProperty("actor").GetString() == "xa.lan");
        Assert.Equal("vpdp", history[0].GetProperty("actor").GetString());

        var cancelled = await _client!.PostAsJsonAsync($"/api/instances/{id}/cancel", new { reason = "rút hồ sơ", actor = "vpdp" });
        Assert.Equal(HttpStatusCode.NoContent, cancelled.StatusCode);
        var again = await _client!.PostAsJsonAsync($"/api/instances/{id}/cancel", new { });
        await AssertProblem(again, HttpStatusCode.Conflict, "has ended");
    }

    [Fact]
    public async Task Errors_are_problem_details_and_lose_nothing()
    {
        await AssertProblem(await _client!.PostAsJsonAsync("/api/processes/no-such-process/instances", new { }), HttpStatusCode.NotFound, "is not deployed");
        await AssertProblem(await _client!.PostAsJsonAsync($"/api/tasks/{Guid.NewGuid()}/complete", new { }), HttpStatusCode.NotFound, "is not open");
        await AssertProblem(await _client!.PostAsJsonAsync("/api/messages/nobodyWaits", new { correlationKey = "x" }), HttpStatusCode.Conflict, "Nothing waits for message");
        await AssertProblem(await _client!.GetAsync($"/api/instances/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "does not exist");
        await AssertProblem(await _client!.PostAsync("/api/signals/x", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "as JSON");

        // A start with a bad variable type fails as an incident, not a lost request: the instance is kept.
        var started = await _client!.PostAsJsonAsync("/api/processes/ntm-commune-two-tier/instances", new { variables = new { communeCode = "1", departments = "not a list" } });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
    }

    [Fact]
    public async Task Without_the_key_the_API_answers_401()
    {
        using var anonymous = _app!.CreateClient();
        await AssertProblem(await anonymous.GetAsync("/api/definitions"), HttpStatusCode.Unauthorized, "X-Api-Key");
        anonymous.DefaultRequestHeaders.Add("X-Api-Key", "wrong");
        await AssertProblem(await anonymous.GetAsync("/api/tasks"), HttpStatusCode.Unauthorized, "X-Api-Key");
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_API()
    {
        var document = await _client!.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/processes/{processId}/instances", paths);
        Assert.Contains("/api/tasks/{taskId}/complete", paths);
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _data.Dispose();
    }
}
