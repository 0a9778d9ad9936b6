using System.Security;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.LegalParameters;

namespace NtmWorkflow.Web.Tests.Designer;

/// <summary>
/// The designer's element templates (Camunda 7 element templates, in the modeller's bundle): each is well formed, and
/// its values applied to the element it is for make a model the engine deploys with the app's legal parameters.
/// </summary>
public sealed class ElementTemplateTests : AppTestHost
{
    private static readonly string Folder = Path.Combine(TestEnvironment.RepositoryRoot, "src", "NtmWorkflow.Web", "ClientApp", "src", "modeler", "element-templates");

    public static TheoryData<string> Templates()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void Every_building_block_has_a_template()
    {
        var ids = Directory.GetFiles(Folder, "*.json").Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("id").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?>
        {
            "ntm.commune-self-assessment", "ntm.verification", "ntm.department-review", "ntm.council-hand-off", "ntm.council-await", "ntm.send-reminder", "ntm.escalate",
            "ntm.multi-instance-output",
        }, ids);
        Assert.Equal(Directory.GetFiles(Folder, "*.json").Length, ids.Count);
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void A_template_applied_to_its_element_makes_a_model_the_engine_accepts(string file)
    {
        var template = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, file))).RootElement;
        Assert.Contains("element-templates-json-schema", template.GetProperty("$schema").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(template.GetProperty("name").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(template.GetProperty("description").GetString()));
        var appliesTo = template.GetProperty("appliesTo").EnumerateArray().Select(a => a.GetString()!).ToList();
        Assert.NotEmpty(appliesTo);

        var attributes = new StringBuilder();
        var properties = new StringBuilder();
        foreach (var property in template.GetProperty("properties").EnumerateArray())
        {
            var binding = property.GetProperty("binding");
            var (type, name) = (binding.GetProperty("type").GetString(), binding.GetProperty("name").GetString()!);
            var value = property.GetProperty("value").GetString()!;
            if (property.GetProperty("type").GetString() == "Dropdown")
            {
                Assert.Contains(value, property.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("value").GetString()));
            }

            // A value the administrator fills in (the task a reminder is about) is given the step the model has.
            value = value.Length == 0 && name == "task" ? "work" : value;
            Assert.NotEqual("", value);
            switch (type)
            {
                case "property":
                    Assert.Matches("^(camunda:[A-Za-z]+|name)$", name);
                    attributes.Append(' ').Append(name).Append("=\"").Append(SecurityElement.Escape(value)).Append('"');
                    break;
                case "camunda:property":
                    properties.Append("<camunda:property name=\"").Append(name).Append("\" value=\"").Append(SecurityElement.Escape(value)).Append("\" />");
                    break;
                default:
                    Assert.Fail($"{file}: binding type {type} is not one the engine reads");
                    break;
            }
        }

        foreach (var type in appliesTo)
        {
            var bpmn = Model(type[(type.IndexOf(':', StringComparison.Ordinal) + 1)..], attributes.ToString(), properties.ToString());
            var result = WorkflowEngine.Validate(Encoding.UTF8.GetBytes(bpmn), App.Services.GetRequiredService<LiveLegalParameters>());
            Assert.True(result.Valid, $"{file} on {type}:\n" + string.Join("\n", result.Errors.Select(e => $"{e.Element}: {e.Message}")) + "\n" + bpmn);
        }
    }

    /// <summary>
    /// A process with a user task <c>work</c> whose non-interrupting timer leads to the element under test (as a
    /// reminder or escalation would), the element then leading to the end; the parts the template cannot set are added
    /// as its description tells the administrator (the message of the council's result, a multi-instance's collection).
    /// </summary>
    private static string Model(string type, string attributes, string properties)
    {
        var element = char.ToLowerInvariant(type[0]) + type[1..];
        var extension = properties.Length == 0 ? "" : $"<bpmn:extensionElements><camunda:properties>{properties}</camunda:properties></bpmn:extensionElements>";
        var inner = element switch
        {
            "intermediateCatchEvent" => """<bpmn:messageEventDefinition messageRef="councilDecidedMessage" />""",
            "subProcess" => """<bpmn:startEvent id="innerStart" /><bpmn:sequenceFlow id="i1" sourceRef="innerStart" targetRef="innerEnd" /><bpmn:endEvent id="innerEnd" />""",
            _ => "",
        };
        var loop = properties.Contains("outputCollection", StringComparison.Ordinal)
            ? """<bpmn:multiInstanceLoopCharacteristics camunda:collection="departments" camunda:elementVariable="department" />"""
            : "";
        return $$"""
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="urn:test">
              <bpmn:message id="councilDecidedMessage" name="councilDecided" />
              <bpmn:process id="template-test" isExecutable="true">
                <bpmn:startEvent id="start" />
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
                <bpmn:userTask id="work" name="Bước xử lý" camunda:candidateGroups="${'commune-' + communeCode}" camunda:dueDate="${addWorkingDays(now(), param('selfAssessment.workingDays'))}" />
                <bpmn:boundaryEvent id="workReminder" attachedToRef="work" cancelActivity="false">
                  <bpmn:timerEventDefinition><bpmn:timeDate>${workingDayStart(addWorkingDays(taskDue, -param('reminder.workingDaysBefore')))}</bpmn:timeDate></bpmn:timerEventDefinition>
                </bpmn:boundaryEvent>
                <bpmn:sequenceFlow id="f2" sourceRef="workReminder" targetRef="subject" />
                <bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="subject" />
                <bpmn:{{element}} id="subject"{{attributes}}>{{extension}}{{loop}}{{inner}}</bpmn:{{element}}>
                <bpmn:sequenceFlow id="f4" sourceRef="subject" targetRef="end" />
                <bpmn:endEvent id="end" />
              </bpmn:process>
            </bpmn:definitions>
            """;
    }
}
