using System.Xml.Linq;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Engine.Tests.Definitions;

/// <summary>The 21 reference models of the OMG BPMN interchange suite (shared/bpmn-miwg-reference).</summary>
public sealed class MiwgReferenceTests
{
    private static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";

    public static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "bpmn-miwg-reference");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("shared/bpmn-miwg-reference is not beside the repository");
        }
    }

    public static TheoryData<string> Models() => [.. Directory.GetFiles(Folder, "*.bpmn").Select(f => Path.GetFileName(f)).Order()];

    [Fact]
    public void All_21_models_are_there() => Assert.Equal(21, Models().Count);

    [Theory]
    [MemberData(nameof(Models))]
    public void Each_model_gets_a_verdict_that_follows_the_rules(string model)
    {
        var path = Path.Combine(Folder, model);
        var result = WorkflowEngine.ValidateFile(path);
        var document = XDocument.Load(path, LoadOptions.SetLineInfo);
        var processes = document.Root!.Elements(Bpmn + "process").ToList();

        Assert.Equal(processes.Select(p => (string?)p.Attribute("id") ?? ""), result.Processes);
        Assert.Equal(result.Errors.Count == 0, result.Valid);
        Assert.Equal(result.Errors.OrderBy(e => e.Line ?? 0).ToList(), result.Errors);
        Assert.All(result.Errors, e =>
        {
            Assert.NotEqual("file", e.Type);
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            Assert.NotNull(e.Line);
        });

        var executable = processes.Where(p => (string?)p.Attribute("isExecutable") is null or "true").ToList();
        if (executable.Count == 0)
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal("definitions", error.Type);
        }
        else
        {
            // Every error names an element of an executable process (or the process itself).
            var ids = executable.SelectMany(p => p.DescendantsAndSelf()).Select(e => (string?)e.Attribute("id")).Where(i => i is not null).ToHashSet();
            Assert.All(result.Errors, e => Assert.Contains(e.Element, ids));
        }
    }

    [Fact]
    public void A_model_with_an_unsupported_element_names_it_precisely()
    {
        var result = WorkflowEngine.ValidateFile(Path.Combine(Folder, "C.9.1.bpmn"));
        var error = result.Errors[0];
        Assert.Equal(("ReceiveTask_WaitForDocument", "receiveTask", 33), (error.Element, error.Type, error.Line));
    }
}
