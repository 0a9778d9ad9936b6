using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NtmWorkflow.Engine.Calendar;

namespace NtmWorkflow.Cli.Scenarios;

/// <summary>A scenario file that cannot be run as written (exit 2).</summary>
internal sealed class ScenarioException(string message) : Exception(message);

internal abstract record ScenarioStep(int Number);

internal sealed record CompleteStep(int Number, string ElementId, string? Assignee, Dictionary<string, JsonNode?> Variables) : ScenarioStep(Number);

internal sealed record MessageStep(int Number, string MessageName, string? CorrelationKey, Dictionary<string, JsonNode?> Variables) : ScenarioStep(Number);

internal sealed record AdvanceStep(int Number, string Text, TimeSpan Duration) : ScenarioStep(Number);

internal sealed record ExpectStep(
    int Number,
    string? State,
    Dictionary<string, int>? OpenTasks,
    Dictionary<string, JsonElement>? Variables,
    List<string>? Reached,
    List<string>? NotReached) : ScenarioStep(Number);

/// <summary>
/// What a stubbed handler does: <see cref="Outputs"/> gives the n-th call the n-th output, and every later
/// call the last one (one output for all calls when given as <c>output</c>); or it fails with <see cref="Fail"/>.
/// </summary>
internal sealed record HandlerBehaviour(IReadOnlyList<Dictionary<string, JsonNode?>> Outputs, string? Fail);

/// <summary>The scenario JSON of <c>ntm run</c>, checked whole before anything runs.</summary>
internal sealed class Scenario
{
    public static readonly DateTimeOffset DefaultStart = new(2026, 3, 2, 8, 0, 0, VietnamTime.Offset);
    private static readonly string[] States = ["running", "completed", "terminated", "faulted"];

    public string? Process { get; private init; }

    public DateTimeOffset Start { get; private init; } = DefaultStart;

    /// <summary>
    /// <c>official</c> (the default): the civil service's working days, the Labour Code's holidays and the
    /// shipped yearly table (2024–2027); <c>weekends</c>: Monday to Friday only.
    /// </summary>
    public string Calendar { get; private init; } = "official";

    public string? BusinessKey { get; private init; }

    public Dictionary<string, JsonNode?> Variables { get; private init; } = [];

    public Dictionary<string, HandlerBehaviour> Handlers { get; private init; } = [];

    /// <summary>Overrides of the shipped legal parameters (what <c>param('name')</c> reads), by name.</summary>
    public Dictionary<string, JsonNode?> Parameters { get; private init; } = [];

    public List<ScenarioStep> Steps { get; private init; } = [];

    public static Scenario Load(string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ScenarioException($"scenario {path}: {e.Message}");
        }

        if (root is not JsonObject obj)
        {
            throw new ScenarioException("the scenario must be a JSON object");
        }

        Known(obj, "scenario", "process", "start", "calendar", "businessKey", "variables", "parameters", "handlers", "steps");
        var calendar = OptionalString(obj, "calendar", "scenario") ?? "official";
        if (calendar is not ("official" or "weekends"))
        {
            throw new ScenarioException($"calendar '{calendar}' is neither \"official\" nor \"weekends\"");
        }

        var start = DefaultStart;
        if (OptionalString(obj, "start", "scenario") is { } startText)
        {
            if (!DateTimeOffset.TryParse(startText, CultureInfo.InvariantCulture, DateTimeStyles.None, out start) || !HasOffset(startText))
            {
                throw new ScenarioException($"start '{startText}' is not an ISO 8601 date-time with an offset");
            }
        }

