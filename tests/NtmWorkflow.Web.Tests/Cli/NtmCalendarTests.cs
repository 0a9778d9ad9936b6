using System.Text.Json;
using System.Text.Json.Nodes;
using NtmWorkflow.Testing;

namespace NtmWorkflow.Web.Tests.Cli;

/// <summary>`ntm calendar export|import` on the app's database (a temporary SQLite one), as an administrator runs it.</summary>
public sealed class NtmCalendarTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    [Fact]
    public async Task A_year_is_exported_edited_and_imported_and_a_bad_file_changes_nothing()
    {
        var export = await RunAsync("calendar", "export", "--year", "2026");
        Assert.Equal(0, export.ExitCode);
        var file = JsonNode.Parse(export.Stdout)!.AsObject();
        var entries = file["entries"]!.AsArray();
        Assert.Contains(entries, e => e!["date"]!.GetValue<string>() == "2026-02-17" && e["kind"]!.GetValue<string>() == "Holiday");

        entries.Add(new JsonObject { ["date"] = "2026-12-31", ["kind"] = "SwappedDayOff", ["name"] = "Nghỉ hoán đổi", ["source"] = "Thông báo 9/TB-UBND", ["confirmed"] = true });
        var path = Path.Combine(_data.Path, "2026.json");
        await File.WriteAllTextAsync(path, file.ToJsonString());
        var import = await RunAsync("calendar", "import", path);
        Assert.Equal(0, import.ExitCode);
        var line = Assert.Single(import.JsonLines());
        Assert.Equal([2026], line.GetProperty("years").EnumerateArray().Select(y => y.GetInt32()));

        var again = await RunAsync("calendar", "export", "--year", "2026", Path.Combine(_data.Path, "again.json"));
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("2026-12-31", await File.ReadAllTextAsync(Path.Combine(_data.Path, "again.json")), StringComparison.Ordinal);

        var bad = Path.Combine(_data.Path, "bad.json");
        await File.WriteAllTextAsync(bad, """{"entries": [{"date": "2026-12-30", "kind": "MakeUpWorkingDay", "name": "Làm bù"}]}""");
        var refused = await RunAsync("calendar", "import", bad);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("is a Saturday or Sunday", Assert.Single(refused.JsonLines()).GetProperty("error").GetString(), StringComparison.Ordinal);
        var after = JsonDocument.Parse((await RunAsync("calendar", "export", "--year", "2026")).Stdout);
        Assert.Equal(entries.Count, after.RootElement.GetProperty("entries").GetArrayLength());
    }

    [Theory]
    [InlineData("calendar")]
    [InlineData("calendar", "print")]
    [InlineData("calendar", "import")]
    [InlineData("calendar", "export", "--year", "twenty")]
    public async Task Bad_arguments_exit_2(params string[] args) => Assert.Equal(2, (await RunAsync(args)).ExitCode);

    private Task<CliResult> RunAsync(params string[] args) =>
        NtmProcess.RunAsync(_data.Path, new Dictionary<string, string> { ["Storage__DataDirectory"] = _data.Path }, args);

    public void Dispose() => _data.Dispose();
}
