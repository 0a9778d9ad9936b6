using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace NtmWorkflow.Web.Tests.Security;

/// <summary>
/// The rate limits, set low and with a window of an hour so no test depends on the clock: the sign-in posts of one client
/// address beyond the limit are refused with 429 and a readable page, whatever the user names; uploads are counted per
/// official, and one beyond the limit is 429 with ProblemDetails and Retry-After.
/// </summary>
public sealed class RateLimitTests : AppTestHost
{
    private const int Limit = 3;
    private Guid _dossier;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["RateLimits:SignIn:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["RateLimits:SignIn:WindowSeconds"] = "3600";
        settings["RateLimits:Uploads:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["RateLimits:Uploads:WindowSeconds"] = "3600";
    }

    protected override async Task SeedAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var lan = (await scope.ServiceProvider.GetRequiredService<Features.Organisation.OrganisationService>().FindOfficialAsync("xa.lan", null, CancellationToken.None))!;
        _dossier = (await scope.ServiceProvider.GetRequiredService<Features.Dossiers.DossierService>().OpenAsync(lan,
            new Features.Dossiers.OpenDossierRequest("00700", Features.Criteria.RecognitionTier.Ntm, 2025, null, null, "*", new DateOnly(2025, 9, 15), null), CancellationToken.None)).Id;
    }

    [Fact]
    public async Task The_sign_in_post_beyond_the_limit_from_one_address_is_429_with_a_readable_page()
    {
        using var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        for (var i = 0; i < Limit; i++)
        {
            // Different user names: the limit is the address's, not an account's (lockout guards each account).
            var attempt = await PageForms.SignInAsync(client, $"khong.co.{i}", "Sai@MatKhau2026");
            Assert.Equal(HttpStatusCode.OK, attempt.StatusCode);
        }

        var refused = await PageForms.SignInAsync(client, "admin");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter is not null, "no Retry-After");
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Quá nhiều yêu cầu", page, StringComparison.Ordinal);

        // Reading the page is not an attempt.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/sign-in")).StatusCode);

        using var english = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await english.GetAsync("/culture/en?returnUrl=/");
        Assert.Contains("Too many requests", await (await PageForms.SignInAsync(english, "admin")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uploads_beyond_the_limit_are_429_with_problem_details_per_official()
    {
        var start = new { indicatorNumber = "1.1", fileName = "a.pdf", length = 10 };
        for (var i = 0; i < Limit; i++)
        {
            await OkAsync("xa.lan", HttpMethod.Post, $"/api/dossiers/{_dossier}/documents/uploads", start, HttpStatusCode.Created);
        }

        var problem = await RefusedAsync(HttpStatusCode.TooManyRequests, "xa.lan", HttpMethod.Post, $"/api/dossiers/{_dossier}/documents/uploads", start);
        Assert.Equal(429, problem.GetProperty("status").GetInt32());

        // Reading is not uploading; another official has a count of their own (here refused by the dossier's rules, not the limit).
        await OkAsync("xa.lan", HttpMethod.Get, $"/api/dossiers/{_dossier}/documents");
        await RefusedAsync(HttpStatusCode.Forbidden, "xa.binh", HttpMethod.Post, $"/api/dossiers/{_dossier}/documents/uploads", start);

        // The page's own upload counts too: the self-assessment page's document handler.
        using var lan = await SignedInAsync("xa.lan");
        var token = await PageForms.TokenAsync(lan, $"/dossiers/{_dossier}/self-assessment");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("1.1"), "number" },
            { new ByteArrayContent("%PDF-1.4 x"u8.ToArray()), "file", "a.pdf" },
        };
        var page = await lan.PostAsync($"/dossiers/{_dossier}/self-assessment?handler=Document", form);
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
    }
}
