using System.Text;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Web.Pages.Dossiers;

/// <summary>
/// What the dossier page's diagram draws: the BPMN of the version the instance runs on, and from its history
/// journal the elements it completed, every element it reached, and where it waits now.
/// </summary>
/// <param name="ProcessName">The process's name (its id when it has none).</param>
/// <param name="Version">The published version the instance started on.</param>
/// <param name="Bpmn">That version's document as stored when it was deployed.</param>
/// <param name="Completed">Elements completed at least once (a loop may complete one several times).</param>
/// <param name="Reached">Elements activated at least once: a flow was taken when its source completed and its target was reached.</param>
/// <param name="Current">Elements activated and neither completed nor cancelled since; none once the instance ended.</param>
public sealed record ProcessDiagram(string ProcessName, int Version, string Bpmn, IReadOnlyList<string> Completed, IReadOnlyList<string> Reached, IReadOnlyList<string> Current)
{
    public static ProcessDiagram From(string processName, int version, byte[] bpmn, IReadOnlyList<WorkflowEvent> history, bool running)
    {
        ArgumentNullException.ThrowIfNull(bpmn);
        ArgumentNullException.ThrowIfNull(history);
        var steps = history.Where(e => e.ElementId is not null).ToList();
        // Activations not yet matched by an end: a multi-instance task is open while any of its instances is.
        var open = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in steps)
        {
            var change = e.Event switch { "activated" => 1, "completed" or "cancelled" => -1, _ => 0 };
            open[e.ElementId!] = open.GetValueOrDefault(e.ElementId!) + change;
        }

        List<string> Distinct(string @event) => [.. steps.Where(e => e.Event == @event).Select(e => e.ElementId!).Distinct(StringComparer.Ordinal)];
        var reached = Distinct("activated");
        var current = running ? reached.Where(id => open[id] > 0).ToList() : [];
        return new ProcessDiagram(processName, version, Text(bpmn), Distinct("completed"), reached, current);
    }

    /// <summary>The document as text; a byte order mark would reach the XML parser as a stray character.</summary>
    private static string Text(byte[] bpmn) => new UTF8Encoding(false).GetString(bpmn).TrimStart('\uFEFF');
}
