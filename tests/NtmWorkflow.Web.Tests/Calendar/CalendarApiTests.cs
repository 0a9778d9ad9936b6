using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NtmWorkflow.Testing;

namespace NtmWorkflow.Web.Tests.Calendar;

/// <summary>The days-off table as data: seeded from the shipped one, edited through the API, applied to deadlines at once.</summary>
public sealed class CalendarApiTests : IAsyncLifetime
{
    private const string Key = "test-api-key";
    private readonly TemporaryDirectory _data = new();
    private NtmWorkflowAppFactory? _app;
    private HttpClient? _client;

    private HttpClient Client => _client!;

    public Task InitializeAsync()
    {
        _app = new NtmWorkflowAppFactory(_data, new Dictionary<string, string?> { ["Api:Key"] = Key });
        _client = _app.CreateClient();
        _client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        return Task.CompletedTask;
    }

    private async Task<bool> IsWorkingDayAsync(string date) =>
        (await Client.GetFromJsonAsync<JsonElement>($"/api/calendar/working-days?from={date}&to={date}"))[0].GetProperty("working").GetBoolean();

    [Fact]
    public async Task The_shipped_table_is_seeded_with_its_sources_and_unconfirmed_flags()
    {
        var year2026 = await Client.GetFromJsonAsync<JsonElement>("/api/calendar/days-off?year=2026");
        var tet = year2026.EnumerateArray().Where(d => d.GetProperty("date").GetString() == "2026-02-16").ToList();
        Assert.Single(tet);
        Assert.False(string.IsNullOrWhiteSpace(tet[0].GetProperty("source").GetString()));

        // Tết 2026 (17 February is lunar 1/1): the break runs from Monday 16 to Friday 20 February.
        foreach (var day in new[] { "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20" })
        {
            Assert.False(await IsWorkingDayAsync(day), day);
        }

        Assert.True(await IsWorkingDayAsync("2026-02-23"));
    }

    [Fact]
    public async Task Office_hours_are_set_listed_and_removed_and_bad_ones_are_refused_with_problem_details()
    {
        var refused = await Client.PutAsJsonAsync("/api/calendar/office-hours/national", new { hours = "7h-11h", source = "QĐ 1" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("are not office hours", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PutAsJsonAsync("/api/calendar/office-hours/99", new { hours = "07:00-11:00,13:00-16:00", source = "QĐ 1" })).StatusCode);

        var put = await Client.PutAsJsonAsync("/api/calendar/office-hours/national", new { hours = "07:00-11:00,13:00-16:00", source = "Quyết định 1/QĐ-UBND", actor = "mai" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var national = (await Client.GetFromJsonAsync<JsonElement>("/api/calendar/office-hours"))[0];
        Assert.Equal(("national", "07:00-11:00,13:00-16:00", "Settings", "mai"),
            (national.GetProperty("scope").GetString(), national.GetProperty("hours").GetString(), national.GetProperty("origin").GetString(), national.GetProperty("updatedBy").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync("/api/calendar/office-hours/national")).StatusCode);
        Assert.Equal("Default", (await Client.GetFromJsonAsync<JsonElement>("/api/calendar/office-hours"))[0].GetProperty("origin").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.DeleteAsync("/api/calendar/office-hours/national")).StatusCode);
    }

    [Fact]
    public async Task An_edit_applies_to_deadlines_at_once_and_can_be_undone()
    {
        Assert.True(await IsWorkingDayAsync("2026-11-24"));
        var put = await Client.PutAsJsonAsync("/api/calendar/days-off/2026-11-24", new { kind = "SwappedDayOff", name = "Nghỉ hoán đổi (thử)", source = "Thông báo 1/TB-UBND", actor = "mai" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.False(await IsWorkingDayAsync("2026-11-24"));

        var rows = await Client.GetFromJsonAsync<JsonElement>("/api/calendar/days-off?year=2026");
        var row = Assert.Single(rows.EnumerateArray(), r => r.GetProperty("date").GetString() == "2026-11-24");
        Assert.Equal(("mai", "Thông báo 1/TB-UBND"), (row.GetProperty("updatedBy").GetString(), row.GetProperty("source").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync("/api/calendar/days-off/2026-11-24")).StatusCode);
        Assert.True(await IsWorkingDayAsync("2026-11-24"));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.DeleteAsync("/api/calendar/days-off/2026-11-24")).StatusCode);
    }

    [Theory]
    [InlineData("2026-11-24", """{"kind": "MakeUpWorkingDay", "name": "Làm bù"}""", "is a Saturday or Sunday")]
    [InlineData("2026-11-28", """{"kind": "SwappedDayOff", "name": "Nghỉ"}""", "falls on a weekday")]
    [InlineData("2026-11-24", """{"kind": "Holiday", "name": ""}""", "a name of 1 to 200 characters")]
    [InlineData("2026-11-24", """{"name": "Nghỉ"}""", "kind is required")]
    [InlineData("2026-13-01", """{"kind": "Holiday", "name": "Nghỉ"}""", "is not a date")]
    public async Task A_bad_entry_gets_a_problem_and_changes_nothing(string date, string body, string expected)
    {
        var before = await Client.GetStringAsync("/api/calendar/export");
        var response = await Client.PutAsync($"/api/calendar/days-off/{date}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await Client.GetStringAsync("/api/calendar/export"));
    }

    [Fact]
    public async Task A_year_is_exported_and_imported_back_and_a_bad_file_is_refused_whole()
    {
        var exported = await Client.GetFromJsonAsync<JsonElement>("/api/calendar/export?year=2027");
        var entries = exported.GetProperty("entries").EnumerateArray().ToList();
        Assert.NotEmpty(entries);
        Assert.All(entries, e => Assert.StartsWith("2027-", e.GetProperty("date").GetString(), StringComparison.Ordinal));

        // The province adds a swapped day: the whole year is replaced by the file.
        var file = new { entries = entries.Select(e => JsonSerializer.Deserialize<object>(e.GetRawText())).Append(new { date = "2027-12-31", kind = "SwappedDayOff", name = "Nghỉ hoán đổi", source = "Thông báo 9/TB", confirmed = true }) };
        var imported = await Client.PostAsJsonAsync("/api/calendar/import?actor=mai", file);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal([2027], (await imported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("years").EnumerateArray().Select(y => y.GetInt32()));
        Assert.False(await IsWorkingDayAsync("2027-12-31"));

        var bad = new { entries = new object[] { new { date = "2027-01-05", kind = "Holiday", name = "Nghỉ" }, new { date = "2027-01-09", kind = "SwappedDayOff", name = "Sai" } } };
        var refused = await Client.PostAsJsonAsync("/api/calendar/import", bad);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(entries.Count + 1, (await Client.GetFromJsonAsync<JsonElement>("/api/calendar/days-off?year=2027")).GetArrayLength());
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
