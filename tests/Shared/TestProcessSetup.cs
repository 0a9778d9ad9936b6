using System.Runtime.CompilerServices;

namespace NtmWorkflow.Testing;

/// <summary>What every test process sets before its first app starts.</summary>
internal static class TestProcessSetup
{
    /// <summary>
    /// A test process starts hundreds of apps, each watching its web root (the version stamps of <c>asp-append-version</c>)
    /// and its settings files. On Linux every watcher is an inotify instance, 128 per user by default, and an app whose
    /// start-up a test makes fail is not always disposed with its watchers. Tests never change those files while an app
    /// runs, so the file providers poll (lazily: a change token is checked only when asked) and hold no inotify instance.
    /// </summary>
    [ModuleInitializer]
    internal static void PollFileChanges() => Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
}
