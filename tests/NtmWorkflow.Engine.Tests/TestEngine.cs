using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Engine.Tests;

/// <summary>
/// An engine on the in-memory store with a fake clock starting Monday 2 March 2026, 08:00 Vietnam
/// time, recording the trace. One line of set-up per test: <c>var e = TestEngine.Create(xml);</c>.
/// </summary>
internal sealed class TestEngine
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, VietnamTime.Offset);

    private TestEngine(FakeTimeProvider clock, HandlerRegistry handlers)
    {
        Clock = clock;
        Handlers = handlers;
        Engine = new WorkflowEngine(Store, new WorkflowEngineOptions { Clock = clock, Handlers = handlers, OnEvent = Trace.Add });
    }

    public InMemoryWorkflowStore Store { get; } = new();

    public FakeTimeProvider Clock { get; }

    public HandlerRegistry Handlers { get; }

    public WorkflowEngine Engine { get; }

    public List<WorkflowEvent> Trace { get; } = [];

    public Guid InstanceId { get; private set; }

    public static TestEngine Create(string processXml, HandlerRegistry? handlers = null, string? messages = null)
    {
        var engine = new TestEngine(new FakeTimeProvider(Start), handlers ?? new HandlerRegistry());
        engine.Deploy(processXml, messages);
        return engine;
    }

    /// <summary>Deploys one more process (another id) next to the first.</summary>
    public void Deploy(string processXml, string? messages = null, string processId = "p")
    {
        var result = Engine.Deploy(Encoding.UTF8.GetBytes(Bpmn.Document(processXml, messages, processId)));
        Assert.True(result.Validation.Valid, string.Join("\n", result.Validation.Errors));
    }

    public async Task<InstanceView> StartAsync(object? variables = null, string? businessKey = null, string processId = "p")
    {
        var view = await Engine.StartAsync(processId, Vars(variables), businessKey);
        InstanceId = view.Id;
        return view;
    }

    public async Task<InstanceView> InstanceAsync() => (await Engine.GetInstanceAsync(InstanceId))!;

    public async Task<IReadOnlyList<TaskView>> TasksAsync() => await Engine.ListTasksAsync(InstanceId);

    /// <summary>Completes the first open task of the element (in loopCounter order).</summary>
    public async Task CompleteAsync(string elementId, object? variables = null, string? actor = null)
    {
        var task = (await Engine.ListTasksAsync()).Where(t => t.ElementId == elementId).OrderBy(t => t.LoopCounter ?? int.MaxValue).ThenBy(t => t.Created).FirstOrDefault()
                   ?? throw new Xunit.Sdk.XunitException($"No open task of {elementId}; open: {string.Join(", ", (await Engine.ListTasksAsync()).Select(t => t.ElementId))}");
        await Engine.CompleteTaskAsync(task.Id, Vars(variables), actor);
    }

    /// <summary>Moves the clock forward, firing each timer at its due time.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        var target = Clock.GetUtcNow() + by;
        while (await Engine.NextTimerDueAsync() is { } due && due <= target)
        {
            if (due > Clock.GetUtcNow())
            {
                Clock.SetUtcNow(due);
            }

            await Engine.FireDueTimersAsync(due, 1);
        }

        Clock.SetUtcNow(target);
    }

    /// <summary>The trace as "event element" lines, for exact comparisons.</summary>
    public List<string> Lines(params string[] events) =>
        [.. Trace.Where(e => events.Length == 0 || events.Contains(e.Event)).Select(e => $"{e.Event} {e.ElementId}".TrimEnd())];

    public bool Reached(string elementId) => Trace.Any(e => e.Event == "activated" && e.ElementId == elementId);

    public int Count(string @event, string elementId) => Trace.Count(e => e.Event == @event && e.ElementId == elementId);

    public static Dictionary<string, JsonNode?>? Vars(object? variables) =>
        variables is null ? null : JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(variables))!.AsObject().ToDictionary(p => p.Key, p => p.Value?.DeepClone());
}

/// <summary>BPMN documents for tests: a process body wrapped in the definitions boilerplate.</summary>
internal static class Bpmn
{
    public static string Document(string processBody, string? messages = null, string processId = "p") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://ntm.test">
        {messages}
        <bpmn:process id="{processId}" isExecutable="true">
        {processBody}
        </bpmn:process>
        </bpmn:definitions>
        """;

    public static string Flow(string from, string to, string? condition = null, string? id = null) =>
        condition is null
            ? $"""<bpmn:sequenceFlow id="{id ?? from + "_" + to}" sourceRef="{from}" targetRef="{to}" />"""
            : $"""<bpmn:sequenceFlow id="{id ?? from + "_" + to}" sourceRef="{from}" targetRef="{to}"><bpmn:conditionExpression>{System.Security.SecurityElement.Escape(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>""";

    /// <summary>A chain of flows through the given element ids.</summary>
    public static string Chain(params string[] ids) => string.Concat(ids.Zip(ids.Skip(1)).Select(p => Flow(p.First, p.Second)));
}
