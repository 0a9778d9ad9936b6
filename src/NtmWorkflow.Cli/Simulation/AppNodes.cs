using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NtmWorkflow.Cli.Simulation;

/// <summary>
/// Several app processes (the built NtmWorkflow.Web, beside this tool) on one database, each on a loopback port with its
/// own timer alarm and outbox sender. One can be killed (SIGKILL: no goodbye, its leases simply lapse) and started again.
/// </summary>
internal sealed class AppNodes : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly TextWriter _log;

    private AppNodes(IReadOnlyDictionary<string, string> settings, TextWriter log, int count, string logFolder)
    {
        (_settings, _log) = (settings, log);
        Directory.CreateDirectory(logFolder);
        Nodes = [.. Enumerable.Range(1, count).Select(i => new AppNode(i, new Uri($"http://127.0.0.1:{FreePort()}"), Path.Combine(logFolder, $"node-{i}.log")))];
    }

    public IReadOnlyList<AppNode> Nodes { get; }

    /// <summary>Starts <paramref name="count"/> nodes; each writes what it logs to node-N.log in <paramref name="logFolder"/>.</summary>
    public static async Task<AppNodes> StartAsync(int count, IReadOnlyDictionary<string, string> settings, string logFolder, TextWriter log, CancellationToken ct)
    {
        var nodes = new AppNodes(settings, log, count, logFolder);
        try
        {
            await Task.WhenAll(nodes.Nodes.Select(n => nodes.LaunchAsync(n, ct)));
            return nodes;
        }
        catch
        {
            await nodes.DisposeAsync();
            throw;
        }
    }

    /// <summary>The node for the <paramref name="turn"/>-th request: round the nodes that are up and not draining.</summary>
    public AppNode Route(int turn)
    {
        var open = Nodes.Where(n => n.TakesRequests).ToList();
        var pool = open.Count > 0 ? open : Nodes;
        return pool[(int)((uint)turn % (uint)pool.Count)];
    }

    /// <summary>
    /// Kills a node. Its requests are drained first, as a balancer does (each request is one transaction either way; a
    /// client's retry is the client's business); its background work, timers and mail it has claimed, is cut off mid-flight.
    /// </summary>
    public async Task KillAsync(AppNode node)
    {
        node.Draining = true;
        var drained = Stopwatch.StartNew();
        while (node.InFlight > 0 && drained.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        node.Process?.Kill(entireProcessTree: true);
        if (node.Process is { } process)
        {
            await process.WaitForExitAsync();
        }

        await _log.WriteLineAsync($"  node {node.Number} killed (SIGKILL) at {DateTimeOffset.UtcNow:HH:mm:ss}");
    }

    public async Task RestartAsync(AppNode node, CancellationToken ct)
    {
        await LaunchAsync(node, ct);
        node.Draining = false;
        await _log.WriteLineAsync($"  node {node.Number} back at {DateTimeOffset.UtcNow:HH:mm:ss}");
    }

    /// <summary>Stops every node as a service manager does (SIGTERM, then the host's orderly stop); kills what does not stop in 30 s.</summary>
    public async Task StopAsync()
    {
        await Task.WhenAll(Nodes.Select(async node =>
        {
            if (node.Process is not { HasExited: false } process)
            {
                return;
            }

            // The shell's kill builtin: SIGTERM, which the host answers with its orderly stop (.NET has no call for it).
            using (var term = Process.Start(new ProcessStartInfo("sh", ["-c", "kill -TERM " + process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
            {
                await term!.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            try
            {
                if (node.Process is { HasExited: false } process)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            node.Process?.Dispose();
            node.Close();
        }
    }

    /// <summary>Each running node's peak resident memory in bytes (Linux VmHWM; 0 where /proc is not).</summary>
    public IReadOnlyList<long> PeakMemory() => [.. Nodes.Select(n => n.PeakResidentBytes())];

    /// <summary>The last lines a node wrote, for an error report.</summary>
    public static string Output(AppNode node) => string.Join('\n', node.Output.TakeLast(40));

    private async Task LaunchAsync(AppNode node, CancellationToken ct)
    {
        var app = Path.Combine(AppContext.BaseDirectory, "NtmWorkflow.Web.dll");
        if (!File.Exists(app))
        {
            throw new FileNotFoundException($"The app nodes need the built app beside this tool ({app}).", app);
        }

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(app);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(node.BaseAddress.ToString().TrimEnd('/'));
        foreach (var (name, value) in _settings)
        {
            start.Environment[name] = value;
        }

        node.Output.Clear();
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        node.Process?.Dispose();
        node.Process = process;

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Node {node.Number} exited with code {process.ExitCode} before it was ready:\n{Output(node)}");
            }

            try
            {
                if ((await probe.GetAsync(new Uri(node.BaseAddress, "/health/ready"), ct)).StatusCode == HttpStatusCode.OK)
                {
                    node.Up = true;
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // starting
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new TimeoutException($"Node {node.Number} was not ready within 120 s:\n{Output(node)}");
            }

            await Task.Delay(200, ct);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One app process of <see cref="AppNodes"/>.</summary>
internal sealed class AppNode(int number, Uri baseAddress, string logFile)
{
    private readonly Lock _logLock = new();
    private StreamWriter? _logWriter;
    private int _inFlight;
    private long _unreachableUntil;

    public int Number { get; } = number;

    public Uri BaseAddress { get; } = baseAddress;

    public string LogFile { get; } = logFile;

    public Process? Process { get; set; }

    public bool Up { get; set; }

    /// <summary>About to be killed: no new requests.</summary>
    public bool Draining { get; set; }

    public int InFlight => Volatile.Read(ref _inFlight);

    public bool TakesRequests => !Draining && Environment.TickCount64 >= Interlocked.Read(ref _unreachableUntil);

    public ConcurrentQueue<string> Output { get; } = new();

    public long PeakResidentBytes() =>
        Process is { HasExited: false } running ? PeakMemory.Of(running.Id.ToString(CultureInfo.InvariantCulture)) ?? 0 : 0;

    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Leave() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Refused or cut a connection: skipped for a second.</summary>
    public void Unreachable() => Interlocked.Exchange(ref _unreachableUntil, Environment.TickCount64 + 1000);

    public void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        Output.Enqueue(line);
        while (Output.Count > 200)
        {
            Output.TryDequeue(out _);
        }

        lock (_logLock)
        {
            _logWriter ??= new StreamWriter(LogFile, append: true) { AutoFlush = true };
            _logWriter.WriteLine(line);
        }
    }

    public void Close()
    {
        lock (_logLock)
        {
            _logWriter?.Dispose();
            _logWriter = null;
        }
    }
}
