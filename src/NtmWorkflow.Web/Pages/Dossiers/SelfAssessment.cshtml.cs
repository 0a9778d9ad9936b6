using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Evidence;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Dossiers;

/// <summary>One indicator as the commune fills it in.</summary>
public sealed record AssessmentLine(int Criterion, string CriterionName, string Number, string Name, MeasurementKind Kind, string? Unit, bool HasThreshold,
    string? Value, bool? Met, bool MetComputed, string? Note, bool Editable, bool Reopened, string? Threshold);

/// <summary>
/// The commune's self-assessment (tự đánh giá): every indicator of the dossier's set with its value, met or not,
/// and a note. Each row saves on its own (with a button, or as the official types when scripts run), so a
/// dropped connection loses at most the row being typed; completing names every item still missing.
/// </summary>
[Authorize]
[RequestSizeLimit(SelfAssessmentModel.WholeUploadLimit)]
[RequestFormLimits(MultipartBodyLengthLimit = SelfAssessmentModel.WholeUploadLimit)]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(NtmWorkflow.Web.Infrastructure.RateLimits.Uploads)]
[NtmWorkflow.Web.Infrastructure.UploadHandlers("Document")]
public sealed class SelfAssessmentModel(DossierService dossiers, EvidenceService evidence, OrganisationService organisation, AppDbContext db) : PageModel
{
    /// <summary>
    /// The ceiling of one request to this page (a file sent whole when scripts are off); the documents' own limit,
    /// a setting, is checked by <see cref="EvidenceService"/> below it.
    /// </summary>
    public const long WholeUploadLimit = 64L * 1024 * 1024;

    /// <summary>The current documents (latest version of each name, not withdrawn) by indicator.</summary>
    public ILookup<string, EvidenceDocumentRow> Documents { get; private set; } = Array.Empty<EvidenceDocumentRow>().ToLookup(d => d.IndicatorNumber ?? string.Empty);

    public DossierRow Dossier { get; private set; } = null!;

    public IReadOnlyList<AssessmentLine> Lines { get; private set; } = [];

    /// <summary>Why the dossier cannot be changed now, when it cannot.</summary>
    public string? ReadOnlyReason { get; private set; }

    public bool Supplement { get; private set; }

