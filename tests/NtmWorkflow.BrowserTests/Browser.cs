using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace NtmWorkflow.BrowserTests;

/// <summary>
/// Debian's Chromium, driven through Debian's chromedriver: no browser is downloaded. Paths come
/// from NTM_CHROMIUM / NTM_CHROMEDRIVER (the test script sets them), else the Debian defaults.
/// </summary>
public sealed class Browser : IDisposable
{
    private static readonly string[] ChromiumArguments =
    [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run", "--disable-default-apps",
        "--disable-extensions", "--metrics-recording-only", "--mute-audio", "--window-size=1280,900", "--lang=vi",
    ];

    private readonly ChromeDriver _driver;

    /// <param name="downloads">The folder files the pages offer are saved in, without asking.</param>
    public Browser(string downloads)
    {
        var chromium = Environment.GetEnvironmentVariable("NTM_CHROMIUM") ?? "/usr/bin/chromium";
        var driverPath = Environment.GetEnvironmentVariable("NTM_CHROMEDRIVER") ?? "/usr/bin/chromedriver";
        if (!File.Exists(chromium) || !File.Exists(driverPath))
        {
            throw new InvalidOperationException(
                $"Chromium ({chromium}) or chromedriver ({driverPath}) is missing: install Debian's chromium and chromium-driver, or run ./build.sh test as root.");
        }

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driverPath)!, Path.GetFileName(driverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = chromium };
        options.AddArguments(ChromiumArguments);
        Directory.CreateDirectory(downloads);
        options.AddUserProfilePreference("download.default_directory", downloads);
        options.AddUserProfilePreference("download.prompt_for_download", false);
        options.SetLoggingPreference(LogType.Browser, LogLevel.All); // the console, read for policy violations on Dispose
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        _driver.ExecuteCdpCommand("Browser.setDownloadBehavior", new Dictionary<string, object?> { ["behavior"] = "allow", ["downloadPath"] = downloads });
        Downloads = downloads;
        _driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
    }

    public IWebDriver Driver => _driver;

    /// <summary>Where downloads land.</summary>
    public string Downloads { get; }

    /// <summary>Waits (up to 30 s) for a finished download whose name ends with <paramref name="extension"/>, and reads it.</summary>
    public byte[] Downloaded(string extension)
    {
        for (var attempt = 0; attempt < 150; attempt++)
        {
            // Chromium writes into NAME.crdownload and renames it when the file is whole.
            var file = Directory.EnumerateFiles(Downloads).FirstOrDefault(f => f.EndsWith(extension, StringComparison.OrdinalIgnoreCase));
            if (file is not null)
            {
                return File.ReadAllBytes(file);
            }

            Thread.Sleep(200);
        }

        throw new InvalidOperationException($"No {extension} file was downloaded into {Downloads}: {string.Join(", ", Directory.EnumerateFiles(Downloads).Select(Path.GetFileName))}");
    }

    public void GoTo(Uri address) => _driver.Navigate().GoToUrl(address);

    /// <summary>Waits (up to 10 s) for an element to be displayed.</summary>
    public IWebElement Find(string cssSelector)
    {
        var wait = new WebDriverWait(_driver, TimeSpan.FromSeconds(10));
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException)); // the page was replaced while it was looked at
        return wait.Until(d => d.FindElements(By.CssSelector(cssSelector)).FirstOrDefault(e => e.Displayed));
    }

    public bool Exists(string cssSelector) => _driver.FindElements(By.CssSelector(cssSelector)).Any(e => e.Displayed);

    /// <summary>Saves a screenshot under the test output folder, for a person to look at.</summary>
    public string Screenshot(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        _driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    /// <summary>
    /// Closes the browser; fails the test that used it when the console reported a Content-Security-Policy violation
    /// (an inline script or style, or a foreign source, that the app's policy refused).
    /// </summary>
    public void Dispose()
    {
        IReadOnlyList<string> violations;
        try
        {
            violations = TakePolicyViolations();
        }
        finally
        {
            _driver.Quit();
        }

        if (violations.Count > 0)
        {
            throw new InvalidOperationException("The page broke the Content-Security-Policy:\n" + string.Join("\n", violations));
        }
    }

    /// <summary>The Content-Security-Policy violations Chromium's console reported since the last call.</summary>
    public IReadOnlyList<string> TakePolicyViolations() =>
        [.. _driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Message.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)).Select(e => e.Message)];
}
