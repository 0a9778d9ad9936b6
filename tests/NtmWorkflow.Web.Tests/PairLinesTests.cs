using NtmWorkflow.Web.Infrastructure;

namespace NtmWorkflow.Web.Tests;

/// <summary>The one-pair-a-line text shared by the instance migration's mapping and the merger's choices.</summary>
public sealed class PairLinesTests
{
    private static IReadOnlyDictionary<string, string> Parse(string? text, int maxLines = 10) =>
        PairLines.Parse(text, maxLines, side => side.Length > 0 && side.All(char.IsAsciiLetterOrDigit), problem => new RefusedException(problem));

    [Fact]
    public void Reads_each_separator_and_skips_blank_and_comment_lines()
    {
        var pairs = Parse("# moved in version 2\r\na → b\n\n  c -> d  \n   \ne=f\n# g → h");

        Assert.Equal(new Dictionary<string, string> { ["a"] = "b", ["c"] = "d", ["e"] = "f" }, pairs);
        Assert.Empty(Parse(null));
        Assert.Empty(Parse(""));
    }

    [Theory]
    [InlineData("a b", 1)]
    [InlineData("a → b\n\nc →", 3)]
    [InlineData("a → b → c", 1)]
    [InlineData("a → b c", 1)]
    public void A_line_that_is_not_a_pair_is_refused_with_its_number(string text, int line)
    {
        var problem = Assert.Throws<RefusedException>(() => Parse(text)).Problem;

        Assert.Equal((PairLineFault.NotAPair, line), (problem.Fault, problem.Line));
        Assert.Equal(text.Split('\n')[line - 1].Trim(), problem.Text);
    }

    [Fact]
    public void A_repeated_left_side_is_refused_with_its_line()
    {
        var problem = Assert.Throws<RefusedException>(() => Parse("a → b\n# again\na = c")).Problem;

        Assert.Equal(new PairLineProblem(PairLineFault.Repeated, 3, "a"), problem);
    }

    [Fact]
    public void More_lines_than_the_cap_are_refused_blank_ones_counted()
    {
        Assert.Equal(2, Parse("a → b\n\nc → d", maxLines: 3).Count);

        var problem = Assert.Throws<RefusedException>(() => Parse("a → b\n\nc → d\n", maxLines: 3)).Problem;

        Assert.Equal(new PairLineProblem(PairLineFault.TooManyLines, 4, ""), problem);
    }

    private sealed class RefusedException(PairLineProblem problem) : Exception(problem.ToString())
    {
        public PairLineProblem Problem { get; } = problem;
    }
}
