using System.Text.Json;
using System.Text.Json.Nodes;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Cli.Scenarios;

/// <summary>
/// Runs a scenario on the in-memory store with a fake clock and prints the trace as JSON lines.
/// Returns 0 when every step and expectation held, 1 at the first that did not (the last line says which).
/// </summary>
internal sealed class ScenarioRunner
{
    private readonly Scenario _scenario;
    private readonly TextWriter _output;
    private readonly ManualClock _clock;
    private readonly WorkflowEngine _engine;
    private readonly HashSet<string> _activated = new(StringComparer.Ordinal);
    private Guid? _firstInstance;

    public ScenarioRunner(Scenario scenario, TextWriter output, Func<TimeProvider, IWorkflowStore>? store = null)
    {
        _scenario = scenario;
        _output = output;
        _clock = new ManualClock(scenario.Start);
        var handlers = new HandlerRegistry { Fallback = new ScenarioHandler(new HandlerBehaviour([[]], null)) };
        foreach (var (name, behaviour) in scenario.Handlers)
        {
            handlers.Register(name, new ScenarioHandler(behaviour));
        }

        _engine = new WorkflowEngine(store?.Invoke(_clock) ?? new InMemoryWorkflowStore(), new WorkflowEngineOptions
        {
            Clock = _clock, Handlers = handlers, OnEvent = Print,
            Parameters = Web.Features.LegalParameters.LegalParameterDefaults.AsProcessParameters(scenario.Parameters),
            WorkingDays = scenario.Calendar == "weekends" ? WeekdaysOnly.Instance : new VietnameseWorkingDays(Web.Features.Calendar.OfficialCalendar.ShippedTable),
        });
    }

    public WorkflowEngine Engine => _engine;

    public async Task<int> RunAsync(string processId)
    {
        try
        {
            var started = await _engine.StartAsync(processId, _scenario.Variables, _scenario.BusinessKey);
            _firstInstance = started.Id;
            await FireDueAsync();
        }
        catch (WorkflowException e)
        {
            return Fail(0, e.Message);
        }

        foreach (var step in _scenario.Steps)
        {
            string? problem;
            try
            {
                problem = step switch
                {
                    CompleteStep complete => await CompleteAsync(complete),
                    MessageStep message => await CorrelateAsync(message),
                    AdvanceStep advance => await AdvanceAsync(advance),
                    ExpectStep expect => await CheckAsync(expect),
                    _ => $"unknown step {step}",
                };
                if (problem is null && step is not ExpectStep)
                {
                    await FireDueAsync();
                }
            }
            catch (WorkflowException e)
            {
                problem = e.Message;
            }

            if (problem is not null)
            {
                return Fail(step.Number, problem);
            }
        }

        return ExitCodes.Ok;
    }

    private async Task<string?> CompleteAsync(CompleteStep step)
    {
        var candidates = (await _engine.ListTasksAsync())
            .Where(t => t.ElementId == step.ElementId && (step.Assignee is null || t.Assignee == step.Assignee))
            .OrderBy(t => t.LoopCounter ?? int.MaxValue).ThenBy(t => t.Created)
            .ToList();
        if (candidates.Count == 0)
        {
            var open = await _engine.ListTasksAsync();
            return $"no open task of {step.ElementId}{(step.Assignee is null ? "" : $" assigned to {step.Assignee}")}; open tasks: {Describe(open)}";
        }

        await _engine.CompleteTaskAsync(candidates[0].Id, step.Variables, step.Assignee);
        return null;
    }

    private async Task<string?> CorrelateAsync(MessageStep step)
    {
        await _engine.CorrelateMessageAsync(step.MessageName, step.CorrelationKey, step.Variables);
        return null;
    }

    /// <summary>Fires timers one by one in due order up to the target, the clock at each timer's due time.</summary>
    private async Task<string?> AdvanceAsync(AdvanceStep step)
    {
        var target = _clock.GetUtcNow() + step.Duration;
        while (await _engine.NextTimerDueAsync() is { } due && due <= target)
        {
            if (due > _clock.GetUtcNow())
            {
                _clock.Set(due);
            }

            await _engine.FireDueTimersAsync(due, max: 1);
        }

        _clock.Set(target);
        return null;
    }

    /// <summary>Fires what is due and delivers thrown messages that now find a receiver (there is no background sender here).</summary>
    private async Task FireDueAsync()
    {
        await _engine.FireDueTimersAsync(_clock.GetUtcNow());
        await _engine.DeliverPendingAsync();
    }