        var handlers = new Dictionary<string, HandlerBehaviour>(StringComparer.Ordinal);
        if (obj["handlers"] is { } handlersNode)
        {
            foreach (var (name, value) in handlersNode as JsonObject ?? throw new ScenarioException("handlers must be an object of handler names"))
            {
                var where = $"handler '{name}'";
                var handler = value as JsonObject ?? throw new ScenarioException($"{where} must be {{\"output\": {{…}}}}, {{\"outputs\": [{{…}}, …]}} or {{\"fail\": \"text\"}}");
                Known(handler, where, "output", "outputs", "fail");
                var fail = OptionalString(handler, "fail", where);
                if (handler.ContainsKey("output") && handler.ContainsKey("outputs"))
                {
                    throw new ScenarioException($"{where}: give either output or outputs, not both");
                }

                List<Dictionary<string, JsonNode?>> outputs = [VariablesOf(handler, "output", where)];
                if (handler["outputs"] is { } outputsNode)
                {
                    var list = outputsNode as JsonArray is { Count: > 0 } array
                        ? array
                        : throw new ScenarioException($"{where}: outputs must be a non-empty array of objects, one per call");
                    outputs = [.. list.Select((o, i) => o is JsonObject call
                        ? VariablesOf(new JsonObject { ["output"] = call.DeepClone() }, "output", $"{where} outputs[{i}]")
                        : throw new ScenarioException($"{where}: outputs[{i}] must be an object"))];
                }

                handlers[name] = new HandlerBehaviour(outputs, fail);
            }
        }

        var steps = new List<ScenarioStep>();
        if (obj["steps"] is { } stepsNode)
        {
            var number = 0;
            foreach (var stepNode in stepsNode as JsonArray ?? throw new ScenarioException("steps must be an array"))
            {
                steps.Add(ParseStep(++number, stepNode as JsonObject ?? throw new ScenarioException($"step {number} must be an object")));
            }
        }

