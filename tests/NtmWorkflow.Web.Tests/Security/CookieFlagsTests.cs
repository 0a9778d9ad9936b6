using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace NtmWorkflow.Web.Tests.Security;

/// <summary>
/// The sign-in and antiforgery cookies (and the language cookie) are HttpOnly with a SameSite mode, and Secure when the
/// request came over HTTPS: read from the Set-Cookie headers of a real sign-in, over http and over https.
/// </summary>
public sealed class CookieFlagsTests : AppTestHost
{
    private async Task<Dictionary<string, string>> CookiesOfSignInAsync(string baseAddress)
    {
        using var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(baseAddress) });
        var cookies = new Dictionary<string, string>(StringComparer.Ordinal);
        void Collect(HttpResponseMessage response)
        {
            foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                cookies[header[..header.IndexOf('=', StringComparison.Ordinal)]] = header.ToLowerInvariant();
            }
        }

        Collect(await client.GetAsync("/account/sign-in"));
        var signedIn = await PageForms.SignInAsync(client, "xa.lan");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Collect(signedIn);
        Collect(await client.GetAsync("/culture/en?returnUrl=/"));
        return cookies;
    }

    [Theory]
    [InlineData("http://localhost", false)]
    [InlineData("https://localhost", true)]
    public async Task Auth_antiforgery_and_language_cookies_are_httponly_samesite_and_secure_over_https(string baseAddress, bool secure)
    {
        var cookies = await CookiesOfSignInAsync(baseAddress);
        Assert.Contains("ntm.auth", cookies.Keys);
        Assert.Contains("ntm.antiforgery", cookies.Keys);
        Assert.Contains(".AspNetCore.Culture", cookies.Keys);
        foreach (var (name, header) in cookies)
        {
            Assert.True(header.Contains("; httponly", StringComparison.Ordinal), $"{name} is not HttpOnly: {header}");
            Assert.True(header.Contains("; samesite=lax", StringComparison.Ordinal) || header.Contains("; samesite=strict", StringComparison.Ordinal), $"{name} has no SameSite: {header}");
            Assert.True(header.Contains("; secure", StringComparison.Ordinal) == secure, $"{name}: Secure should be {secure}: {header}");
        }

        Assert.Contains("samesite=strict", cookies["ntm.antiforgery"], StringComparison.Ordinal);
        Assert.Contains("samesite=lax", cookies["ntm.auth"], StringComparison.Ordinal);
    }
}
