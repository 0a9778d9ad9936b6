using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Web.Features.Designer;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Admin.Workflows;

/// <summary>
/// The process designer: the draft (or the latest version) on the bpmn.io canvas, with Save draft, Validate, What
/// changed, Publish and Download. Every action is a form posting the model's XML, so the page works without its
/// script; the script (bpmn-modeler bundle) posts the canvas's XML to the same handlers with the antiforgery token
/// and asks for JSON (<c>Accept: application/json</c>), which answers with the result or a ProblemDetails.
/// </summary>
[Authorize]
[NtmWorkflow.Web.Infrastructure.AllowsInlineStyles]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(NtmWorkflow.Web.Infrastructure.RateLimits.Uploads)]
[NtmWorkflow.Web.Infrastructure.UploadHandlers("Save", "Publish")]
public sealed class DesignerModel(DesignerService designer, OrganisationService organisation) : DesignerPageModel(organisation)
{
    [BindProperty(SupportsGet = true)]
    public string ProcessId { get; set; } = "";

    public DesignerDocument Document { get; private set; } = null!;

    /// <summary>The model the page shows: the draft or latest version, or the XML just posted.</summary>
    public string Bpmn { get; private set; } = "";

    public IReadOnlyList<ProcessVersion> Versions { get; private set; } = [];

    public DesignerValidation? Validation { get; private set; }

    public WorkflowDiff? Diff { get; private set; }

    [TempData]
    public int? NoticeVersion { get; set; }

    /// <summary>The refusal's detail.</summary>
    public string? Refusal { get; private set; }

    /// <summary>The refused model's problems, on their elements.</summary>
    public IReadOnlyList<DesignerProblem> RefusalProblems { get; private set; } = [];

    private bool WantsJson => Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);

    public async Task<IActionResult> OnGetAsync() => await SignedInAsync() ? await ShowAsync(null) : Forbidden();

    public async Task<IActionResult> OnGetDownloadAsync(int? version, bool draft)
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        try
        {
            var (name, content) = draft
                ? await designer.DraftFileAsync(Official, ProcessId, HttpContext.RequestAborted)
                : await designer.VersionFileAsync(Official, ProcessId, version, HttpContext.RequestAborted);
            return File(content, "application/xml", name);
        }
        catch (DesignerException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            return NotFound();
        }
    }

    public Task<IActionResult> OnPostSaveAsync([FromForm] string? bpmn, [FromForm] int? basedOnVersion) =>
        ActAsync(bpmn, async () =>
        {
            var saved = await designer.SaveDraftAsync(Official, ProcessId, bpmn, basedOnVersion, HttpContext.RequestAborted);
            if (WantsJson)
            {
                return new JsonResult(saved);
            }

            Notice = "Saved";
            return Redirect(Url.Page("/Admin/Workflows/Designer", new { processId = ProcessId })!);
        });

    public Task<IActionResult> OnPostDiscardAsync([FromForm] bool confirmed) =>
        ActAsync(null, async () =>
        {
            if (!confirmed)
            {
                throw new DesignerException(StatusCodes.Status400BadRequest, "Not confirmed", "Tick the confirmation: the draft's changes are lost when it is discarded.");
            }

            await designer.DiscardDraftAsync(Official, ProcessId, HttpContext.RequestAborted);
            if (WantsJson)
            {
                return StatusCode(StatusCodes.Status204NoContent);
            }

            Notice = "Discarded";
            return Redirect(Url.Page("/Admin/Workflows/Designer", new { processId = ProcessId })!);
        });

    public Task<IActionResult> OnPostValidateAsync([FromForm] string? bpmn) =>
        ActAsync(bpmn, async () =>
        {
            Validation = designer.Validate(Official, ProcessId, bpmn);
            return WantsJson ? new JsonResult(Validation) : await ShowAsync(bpmn);
        });

    public Task<IActionResult> OnPostDiffAsync([FromForm] string? bpmn) =>
        ActAsync(bpmn, async () =>
        {
            Diff = await designer.DiffAsync(Official, ProcessId, bpmn, HttpContext.RequestAborted);
            return WantsJson ? new JsonResult(Diff) : await ShowAsync(bpmn);
        });

    public Task<IActionResult> OnPostPublishAsync([FromForm] string? bpmn, [FromForm] bool confirmed) =>
        ActAsync(bpmn, async () =>
        {
            if (!confirmed)
            {
                throw new DesignerException(StatusCodes.Status400BadRequest, "Not confirmed",
                    "Tick the confirmation: publishing makes the model the version new dossiers start on.");
            }

            var published = await designer.PublishAsync(Official, ProcessId, bpmn, fromDraft: true, HttpContext.RequestAborted);
            if (WantsJson)
            {
                return new JsonResult(published) { StatusCode = StatusCodes.Status201Created };
            }

            Notice = "Published";
            NoticeVersion = published.Version;
            return Redirect(Url.Page("/Admin/Workflows/Designer", new { processId = ProcessId })!);
        });

    /// <summary>Runs an action for an administrator; a refusal is a ProblemDetails (JSON) or shown on the page with the posted model.</summary>
    private async Task<IActionResult> ActAsync(string? bpmn, Func<Task<IActionResult>> action)
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        try
        {
            return await action();
        }
        catch (DesignerException e)
        {
            if (WantsJson)
            {
                return new ObjectResult(new ProblemDetails { Status = e.Status, Title = e.Title, Detail = e.Message, Extensions = { ["errors"] = e.Errors } })
                {
                    StatusCode = e.Status,
                    ContentTypes = { "application/problem+json" },
                };
            }

            if (e.Status is StatusCodes.Status404NotFound or StatusCodes.Status403Forbidden)
            {
                return StatusCode(e.Status);
            }

            Refusal = e.Message;
            RefusalProblems = e.Errors;
            return await ShowAsync(bpmn);
        }
    }

    private async Task<IActionResult> ShowAsync(string? posted)
    {
        try
        {
            Document = await designer.OpenAsync(Official, ProcessId, HttpContext.RequestAborted);
        }
        catch (DesignerException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            return NotFound();
        }

        Versions = (await designer.ProcessesAsync(HttpContext.RequestAborted)).FirstOrDefault(p => p.ProcessId == ProcessId)?.Versions ?? [];
        Bpmn = posted ?? Document.Bpmn;
        return Page();
    }

    /// <summary>The element ids the page marks on the canvas, with their problems (validation or a refused publish).</summary>
    public IReadOnlyList<DesignerProblem> MarkedProblems => Validation is { Valid: false } v ? v.Errors : RefusalProblems;
}
