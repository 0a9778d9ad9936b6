using System.Text;
using System.Net;
using System.Net.Sockets;
using NtmWorkflow.Engine.Definitions;
using NtmWorkflow.Engine.Runtime;
using static NtmWorkflow.Engine.Tests.Bpmn;

namespace NtmWorkflow.Engine.Tests.Definitions;

/// <summary>
/// Definitions come from administrators' uploads and the designer: a file built to hurt the reader gets a verdict,
/// and nothing outside the file is read. Each case names the attack it stands for.
/// </summary>
public sealed class HostileBpmnTests
{
    private static ValidationResult Check(string xml) => WorkflowEngine.Validate(Encoding.UTF8.GetBytes(xml));

    private static ValidationError FileError(ValidationResult result)
    {
        Assert.False(result.Valid);
        var error = Assert.Single(result.Errors);
        Assert.Equal("file", error.Type);
        return error;
    }

    [Fact]
    public void Billion_laughs_is_refused_as_a_DTD_before_any_entity_expands()
    {
        var lol = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (var i = 1; i <= 9; i++)
        {
            lol.Append(CultureInfo(i)).Append(string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? "" : (i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture))};", 10))).Append("\">");
        }

        lol.Append("]><lolz>&lol9;</lolz>");
        Assert.Contains("DTD", FileError(Check(lol.ToString())).Message, StringComparison.Ordinal);

        static string CultureInfo(int i) => $"<!ENTITY lol{i} \"";
    }

    [Theory]
    [InlineData("<!DOCTYPE d [<!ENTITY % remote SYSTEM \"http://127.0.0.1:{port}/evil.dtd\"> %remote;]>")]
    [InlineData("<!DOCTYPE d SYSTEM \"http://127.0.0.1:{port}/evil.dtd\">")]
    [InlineData("<!DOCTYPE d [<!ENTITY secret SYSTEM \"http://127.0.0.1:{port}/secret\">]>")]
    [InlineData("<!DOCTYPE d [<!ENTITY secret SYSTEM \"file:///etc/hostname\">]>")]
    public void External_entities_and_DTDs_are_refused_without_being_fetched(string doctype)
    {
        using var attacker = new Listener();
        var xml = Document(Chain("s", "e")).Replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + doctype.Replace("{port}", attacker.Port, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("DTD", FileError(Check(xml)).Message, StringComparison.Ordinal);
        Assert.False(attacker.WasCalled, "the reader fetched an external resource");
    }

    [Fact]
    public void An_XInclude_is_an_unknown_element_and_nothing_is_included()
    {
        using var attacker = new Listener();
        var xml = Document($"""
            <bpmn:startEvent id="s"/><bpmn:endEvent id="e"><bpmn:documentation><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="http://127.0.0.1:{attacker.Port}/x" parse="text"/></bpmn:documentation></bpmn:endEvent>
            """ + Chain("s", "e"));
        var result = Check(xml);
        Assert.True(result.Valid, string.Join("\n", result.Errors));
        Assert.False(attacker.WasCalled, "the reader fetched an external resource");
    }

    /// <summary>A loopback port that records whether anything connected to it.</summary>
    private sealed class Listener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public Listener() => _listener.Start();

        public string Port => ((IPEndPoint)_listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public bool WasCalled => _listener.Pending();

        public void Dispose() => _listener.Stop();
    }

    [Fact]
    public void A_file_of_ten_thousand_tasks_gets_a_verdict()
    {
        var ids = Enumerable.Range(0, 10_000).Select(i => $"t{i}").ToArray();
        var body = new StringBuilder("""<bpmn:startEvent id="s"/><bpmn:endEvent id="e"/>""");
        foreach (var id in ids)
        {
            body.Append("<bpmn:userTask id=\"").Append(id).Append("\"/>");
        }

        body.Append(Chain(["s", .. ids, "e"]));
        var result = Check(Document(body.ToString()));
        Assert.True(result.Valid, string.Join("\n", result.Errors.Take(3)));
    }

    [Fact]
    public void A_huge_attribute_and_a_huge_condition_get_a_verdict()
    {
        var name = new string('đ', 2_000_000);
        var condition = "${" + string.Concat(Enumerable.Repeat("a && ", 200_000)) + "a}";
        var xml = Document($"""<bpmn:startEvent id="s" name="{name}"/><bpmn:exclusiveGateway id="gw" default="d"/><bpmn:endEvent id="e"/><bpmn:endEvent id="f"/>"""
                           + Flow("s", "gw") + Flow("gw", "e", condition) + Flow("gw", "f", id: "d"));
        var result = Check(xml);
        Assert.Equal(result.Errors.Count == 0, result.Valid);
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-32")]
    public void Another_encoding_than_UTF_8_is_read_or_refused_with_a_verdict(string encoding)
    {
        var xml = Document(Chain("s", "e").Insert(0, """<bpmn:startEvent id="s"/><bpmn:endEvent id="e"/>""")).Replace("UTF-8", encoding, StringComparison.Ordinal);
        var bytes = Encoding.GetEncoding(encoding).GetPreamble().Concat(Encoding.GetEncoding(encoding).GetBytes(xml)).ToArray();
        var result = WorkflowEngine.Validate(bytes);
        Assert.True(result.Valid, string.Join("\n", result.Errors));
    }

    [Theory]
    [InlineData("""<bpmn:startEvent id="s"/><bpmn:endEvent id="s"/>""")]
    [InlineData("""<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="f"/>""")]
    [InlineData("""<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="nowhere"/>""")]
    [InlineData("""<bpmn:subProcess id="a"><bpmn:subProcess id="a"/></bpmn:subProcess>""")]
    public void Broken_references_and_duplicate_ids_are_errors_of_the_model(string body)
    {
        var result = Check(Document(body));
        Assert.False(result.Valid);
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    [Fact]
    public async Task A_loop_of_gateways_without_a_wait_state_is_stopped_with_an_incident()
    {
        var e = TestEngine.Create("""<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="a"/><bpmn:exclusiveGateway id="b"/>""" + Flow("s", "a") + Flow("a", "b") + Flow("b", "a"));
        await e.StartAsync();
        Assert.Contains("steps without waiting", Assert.Single((await e.InstanceAsync()).Incidents).Message, StringComparison.Ordinal);
    }
}
