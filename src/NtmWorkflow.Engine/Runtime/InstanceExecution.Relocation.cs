using System.Text.Json.Nodes;

namespace NtmWorkflow.Engine.Runtime;

/// <summary>
/// Moving a running instance to other units (an administrative merger): the values naming the old units are replaced
/// in the variables that hold them, in every scope and in the items a multi-instance body still iterates, and the
/// candidate groups of the open tasks follow. The history already written keeps the old names.
/// </summary>
internal sealed partial class InstanceExecution
{
    /// <summary>Replaces values and groups as <see cref="WorkflowEngine.RelocateAsync"/> describes; returns how many changed.</summary>
    public int Relocate(IReadOnlyCollection<string> variableNames, IReadOnlyDictionary<string, string> values, Func<string, string>? rewrite,
        IReadOnlyDictionary<string, string> groups)
    {
        // What the rule changed, for the history entry beside the values given.
        var rewritten = new Dictionary<string, string>(StringComparer.Ordinal);
        string? Replacement(string text)
        {
            if (values.TryGetValue(text, out var mapped))
            {
                return mapped != text ? mapped : null;
            }

            if (rewrite?.Invoke(text) is { } ruled && ruled != text)
            {
                rewritten.TryAdd(text, ruled);
                return ruled;
            }

            return null;
        }

        var changed = 0;
        foreach (var scope in State.Scopes)
        {
            foreach (var name in variableNames.Where(scope.Variables.ContainsKey))
            {
                changed += Replace(scope.Variables[name], Replacement, node => scope.Variables[name] = node);
            }

            var elementVariable = scope.ElementId is { } element && process.NodesById.TryGetValue(element, out var body) ? body.MultiInstance?.ElementVariable : null;
            if (scope.Items is { } items && elementVariable is not null && variableNames.Contains(elementVariable))
            {
                changed += Replace(items, Replacement, _ => { });
            }
        }

        // A new list, not the old one changed: the views of the state as loaded share the task's list.
        foreach (var task in State.Tasks)
        {
            var moved = task.CandidateGroups.Count(g => groups.TryGetValue(g, out var to) && to != g);
            if (moved > 0)
            {
                task.CandidateGroups = [.. task.CandidateGroups.Select(g => groups.GetValueOrDefault(g, g))];
                changed += moved;
            }
        }

        if (changed > 0)
        {
            Emit("instanceRelocated", null, string.Join(", ", values.Concat(rewritten).Concat(groups).Select(p => $"{p.Key} → {p.Value}")));
        }

        return changed;
    }

    /// <summary>A string value, or the string items of an array, replaced in place where <paramref name="replacement"/> gives a new one; returns how many were.</summary>
    private static int Replace(JsonNode? node, Func<string, string?> replacement, Action<JsonNode> set)
    {
        if (node is JsonValue value && value.TryGetValue<string>(out var text) && replacement(text) is { } replaced)
        {
            set(JsonValue.Create(replaced));
            return 1;
        }

        var changed = 0;
        if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonValue item && item.TryGetValue<string>(out var itemText) && replacement(itemText) is { } itemReplaced)
                {
                    array[i] = JsonValue.Create(itemReplaced);
                    changed++;
                }
            }
        }

        return changed;
    }
}
