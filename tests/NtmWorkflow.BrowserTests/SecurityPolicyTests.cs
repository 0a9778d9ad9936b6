using OpenQA.Selenium;

namespace NtmWorkflow.BrowserTests;

/// <summary>
/// The Content-Security-Policy holds in a real browser: a script injected into a page (as an XSS would) does not run,
/// and the violation is reported on the console, where every browser test looks for one when it ends.
/// </summary>
public sealed class SecurityPolicyTests : BrowserTestHost
{
    [Fact]
    public void An_injected_inline_script_is_refused_and_reported()
    {
        SignIn("admin");
        Go("/inbox");
        Browser.Find("body");
        Assert.Empty(Browser.TakePolicyViolations());

        ((IJavaScriptExecutor)Browser.Driver).ExecuteScript("""
            var s = document.createElement('script');
            s.textContent = "document.body.setAttribute('data-injected', 'ran');";
            document.body.appendChild(s);
            var i = document.createElement('img');
            i.setAttribute('src', 'x:');
            i.setAttribute('onerror', "document.body.setAttribute('data-injected', 'ran');");
            document.body.appendChild(i);
            """);

        Assert.Null(Browser.Driver.FindElement(By.TagName("body")).GetAttribute("data-injected"));
        var violations = Browser.TakePolicyViolations();
        Assert.NotEmpty(violations);
        Assert.Contains(violations, v => v.Contains("inline", StringComparison.OrdinalIgnoreCase));
    }
}
