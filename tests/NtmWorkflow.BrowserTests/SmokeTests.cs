using System.Diagnostics;
using System.Net;
using System.Text;
using NtmWorkflow.Testing;

namespace NtmWorkflow.BrowserTests;

/// <summary>
/// The README's first command, on a fresh data folder: `dotnet run --project src/NtmWorkflow.Web`
/// (here with --no-build and the configuration the tests were built with, and a free loopback port).
/// </summary>
public sealed class SmokeTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();
    private readonly StringBuilder _output = new();

    [Fact]
    public async Task The_app_started_as_the_README_says_becomes_ready_and_shows_its_home_page()
    {
        var port = TestEnvironment.FreeLoopbackPort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = TestEnvironment.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "run", "--project", "src/NtmWorkflow.Web", "--no-build", "-c", TestEnvironment.Configuration, "--", "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Storage__DataDirectory"] = _data.Path;
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var baseAddress = new Uri($"http://127.0.0.1:{port}");
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
            var clock = Stopwatch.StartNew();
            var ready = false;
            // A bound on the wait, not a speed target (start-up time is a benchmark figure): generous for a busy CI machine.
            while (!ready && clock.Elapsed < TimeSpan.FromSeconds(240) && !process.HasExited)
            {
                try
                {
                    ready = (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                if (!ready)
                {
                    await Task.Delay(250);
                }
            }

            Assert.True(ready, $"/health/ready was not 200 within 240 s. Output:\n{Output()}");

            var home = await http.GetStringAsync("/");
            Assert.Contains("NtmWorkflow", home, StringComparison.Ordinal);
            Assert.Contains("Xét, công nhận xã đạt chuẩn nông thôn mới", home, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(_data.Path, "ntmworkflow.db")));

            using var browser = new Browser(Path.Combine(_data.Path, "downloads"));
            browser.GoTo(baseAddress);
            Assert.Equal("NtmWorkflow", browser.Find("#product-name").Text);
            Assert.Equal("Đăng nhập", browser.Find("#home-sign-in").Text);
            browser.Screenshot("smoke-home");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    public void Dispose() => _data.Dispose();
}
