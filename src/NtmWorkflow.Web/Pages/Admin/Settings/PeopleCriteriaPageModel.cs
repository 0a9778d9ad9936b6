using System.Text.Json;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Admin.Settings;

/// <summary>
/// The settings pages for people and criteria (users, units and roles; criteria sets and department ownership; the daily
/// digest), with their refusals explained in the reader's language; who may open them as every settings page.
/// </summary>
public abstract class PeopleCriteriaPageModel(OrganisationService organisation) : SettingsPageModel(organisation)
{
    public override string MessagePrefix => "PeopleCriteria_";

    /// <summary>The official signed in (for the views).</summary>
    public Official Administrator => Official;

    /// <summary>The password policy's minimum length, for the refusal that names it.</summary>
    protected int PasswordLength => HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Identity.IdentityOptions>>().Value.Password.RequiredLength;

    /// <summary>Keeps a refusal for the page the redirect leads to: each code the page can explain in the reader's language, else the service's text.</summary>
    protected void Refused(string message, IEnumerable<string> codes, IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var explained = codes.Select(c => text["People_Error_" + c, PasswordLength]).Where(s => !s.ResourceNotFound).Select(s => s.Value).Distinct(StringComparer.Ordinal).ToList();
        Problem = explained.Count == 0 ? message : string.Join(" ", explained);
        Problems = explained.Count > 1 ? JsonSerializer.Serialize(explained) : null;
    }
}
