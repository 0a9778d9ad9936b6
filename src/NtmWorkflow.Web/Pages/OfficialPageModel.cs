using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages;

/// <summary>
/// What every page of a signed-in official shares: the official with their roles, who among officials may open the
/// page, and the notice or refusal of the last action, carried over the redirect that follows every form (TempData).
/// </summary>
public abstract class OfficialPageModel(OrganisationService organisation) : PageModel
{
    /// <summary>A resource name for what the last action did.</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>The refusal's detail, as the service wrote it.</summary>
    [TempData]
    public string? Problem { get; set; }

    /// <summary>The refusal's items (JSON), when it listed more than one.</summary>
    [TempData]
    public string? Problems { get; set; }

    public IReadOnlyList<string> ProblemList => Problems is null ? [] : JsonSerializer.Deserialize<List<string>>(Problems) ?? [];

    protected Official Official { get; private set; } = null!;

    /// <summary>Who may open the pages of this family; the page answers 403 to anyone else.</summary>
    protected abstract bool Concerns(Official official);

    /// <summary>Reads the signed-in official; false (and the page answers 403) when the page is none of theirs.</summary>
    protected async Task<bool> SignedInAsync()
    {
        Official = await organisation.FindOfficialAsync(User.Identity!.Name!, null, HttpContext.RequestAborted)
                   ?? throw new InvalidOperationException("The signed-in user no longer exists.");
        return Concerns(Official);
    }

    /// <summary>Keeps a refusal for the page the redirect leads to; nothing was changed.</summary>
    protected void Refused(DossierException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Problem = e.Message;
        Problems = e.Problems.Count > 1 ? JsonSerializer.Serialize(e.Problems) : null;
    }

    protected IActionResult Forbidden() => StatusCode(StatusCodes.Status403Forbidden);

    /// <summary>A day from a date field (yyyy-MM-dd, as browsers send it); null when empty or not a day.</summary>
    protected static DateOnly? Day(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
