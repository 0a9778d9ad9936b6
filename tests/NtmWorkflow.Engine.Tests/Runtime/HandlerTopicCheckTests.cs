using System.Text;
using System.Text.Json.Nodes;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Engine.Tests.Runtime;

/// <summary>
/// <see cref="WorkflowEngine.Check"/>: what a designer is told before publishing. A service or send task whose topic no
/// handler serves would deploy and stop every instance that reaches it with an incident; the check names it instead.
/// </summary>
public sealed class HandlerTopicCheckTests
{
    private sealed class Nothing : IServiceTaskHandler
    {
        public ValueTask<IReadOnlyDictionary<string, JsonNode?>> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyDictionary<string, JsonNode?>>(new Dictionary<string, JsonNode?>());
    }

    private static byte[] Model(string topic) => Encoding.UTF8.GetBytes(Bpmn.Document($"""
        <bpmn:startEvent id="s"/>
        <bpmn:sendTask id="notify" camunda:type="external" camunda:topic="ntm.notify"/>
        <bpmn:subProcess id="inner">
          <bpmn:startEvent id="innerStart"/>
          <bpmn:serviceTask id="check" camunda:type="external" camunda:topic="{topic}"/>
          <bpmn:endEvent id="innerEnd"/>
          {Bpmn.Chain("innerStart", "check", "innerEnd")}
        </bpmn:subProcess>
        <bpmn:endEvent id="e"/>
        {Bpmn.Chain("s", "notify", "inner", "e")}
        """));

    private static WorkflowEngine Engine(bool fallback) => new(new InMemoryWorkflowStore(), new WorkflowEngineOptions
    {
        Handlers = new HandlerRegistry { Fallback = fallback ? new Nothing() : null }.Register("ntm.notify", new Nothing()).Register("ntm.dossier.check", new Nothing()),
    });

    [Fact]
    public void A_topic_no_handler_serves_is_named_on_its_element_even_inside_a_subprocess()
    {
        var result = Engine(fallback: false).Check(Model("ntm.dosier.check"));
        Assert.False(result.Valid);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("check", "serviceTask"), (error.Element, error.Type));
        Assert.Contains("'ntm.dosier.check'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ntm.dossier.check, ntm.notify", error.Message, StringComparison.Ordinal);

        // Structure alone does not know the host's handlers.
        Assert.True(WorkflowEngine.Validate(Model("ntm.dosier.check")).Valid);
    }

    [Fact]
    public void Known_topics_pass_and_a_fallback_handler_serves_every_topic()
    {
        Assert.True(Engine(fallback: false).Check(Model("ntm.dossier.check")).Valid);
        Assert.True(Engine(fallback: true).Check(Model("anything.else")).Valid);
    }
}
