using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NtmWorkflow.Testing;

namespace NtmWorkflow.Web.Tests.Notifications;

/// <summary>Administrators see dead letters and send them again, and edit mail templates, through the API.</summary>
public sealed class NotificationsApiTests : IAsyncLifetime
{
    private const string Key = "test-api-key";
    private const string Model = """
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="n">
          <bpmn:process id="notice" isExecutable="true">
            <bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="tell"/>
            <bpmn:sendTask id="tell" camunda:type="external" camunda:topic="ntm.notify">
              <bpmn:extensionElements><camunda:properties>
                <camunda:property name="to" value="xa@notice.test"/><camunda:property name="subject" value="Thông báo {{ businessKey }}"/>
              </camunda:properties></bpmn:extensionElements>
            </bpmn:sendTask>
            <bpmn:sequenceFlow id="f2" sourceRef="tell" targetRef="end"/><bpmn:endEvent id="end"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    private readonly TemporaryDirectory _data = new();
    private NtmWorkflowAppFactory? _app;
    private HttpClient? _client;

    private HttpClient Client => _client!;

    public async Task InitializeAsync()
    {
        var workflows = Path.Combine(_data.Path, "workflows");
        Directory.CreateDirectory(workflows);
        await File.WriteAllTextAsync(Path.Combine(workflows, "notice.bpmn"), Model);
        _app = new NtmWorkflowAppFactory(_data, new Dictionary<string, string?>
        {
            ["Api:Key"] = Key,
            ["Workflows:Folder"] = workflows,
            ["Email:Transport"] = "Smtp",
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = TestEnvironment.FreeLoopbackPort().ToString(CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
            ["Notifications:MaxAttempts"] = "1",
            ["Notifications:PollSeconds"] = "1",
        });
        _client = _app.CreateClient();
        _client.DefaultRequestHeaders.Add("X-Api-Key", Key);
    }

    [Fact]
    public async Task A_mail_the_server_refuses_becomes_a_dead_letter_that_can_be_sent_again()
    {
        var started = await Client.PostAsJsonAsync("/api/processes/notice/instances", new { businessKey = "HS-DEAD" });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var instanceId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var dead = await WaitForAsync($"/api/outbox?status=Dead&instanceId={instanceId}");
        Assert.Equal("tell", dead.GetProperty("elementId").GetString());
        Assert.False(string.IsNullOrEmpty(dead.GetProperty("lastError").GetString()));
        var id = dead.GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.NoContent, (await Client.PostAsync($"/api/outbox/{id}/resend", null)).StatusCode);
        var again = await WaitForAsync($"/api/outbox?status=Dead&instanceId={instanceId}", m => m.GetProperty("attempts").GetInt32() == 1);
        Assert.Equal(dead.GetProperty("messageId").GetString(), again.GetProperty("messageId").GetString());

        var conflict = await Client.PostAsync("/api/outbox/999999/resend", null);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Templates_are_listed_and_edited_and_a_template_that_does_not_parse_is_refused()
    {
        var templates = await Client.GetFromJsonAsync<JsonElement>("/api/mail-templates");
        Assert.Contains(templates.EnumerateArray(), t => t.GetProperty("key").GetString() == "task-reminder" && t.GetProperty("culture").GetString() == "vi");

        var bad = await Client.PutAsJsonAsync("/api/mail-templates/task-reminder/vi", new { subject = "Nhắc {% if %}", body = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("subject does not parse", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var good = await Client.PutAsJsonAsync("/api/mail-templates/task-reminder/vi", new { subject = "Nhắc việc {{ task.name }}", body = "Hạn {{ task.due }}: {{ task.link }}", actor = "mai" });
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var after = await Client.GetFromJsonAsync<JsonElement>("/api/mail-templates");
        var edited = Assert.Single(after.EnumerateArray(), t => t.GetProperty("key").GetString() == "task-reminder" && t.GetProperty("culture").GetString() == "vi");
        Assert.Equal(("Nhắc việc {{ task.name }}", "mai"), (edited.GetProperty("subject").GetString(), edited.GetProperty("updatedBy").GetString()));
    }

    private async Task<JsonElement> WaitForAsync(string url, Func<JsonElement, bool>? condition = null)
    {
        for (var i = 0; i < 100; i++)
        {
            var found = (await Client.GetFromJsonAsync<JsonElement>(url)).EnumerateArray().Where(m => condition?.Invoke(m) ?? true).ToList();
            if (found.Count > 0)
            {
                return found[0];
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"nothing at {url} within 20 s");
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}
