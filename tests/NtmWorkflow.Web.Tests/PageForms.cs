using System.Text.RegularExpressions;

namespace NtmWorkflow.Web.Tests;

/// <summary>Signing in and posting page forms as a browser does: with the antiforgery token of the page the form is on.</summary>
public static partial class PageForms
{
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string userName, string password = "NtmDemo@2026") =>
        await PostFormAsync(client, "/account/sign-in", "/account/sign-in", new() { ["Input.UserName"] = userName, ["Input.Password"] = password });

    /// <summary>Reads <paramref name="pageUrl"/> for its antiforgery token, then posts <paramref name="fields"/> to <paramref name="action"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string pageUrl, string action, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = await TokenAsync(client, pageUrl);
        return await client.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    /// <summary>The same with fields that repeat (a list of ticked boxes).</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string pageUrl, string action, IEnumerable<KeyValuePair<string, string>> fields) =>
        await client.PostAsync(action, new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", await TokenAsync(client, pageUrl)))));

    /// <summary>The antiforgery token of the first form on a page.</summary>
    public static async Task<string> TokenAsync(HttpClient client, string pageUrl) =>
        AntiforgeryToken().Match(await client.GetStringAsync(pageUrl)).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
