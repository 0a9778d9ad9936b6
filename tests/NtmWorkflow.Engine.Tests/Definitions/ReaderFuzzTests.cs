using System.Diagnostics;
using System.Text;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Engine.Tests.Definitions;

/// <summary>
/// Mutations of the shipped workflows and the MIWG models never crash the reader: every input gets a
/// verdict. Bounded: a fixed seed, at most 3,000 mutations and 8 seconds.
/// </summary>
public sealed class ReaderFuzzTests
{
    private static readonly string[] Snippets =
    [
        "<", ">", "</", "/>", "\"", "'", "&", "&amp;", "&#0;", "&#xFFFF;", "]]>", "<![CDATA[", "<!--", "${", "}", "${while(true){}}",
        "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>", "xmlns:bpmn=\"urn:other\"", "id=\"\"", "isExecutable=\"true\"",
        "<bpmn:subProcess id=\"z\">", "</bpmn:subProcess>", "\0", "\uFFFE", "é", "đ",
        // Hostile pieces: entity bombs, parameter entities, XInclude, scripts and expressions reaching for the host.
        "<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>", "&b;", "<!ENTITY % p SYSTEM \"http://127.0.0.1:9/\"> %p;",
        "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"file:///etc/hostname\"/>", "<?xml-stylesheet href=\"http://127.0.0.1:9/x.xsl\"?>",
        "${importNamespace('System.IO')}", "${(function f(){return f()})()}", "${'x'.repeat(1e9)}", "${this.constructor.constructor('return 1')()}",
        "<bpmn:scriptTask id=\"js\" scriptFormat=\"javascript\"><bpmn:script>for(;;){}</bpmn:script></bpmn:scriptTask>",
        "camunda:dueDate=\"${later(now(), addWorkingDays(now(), 1e12))}\"", "<bpmn:timerEventDefinition><bpmn:timeCycle>R999999999/PT0S</bpmn:timeCycle></bpmn:timerEventDefinition>",
    ];

    public static IEnumerable<byte[]> Corpus()
    {
        foreach (var file in Directory.GetFiles(MiwgReferenceTests.Folder, "*.bpmn").Order())
        {
            yield return File.ReadAllBytes(file);
        }

        var workflows = Path.Combine(NtmWorkflow.Testing.TestEnvironment.RepositoryRoot, "workflows");
        foreach (var file in Directory.Exists(workflows) ? Directory.GetFiles(workflows, "*.bpmn").Order() : Enumerable.Empty<string>())
        {
            yield return File.ReadAllBytes(file);
        }
    }

    [Fact]
    public void Mutated_models_always_get_a_verdict()
    {
        var random = new Random(20261123);
        var corpus = Corpus().ToList();
        var clock = Stopwatch.StartNew();
        var runs = 0;
        while (runs < 3000 && clock.Elapsed < TimeSpan.FromSeconds(8))
        {
            var original = corpus[random.Next(corpus.Count)];
            var mutated = Mutate(original, random);
            var result = WorkflowEngine.Validate(mutated);
            Assert.NotNull(result);
            Assert.Equal(result.Errors.Count == 0, result.Valid);
            Assert.All(result.Errors, e => Assert.False(string.IsNullOrEmpty(e.Message)));
            runs++;
        }

        Assert.True(runs >= 100, $"only {runs} mutations ran");
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        var bytes = new List<byte>(source);
        for (var i = random.Next(1, 6); i > 0 && bytes.Count > 0; i--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 200), bytes.Count - at));
                    break;
                case 1:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Snippets[random.Next(Snippets.Length)]));
                    break;
                case 2:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 3:
                    var from = random.Next(bytes.Count);
                    var length = Math.Min(random.Next(1, 400), bytes.Count - from);
                    bytes.InsertRange(at, bytes.GetRange(from, length));
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }

        return [.. bytes];
    }
}
