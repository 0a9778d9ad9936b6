using System.Net.Http.Json;
using System.Text.Json;
using NtmWorkflow.Testing;

namespace NtmWorkflow.Web.Tests.Workflows;

/// <summary>Start-up deployment of the workflows folder: versions follow content, a bad file keeps the previous version.</summary>
public sealed class WorkflowDeploymentTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();
    private readonly TemporaryDirectory _workflows = new();

    private static string Model(string taskId) => $"""
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
          <bpmn:process id="demo" isExecutable="true">
            <bpmn:startEvent id="s"/><bpmn:userTask id="{taskId}"/><bpmn:endEvent id="e"/>
            <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="{taskId}"/><bpmn:sequenceFlow id="f2" sourceRef="{taskId}" targetRef="e"/>
          </bpmn:process>
        </bpmn:definitions>
        """;

    private async Task<(NtmWorkflowAppFactory App, HttpClient Client)> StartAsync()
    {
        var app = new NtmWorkflowAppFactory(_data, new Dictionary<string, string?> { ["Api:Key"] = "k", ["Workflows:Folder"] = _workflows.Path });
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", "k");
        await client.GetAsync("/health/ready");
        return (app, client);
    }

    private static async Task<(int Version, JsonElement Problems)> DemoVersionAsync(HttpClient client)
    {
        var body = await client.GetFromJsonAsync<JsonElement>("/api/definitions");
        var version = body.GetProperty("processes").EnumerateArray().Single(p => p.GetProperty("processId").GetString() == "demo").GetProperty("version").GetInt32();
        return (version, body.GetProperty("problems"));
    }

    [Fact]
    public async Task A_changed_file_becomes_a_new_version_an_unchanged_one_does_not_and_an_invalid_one_keeps_the_previous()
    {
        var file = Path.Combine(_workflows.Path, "demo.bpmn");
        await File.WriteAllTextAsync(file, Model("first"));
        string instanceId;
        {
            var (app, client) = await StartAsync();
            await using (app)
            {
                Assert.Equal(1, (await DemoVersionAsync(client)).Version);
                var started = await client.PostAsJsonAsync("/api/processes/demo/instances", new { });
                instanceId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            }
        }

        {
            var (app, client) = await StartAsync();
            await using (app)
            {
                Assert.Equal(1, (await DemoVersionAsync(client)).Version); // same content: no new version
            }
        }

        await File.WriteAllTextAsync(file, Model("second"));
        {
            var (app, client) = await StartAsync();
            await using (app)
            {
                Assert.Equal(2, (await DemoVersionAsync(client)).Version);
                var old = await client.GetFromJsonAsync<JsonElement>($"/api/instances/{instanceId}");
                Assert.Equal(1, old.GetProperty("instance").GetProperty("version").GetInt32());
                Assert.Equal("first", old.GetProperty("instance").GetProperty("openTasks")[0].GetProperty("elementId").GetString());
                var started = await client.PostAsJsonAsync("/api/processes/demo/instances", new { });
                Assert.Equal("second", (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("openTasks")[0].GetProperty("elementId").GetString());
            }
        }

        await File.WriteAllTextAsync(file, Model("third").Replace("<bpmn:endEvent id=\"e\"/>", "<bpmn:complexGateway id=\"e\"/>", StringComparison.Ordinal));
        {
            var (app, client) = await StartAsync();
            await using (app)
            {
                var (version, problems) = await DemoVersionAsync(client);
                Assert.Equal(2, version);
                var problem = Assert.Single(problems.EnumerateArray());
                Assert.Equal("workflows/demo.bpmn", problem.GetProperty("source").GetString());
                Assert.Contains("complexGateway is not supported", problem.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
            }
        }
    }

    public void Dispose()
    {
        _data.Dispose();
        _workflows.Dispose();
    }
}
