namespace NtmWorkflow.Testing;

/// <summary>
/// Where the real services are: the test script (./build.sh test) starts PostgreSQL, Azurite and maildev
/// on loopback and exports these variables. A test that needs a service fails with this message when
/// the variable is missing, rather than passing without having tested anything.
/// </summary>
public static class TestEnvironment
{
    /// <summary>A PostgreSQL connection string for a role with CREATEDB, to its maintenance database.</summary>
    public static string Postgres => Required("NTM_TEST_POSTGRES");

    /// <summary>An Azure Storage connection string (Azurite).</summary>
    public static string Azurite => Required("NTM_TEST_AZURITE");

    /// <summary>maildev's SMTP port on 127.0.0.1.</summary>
    public static int SmtpPort => int.Parse(Required("NTM_TEST_SMTP_PORT"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>maildev's HTTP API base address, e.g. http://127.0.0.1:1080.</summary>
    public static Uri MaildevApi => new(Required("NTM_TEST_MAILDEV_API"));

    /// <summary>The repository root (the folder holding NtmWorkflow.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "NtmWorkflow.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("NtmWorkflow.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The build configuration the tests were built with (Debug or Release).</summary>
    public static string Configuration =>
        typeof(TestEnvironment).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .OfType<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration ?? "Debug";

    /// <summary>A loopback port nothing listens on (a server about to start, or a mail server that refuses).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. Run the tests with ./build.sh test, which starts PostgreSQL, Azurite and maildev on loopback and sets it.");
}

/// <summary>A temporary folder that is deleted with its contents on dispose.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ntm-test-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process may still hold a file for a moment; the OS temp cleaner takes it later.
        }
    }
}
