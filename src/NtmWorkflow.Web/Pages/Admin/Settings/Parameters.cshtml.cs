using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.LegalParameters;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Admin.Settings;

/// <summary>A parameter's national row and, when a province is chosen, that province's own row.</summary>
public sealed record ParameterLine(LegalParameterRow National, LegalParameterRow? Own, IReadOnlyList<string> UsedBy)
{
    public string Name => National.Name;
}

/// <summary>What the refused form held, shown again in it.</summary>
public sealed record ParameterAttempt(string Name, string Scope, string? Value, string? Source, bool Verified, string? Description);

/// <summary>
/// Tham số pháp lý: every legal parameter with its value, unit, source, verified flag and description (unverified ones
/// marked), the processes that read it, and a chosen province's own values. A national administrator edits the national
/// value, source, flag and description; an administrator of the province (or a national one) sets and clears the
/// province's own value. A refusal shows the service's words on the form, with what was typed. The service audits every change.
/// </summary>
[Authorize]
public sealed partial class ParametersModel(LegalParameterService parameters, AppDbContext db, OrganisationService organisation) : SettingsPageModel(organisation)
{
    /// <summary>The province whose own values are shown and edited; none shows the national values alone.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Province { get; set; }

    public IReadOnlyList<ProvinceChoice> Provinces { get; private set; } = [];

    public IReadOnlyList<ParameterLine> Lines { get; private set; } = [];

    public ParameterAttempt? Attempt { get; private set; }

    public string? ProvinceName => Provinces.FirstOrDefault(p => p.Code == Province)?.Name;

    public async Task<IActionResult> OnGetAsync() => await OpenAsync() ? await ShowAsync() : Forbidden();

    /// <summary>The national value, its source, the verified flag and the description (national administrators).</summary>
    public async Task<IActionResult> OnPostNationalAsync(string? name, string? value, string? source, bool verified, string? description)
    {
        if (!await OpenAsync() || !Official.Administers(null))
        {
            return Forbidden();
        }

        return await SetAsync(new ParameterAttempt(name ?? "", "national", value, source, verified, description), null);
    }

    /// <summary>The province's own value (administrators of the province, national ones).</summary>
    public async Task<IActionResult> OnPostProvinceAsync(string? name, string? value, string? source, bool verified)
    {
        if (!await OpenAsync() || Province is null || !Official.Administers(Province))
        {
            return Forbidden();
        }

        return await SetAsync(new ParameterAttempt(name ?? "", "province", value, source, verified, null), Province);
    }

    /// <summary>Removes the province's own value: the national one applies again.</summary>
    public async Task<IActionResult> OnPostClearAsync(string? name)
    {
        if (!await OpenAsync() || Province is null || !Official.Administers(Province))
        {
            return Forbidden();
        }

        if (await parameters.ClearProvinceAsync(name ?? "", Province, Official.UserName, HttpContext.RequestAborted))
        {
            Notice = "ParameterCleared";
            NoticeDetail = name;
        }
        else
        {
            Problem = $"Province {Province} has no own value of '{name}'.";
        }

        return RedirectToPage(new { province = Province });
    }

    private async Task<IActionResult> SetAsync(ParameterAttempt attempt, string? province)
    {
        try
        {
            var national = await db.LegalParameters.AsNoTracking().SingleOrDefaultAsync(
                               p => p.Name == attempt.Name && p.ProvinceCode == LegalParameterRow.National, HttpContext.RequestAborted)
                           ?? throw new KeyNotFoundException($"There is no legal parameter '{attempt.Name}'.");
            var value = ParameterText.Parse(attempt.Name, attempt.Value, national.Value);
            await parameters.SetAsync(attempt.Name, province, new LegalParameterChange(value, attempt.Source, attempt.Verified, attempt.Description),
                Official.UserName, HttpContext.RequestAborted);
        }
        catch (Exception e) when (e is LegalParameterException or KeyNotFoundException)
        {
            Refusal = e.Message;
            Attempt = attempt;
            return await ShowAsync();
        }

        Notice = province is null ? "ParameterSet" : "ParameterSetForProvince";
        NoticeDetail = attempt.Name;
        return Redirect(Url.Page("/Admin/Settings/Parameters", null, new { province = Province }, null, null, $"param-{attempt.Name}")!);
    }

    /// <summary>Signs in and settles the province: a national administrator may pick any, an administrator of provinces one of theirs (the first by default).</summary>
    private async Task<bool> OpenAsync()
    {
        if (!await SignedInAsync())
        {
            return false;
        }

        Provinces = await ProvincesAsync(db, Official, HttpContext.RequestAborted);
        Province = string.IsNullOrWhiteSpace(Province) ? IsNational ? null : (Provinces.Count > 0 ? Provinces[0].Code : null) : Province.Trim();
        return Province is null || Official.Administers(Province);
    }