    /// <summary>The commune's open step the page's main button completes (self-assessment, posting and survey, submission).</summary>
    public CommuneStep? Step { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    [TempData]
    public string? Problems { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (await LoadAsync(id) is { } refused)
        {
            return refused;
        }

        return Page();
    }

    /// <summary>Saves one indicator; answers JSON to the page's script, else returns to the page.</summary>
    public async Task<IActionResult> OnPostIndicatorAsync(Guid id, string number, string? value, string? met, string? note)
    {
        var official = await OfficialAsync();
        var kind = await db.DossierIndicators.AsNoTracking().Where(r => r.DossierId == id && r.Number == number)
            .Join(db.Indicators, r => r.IndicatorId, i => i.Id, (_, i) => (MeasurementKind?)i.Kind).FirstOrDefaultAsync(HttpContext.RequestAborted);
        try
        {
            var row = await dossiers.SetIndicatorAsync(official, id, number, new IndicatorValueRequest(Json(value, kind), met switch { "true" => true, "false" => false, _ => null }, note),
                HttpContext.RequestAborted);
            return Answer(true, row.Met, null);
        }
        catch (DossierException e)
        {
            return Answer(false, null, e.Message, e.Status);
        }
    }

    /// <summary>
    /// Records the recognition conditions: the survey, the posting, construction debt, security and order. Numbers
    /// are read with a dot or a Vietnamese decimal comma, whatever the page's language.
    /// </summary>
    public async Task<IActionResult> OnPostConditionsAsync(Guid id, string? satisfactionPercent, string? surveyedHouseholds, DateOnly? postedFrom, DateOnly? postedTo,
        string? commentsReceived, string? commentsSummary, bool? constructionDebtCleared, SecurityOrderStatus? securityOrder)
    {
        try
        {
            var conditions = new ConditionsRequest(Number(satisfactionPercent, "satisfactionPercent"), (int?)Number(surveyedHouseholds, "surveyedHouseholds"), constructionDebtCleared,
                securityOrder, postedFrom, postedTo, (int?)Number(commentsReceived, "commentsReceived"), commentsSummary);
            await dossiers.SetConditionsAsync(await OfficialAsync(), id, conditions, HttpContext.RequestAborted);
            Notice = "SelfAssessment_Saved";
        }
        catch (DossierException e)
        {
            Problems = JsonSerializer.Serialize(e.Problems.Count > 0 ? e.Problems : [e.Message]);
        }

        return RedirectToPage(new { id });
    }

    /// <summary>A file sent whole by the row's form when scripts are off (the script sends it in parts, resumably).</summary>
    public async Task<IActionResult> OnPostDocumentAsync(Guid id, string number, IFormFile? file)
    {
        try
        {
            if (file is null || file.Length == 0)
            {
                throw new DossierException(400, "Bad request", "Choose a file to upload.");
            }

            await using var content = file.OpenReadStream();
            await evidence.UploadAsync(await OfficialAsync(), id, number, file.FileName, file.Length, content, HttpContext.RequestAborted);
            Notice = "Evidence_Uploaded";
        }
        catch (DossierException e)
        {
            Problems = JsonSerializer.Serialize(new[] { e.Message });
        }

        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostCompleteAsync(Guid id)
    {
        try
        {
            // The button completes whichever of the commune's steps is open: after a return it resubmits.
            var official = await OfficialAsync();
            var (tasks, _) = await dossiers.CommuneEditableAsync(official, await dossiers.LoadAsync(id, HttpContext.RequestAborted), HttpContext.RequestAborted);
            await dossiers.CompleteCommuneStepAsync(official, id, StepOf(tasks) ?? CommuneStep.SelfAssessment, HttpContext.RequestAborted);
            Notice = "SelfAssessment_Completed";
            return RedirectToPage("/Dossiers/Detail", new { id });
        }
        catch (DossierException e)
        {
            Problems = JsonSerializer.Serialize(e.Problems.Count > 0 ? e.Problems : [e.Message]);
            return RedirectToPage(new { id });
        }
    }

    public IReadOnlyList<string> ProblemList => Problems is null ? [] : JsonSerializer.Deserialize<List<string>>(Problems) ?? [];

    private IActionResult Answer(bool ok, bool? met, string? error, int status = 200)
    {
        if (Request.Headers.XRequestedWith == "fetch")
        {
            return new JsonResult(new { ok, met, error }) { StatusCode = ok ? 200 : status };
        }

        if (ok)
        {
            Notice = "SelfAssessment_Saved";
        }
        else
        {
            Problems = JsonSerializer.Serialize(new[] { error });
        }

        return RedirectToPage(new { id = RouteData.Values["id"] });
    }

    /// <summary>A typed value as the API takes it: Vietnamese decimals (92,5) read as numbers; yes/no as booleans.</summary>
    private static JsonElement? Json(string? value, MeasurementKind? kind)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        if (kind is MeasurementKind.Percent or MeasurementKind.Amount or MeasurementKind.Points)
        {
            text = text.Replace(',', '.');
            return decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out _) ? JsonDocument.Parse(text).RootElement : JsonSerializer.SerializeToElement(text);
        }

        return kind == MeasurementKind.YesNo && text is "true" or "false" ? JsonDocument.Parse(text).RootElement : JsonSerializer.SerializeToElement(text);
    }

