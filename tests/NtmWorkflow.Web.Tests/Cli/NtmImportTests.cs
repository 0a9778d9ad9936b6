using NtmWorkflow.Testing;

namespace NtmWorkflow.Web.Tests.Cli;

/// <summary>`ntm import units` as a user runs it: the built ntm.dll in its own process.</summary>
public sealed class NtmImportTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    [Fact]
    public async Task Importing_the_bundled_editions_twice_adds_nothing_the_second_time()
    {
        var first = await RunAsync("import", "units", "--bundled");
        Assert.Equal(0, first.ExitCode);
        Assert.Equal("", first.Stderr);
        var lines = first.JsonLines();
        Assert.Equal(["vn-admin-units-2025-03.csv", "vn-admin-districts-without-communes-2025-03.csv", "vn-admin-units-2025-07.csv", "vn-admin-units-merge-2025-07.csv"],
            lines.Select(l => l.GetProperty("file").GetString()));
        Assert.Equal(10801, lines[0].GetProperty("added").GetInt32());
        Assert.Equal(3355, lines[2].GetProperty("added").GetInt32());

        var again = await RunAsync("import", "units", Path.Combine(TestEnvironment.RepositoryRoot, "src/NtmWorkflow.Web/Features/AdministrativeUnits/Data/vn-admin-units-2025-07.csv"));
        Assert.Equal(0, again.ExitCode);
        var line = Assert.Single(again.JsonLines());
        Assert.Equal((0, 0, 3355), (line.GetProperty("added").GetInt32(), line.GetProperty("updated").GetInt32(), line.GetProperty("unchanged").GetInt32()));
    }

    [Fact]
    public async Task A_bad_file_is_refused_with_its_line_and_exit_1()
    {
        var file = Path.Combine(_data.Path, "units.csv");
        await File.WriteAllTextAsync(file, "province_code,province_name,commune_code,commune_name,commune_type\n01,Thành phố Hà Nội,1,Phường X,Phường\n");
        var result = await RunAsync("import", "units", file, "--edition", "2031-01", "--valid-from", "2031-01-01");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.JsonLines());
        Assert.False(line.GetProperty("imported").GetBoolean());
        Assert.Equal(2, line.GetProperty("line").GetInt32());
        Assert.Equal("'1' is not a 5-digit commune code", line.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("import")]
    [InlineData("import", "units")]
    [InlineData("import", "units", "x.csv")]
    [InlineData("import", "units", "x.csv", "--valid-from", "01/07/2025", "--edition", "e")]
    [InlineData("import", "units", "--bundled", "--no-such-option", "1")]
    [InlineData("frobnicate")]
    public async Task Bad_arguments_exit_2_with_a_message_and_nothing_on_stdout(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("ntm: ", result.Stderr, StringComparison.Ordinal);
    }

    private Task<CliResult> RunAsync(params string[] args) =>
        NtmProcess.RunAsync(_data.Path, new Dictionary<string, string> { ["Storage__DataDirectory"] = _data.Path }, args);

    public void Dispose() => _data.Dispose();
}