    private async Task<IActionResult> ShowAsync()
    {
        var rows = await parameters.ListAsync(Province, HttpContext.RequestAborted);
        var usedBy = await UsedByAsync();
        Lines = [.. rows.Where(r => r.ProvinceCode == LegalParameterRow.National).Select(n => new ParameterLine(n,
            Province is null ? null : rows.FirstOrDefault(r => r.Name == n.Name && r.ProvinceCode == Province), usedBy.GetValueOrDefault(n.Name) ?? []))];
        return Page();
    }

    /// <summary>Which processes (their latest version) read each parameter with <c>param('name')</c>.</summary>
    private async Task<Dictionary<string, List<string>>> UsedByAsync()
    {
        var latest = (await db.WorkflowDefinitions.AsNoTracking().Select(d => new { d.ProcessId, d.Version }).ToListAsync(HttpContext.RequestAborted))
            .GroupBy(d => d.ProcessId).Select(g => (ProcessId: g.Key, Version: g.Max(d => d.Version))).ToList();
        var used = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (processId, version) in latest.OrderBy(l => l.ProcessId, StringComparer.Ordinal))
        {
            var bpmn = await db.WorkflowDefinitions.AsNoTracking().Where(d => d.ProcessId == processId && d.Version == version).Select(d => d.Bpmn)
                .SingleAsync(HttpContext.RequestAborted);
            foreach (var name in ParamCall().Matches(System.Text.Encoding.UTF8.GetString(bpmn)).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal))
            {
                (used.TryGetValue(name, out var list) ? list : used[name] = []).Add(processId);
            }
        }

        return used;
    }

    [GeneratedRegex(@"param\(\s*(?:'|&apos;|&#39;|"")([^'""&]+)(?:'|&apos;|&#39;|"")\s*\)")]
    private static partial Regex ParamCall();
}

/// <summary>
/// A parameter's value as the form shows and takes it: a number as a number (a comma for the decimals too), yes/no as
/// <c>true</c>/<c>false</c>, text as it is, a list as items separated by commas (or JSON), a fraction as JSON.
/// </summary>
public static class ParameterText
{
    /// <summary>The value in the form's words.</summary>
    public static string Show(string json)
    {
        var node = JsonNode.Parse(json);
        return node switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonArray a when a.All(i => i is JsonValue s && s.GetValueKind() == JsonValueKind.String) => string.Join(", ", a.Select(i => i!.GetValue<string>())),
            null => "",
            _ => node.ToJsonString(),
        };
    }

    /// <summary>A fraction's parts, for reading (null when the value is no fraction); the base is <c>membersInForce</c> unless given.</summary>
    public static (int Numerator, int Denominator, bool Strict, string Base)? Fraction(string json) =>
        JsonNode.Parse(json) is JsonObject f && f["numerator"] is JsonValue n && n.TryGetValue(out int numerator) && f["denominator"] is JsonValue d && d.TryGetValue(out int denominator)
            ? (numerator, denominator, f["strict"] is JsonValue s && s.GetValueKind() == JsonValueKind.True, f["base"] is JsonValue b && b.TryGetValue(out string? text) ? text : "membersInForce")
            : null;

    /// <summary>Whether the value is yes/no (the form offers a choice).</summary>
    public static bool IsYesNo(string json) => JsonNode.Parse(json) is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False;

    /// <summary>Whether the value is a fraction or other JSON the form takes as JSON.</summary>
    public static bool IsJson(string json) => JsonNode.Parse(json) is JsonObject;

    /// <summary>The typed text as the JSON value the service takes, read as the national value's kind; refused readably when it cannot be.</summary>
    public static JsonElement Parse(string name, string? text, string nationalJson)
    {
        var typed = text?.Trim() ?? "";
        if (typed.Length == 0)
        {
            throw new LegalParameterException($"{name}: a value is required.");
        }

        JsonNode? value = JsonNode.Parse(nationalJson) switch
        {
            JsonValue n when n.GetValueKind() == JsonValueKind.Number =>
                decimal.TryParse(typed.Replace(',', '.'), NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var number)
                    ? JsonValue.Create(number)
                    : throw new LegalParameterException($"{name}: '{typed}' is not a number."),
            JsonValue b when b.GetValueKind() is JsonValueKind.True or JsonValueKind.False => typed.ToLowerInvariant() switch
            {
                "true" or "có" or "yes" => JsonValue.Create(true),
                "false" or "không" or "no" => JsonValue.Create(false),
                _ => throw new LegalParameterException($"{name}: the value is yes or no, not '{typed}'."),
            },
            JsonValue s when s.GetValueKind() == JsonValueKind.String => JsonValue.Create(typed),
            JsonArray when !typed.StartsWith('[') => new JsonArray([.. typed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(item => (JsonNode?)JsonValue.Create(item))]),
            _ => Json(name, typed),
        };
        return JsonSerializer.SerializeToElement(value);
    }

    private static JsonNode? Json(string name, string typed)
    {
        try
        {
            return JsonNode.Parse(typed);
        }
        catch (JsonException e)
        {
            throw new LegalParameterException($"{name}: '{typed}' is not JSON like {{\"numerator\": 2, \"denominator\": 3, \"strict\": false, \"base\": \"membersInForce\"}} ({e.Message}).");
        }
    }
}
