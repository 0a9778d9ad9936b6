namespace NtmWorkflow.Web.Infrastructure;

/// <summary>What is wrong with text read by <see cref="PairLines.Parse"/>.</summary>
public enum PairLineFault
{
    /// <summary>More lines than are read: <see cref="PairLineProblem.Line"/> is how many there are.</summary>
    TooManyLines,

    /// <summary>The line is not two sides joined by a separator, or a side is refused: <see cref="PairLineProblem.Text"/> is the line, trimmed.</summary>
    NotAPair,

    /// <summary>The line names a left side an earlier line named: <see cref="PairLineProblem.Text"/> is that side.</summary>
    Repeated,
}

/// <summary>A refusal of <see cref="PairLines.Parse"/>: what is wrong, the line's number (1-based; the count of lines for <see cref="PairLineFault.TooManyLines"/>) and its text.</summary>
public sealed record PairLineProblem(PairLineFault Fault, int Line, string Text);

/// <summary>
/// Text an administrator writes one pair a line, <c>left → right</c> (also <c>-></c> or <c>=</c>): an instance
/// migration's element mapping, a merger's choices of successor. Blank lines and lines starting with # are skipped.
/// </summary>
public static class PairLines
{
    private static readonly string[] Separators = ["→", "->", "="];

    /// <summary>
    /// The pairs of <paramref name="text"/>, left side → right side, each left side once. Refused — by the exception
    /// <paramref name="refuse"/> makes of the problem, so each caller keeps its own words and status — when the text has
    /// more than <paramref name="maxLines"/> lines (blank and comment lines count), when a line is not a pair whose two
    /// sides <paramref name="isSide"/> accepts, or when a left side comes a second time.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Parse(string? text, int maxLines, Func<string, bool> isSide, Func<PairLineProblem, Exception> refuse)
    {
        ArgumentNullException.ThrowIfNull(isSide);
        ArgumentNullException.ThrowIfNull(refuse);
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = (text ?? "").Split('\n');
        if (lines.Length > maxLines)
        {
            throw refuse(new PairLineProblem(PairLineFault.TooManyLines, lines.Length, ""));
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            // The first separator splits: a right side holding one is refused by isSide.
            var parts = line.Split(Separators, 2, StringSplitOptions.TrimEntries);
            if (parts is not [var left, var right] || !isSide(left) || !isSide(right))
            {
                throw refuse(new PairLineProblem(PairLineFault.NotAPair, i + 1, line));
            }

            if (!pairs.TryAdd(left, right))
            {
                throw refuse(new PairLineProblem(PairLineFault.Repeated, i + 1, left));
            }
        }

        return pairs;
    }
}
