using System.Text;
using NtmWorkflow.Engine.Definitions;
using NtmWorkflow.Engine.Runtime;
using static NtmWorkflow.Engine.Tests.Bpmn;

namespace NtmWorkflow.Engine.Tests.Definitions;

public sealed class ValidationTests
{
    private static ValidationResult Check(string xml) => WorkflowEngine.Validate(Encoding.UTF8.GetBytes(xml));

    private static ValidationError Single(string processBody, string? messages = null)
    {
        var result = Check(Document(processBody, messages));
        Assert.False(result.Valid);
        return Assert.Single(result.Errors);
    }

    private const string Ok = """<bpmn:startEvent id="s"/><bpmn:endEvent id="e"/>""";

    [Fact]
    public void A_runnable_model_is_valid_and_lists_its_processes()
    {
        var result = Check(Document(Ok + Chain("s", "e")));
        Assert.True(result.Valid);
        Assert.Equal(["p"], result.Processes);
        Assert.Empty(result.Errors);
    }

    [Theory]
    [InlineData("not xml at all", "not well-formed XML")]
    [InlineData("", "not well-formed XML")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>", "DTD")]
    [InlineData("<a><b></a>", "not well-formed XML")]
    public void A_file_that_is_not_safe_XML_is_one_file_error(string content, string expected)
    {
        var error = Assert.Single(Check(content).Errors);
        Assert.Equal(("file", null, null), (error.Type, error.Element, error.Line));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_200_levels_is_refused()
    {
        var deep = string.Concat(Enumerable.Repeat("<x>", 250)) + string.Concat(Enumerable.Repeat("</x>", 250));
        Assert.Contains("nested more than 200 levels", Assert.Single(Check(deep).Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_10_MiB_is_refused_without_reading_it_as_XML()
    {
        var path = Path.GetTempFileName();
        try
        {
            using (var file = File.OpenWrite(path))
            {
                file.SetLength(10 * 1024 * 1024 + 1);
            }

            var error = Assert.Single(WorkflowEngine.ValidateFile(path).Errors);
            Assert.Equal("file", error.Type);
            Assert.Contains("larger than 10 MiB", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_file_or_a_folder_is_a_file_error()
    {
        Assert.Contains("does not exist", Assert.Single(WorkflowEngine.ValidateFile("/no/such/file.bpmn").Errors).Message, StringComparison.Ordinal);
        Assert.Contains("folder", Assert.Single(WorkflowEngine.ValidateFile(Path.GetTempPath()).Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_that_is_not_BPMN_is_refused_at_its_root()
    {
        var error = Assert.Single(Check("<?xml version=\"1.0\"?>\n<html><body/></html>").Errors);
        Assert.Equal(("definitions", 2), (error.Type, error.Line));
    }

    [Fact]
    public void Without_an_executable_process_the_file_is_invalid_with_one_definitions_error()
    {
        var xml = Document(Ok + Chain("s", "e")).Replace("isExecutable=\"true\"", "isExecutable=\"false\"", StringComparison.Ordinal);
        var result = Check(xml);
        Assert.Equal(["p"], result.Processes);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("defs", "definitions"), (error.Element, error.Type));
    }

    [Fact]
    public void Only_executable_processes_are_checked_and_all_are_listed_in_document_order()
    {
        var xml = """
            <?xml version="1.0"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
              <bpmn:process id="b" isExecutable="false"><bpmn:inclusiveGateway id="ignored"/></bpmn:process>
              <bpmn:process id="a"><bpmn:startEvent id="s"/><bpmn:endEvent id="e"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e"/></bpmn:process>
            </bpmn:definitions>
            """;
        var result = Check(xml);
        Assert.True(result.Valid);
        Assert.Equal(["b", "a"], result.Processes);
    }

    [Theory]
    [InlineData("""<bpmn:complexGateway id="x"/>""", "x", "complexGateway", "is not supported")]
    [InlineData("""<bpmn:callActivity id="x"/>""", "x", "callActivity", "names no process (calledElement)")]
    [InlineData("""<bpmn:callActivity id="x" calledElement="c" camunda:calledElementBinding="deployment"/>""", "x", "callActivity", "calledElementBinding=\"deployment\" is not supported")]
    [InlineData("""<bpmn:serviceTask id="x"/>""", "x", "serviceTask", "names no handler")]
    [InlineData("""<bpmn:serviceTask id="x" camunda:class="com.example.Delegate"/>""", "x", "serviceTask", "camunda:class is not supported")]
    [InlineData("""<bpmn:sendTask id="x" camunda:type="connector" camunda:topic="t"/>""", "x", "sendTask", "camunda:type=\"connector\" is not supported")]
    [InlineData("""<bpmn:scriptTask id="x" scriptFormat="groovy"><bpmn:script>1</bpmn:script></bpmn:scriptTask>""", "x", "scriptTask", "scriptFormat 'groovy'")]
    [InlineData("""<bpmn:scriptTask id="x" scriptFormat="javascript"><bpmn:script>var = ;</bpmn:script></bpmn:scriptTask>""", "x", "scriptTask", "does not parse")]
    [InlineData("""<bpmn:userTask id="x" camunda:dueDate="next week"/>""", "x", "userTask", "neither an ISO 8601 date-time")]
    [InlineData("""<bpmn:userTask id="x" camunda:assignee="${a +}"/>""", "x", "userTask", "assignee does not parse")]
    [InlineData("""<bpmn:userTask id="x"><bpmn:multiInstanceLoopCharacteristics/></bpmn:userTask>""", "x", "userTask", "neither camunda:collection nor loopCardinality")]
    [InlineData("""<bpmn:userTask id="x"><bpmn:standardLoopCharacteristics/></bpmn:userTask>""", "x", "userTask", "standard loops are not supported")]
    [InlineData("""<bpmn:intermediateCatchEvent id="x"><bpmn:timerEventDefinition><bpmn:timeDuration>3 days</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>""", "x", "intermediateCatchEvent", "not an ISO 8601 duration")]
    [InlineData("""<bpmn:intermediateCatchEvent id="x"><bpmn:timerEventDefinition><bpmn:timeCycle>0 0 9 * * ?</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>""", "x", "intermediateCatchEvent", "repeating interval")]
    [InlineData("""<bpmn:intermediateCatchEvent id="x"><bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent>""", "x", "intermediateCatchEvent", "has no timeDate")]
    [InlineData("""<bpmn:intermediateCatchEvent id="x"><bpmn:messageEventDefinition messageRef="nope"/></bpmn:intermediateCatchEvent>""", "x", "intermediateCatchEvent", "messageRef 'nope'")]
    [InlineData("""<bpmn:intermediateCatchEvent id="x"><bpmn:conditionalEventDefinition/></bpmn:intermediateCatchEvent>""", "x", "intermediateCatchEvent", "conditionalEventDefinition is not supported")]
    [InlineData("""<bpmn:intermediateCatchEvent id="x"><bpmn:signalEventDefinition signalRef="nope"/></bpmn:intermediateCatchEvent>""", "x", "intermediateCatchEvent", "signalRef 'nope'")]
    public void An_element_that_cannot_run_is_named_with_its_type_and_line(string element, string id, string type, string expected)
    {
        var error = Single($"""<bpmn:startEvent id="s"/>{element}<bpmn:endEvent id="e"/>""" + Chain("s", "x", "e"));
        Assert.Equal((id, type, 5), (error.Element, error.Type, error.Line));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""<bpmn:intermediateThrowEvent id="x" camunda:type="external" camunda:topic="t"><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateThrowEvent>""", "camunda:type is not supported on a intermediateThrowEvent with a message")]
    [InlineData("""<bpmn:intermediateThrowEvent id="x" camunda:class="com.example.Send"><bpmn:signalEventDefinition signalRef="g"/></bpmn:intermediateThrowEvent>""", "camunda:class is not supported on a intermediateThrowEvent with a signal")]
    [InlineData("""<bpmn:intermediateThrowEvent id="x"><bpmn:extensionElements><camunda:in businessKey="${k}"/></bpmn:extensionElements><bpmn:signalEventDefinition signalRef="g"/></bpmn:intermediateThrowEvent>""", "businessKey is not supported on a signal")]
    [InlineData("""<bpmn:intermediateThrowEvent id="x"><bpmn:extensionElements><camunda:in businessKey="${a +}"/></bpmn:extensionElements><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateThrowEvent>""", "businessKey does not parse")]
    [InlineData("""<bpmn:intermediateThrowEvent id="x"><bpmn:extensionElements><camunda:in businessKey="${a}"/><camunda:in businessKey="${b}"/></bpmn:extensionElements><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateThrowEvent>""", "more than one camunda:in businessKey")]
    [InlineData("""<bpmn:intermediateThrowEvent id="x"><bpmn:extensionElements><camunda:in source="a"/></bpmn:extensionElements><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateThrowEvent>""", "camunda:in needs variables=\"all\"")]
    public void A_throw_event_the_engine_cannot_deliver_is_refused(string element, string expected)
    {
        var error = Single($"""<bpmn:startEvent id="s"/>{element}<bpmn:endEvent id="e"/>""" + Chain("s", "x", "e"),
            """<bpmn:message id="m" name="msg"/><bpmn:signal id="g" name="sig"/>""");
        Assert.Equal(("x", "intermediateThrowEvent"), (error.Element, error.Type));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_end_event_with_an_outgoing_flow_is_refused()
    {
        var error = Single("""<bpmn:startEvent id="s"/><bpmn:endEvent id="x"><bpmn:messageEventDefinition messageRef="m"/></bpmn:endEvent><bpmn:endEvent id="e"/>""" + Chain("s", "x", "e"),
            """<bpmn:message id="m" name="msg"/>""");
        Assert.Equal("x", error.Element);
        Assert.Contains("an end event cannot have outgoing sequence flows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Structural_problems_are_each_reported_in_line_order()
    {
        var result = Check(Document("""
            <bpmn:startEvent id="s"/>
            <bpmn:userTask id="orphan"/>
            <bpmn:exclusiveGateway id="gw" default="missing"/>
            <bpmn:endEvent id="e"/>
            <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="gw"/>
            <bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="nowhere"/>
            <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="e"><bpmn:conditionExpression>${ok</bpmn:conditionExpression></bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="f1" sourceRef="gw" targetRef="e"/>
            <bpmn:boundaryEvent id="b" attachedToRef="s"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            """));
        Assert.False(result.Valid);
        Assert.Equal(result.Errors.OrderBy(e => e.Line), result.Errors);
        var messages = result.Errors.Select(e => $"{e.Element}: {e.Message}").ToList();
        Assert.Contains(messages, m => m.StartsWith("orphan: no sequence flow leads here", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("gw: default flow 'missing' does not exist", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("f2: targetRef 'nowhere' is not a flow node", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("f3: the condition does not parse", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("f1: the id 'f1' is used more than once", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("b: attachedToRef 's' is not an activity", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_events_subprocess_starts_and_event_gateways_are_checked()
    {
        var result = Check(Document("""
            <bpmn:userTask id="t"/>
            <bpmn:subProcess id="sub"><bpmn:userTask id="inner"/></bpmn:subProcess>
            <bpmn:eventBasedGateway id="ebg"/><bpmn:userTask id="notEvent"/><bpmn:userTask id="notEvent2"/>
            """ + Flow("t", "sub") + Flow("sub", "ebg") + Flow("ebg", "notEvent") + Flow("ebg", "notEvent2")));
        var messages = result.Errors.Select(e => $"{e.Element}: {e.Message}").ToList();
        Assert.Contains("p: the process has no start event", messages);
        Assert.Contains("sub: the subprocess has no none start event", messages);
        Assert.Contains(messages, m => m.StartsWith("notEvent: after an event-based gateway comes", StringComparison.Ordinal));
    }

    [Fact]
    public void Camunda_Modeler_output_with_incoming_and_outgoing_children_is_read()
    {
        var xml = Document("""
            <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
            <bpmn:subProcess id="sub"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
              <bpmn:startEvent id="ss"><bpmn:outgoing>f3</bpmn:outgoing></bpmn:startEvent><bpmn:endEvent id="se"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
              <bpmn:sequenceFlow id="f3" sourceRef="ss" targetRef="se"/>
            </bpmn:subProcess>
            <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
            <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="sub"/><bpmn:sequenceFlow id="f2" sourceRef="sub" targetRef="e"/>
            """);
        Assert.True(Check(xml).Valid, string.Join("\n", Check(xml).Errors));
    }
}
