using System.Collections;
using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Admin.Settings;

/// <summary>
/// Mẫu thư: the mail templates by key and language; one opened for editing its subject and body (Liquid), with a
/// preview rendering it on a sample of what a real mail of that key receives, shown as the mail would read (text,
/// escaped). Liquid that does not parse is refused with the parser's message and the text kept in the form. The
/// templates are national: national administrators change them, administrators of a province read and preview them.
/// </summary>
[Authorize]
public sealed class MailTemplatesModel(MailTemplateService templates, OrganisationService organisation) : SettingsPageModel(organisation)
{
    [BindProperty(SupportsGet = true)]
    public string? Key { get; set; }

    /// <summary>The template's language (not <c>culture</c>, which switches the page's language).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Language { get; set; }

    public IReadOnlyList<MailTemplateRow> Templates { get; private set; } = [];

    /// <summary>The template opened (null when none, or a new one for a key and language without a template).</summary>
    public MailTemplateRow? Opened { get; private set; }

    public bool Editing => Key is not null && Language is not null;

    public string Subject { get; private set; } = "";

    public string Body { get; private set; } = "";

    public MailPreview? Preview { get; private set; }

    /// <summary>The sample model as <c>name = value</c> lines, in the order a template writer looks for them.</summary>
    public IReadOnlyList<(string Name, string Value)> SampleValues { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        await LoadAsync();
        if (Opened is not null)
        {
            (Subject, Body) = (Opened.Subject, Opened.Body);
            await PreviewAsync();
        }

        return Page();
    }

    /// <summary>Renders the posted subject and body on the sample, without saving.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(string? subject, string? body)
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        if (!Editing)
        {
            return NotFound();
        }

        await LoadAsync();
        (Subject, Body) = (subject ?? "", body ?? "");
        await PreviewAsync();
        return Page();
    }

    /// <summary>Stores the posted subject and body (national administrators).</summary>
    public async Task<IActionResult> OnPostSaveAsync(string? subject, string? body)
    {
        if (!await SignedInAsync() || !IsNational)
        {
            return Forbidden();
        }

        if (!Editing)
        {
            return NotFound();
        }

        try
        {
            await templates.SaveAsync(Key!, Language!, subject, body, Official.UserName, HttpContext.RequestAborted);
        }
        catch (MailTemplateException e)
        {
            Refusal = e.Message;
            await LoadAsync();
            (Subject, Body) = (subject ?? "", body ?? "");
            return Page();
        }

        Notice = "TemplateSaved";
        NoticeDetail = $"{Key}/{Language}";
        return RedirectToPage(new { key = Key, language = Language });
    }

    private async Task LoadAsync()
    {
        Templates = await templates.ListAsync(HttpContext.RequestAborted);
        Key = string.IsNullOrWhiteSpace(Key) ? null : Key.Trim();
        Language = MailTemplateService.Cultures.Contains(Language) ? Language : null;
        Opened = Editing ? Templates.FirstOrDefault(t => t.Key == Key && t.Culture == Language) : null;
        if (Editing)
        {
            SampleValues = Flatten("", templates.SampleModel(Key!)).ToList();
        }
    }

    private async Task PreviewAsync()
    {
        try
        {
            Preview = await templates.PreviewAsync(Key!, Language!, Subject, Body, HttpContext.RequestAborted);
        }
        catch (MailTemplateException e)
        {
            Refusal = e.Message;
        }
    }

    private static IEnumerable<(string Name, string Value)> Flatten(string prefix, object? value) => value switch
    {
        IDictionary<string, object?> map => map.Where(p => p.Key != "tasks").SelectMany(p => Flatten(prefix.Length == 0 ? p.Key : $"{prefix}.{p.Key}", p.Value)),
        string text => [(prefix, text)],
        IEnumerable list => [(prefix, string.Join(", ", list.Cast<object?>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture))))],
        _ => [(prefix, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")],
    };
}
