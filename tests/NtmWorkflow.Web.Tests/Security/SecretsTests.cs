using System.Diagnostics;
using System.Text.RegularExpressions;
using NtmWorkflow.Testing;

namespace NtmWorkflow.Web.Tests.Security;

/// <summary>
/// Secrets come from configuration or the environment, never from the repository. The only credentials the repository
/// holds are those of throwaway services the tests start on loopback (the test script and tests/) and the documented
/// development API key, which only the Development environment reads.
/// </summary>
public sealed partial class SecretsTests
{
    [GeneratedRegex(@"AccountKey=[A-Za-z0-9+/=]{20,}|-----BEGIN [A-Z ]*PRIVATE KEY-----|(?i:password)\s*=\s*[^$;{}\s…""'<>][^;""'\s]*|(?i:""(password|secret|apikey|key)"")\s*:\s*""[^""]+""")]
    private static partial Regex Secret();

    private static string[] TrackedFiles()
    {
        var start = new ProcessStartInfo("git", "ls-files -z") { WorkingDirectory = TestEnvironment.RepositoryRoot, RedirectStandardOutput = true };
        using var git = Process.Start(start)!;
        var files = git.StandardOutput.ReadToEnd().Split('\0', StringSplitOptions.RemoveEmptyEntries);
        git.WaitForExit();
        return files;
    }

    [Fact]
    public void No_file_outside_the_tests_holds_a_secret()
    {
        var allowed = new[] { "tests/", "build.sh" };
        var found = new List<string>();
        foreach (var file in TrackedFiles().Where(f => !allowed.Any(a => f.StartsWith(a, StringComparison.Ordinal))))
        {
            var path = Path.Combine(TestEnvironment.RepositoryRoot, file);
            if (!File.Exists(path) || new FileInfo(path).Length > 2_000_000 || file.EndsWith(".png", StringComparison.Ordinal) || file.Contains("/Migrations/", StringComparison.Ordinal))
            {
                continue;
            }

            var lines = File.ReadAllLines(path);
            for (var i = 0; i < lines.Length; i++)
            {
                if (Secret().Match(lines[i]) is { Success: true } match && !IsDocumentedDevelopmentValue(file, match.Value))
                {
                    found.Add($"{file}:{i + 1}: {match.Value}");
                }
            }
        }

        Assert.True(found.Count == 0, "secrets in the repository:\n" + string.Join('\n', found));
    }

    [Theory]
    [InlineData("Host=db;Username=ntm;Password=hunter2;Database=ntm")]
    [InlineData("\"Password\": \"hunter2\"")]
    [InlineData("\"ApiKey\": \"k-123\"")]
    [InlineData("AccountName=prod;AccountKey=c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----")]
    public void The_scan_recognises_a_secret(string line) => Assert.Matches(Secret(), line);

    [Theory]
    [InlineData("Password=${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}")]
    [InlineData("options.Password.RequiredLength = 12;")]
    public void The_scan_lets_variables_and_code_pass(string line) => Assert.DoesNotMatch(Secret(), line);

    [Fact]
    public void The_compose_file_takes_its_secrets_from_the_environment()
    {
        var compose = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "docker-compose.yml"));
        Assert.Contains("${POSTGRES_PASSWORD:?", compose, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey=", compose, StringComparison.Ordinal);
        Assert.Matches(@"Documents__ConnectionString: \$\{DOCUMENTS_CONNECTION_STRING", compose);
    }

    /// <summary>The development API key (appsettings.Development.json and the .http samples) is documented as such.</summary>
    private static bool IsDocumentedDevelopmentValue(string file, string value) =>
        (file.EndsWith("appsettings.Development.json", StringComparison.Ordinal) && value.Contains("ntm-dev-api-key", StringComparison.Ordinal))
        || value.Contains("Password=…", StringComparison.Ordinal);
}

/// <summary>The development API key is public (it is in the repository): outside Development it opens nothing.</summary>
public sealed class DevelopmentKeyTests : AppTestHost
{
    protected override void Configure(Dictionary<string, string?> settings) => settings["Api:Key"] = "ntm-dev-api-key";

    [Fact]
    public async Task The_development_key_opens_no_API_outside_Development()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/definitions");
        request.Headers.Add("X-Api-Key", "ntm-dev-api-key");
        var response = await App.CreateClient().SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("development key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
