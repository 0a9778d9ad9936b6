using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Web.Features.Monitor;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Pages.Dossiers;

namespace NtmWorkflow.Web.Pages.Admin.Instances;

/// <summary>
/// One workflow instance: its version's diagram with where it waits and the path taken, its variables, history, open
/// tasks, timers, message subscriptions and incidents; retry an incident, reassign a task or cancel the instance
/// (the last two with a written reason).
/// </summary>
[Authorize]
[NtmWorkflow.Web.Infrastructure.AllowsInlineStyles]
public sealed class DetailModel(InstanceMonitor monitor, OrganisationService organisation, TimeProvider clock) : MonitorPageModel(organisation)
{
    /// <summary>The app clock's time of the request: a task due before it is overdue.</summary>
    public DateTimeOffset Now { get; } = clock.GetUtcNow();

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public MonitorDetail Detail { get; private set; } = null!;

    /// <summary>The version's diagram with the path so far; null when the version is not stored.</summary>
    public ProcessDiagram? Diagram { get; private set; }

    /// <summary>The variables as indented JSON, one entry per variable, sorted by name.</summary>
    public IReadOnlyList<(string Name, string Json)> Variables { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        try
        {
            Detail = await monitor.DetailAsync(Official, id, HttpContext.RequestAborted);
        }
        catch (MonitorException e)
        {
            return StatusCode(e.Status);
        }

        var running = Detail.Instance.State is MonitorState.Running or MonitorState.Faulted;
        Diagram = Detail.Bpmn is { } bpmn ? ProcessDiagram.From(Detail.DefinitionName ?? Detail.Instance.ProcessId, Detail.Instance.Version, bpmn, Detail.History, running) : null;
        Variables = Detail.View is { } view
            ? [.. view.Variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => (v.Key, v.Value?.ToJsonString(Indented) ?? "null"))]
            : [];
        return Page();
    }

    /// <summary>Chạy lại: the incident's failed step runs again.</summary>
    public Task<IActionResult> OnPostRetryAsync(Guid id, string? incidentId) =>
        ActAsync(id, "Retried", () => monitor.RetryAsync(Official, id, incidentId ?? string.Empty, HttpContext.RequestAborted));

    /// <summary>Giao lại: the task to another official (or back to its groups), with the reason.</summary>
    public Task<IActionResult> OnPostReassignAsync(Guid id, Guid taskId, string? assignee, string? reason) =>
        ActAsync(id, "Reassigned", () => monitor.ReassignAsync(Official, id, taskId, assignee, reason, HttpContext.RequestAborted));

    /// <summary>Hủy quy trình: administrators only, with the reason.</summary>
    public Task<IActionResult> OnPostCancelAsync(Guid id, string? reason) =>
        ActAsync(id, "Cancelled", () => monitor.CancelAsync(Official, id, reason, HttpContext.RequestAborted));

    private async Task<IActionResult> ActAsync(Guid id, string notice, Func<Task> act)
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        try
        {
            await act();
            Notice = notice;
        }
        catch (MonitorException e) when (e.Hidden)
        {
            return StatusCode(e.Status);
        }
        catch (MonitorException e)
        {
            // A refusal the official reads on the page: nothing was changed.
            Problem = e.Message;
        }

        return RedirectToPage(new { id });
    }
}