    private async Task<IActionResult?> LoadAsync(Guid id)
    {
        var ct = HttpContext.RequestAborted;
        var (reader, dossier, status) = await dossiers.ReadAsAsync(User.Identity!.Name!, id, ct);
        if (dossier is null || reader is not { } official)
        {
            return StatusCode(status);
        }

        Dossier = dossier;
        if (!official.Holds(Features.Accounts.Roles.CommuneOfficer, new UnitKey(UnitKey.Commune, Dossier.CommuneCode)))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        try
        {
            var (tasks, supplement) = await dossiers.CommuneEditableAsync(official, Dossier, ct);
            (Supplement, Step) = (supplement, StepOf(tasks));
        }
        catch (DossierException e)
        {
            ReadOnlyReason = e.Message;
        }

        Documents = Current(await evidence.ListAsync(id, ct)).ToLookup(d => d.IndicatorNumber ?? string.Empty);
        var anyReopened = Dossier.Indicators.Any(i => i.Reopened);
        var catalogue = await db.Indicators.AsNoTracking().Include(i => i.Criterion).Include(i => i.Thresholds)
            .Where(i => i.Criterion.CriteriaSetId == Dossier.CriteriaSetId).ToDictionaryAsync(i => i.Id, ct);
        Lines = [.. Dossier.Indicators.Select(i =>
        {
            var indicator = catalogue[i.IndicatorId];
            var threshold = indicator.Thresholds.FirstOrDefault(t => t.Scope == Dossier.ThresholdScope) ?? indicator.Thresholds.FirstOrDefault(t => t.Scope == "*");
            var hasThreshold = threshold is not null;
            var editable = ReadOnlyReason is null && (!Supplement || !anyReopened || i.Reopened);
            return new AssessmentLine(indicator.Criterion.Number, indicator.Criterion.Name, i.Number, indicator.Name, indicator.Kind, indicator.Unit, hasThreshold,
                i.Value, i.Met, i.MetComputed, i.Note, editable, i.Reopened, ThresholdText(indicator, threshold));
        })];
        return null;
    }

    /// <summary>The commune's threshold as officials read it ("≥ 90 %", "≤ 3 %", "≥ Khá"); null where none is known.</summary>
    private static string? ThresholdText(IndicatorRow indicator, IndicatorThresholdRow? threshold) => threshold switch
    {
        { Value: { } value } => (indicator.Direction == ThresholdDirection.AtMost ? "≤ " : "≥ ") + value.ToString("0.####", CultureInfo.CurrentCulture)
                                + (indicator.Kind == MeasurementKind.Percent ? " %" : indicator.Unit is { } unit ? " " + unit : ""),
        { MinimumRating: { } rating } => "≥ " + rating,
        _ => null,
    };

    /// <summary>The latest version of each document name, withdrawn ones left out.</summary>
    public static IEnumerable<EvidenceDocumentRow> Current(IEnumerable<EvidenceDocumentRow> documents) =>
        documents.GroupBy(d => (d.IndicatorNumber, Name: d.FileName.ToUpperInvariant())).Select(g => g.MaxBy(d => d.Version)!).Where(d => d.WithdrawnAt is null);

    private static decimal? Number(string? text, string field) =>
        string.IsNullOrWhiteSpace(text) ? null
        : decimal.TryParse(text.Trim().Replace(',', '.'), NumberStyles.Number, CultureInfo.InvariantCulture, out var number) ? number
        : throw new DossierException(400, "Bad request", $"{field}: '{text}' is not a number.");

    private static CommuneStep? StepOf(IReadOnlyList<Engine.Runtime.TaskView> tasks) =>
        tasks.Select(t => t.FormKey).FirstOrDefault(k => k is not null && k.StartsWith("ntm:", StringComparison.Ordinal)) switch
        {
            "ntm:self-assessment" or "ntm:village-self-assessment" => CommuneStep.SelfAssessment,
            "ntm:posting-survey" => CommuneStep.PostingAndSurvey,
            "ntm:submit-dossier" or "ntm:supplement" => CommuneStep.Submit,
            _ => null,
        };

    private async Task<Official> OfficialAsync() =>
        await organisation.FindOfficialAsync(User.Identity!.Name!, null, HttpContext.RequestAborted)
        ?? throw new InvalidOperationException("The signed-in user no longer exists.");
}