        return new Scenario
        {
            Process = OptionalString(obj, "process", "scenario"),
            Start = start,
            Calendar = calendar,
            BusinessKey = OptionalString(obj, "businessKey", "scenario"),
            Variables = VariablesOf(obj, "variables", "scenario"),
            Parameters = ParametersOf(obj),
            Handlers = handlers,
            Steps = steps,
        };
    }

    /// <summary>
    /// Overrides must name a shipped legal parameter and keep its kind (a number stays a number, a
    /// fraction an object), so a scenario cannot run on a value the app would refuse.
    /// </summary>
    private static Dictionary<string, JsonNode?> ParametersOf(JsonObject obj)
    {
        var overrides = VariablesOf(obj, "parameters", "scenario");
        var shipped = Web.Features.LegalParameters.LegalParameterDefaults.All.ToDictionary(d => d.Name, StringComparer.Ordinal);
        foreach (var (name, value) in overrides)
        {
            if (!shipped.TryGetValue(name, out var known))
            {
                throw new ScenarioException($"parameters: '{name}' is not a legal parameter; known: {string.Join(", ", shipped.Keys.Order(StringComparer.Ordinal))}");
            }

            if (value?.GetValueKind() != known.Value?.GetValueKind())
            {
                throw new ScenarioException($"parameters: '{name}' must be {KindOf(known.Value)} like its shipped value {known.Value?.ToJsonString() ?? "null"}, not {value?.ToJsonString() ?? "null"}");
            }
        }

        return overrides;
    }

    private static string KindOf(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static ScenarioStep ParseStep(int number, JsonObject step)
    {
        var where = $"step {number}";
        if (step.ContainsKey("complete"))
        {
            Known(step, where, "complete", "assignee", "variables");
            return new CompleteStep(number, RequiredString(step, "complete", where), OptionalString(step, "assignee", where), VariablesOf(step, "variables", where));
        }

        if (step.ContainsKey("message"))
        {
            Known(step, where, "message", "correlationKey", "variables");
            return new MessageStep(number, RequiredString(step, "message", where), OptionalString(step, "correlationKey", where), VariablesOf(step, "variables", where));
        }

        if (step.ContainsKey("advance"))
        {
            Known(step, where, "advance");
            var text = RequiredString(step, "advance", where);
            return new AdvanceStep(number, text, ParseAdvance(text, where));
        }

        if (step.ContainsKey("expect"))
        {
            Known(step, where, "expect");
            var expect = step["expect"] as JsonObject ?? throw new ScenarioException($"{where}: expect must be an object");
            Known(expect, $"{where} expect", "state", "openTasks", "variables", "reached", "notReached");
            var state = OptionalString(expect, "state", where);
            if (state is not null && !States.Contains(state))
            {
                throw new ScenarioException($"{where}: state must be one of {string.Join(", ", States)}, not '{state}'");
            }

            Dictionary<string, int>? openTasks = null;
            if (expect["openTasks"] is { } tasksNode)
            {
                openTasks = [];
                foreach (var (id, count) in tasksNode as JsonObject ?? throw new ScenarioException($"{where}: openTasks must be an object of element ids and counts"))
                {
                    openTasks[id] = count is JsonValue v && v.TryGetValue<int>(out var n) && n >= 0 ? n : throw new ScenarioException($"{where}: openTasks.{id} must be a count");
                }
            }

            Dictionary<string, JsonElement>? variables = null;
            if (expect["variables"] is { } variablesNode)
            {
                variables = [];
                foreach (var (name, value) in variablesNode as JsonObject ?? throw new ScenarioException($"{where}: expect.variables must be an object"))
                {
                    variables[name] = JsonSerializer.SerializeToElement(value);
                }
            }

            return new ExpectStep(number, state, openTasks, variables, Ids(expect, "reached", where), Ids(expect, "notReached", where));
        }

        throw new ScenarioException($"{where} must be one of complete, message, advance, expect");
    }

    /// <summary>P1D is 24 hours; years and months have no fixed length, so they are refused.</summary>
    private static TimeSpan ParseAdvance(string text, string where)
    {
        var match = System.Text.RegularExpressions.Regex.Match(text,
            @"^P(?:(?<w>\d+)W)?(?:(?<d>\d+)D)?(?:T(?:(?<h>\d+)H)?(?:(?<m>\d+)M)?(?:(?<s>\d+(?:\.\d+)?)S)?)?$");
        if (!match.Success || text is "P" or "PT" || text.EndsWith('T'))
        {
            throw new ScenarioException($"{where}: advance '{text}' is not an ISO 8601 duration in weeks, days, hours, minutes and seconds (years and months are not allowed)");
        }

        double Part(string name) => match.Groups[name].Success ? double.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        return TimeSpan.FromDays((Part("w") * 7) + Part("d")) + TimeSpan.FromHours(Part("h")) + TimeSpan.FromMinutes(Part("m")) + TimeSpan.FromSeconds(Part("s"));
    }

    private static List<string>? Ids(JsonObject obj, string name, string where)
    {
        if (obj[name] is not { } node)
        {
            return null;
        }

        return node is JsonArray array && array.All(i => i is JsonValue v && v.TryGetValue<string>(out _))
            ? [.. array.Select(i => i!.GetValue<string>())]
            : throw new ScenarioException($"{where}: {name} must be an array of element ids");
    }

    private static Dictionary<string, JsonNode?> VariablesOf(JsonObject obj, string name, string where)
    {
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (obj[name] is null)
        {
            return result;
        }

        foreach (var (key, value) in obj[name] as JsonObject ?? throw new ScenarioException($"{where}: {name} must be an object"))
        {
            result[key] = value?.DeepClone();
        }

        return result;
    }

    private static string RequiredString(JsonObject obj, string name, string where) =>
        OptionalString(obj, name, where) is { Length: > 0 } value ? value : throw new ScenarioException($"{where}: {name} must be a non-empty string");

    private static string? OptionalString(JsonObject obj, string name, string where)
    {
        if (!obj.TryGetPropertyValue(name, out var node) || node is null)
        {
            return null;
        }

        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new ScenarioException($"{where}: {name} must be a string");
    }

    private static void Known(JsonObject obj, string where, params string[] names)
    {
        var unknown = obj.Select(p => p.Key).Where(k => !names.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ScenarioException($"{where}: unknown key(s) {string.Join(", ", unknown)}; expected {string.Join(", ", names)}");
        }
    }

    private static bool HasOffset(string text) => text.EndsWith('Z') || System.Text.RegularExpressions.Regex.IsMatch(text, @"[+-]\d\d:\d\d$");
}
