using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Dossiers;

/// <summary>One indicator's row on the dossier page: the commune's value and every level's finding side by side.</summary>
public sealed record IndicatorLine(int Criterion, string CriterionName, string Number, string Name, string Kind, string? Value, bool? Met, bool MetComputed,
    string? Note, int EvidenceCount, bool Reopened, IReadOnlyDictionary<string, DossierFindingRow> FindingsByStep);

public sealed record TimelineEntry(DateTimeOffset At, string? Actor, string Key, string Detail);

/// <summary>
/// A dossier as officials read it: summary, current steps and their holders and deadlines, the indicators with
/// each level's findings side by side, the recognition conditions, and the timeline of the history journal.
/// </summary>
[Authorize]
[NtmWorkflow.Web.Infrastructure.AllowsInlineStyles]
public sealed class DetailModel(DossierService dossiers, Features.Evidence.EvidenceService evidence, AppDbContext db, IWorkflowStore store) : PageModel
{
    public DossierRow Dossier { get; private set; } = null!;

    public IReadOnlyList<TaskView> OpenTasks { get; private set; } = [];

    public IReadOnlyList<IndicatorLine> Indicators { get; private set; } = [];

    /// <summary>The review steps that gave findings in the current round, in the order they first did.</summary>
    public IReadOnlyList<string> Steps { get; private set; } = [];

    /// <summary>What happened, oldest first: reviewers' decisions and the workflow's human steps. Key is a resource name.</summary>
    public IReadOnlyList<TimelineEntry> Timeline { get; private set; } = [];

    /// <summary>Every evidence document, every version, withdrawn ones included (the record keeps them).</summary>
    public IReadOnlyList<Features.Evidence.EvidenceDocumentRow> Documents { get; private set; } = [];

    /// <summary>The instance's definition version with its path so far; null when the dossier has no instance or its version is not stored.</summary>
    public ProcessDiagram? Diagram { get; private set; }

    /// <summary>The official watches the dossier's workflow instance in the monitor (<c>/admin/instances/{id}</c>).</summary>
    public bool MonitorsInstance { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var ct = HttpContext.RequestAborted;

        // A readable "not allowed" page, not a redirect: the official is signed in, the dossier is not theirs.
        var (official, dossier, status) = await dossiers.ReadAsAsync(User.Identity!.Name!, id, ct);
        if (dossier is null)
        {
            return StatusCode(status);
        }

        // Administrators and the province's coordination office open the instance in the monitor.
        MonitorsInstance = official is not null && dossier.InstanceId is not null && Features.Monitor.MonitorAccess.MayRead(official, dossier.ProvinceCode);

        Dossier = await dossiers.RefreshStatusAsync(dossier, ct);
        OpenTasks = await dossiers.OpenTasksAsync(dossier, ct);
        var findings = await dossiers.FindingsAsync(id, ct);
        var current = findings.Where(f => f.Round == dossier.Round).ToList();
        Steps = [.. current.Where(f => f.IndicatorNumber != "*").Select(f => f.DepartmentKind is null ? f.Step : $"{f.Step}:{f.DepartmentKind}").Distinct()];
        var catalogue = await db.Indicators.AsNoTracking().Include(i => i.Criterion).Where(i => i.Criterion.CriteriaSetId == dossier.CriteriaSetId).ToDictionaryAsync(i => i.Id, ct);
        Indicators = [.. dossier.Indicators.Select(i =>
        {
            var indicator = catalogue[i.IndicatorId];
            var byStep = current.Where(f => f.IndicatorNumber == i.Number)
                .GroupBy(f => f.DepartmentKind is null ? f.Step : $"{f.Step}:{f.DepartmentKind}").ToDictionary(g => g.Key, g => g.Last());
            return new IndicatorLine(indicator.Criterion.Number, indicator.Criterion.Name, i.Number, indicator.Name, indicator.Kind.ToString(), i.Value, i.Met, i.MetComputed,
                i.Note, System.Text.Json.Nodes.JsonNode.Parse(i.Evidence)!.AsArray().Count, i.Reopened, byStep);
        })];
        Documents = await evidence.ListAsync(id, ct);
        var events = dossier.InstanceId is { } instance ? await store.ReadHistoryAsync(instance, ct) : [];
        Timeline = [.. findings.Where(f => f.IndicatorNumber == "*").Select(f => new TimelineEntry(f.At, f.Actor, "Decision_" + f.Finding, $"{f.Step} {f.Reason}".Trim()))
            .Concat(Documents.Select(d => new TimelineEntry(d.UploadedAt, d.UploadedBy, "Event_documentUploaded", $"{d.IndicatorNumber} {d.FileName}".Trim())))
            .Concat(Documents.Where(d => d.WithdrawnAt is not null).Select(d => new TimelineEntry(d.WithdrawnAt!.Value, d.WithdrawnBy, "Event_documentWithdrawn", $"{d.IndicatorNumber} {d.FileName}".Trim())))
            .Concat(events.Where(e => e.Event is "instanceStarted" or "taskCreated" or "taskCompleted" or "taskAssigned" or "instanceEnded")
                .Select(e => new TimelineEntry(e.Time, e.Actor, "Event_" + e.Event, e.ElementId ?? "")))
            .OrderBy(e => e.At)];
        if (dossier.InstanceId is { } instanceId
            && await db.WorkflowInstances.AsNoTracking().Where(i => i.Id == instanceId).Select(i => new { i.ProcessId, i.Version, i.Status }).FirstOrDefaultAsync(ct) is { } run
            && await db.WorkflowDefinitions.AsNoTracking().Where(d => d.ProcessId == run.ProcessId && d.Version == run.Version).Select(d => new { d.Name, d.Bpmn }).FirstOrDefaultAsync(ct) is { } definition)
        {
            Diagram = ProcessDiagram.From(definition.Name ?? run.ProcessId, run.Version, definition.Bpmn, events, run.Status == InstanceStatus.Running);
        }

        return Page();
    }
}
