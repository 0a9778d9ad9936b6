using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

/// <summary>
/// The web tier under load: the real app (the built NtmWorkflow.Web.dll) in a process of its own on a loopback port,
/// and simulated officials, each with its own cookies, who sign in through the sign-in page and then, round after
/// round, open the inbox, a dossier of theirs, search the inbox for that dossier, open the review form of its open
/// task and forward it (intake, then verification): the POST carries the antiforgery token and completes the task.
/// Seeded beforehand through the app's services: coordination-office officials of as few provinces as hold them
/// (Tuyên Quang, 08, first), each with dossiers of its own communes waiting at intake. Bounded by a round count per
/// user and a cap on the duration. Prints latency per endpoint and the app's peak resident memory; asserts nothing
/// about speed, but fails when the tasks the database shows completed differ from the successful decisions.
/// </summary>
internal static partial class WebLoadBenchmark
{
    private const string Password = "Ntm-Load-2026!";
    private const string FirstProvince = "08";
    private static readonly DateOnly OpenedOn = new(2025, 9, 15);

    private static readonly string[] Endpoints = ["sign-in form", "sign-in", "inbox", "dossier page", "inbox search", "review form", "review decision"];

    public static async Task RunAsync(string providerName, string provider, string connectionString, int users, int rounds, int seconds, int thinkMilliseconds)
    {
        var app = AppAssembly();
        var folder = Path.Combine(Path.GetTempPath(), "ntm-web-load-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            await RunAsync(providerName, provider, connectionString, folder, app, users, rounds, seconds, thinkMilliseconds);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task RunAsync(string providerName, string provider, string connectionString, string folder, string app, int users, int rounds, int seconds, int think)
    {
        // The seeding host: the app's services on the same database, no background workers, no web server.
        using var host = BenchmarkHost.Build(provider, connectionString, folder, importUnits: true);
        var initializing = Stopwatch.StartNew();
        await host.StartAsync();
        initializing.Stop();
        try
        {
            // One more official than simulated: the warm-up user, whose rounds are not counted.
            var seeding = Stopwatch.StartNew();
            var officials = await SeedAsync(host.Services, users + 1, Math.Max(1, (rounds + 1) / 2));
            seeding.Stop();
            var provinces = officials.Select(o => o.Province).Distinct().ToList();
            Console.WriteLine($"web load ({providerName}): seeded {officials.Count:N0} coordination-office officials of {provinces.Count} province{(provinces.Count == 1 ? "" : "s")}"
                              + $" ({string.Join(", ", provinces)}) and {officials.Sum(o => o.Dossiers.Count):N0} dossiers at intake in {seeding.Elapsed.TotalSeconds:N1} s"
                              + $" (after {initializing.Elapsed.TotalSeconds:N1} s of migrations and reference data)");

            var figures = Endpoints.ToDictionary(e => e, _ => new Endpoint());
            var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            int completed;
            int warmCompleted;
            TimeSpan elapsed;
            long? peak;
            (double App, double Load) cpu;
            var started = Stopwatch.StartNew();
            await using (var server = await AppProcess.StartAsync(app, provider, connectionString, Path.Combine(folder, "app")))
            {
                Console.WriteLine($"  app: {Path.GetFileName(app)} on {server.BaseAddress}, ready in {started.Elapsed.TotalSeconds:N1} s");

                // Warm-up (JIT, EF's query caches, Razor): one official's rounds on a dossier of its own, not counted.
                using (var warmCap = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
                {
                    var warmErrors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
                    warmCompleted = await UserAsync(server.BaseAddress, officials[^1], 2, Endpoints.ToDictionary(e => e, _ => new Endpoint()), warmErrors, new SignInGate(1, null), 0, warmCap.Token);
                    // One official alone must get through: otherwise the app is broken, not slow.
                    if (warmCompleted != 2 || !warmErrors.IsEmpty)
                    {
                        throw new InvalidOperationException($"The warm-up official completed {warmCompleted} of 2 tasks"
                                                            + $" ({string.Join("; ", warmErrors.Select(e => $"{e.Key} ×{e.Value}"))}); the app said:\n{server.Output()}");
                    }
                }

                // The measured load: every user signs in, all start their rounds together, the cap stops everything.
                using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
                var cpuAtStart = (App: 0.0, Load: TimeSpan.Zero);
                var signedIn = new SignInGate(users, () => cpuAtStart = (server.CpuSeconds(), Process.GetCurrentProcess().TotalProcessorTime));
                var results = await Task.WhenAll(officials.Take(users).Select(o => Task.Run(() => UserAsync(server.BaseAddress, o, rounds, figures, errors, signedIn, think, cap.Token))));
                elapsed = signedIn.SinceReleased;
                cpu = (server.CpuSeconds() - cpuAtStart.App, (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart.Load).TotalSeconds);
                completed = results.Sum();
                if (cap.IsCancellationRequested)
                {
                    errors.AddOrUpdate("stopped by the duration cap", 1, (_, n) => n + 1);
                }

                peak = server.PeakResidentBytes();
            }

            // Every successful decision completed exactly one task: the engine's history says so.
            var names = officials.Select(o => o.UserName).ToList();
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var recorded = await db.WorkflowHistory.CountAsync(h => h.Event == "completed" && (h.ElementId == "intake" || h.ElementId == "verification") && names.Contains(h.Actor!));

            var total = figures.Where(f => !f.Key.StartsWith("sign-in", StringComparison.Ordinal)).Sum(f => f.Value.Count);
            Console.WriteLine($"  {users} users × {rounds} rounds (inbox, dossier page, inbox search, review form, review decision), "
                              + (think > 0 ? $"{think} ms of thought on average before each request" : "no pause between requests") + $", cap {seconds} s:");
            foreach (var (name, endpoint) in figures)
            {
                Console.WriteLine($"  {name}: {endpoint.Line()}");
            }

            foreach (var (error, count) in errors.OrderByDescending(e => e.Value).Take(10))
            {
                Console.WriteLine($"  error: {error} ({count}×)");
            }

            Console.WriteLine($"web load ({providerName}, {users} users): {total:N0} requests in {elapsed.TotalSeconds:N1} s of rounds = {total / elapsed.TotalSeconds:N0} requests/s, {figures.Values.Sum(f => f.Errors):N0} errors;"
                              + $" {completed:N0} tasks completed by review decisions ({recorded - warmCompleted:N0} in the engine's history); app peak memory"
                              + (peak is { } bytes ? $" {bytes / 1024.0 / 1024:N0} MiB (VmHWM)" : " unknown (no /proc)")
                              + $"; CPU during the rounds: app {cpu.App:N1} s ({cpu.App * 1000 / Math.Max(1, total):N1} ms per request), load generator {cpu.Load:N1} s");
            // A decision cut off by the cap may have completed its task without its answer being read.
            var inFlight = figures["review decision"].CutOffCount;
            if (recorded < completed + warmCompleted || recorded > completed + warmCompleted + inFlight)
            {
                throw new InvalidOperationException($"The engine's history shows {recorded} intake and verification tasks completed, not the {completed + warmCompleted} successful review decisions"
                                                    + (inFlight > 0 ? $" (and up to {inFlight} cut off by the cap)." : "."));
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>The app the build made beside this benchmark: src/NtmWorkflow.Web/bin/CONFIGURATION/net10.0/NtmWorkflow.Web.dll.</summary>
    private static string AppAssembly()
    {
        // AppContext.BaseDirectory is tests/NtmWorkflow.Benchmarks/bin/CONFIGURATION/net10.0/.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent?.Name ?? "Release";
        var root = output.Parent?.Parent?.Parent?.Parent?.Parent?.FullName ?? ".";
        var app = Path.Combine(root, "src", "NtmWorkflow.Web", "bin", configuration, output.Name, "NtmWorkflow.Web.dll");
        return File.Exists(app)
            ? app
            : throw new FileNotFoundException($"The web load needs the built app at {app}: build the solution (dotnet build NtmWorkflow.sln -c {configuration}) first.", app);
    }

    private sealed record LoadOfficial(string UserName, string Province, IReadOnlyList<(Guid Id, string Code)> Dossiers);

    /// <summary>
    /// The officials, each a coordination-office official of a province with dossiers of communes of its own, opened
    /// through the dossier service (every indicator of the set, the workflow started) and moved past the commune's
    /// steps as the engine records a completed task: each waits at intake, for its official.
    /// </summary>
    private static async Task<List<LoadOfficial>> SeedAsync(IServiceProvider services, int count, int dossiersPerUser)
    {
        List<(string Province, List<string> Communes)> provinces;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var communes = await db.AdministrativeUnits.AsNoTracking()
                .Where(u => u.Level == AdministrativeLevel.Commune && u.Kind == "Xã" && u.ValidTo == null && (u.ValidFrom == null || u.ValidFrom <= OpenedOn)
                            && u.Parent!.Level == AdministrativeLevel.Province)
                .Select(u => new { u.Code, Province = u.Parent!.Code }).ToListAsync();
            provinces = [.. communes.GroupBy(c => c.Province).OrderBy(g => g.Key == FirstProvince ? 0 : 1).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Select(c => c.Code).Order(StringComparer.Ordinal).ToList()))];
        }

        var places = provinces.SelectMany(p => p.Communes.Chunk(dossiersPerUser).Where(c => c.Length == dossiersPerUser).Select(c => (p.Province, Communes: c))).Take(count).ToList();
        if (places.Count < count)
        {
            throw new InvalidOperationException($"There are communes for {places.Count} officials with {dossiersPerUser} dossiers each, not {count}.");
        }

        var officials = new List<LoadOfficial>();
        for (var u = 0; u < count; u++)
        {
            var (province, communes) = places[u];
            var userName = $"load.{u:000}";
            await using (var scope = services.CreateAsyncScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
                var created = await users.CreateAsync(new AppUser { UserName = userName, FullName = $"Cán bộ {u:000}", Email = $"{userName}@load.ntmworkflow.local", EmailConfirmed = true }, Password);
                if (!created.Succeeded)
                {
                    throw new InvalidOperationException($"Could not create {userName}: {string.Join("; ", created.Errors.Select(e => e.Description))}");
                }

                await scope.ServiceProvider.GetRequiredService<OrganisationService>()
                    .AssignAsync(userName, $"coordination-office:{province}", Roles.CoordinationOffice, new DateOnly(2025, 7, 1), "bench", CancellationToken.None);
            }

            var dossiers = new List<(Guid, string)>();
            foreach (var commune in communes)
            {
                await using var scope = services.CreateAsyncScope();
                var official = (await scope.ServiceProvider.GetRequiredService<OrganisationService>().FindOfficialAsync(userName, null, CancellationToken.None))!;
                var dossier = await scope.ServiceProvider.GetRequiredService<DossierService>()
                    .OpenAsync(official, new OpenDossierRequest(commune, RecognitionTier.Ntm, 2025, null, null, "*", OpenedOn, null), CancellationToken.None);
                var engine = scope.ServiceProvider.GetRequiredService<WorkflowEngine>();
                foreach (var step in new[] { "selfAssessment", "postingAndSurvey", "submitDossier" })
                {
                    var task = (await engine.ListTasksAsync(dossier.InstanceId)).Single();
                    if (task.ElementId != step)
                    {
                        throw new InvalidOperationException($"Dossier {dossier.Code} waits at {task.ElementId}, not at {step}.");
                    }

                    await engine.CompleteTaskAsync(task.Id, null, userName);
                }

                dossiers.Add((dossier.Id, dossier.Code));
            }

            officials.Add(new LoadOfficial(userName, province, dossiers));
        }

        return officials;
    }

    /// <summary>
    /// One simulated official: signs in, then its rounds, each on dossier round / 2 (intake, then verification);
    /// a failed step ends its round. Returns the review decisions that completed a task.
    /// </summary>
    private static async Task<int> UserAsync(Uri baseAddress, LoadOfficial official, int rounds, IReadOnlyDictionary<string, Endpoint> figures,
        ConcurrentDictionary<string, int> errors, SignInGate signedIn, int think, CancellationToken cap)
    {
        using var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false, UseProxy = false };
        using var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var completed = 0;
        var pauses = new Random(int.Parse(official.UserName[5..], CultureInfo.InvariantCulture)); // the same pauses in every run

        async Task<(HttpStatusCode? Status, string Body, Uri? Location)> Send(string endpoint, HttpMethod method, string path, Dictionary<string, string>? form, params HttpStatusCode[] expected)
        {
            if (think > 0 && signedIn.Released.IsCompleted)
            {
                // An official reads the page before the next click: uniform between none and twice the average.
                try
                {
                    await Task.Delay(pauses.Next(2 * think + 1), cap);
                }
                catch (OperationCanceledException)
                {
                    return (null, "", null);
                }
            }

            using var request = new HttpRequestMessage(method, path) { Content = form is null ? null : new FormUrlEncodedContent(form) };
            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await client.SendAsync(request, cap);
                var body = await response.Content.ReadAsStringAsync(cap);
                var ok = expected.Contains(response.StatusCode);
                figures[endpoint].Add(clock.Elapsed.TotalMilliseconds, ok);
                if (!ok)
                {
                    errors.AddOrUpdate($"{endpoint}: HTTP {(int)response.StatusCode}", 1, (_, n) => n + 1);
                    return (null, body, null);
                }

                return (response.StatusCode, body, response.Headers.Location);
            }
            catch (OperationCanceledException) when (cap.IsCancellationRequested)
            {
                figures[endpoint].CutOff(); // by the cap: neither a figure nor an error (a decision may still have completed its task)
                return (null, "", null);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                figures[endpoint].Add(clock.Elapsed.TotalMilliseconds, false);
                errors.AddOrUpdate($"{endpoint}: {e.GetType().Name} {e.Message}", 1, (_, n) => n + 1);
                return (null, "", null);
            }
        }

        async Task<string?> Token(string endpoint, string path)
        {
            var (status, body, _) = await Send(endpoint, HttpMethod.Get, path, null, HttpStatusCode.OK);
            if (status is null)
            {
                return null;
            }

            var token = AntiforgeryToken().Match(body);
            if (!token.Success)
            {
                errors.AddOrUpdate($"{endpoint}: no antiforgery token on the page", 1, (_, n) => n + 1);
            }

            return token.Success ? token.Groups[1].Value : null;
        }

        // Signing in: the form's token, then the post; a signed-in browser is sent on with the auth cookie.
        var signed = false;
        try
        {
            if (await Token("sign-in form", "/account/sign-in") is { } signInToken)
            {
                var (status, _, _) = await Send("sign-in", HttpMethod.Post, "/account/sign-in", new()
                {
                    ["Input.UserName"] = official.UserName, ["Input.Password"] = Password, ["__RequestVerificationToken"] = signInToken,
                }, HttpStatusCode.Redirect);
                signed = status is not null && handler.CookieContainer.GetCookies(baseAddress).Any(c => c.Name == "ntm.auth");
                if (status is not null && !signed)
                {
                    errors.AddOrUpdate("sign-in: no auth cookie", 1, (_, n) => n + 1);
                }
            }
        }
        finally
        {
            signedIn.Signal();
        }

        if (!signed)
        {
            return 0;
        }

        // All rounds start together, once every user has signed in (or the cap has passed).
        try
        {
            await signedIn.Released.WaitAsync(cap);
        }
        catch (OperationCanceledException)
        {
            return 0;
        }

        for (var round = 0; round < rounds && !cap.IsCancellationRequested; round++)
        {
            var (dossier, code) = official.Dossiers[round / 2 % official.Dossiers.Count];
            if (await Send("inbox", HttpMethod.Get, "/inbox", null, HttpStatusCode.OK) is not { Status: not null }
                || await Send("dossier page", HttpMethod.Get, $"/dossiers/{dossier}", null, HttpStatusCode.OK) is not { Status: not null }
                || await Send("inbox search", HttpMethod.Get, $"/inbox?search={Uri.EscapeDataString(code)}", null, HttpStatusCode.OK) is not { Status: not null } found)
            {
                continue;
            }

            var link = new Regex($"href=\"/dossiers/{dossier}/review/([0-9a-f-]{{36}})\"").Match(found.Body);
            if (!link.Success)
            {
                errors.AddOrUpdate("inbox search: no open review of the dossier listed", 1, (_, n) => n + 1);
                continue;
            }

            var review = $"/dossiers/{dossier}/review/{link.Groups[1].Value}";
            if (await Token("review form", review) is not { } token)
            {
                continue;
            }

            // Forwarded: the page sends the browser to the dossier; refused, back to the review form with the problems.
            var decided = await Send("review decision", HttpMethod.Post, review, new() { ["decision"] = "forward", ["__RequestVerificationToken"] = token }, HttpStatusCode.Redirect);
            if (decided.Status is null)
            {
                continue;
            }

            if (decided.Location?.OriginalString.TrimEnd('/') == $"/dossiers/{dossier}")
            {
                completed++;
            }
            else
            {
                figures["review decision"].Refused();
                errors.AddOrUpdate($"review decision: refused (sent to {decided.Location})", 1, (_, n) => n + 1);
            }
        }

        return completed;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    /// <summary>Released when every user has signed in or given up; the rounds are timed from then.</summary>
    private sealed class SignInGate(int count, Action? onRelease)
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Stopwatch _since = new();
        private int _remaining = count;

        public Task Released => _released.Task;

        public TimeSpan SinceReleased => _since.Elapsed;

        public void Signal()
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                onRelease?.Invoke();
                _since.Start();
                _released.TrySetResult();
            }
        }
    }

    /// <summary>The times and errors of one endpoint, from every user.</summary>
    private sealed class Endpoint
    {
        private readonly List<double> _times = [];
        private int _errors;
        private int _cutOff;

        public int Count
        {
            get
            {
                lock (_times)
                {
                    return _times.Count;
                }
            }
        }

        public int Errors => Volatile.Read(ref _errors);

        /// <summary>Requests in flight when the cap passed.</summary>
        public int CutOffCount => Volatile.Read(ref _cutOff);

        public void CutOff() => Interlocked.Increment(ref _cutOff);

        public void Add(double milliseconds, bool ok)
        {
            lock (_times)
            {
                _times.Add(milliseconds);
            }

            if (!ok)
            {
                Interlocked.Increment(ref _errors);
            }
        }

        /// <summary>A response with the right status that did not do what was asked (a refused decision).</summary>
        public void Refused() => Interlocked.Increment(ref _errors);

        public string Line()
        {
            List<double> sorted;
            lock (_times)
            {
                sorted = [.. _times.Order()];
            }

            return sorted.Count == 0
                ? "no requests"
                : $"{sorted.Count:N0} requests, {Errors} errors{(CutOffCount > 0 ? $", {CutOffCount} cut off by the cap" : "")}; p50 {At(sorted, 0.5):N1} ms, p95 {At(sorted, 0.95):N1} ms, p99 {At(sorted, 0.99):N1} ms, max {sorted[^1]:N1} ms";
        }

        private static double At(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>The app in a process of its own on a free loopback port; killed on dispose, whatever happened.</summary>
    private sealed class AppProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _output = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _sampler;
        private long _peak;

        private AppProcess(Process process, Uri baseAddress)
        {
            (_process, BaseAddress) = (process, baseAddress);
            _sampler = SampleAsync();
        }

        public Uri BaseAddress { get; }

        public static async Task<AppProcess> StartAsync(string app, string provider, string connectionString, string dataDirectory)
        {
            Directory.CreateDirectory(dataDirectory);
            var address = new Uri($"http://127.0.0.1:{FreePort()}");
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(app)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(app);
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add(address.ToString().TrimEnd('/'));
            foreach (var (name, value) in new Dictionary<string, string>
                     {
                         ["ASPNETCORE_ENVIRONMENT"] = "Production",
                         ["DOTNET_ENVIRONMENT"] = "Production",
                         ["Database__Provider"] = provider,
                         ["Database__ConnectionString"] = connectionString,
                         ["Storage__DataDirectory"] = dataDirectory,
                         ["RateLimits__SignIn__PermitLimit"] = "100000",
                         ["Workflows__BackgroundWorkers"] = "true",
                         ["Demo__Enabled"] = "false",
                         ["Logging__LogLevel__Default"] = "Warning",
                         ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "None",
                     })
            {
                start.Environment[name] = value;
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
            var server = new AppProcess(process, address);
            AppDomain.CurrentDomain.ProcessExit += server.KillOnExit; // the benchmark stopped from outside: the app goes too
            process.OutputDataReceived += (_, e) => server.Keep(e.Data);
            process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
                var deadline = Stopwatch.StartNew();
                while (true)
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"The app exited with code {process.ExitCode} before it was ready:\n{server.Output()}");
                    }

                    try
                    {
                        if ((await probe.GetAsync("/health/ready")).IsSuccessStatusCode)
                        {
                            return server;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // not listening yet
                    }
                    catch (TaskCanceledException)
                    {
                        // starting
                    }

                    if (deadline.Elapsed > TimeSpan.FromSeconds(120))
                    {
                        throw new TimeoutException($"The app was not ready on {address}health/ready within 120 s:\n{server.Output()}");
                    }

                    await Task.Delay(200);
                }
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }

        /// <summary>The highest resident memory the process reached (VmHWM), null where /proc is not.</summary>
        public long? PeakResidentBytes()
        {
            Sample();
            return Interlocked.Read(ref _peak) is > 0 and var peak ? peak : null;
        }

        /// <summary>The processor time the process has used (user and system, /proc/PID/stat in clock ticks of 1/100 s); 0 where /proc is not.</summary>
        public double CpuSeconds()
        {
            try
            {
                var fields = File.ReadAllText($"/proc/{_process.Id}/stat");
                var after = fields[(fields.LastIndexOf(')') + 2)..].Split(' ');
                return (long.Parse(after[11], CultureInfo.InvariantCulture) + long.Parse(after[12], CultureInfo.InvariantCulture)) / 100.0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
            {
                return 0;
            }
        }

        public async ValueTask DisposeAsync()
        {
            AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
            await _stop.CancelAsync();
            await _sampler;
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }

                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
            {
                Console.WriteLine($"  app: could not be stopped cleanly ({e.Message})");
            }

            _process.Dispose();
            _stop.Dispose();
        }

        private void KillOnExit(object? sender, EventArgs e)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }

        private async Task SampleAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Sample();
                try
                {
                    await Task.Delay(500, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        private void Sample()
        {
            try
            {
                var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                if (line is not null && long.TryParse(line[6..].Trim().Split(' ')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb))
                {
                    var bytes = kb * 1024;
                    long seen;
                    while ((seen = Interlocked.Read(ref _peak)) < bytes && Interlocked.CompareExchange(ref _peak, bytes, seen) != seen)
                    {
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // not Linux, or the process has gone
            }
        }

        private void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            _output.Enqueue(line);
            while (_output.Count > 200 && _output.TryDequeue(out _))
            {
            }
        }

        public string Output() => string.Join('\n', _output.Select(l => "    | " + l));

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