    private async Task<string?> CheckAsync(ExpectStep step)
    {
        var instance = await _engine.GetInstanceAsync(_firstInstance!.Value);
        var problems = new List<string>();
        if (step.State is not null)
        {
            var state = instance!.Status switch
            {
                InstanceStatus.Completed => "completed",
                InstanceStatus.Terminated => "terminated",
                _ when instance.IsFaulted => "faulted",
                _ => "running",
            };
            if (state != step.State)
            {
                problems.Add($"state is {state}, expected {step.State}" + (instance.IsFaulted ? $" (incident: {string.Join("; ", instance.Incidents.Select(i => $"{i.ElementId}: {i.Message}"))})" : ""));
            }
        }

        if (step.OpenTasks is not null)
        {
            var open = await _engine.ListTasksAsync();
            var actual = open.GroupBy(t => t.ElementId).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var expected = step.OpenTasks.Where(p => p.Value > 0).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            if (actual.Count != expected.Count || actual.Any(p => expected.GetValueOrDefault(p.Key) != p.Value))
            {
                problems.Add($"open tasks are {Describe(open)}, expected {JsonSerializer.Serialize(expected)}");
            }
        }

        foreach (var (name, expected) in step.Variables ?? [])
        {
            var actual = instance!.Variables.TryGetValue(name, out var value) ? value : null;
            var present = instance.Variables.ContainsKey(name);
            if (!present && expected.ValueKind != JsonValueKind.Null || !JsonEquals(expected, actual))
            {
                problems.Add($"variable {name} is {(present ? actual?.ToJsonString() ?? "null" : "not set")}, expected {expected.GetRawText()}");
            }
        }

        foreach (var id in step.Reached ?? [])
        {
            if (!_activated.Contains(id))
            {
                problems.Add($"{id} was not reached");
            }
        }

        foreach (var id in step.NotReached ?? [])
        {
            if (_activated.Contains(id))
            {
                problems.Add($"{id} was reached");
            }
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static string Describe(IReadOnlyList<TaskView> tasks) =>
        tasks.Count == 0 ? "none" : JsonSerializer.Serialize(tasks.GroupBy(t => t.ElementId).ToDictionary(g => g.Key, g => g.Count()));

    /// <summary>Compares as JSON values: numbers numerically, objects by key, arrays in order.</summary>
    private static bool JsonEquals(JsonElement expected, JsonNode? actual)
    {
        if (actual is null)
        {
            return expected.ValueKind == JsonValueKind.Null;
        }

        var actualElement = JsonSerializer.SerializeToElement(actual);
        return ElementEquals(expected, actualElement);
    }

    private static bool ElementEquals(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number)
        {
            return a.TryGetDecimal(out var x) && b.TryGetDecimal(out var y) ? x == y : a.GetDouble().Equals(b.GetDouble());
        }

        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        return a.ValueKind switch
        {
            JsonValueKind.Object => a.EnumerateObject().Count() == b.EnumerateObject().Count()
                                    && a.EnumerateObject().All(p => b.TryGetProperty(p.Name, out var other) && ElementEquals(p.Value, other)),
            JsonValueKind.Array => a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => ElementEquals(p.First, p.Second)),
            JsonValueKind.String => a.GetString() == b.GetString(),
            _ => true,
        };
    }

    private void Print(WorkflowEvent e)
    {
        if (e.Event == "activated" && e.ElementId is not null)
        {
            _activated.Add(e.ElementId);
        }

        _output.WriteLine(CliJson.Serialize(new { time = VietnamTime.Format(e.Time), @event = e.Event, element = e.ElementId, instance = e.InstanceId }));
    }

    private int Fail(int step, string problem)
    {
        _output.WriteLine(CliJson.Serialize(new { time = VietnamTime.Format(_clock.GetUtcNow()), @event = "stepFailed", step, message = problem }));
        return ExitCodes.Failed;
    }

    private sealed class ScenarioHandler(HandlerBehaviour behaviour) : IServiceTaskHandler
    {
        private int _calls;

        public ValueTask<IReadOnlyDictionary<string, JsonNode?>> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken)
        {
            if (behaviour.Fail is not null)
            {
                throw new InvalidOperationException(behaviour.Fail);
            }

            // The n-th call gets the n-th output; calls past the end keep getting the last.
            var call = Math.Min(_calls++, behaviour.Outputs.Count - 1);
            IReadOnlyDictionary<string, JsonNode?> output = behaviour.Outputs[call].ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal);
            return ValueTask.FromResult(output);
        }
    }
}
