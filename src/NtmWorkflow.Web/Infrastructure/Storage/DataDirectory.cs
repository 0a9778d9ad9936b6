namespace NtmWorkflow.Web.Infrastructure.Storage;

/// <summary>
/// The folder that holds the embedded defaults: the SQLite file, local documents and the mail pickup
/// folder. Configured by <c>Storage:DataDirectory</c>; by default the user's local application data
/// folder, so the web app and <c>ntm</c> find the same database from any working directory.
/// </summary>
public static class DataDirectory
{
    public const string ConfigurationKey = "Storage:DataDirectory";

    public static string Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[ConfigurationKey];
        var path = !string.IsNullOrWhiteSpace(configured)
            ? Path.GetFullPath(configured)
            : Path.Combine(DefaultRoot(), "NtmWorkflow");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string DefaultRoot()
    {
        var localData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrEmpty(localData) ? Path.Combine(AppContext.BaseDirectory, "App_Data") : localData;
    }
}
