using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Dossiers;

/// <summary>An indicator as a reviewer judges it: the commune's value and what the reviewer found before, this round.</summary>
public sealed record ReviewLine(int Criterion, string CriterionName, string Number, string Name, string? Value, bool? Met, string? Note, int Evidence, string? PreviousFinding,
    string? ValueBeforeReturn, bool Changed);

/// <summary>
/// A review step (intake, verification, a department's review, district verification): a finding per indicator
/// (agree, or disagree with a reason) and the decision — forward, return for supplement with the items to fix,
/// or reject. A department sees only the indicators it owns. Disagreed indicators go back to the commune.
/// </summary>
[Authorize]
public sealed class ReviewModel(DossierService dossiers, OrganisationService organisation, AppDbContext db) : PageModel
{
    public DossierRow Dossier { get; private set; } = null!;

    public TaskView Task { get; private set; } = null!;

    public string? DepartmentKind { get; private set; }

    public IReadOnlyList<ReviewLine> Lines { get; private set; } = [];

    public IReadOnlyList<string> Decisions { get; private set; } = [];

    [TempData]
    public string? Problems { get; set; }

    public IReadOnlyList<string> ProblemList => Problems is null ? [] : System.Text.Json.JsonSerializer.Deserialize<List<string>>(Problems) ?? [];

    public async Task<IActionResult> OnGetAsync(Guid id, Guid taskId) => await LoadAsync(id, taskId) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid id, Guid taskId, string? decision, string? reason)
    {
        if (await LoadAsync(id, taskId) is { } refused)
        {
            return refused;
        }

        // Each indicator's finding comes as finding-{number} and reason-{number}; an indicator left alone gives none.
        var findings = Lines.Select(l => new FindingRequest(l.Number, Request.Form[$"finding-{l.Number}"].ToString(), Request.Form[$"reason-{l.Number}"].ToString()))
            .Where(f => !string.IsNullOrEmpty(f.Finding)).Select(f => f with { Reason = string.IsNullOrWhiteSpace(f.Reason) ? null : f.Reason }).ToList();
        var returnItems = Request.Form["returnItems"].Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!).ToList();
        try
        {
            var official = (await organisation.FindOfficialAsync(User.Identity!.Name!, null, HttpContext.RequestAborted))!;
            await dossiers.ReviewAsync(official, id, taskId, new ReviewRequest(decision, reason, findings, returnItems), HttpContext.RequestAborted);
            return RedirectToPage("/Dossiers/Detail", new { id });
        }
        catch (DossierException e)
        {
            Problems = System.Text.Json.JsonSerializer.Serialize(e.Problems.Count > 0 ? e.Problems : [e.Message]);
            return RedirectToPage(new { id, taskId });
        }
    }

    private async Task<IActionResult?> LoadAsync(Guid id, Guid taskId)
    {
        var ct = HttpContext.RequestAborted;

        // Someone who may not see the dossier learns nothing about its tasks.
        var (official, dossier, status) = await dossiers.ReadAsAsync(User.Identity!.Name!, id, ct);
        if (dossier is null || official is null)
        {
            return StatusCode(status);
        }

        Dossier = dossier;

        var task = (await dossiers.OpenTasksAsync(Dossier, ct)).FirstOrDefault(t => t.Id == taskId);
        if (task is null || DossierService.ReviewDecisions(task.FormKey) is not { } decisions)
        {
            return NotFound();
        }

        if (!DossierService.MayAct(official, task))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        (Task, Decisions) = (task, decisions);
        (DepartmentKind, var own) = await dossiers.ReviewScopeAsync(Dossier, task, ct);
        var earlier = await db.DossierFindings.AsNoTracking().Where(f => f.DossierId == id && f.Round == Dossier.Round && f.Step == task.ElementId && f.DepartmentKind == DepartmentKind)
            .ToListAsync(ct);
        // What the department already agreed in its table (drafts of this task) comes preselected.
        var drafts = await db.ReviewDrafts.AsNoTracking().Where(r => r.TaskId == taskId).ToDictionaryAsync(r => r.IndicatorNumber, r => r.Finding, ct);
        var catalogue = await db.Indicators.AsNoTracking().Include(i => i.Criterion).Where(i => i.Criterion.CriteriaSetId == Dossier.CriteriaSetId).ToDictionaryAsync(i => i.Id, ct);
        var changes = await dossiers.ChangesSinceReturnAsync(id, ct);
        Lines = [.. Dossier.Indicators.Where(i => own is null || own.Contains(i.Number)).Select(i =>
        {
            var indicator = catalogue[i.IndicatorId];
            var changed = changes.TryGetValue(i.Number, out var change);
            return new ReviewLine(indicator.Criterion.Number, indicator.Criterion.Name, i.Number, indicator.Name, i.Value, i.Met, i.Note,
                System.Text.Json.Nodes.JsonNode.Parse(i.Evidence)!.AsArray().Count, drafts.GetValueOrDefault(i.Number) ?? earlier.LastOrDefault(f => f.IndicatorNumber == i.Number)?.Finding, change.Before, changed);
        })];
        return null;
    }
}
