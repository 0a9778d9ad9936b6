using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.LegalParameters;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests.LegalParameters;

/// <summary>
/// Legal parameters through the API: every shipped default with its provenance; administrators change a value
/// nationally or for their province, with its source and verified flag; a task opened afterwards takes the
/// new deadline and is no longer marked as resting on an unverified value. On each provider.
/// </summary>
public abstract class LegalParameterApiTests : AppTestHost
{
    private async Task<string> ProblemAsync(HttpStatusCode status, string? user, HttpMethod method, string url, object? body = null) =>
        (await RefusedAsync(status, user, method, url, body)).GetProperty("detail").GetString()!;

    [Fact]
    public async Task Every_shipped_parameter_is_served_with_its_provenance()
    {
        var all = await Client.GetFromJsonAsync<JsonElement>("/api/legal-parameters");
        var names = all.EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(LegalParameterDefaults.All.Select(d => d.Name).Order(), names.Order());
        Assert.All(all.EnumerateArray(), p =>
        {
            Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("source").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("unit").GetString()));
            Assert.Equal(JsonValueKind.Null, p.GetProperty("provinceCode").ValueKind);
        });

        // The numbers the domain notes could not confirm are flagged; the practice values carry their province.
        var byName = all.EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.False(byName["verification.workingDays"].GetProperty("verified").GetBoolean());
        Assert.False(byName["council.approval"].GetProperty("verified").GetBoolean());
        Assert.Equal(15, byName["satisfactionSurvey.workingDays"].GetProperty("value").GetInt32());
        Assert.Contains("Nông Sơn", byName["satisfactionSurvey.workingDays"].GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, byName["council.quorum"].GetProperty("value").GetProperty("numerator").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/api/legal-parameters/khong.co")).StatusCode);
    }

    [Fact]
    public async Task An_administrator_changes_a_value_with_its_source_and_new_deadlines_follow()
    {
        const string name = "selfAssessment.workingDays";
        async Task<JsonElement> StartDossierAsync(string province, string commune) =>
            (await (await Client.PostAsJsonAsync("/api/processes/ntm-commune-two-tier/instances", new
            {
                businessKey = $"TEST-{province}-{commune}-{Guid.NewGuid():N}",
                variables = new { communeCode = commune, provinceCode = province, departments = Array.Empty<string>(), councilMembers = Array.Empty<string>() },
            })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("openTasks")[0];

        var before = await StartDossierAsync("08", "00700");
        Assert.Equal([name], before.GetProperty("dueUnverifiedParameters").EnumerateArray().Select(p => p.GetString()));

        // Refused: not an administrator, no source, a value of the wrong shape, an unknown province; nothing changes.
        Assert.Contains("does not administer", await ProblemAsync(HttpStatusCode.Forbidden, "xa.lan", HttpMethod.Put, $"/api/legal-parameters/{name}/provinces/08", new { value = 3, source = "x" }), StringComparison.Ordinal);
        await ProblemAsync(HttpStatusCode.Unauthorized, null, HttpMethod.Put, $"/api/legal-parameters/{name}", new { value = 3, source = "x" });
        Assert.Contains("source", await ProblemAsync(HttpStatusCode.BadRequest, "admin", HttpMethod.Put, $"/api/legal-parameters/{name}", new { value = 3 }), StringComparison.Ordinal);
        Assert.Contains("number", await ProblemAsync(HttpStatusCode.BadRequest, "admin", HttpMethod.Put, $"/api/legal-parameters/{name}", new { value = "ba", source = "x" }), StringComparison.Ordinal);
        await ProblemAsync(HttpStatusCode.BadRequest, "admin", HttpMethod.Put, $"/api/legal-parameters/{name}", new { value = 2.5, source = "x" });
        Assert.Contains("fraction", await ProblemAsync(HttpStatusCode.BadRequest, "admin", HttpMethod.Put, "/api/legal-parameters/council.approval",
            new { value = new { numerator = 3, denominator = 2 }, source = "x" }), StringComparison.Ordinal);
        await ProblemAsync(HttpStatusCode.BadRequest, "admin", HttpMethod.Put, $"/api/legal-parameters/{name}/provinces/99", new { value = 3, source = "x" });
        await ProblemAsync(HttpStatusCode.NotFound, "admin", HttpMethod.Put, "/api/legal-parameters/khong.co", new { value = 3, source = "x" });

        // Tuyên Quang sets its own verified value; the national value stays unverified.
        var set = await SendAsync("admin", HttpMethod.Put, $"/api/legal-parameters/{name}/provinces/08",
            new { value = 3, source = "Quyết định của UBND tỉnh Tuyên Quang, Điều 5 (thử nghiệm)", verified = true });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var versions = await Client.GetFromJsonAsync<JsonElement>($"/api/legal-parameters/{name}");
        Assert.Equal([(null, 20, false), ("08", 3, true)], versions.EnumerateArray()
            .Select(v => (v.GetProperty("provinceCode").GetString(), v.GetProperty("value").GetInt32(), v.GetProperty("verified").GetBoolean())));
        Assert.Equal("admin", versions[1].GetProperty("updatedBy").GetString());

        var after = await StartDossierAsync("08", "00700");
        Assert.Empty(after.GetProperty("dueUnverifiedParameters").EnumerateArray());
        var calendar = App.Services.GetRequiredService<WorkingCalendar>();
        var created = after.GetProperty("created").GetDateTimeOffset();
        Assert.Equal(calendar.AddWorkingDays(created, 3), after.GetProperty("due").GetDateTimeOffset());
        var elsewhere = await StartDossierAsync("01", "00004");
        Assert.Equal(calendar.AddWorkingDays(elsewhere.GetProperty("created").GetDateTimeOffset(), 20), elsewhere.GetProperty("due").GetDateTimeOffset());

        // Removing the province's value brings the national one back.
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync("admin", HttpMethod.Delete, $"/api/legal-parameters/{name}/provinces/08")).StatusCode);
        Assert.Equal([name], (await StartDossierAsync("08", "00700")).GetProperty("dueUnverifiedParameters").EnumerateArray().Select(p => p.GetString()));

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var audited = await db.AuditEntries.Where(a => a.Action.StartsWith("legal-parameter.")).OrderBy(a => a.Sequence).Select(a => new { a.Actor, a.Action, a.Subject }).ToListAsync();
        Assert.Equal([("admin", "legal-parameter.set", $"{name}@08"), ("admin", "legal-parameter.clear", $"{name}@08")], audited.Select(a => (a.Actor, a.Action, a.Subject)));
    }
}

public sealed class LegalParameterApiTests_Sqlite : LegalParameterApiTests;

[Trait("Db", "Postgres")]
public sealed class LegalParameterApiTests_Postgres : LegalParameterApiTests
{
    protected override bool OnPostgres => true;
}
