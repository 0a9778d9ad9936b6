using NtmWorkflow.Engine.Runtime;
using static NtmWorkflow.Engine.Tests.Bpmn;

namespace NtmWorkflow.Engine.Tests.Runtime;

/// <summary>
/// A definition is written by an administrator, not by us, and could be hostile: a <c>${…}</c> condition or a script
/// must not reach the CLR, the file system, the network or the environment, nor run or allocate without bound. Each
/// attempt below either fails to parse (refused when the definition is validated) or stops the token with an
/// incident, and the engine goes on serving other instances.
/// </summary>
public sealed class ExpressionSandboxTests
{
    public static TheoryData<string, string> Escapes => new()
    {
        // The CLR and .NET reflection are not exposed.
        { "System.Environment.GetEnvironmentVariable('PATH')", "System is not defined" },
        { "importNamespace('System.IO')", "importNamespace is not defined" },
        { "clrHelper.getType('System.IO.File')", "clrHelper is not defined" },
        { "score.GetType()", "failed" },
        // No code from strings: eval, Function and the constructor chain are refused.
        { "eval('1')", "failed" },
        { "Function('return 1')()", "failed" },
        { "(function(){}).constructor('return 1')()", "failed" },
        { "[].map.constructor('return this')()", "failed" },
        // Nothing of Node or the browser: no files, network, process or timers.
        { "require('fs')", "require is not defined" },
        { "process.env", "process is not defined" },
        { "fetch('http://127.0.0.1/')", "fetch is not defined" },
        { "new XMLHttpRequest()", "XMLHttpRequest is not defined" },
        { "setTimeout(function(){}, 1)", "setTimeout is not defined" },
        // Without bound: time, statements, recursion, memory, a catastrophic regular expression.
        { "(function(){ for(;;){} })()", "stopped" },
        { "(function f(){ return f(); })()", "stopped" },
        { "new Array(100000000).fill(1).length > 0", "stopped" },
        { "'x'.repeat(100000000).length > 0", "more than 1000000 characters" },
        { "(function(){ var a = []; while (true) a.push({ n: a.length }); })()", "stopped" },
        { "[1, 2].map(function () { return 'x'.repeat(600000); }).join('') !== ''", "more than 1000000 characters" },
        { "'y'.padStart(100000000).length > 0", "more than 1000000 characters" },
        { "JSON.stringify(new Array(1000).fill('x'.repeat(100000))).length > 0", "more than 1000000 characters" },
        { "new Array(1000).fill(new Array(1000).fill('abc')).join().length > 0", "stopped" },
        { "/^(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')", "stopped" },
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public async Task A_hostile_condition_stops_its_token_with_an_incident(string hostile, string expected)
    {
        var e = TestEngine.Create("""<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="gw" default="other"/><bpmn:userTask id="a"/><bpmn:userTask id="b"/>"""
                                  + Flow("s", "gw") + Flow("gw", "a", "${" + hostile + "}") + Flow("gw", "b", id: "other"));
        await e.StartAsync(new { score = 3 });

        var instance = await e.InstanceAsync();
        var incident = Assert.Single(instance.Incidents);
        Assert.Equal("gw", incident.ElementId);
        Assert.Contains(expected, incident.Message, StringComparison.Ordinal);
        Assert.Empty(await e.TasksAsync());
    }

    [Theory]
    [InlineData("var a = { name: 'vòng' }; a.self = a; execution.setVariable('loop', a);", "refers to itself")]
    [InlineData("var s = 'x'.repeat(500000); execution.setVariable('big', [s, s, s, s]);", "longer than 1000000 characters")]
    [InlineData("var s = 'x'.repeat(500000); [s, s, s]", "longer than 1000000 characters")]
    public async Task A_value_too_big_to_store_or_referring_to_itself_is_an_incident_not_a_crash(string script, string expected)
    {
        var e = TestEngine.Create($"""<bpmn:startEvent id="s"/><bpmn:scriptTask id="js" scriptFormat="javascript" camunda:resultVariable="r"><bpmn:script><![CDATA[{script}]]></bpmn:script></bpmn:scriptTask><bpmn:userTask id="next"/>"""
                                  + Chain("s", "js", "next"));
        await e.StartAsync();
        var incident = Assert.Single((await e.InstanceAsync()).Incidents);
        Assert.Equal("js", incident.ElementId);
        Assert.Contains(expected, incident.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_guarded_builtins_still_work_within_the_limits()
    {
        var e = TestEngine.Create("""<bpmn:startEvent id="s"/><bpmn:scriptTask id="js" scriptFormat="javascript" camunda:resultVariable="r"><bpmn:script><![CDATA["""
                                  + "['17', '19'].join('/') + '|' + 'ab'.repeat(3) + '|' + '7'.padStart(3, '0') + '|' + JSON.stringify({ met: [1, 2], name: 'Ngọc Đường' }, ['met']) + '|' + [1, [2, 3]]"
                                  + """]]></bpmn:script></bpmn:scriptTask><bpmn:userTask id="next"/>""" + Chain("s", "js", "next"));
        await e.StartAsync();
        Assert.Empty((await e.InstanceAsync()).Incidents);
        Assert.Equal("17/19|ababab|007|{\"met\":[1,2]}|1,2,3", (await e.InstanceAsync()).Variables["r"]!.GetValue<string>());
    }

    [Fact]
    public async Task What_one_expression_does_to_the_builtins_no_later_one_sees()
    {
        // A script has a realm of its own, and a step's expressions share one that ends with the step: a polluted prototype or a replaced Date does not outlive it.
        const string pollute = "Object.prototype.approved = true; Date = function () { return 0; }; execution.setVariable('tried', true);";
        var e = TestEngine.Create($"""<bpmn:startEvent id="s"/><bpmn:scriptTask id="js" scriptFormat="javascript"><bpmn:script><![CDATA[{pollute}]]></bpmn:script></bpmn:scriptTask>"""
                                  + """<bpmn:exclusiveGateway id="gw" default="refused"/><bpmn:userTask id="passed"/><bpmn:userTask id="notPassed"/>"""
                                  + Chain("s", "js", "gw") + Flow("gw", "passed", "${({}).approved === true || new Date().getFullYear() !== 2026}") + Flow("gw", "notPassed", id: "refused"));
        await e.StartAsync();
        Assert.Empty((await e.InstanceAsync()).Incidents);
        Assert.Equal("notPassed", Assert.Single(await e.TasksAsync()).ElementId);
    }

    [Fact]
    public async Task A_stopped_expression_leaves_the_engine_serving_other_instances()
    {
        var e = TestEngine.Create("""<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="gw" default="other"/><bpmn:userTask id="a"/><bpmn:userTask id="b"/>"""
                                  + Flow("s", "gw") + Flow("gw", "a", "${spin && (function(){ for(;;){} })()}") + Flow("gw", "b", id: "other"));
        await e.StartAsync(new { spin = true });
        Assert.Single((await e.InstanceAsync()).Incidents);

        var calm = await e.Engine.StartAsync("p", TestEngine.Vars(new { spin = false }));
        Assert.Equal(["b"], (await e.Engine.ListTasksAsync(calm.Id)).Select(t => t.ElementId));
    }

    [Theory]
    [InlineData("${(function(){ return 1 }}")]
    [InlineData("${ score > }")]
    [InlineData("${`${")]
    public void A_condition_that_does_not_parse_is_refused_when_the_definition_is_validated(string condition)
    {
        var result = WorkflowEngine.Validate(System.Text.Encoding.UTF8.GetBytes(Document(
            """<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="gw" default="other"/><bpmn:endEvent id="a"/><bpmn:endEvent id="b"/>"""
            + Flow("s", "gw") + Flow("gw", "a", condition) + Flow("gw", "b", id: "other"))));
        Assert.False(result.Valid);
        Assert.Contains(result.Errors, error => error.Element == "gw_a" || error.Message.Contains("expression", StringComparison.OrdinalIgnoreCase));
    }
}
