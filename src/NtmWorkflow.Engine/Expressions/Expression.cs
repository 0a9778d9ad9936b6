using System.Text;

namespace NtmWorkflow.Engine.Expressions;

/// <summary>
/// Text that may hold <c>${ … }</c> (or <c>#{ … }</c>) expressions. A text that is exactly one
/// expression yields the expression's value; literal text around expressions makes a string.
/// </summary>
internal static class Expression
{
    public static bool ContainsExpression(string? text) =>
        text is not null && (text.Contains("${", StringComparison.Ordinal) || text.Contains("#{", StringComparison.Ordinal));

    /// <summary>Splits the text into literal and code segments; throws <see cref="FormatException"/> for an unclosed expression.</summary>
    public static IReadOnlyList<Segment> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var segments = new List<Segment>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (i + 1 < text.Length && text[i] is '$' or '#' && text[i + 1] == '{')
            {
                var end = FindClose(text, i + 2);
                if (end < 0)
                {
                    throw new FormatException($"the expression starting at character {i + 1} is not closed with '}}'");
                }

                if (literal.Length > 0)
                {
                    segments.Add(new Segment(false, literal.ToString()));
                    literal.Clear();
                }

                var code = text[(i + 2)..end].Trim();
                if (code.Length == 0)
                {
                    throw new FormatException("an expression ${} is empty");
                }

                segments.Add(new Segment(true, code));
                i = end + 1;
            }
            else
            {
                literal.Append(text[i++]);
            }
        }

        if (literal.Length > 0)
        {
            segments.Add(new Segment(false, literal.ToString()));
        }

        return segments;
    }

    /// <summary>Checks the syntax of every expression in the text; null when it parses.</summary>
    public static string? Check(string text)
    {
        try
        {
            foreach (var segment in Split(text).Where(s => s.IsCode))
            {
                if (ExpressionEvaluator.CheckExpressionSyntax(segment.Text) is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>The index of the '}' that closes an expression whose code starts at <paramref name="start"/>, skipping braces in strings.</summary>
    private static int FindClose(string text, int start)
    {
        var depth = 0;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\'' or '"' or '`':
                    i = SkipString(text, i);
                    if (i < 0)
                    {
                        return -1;
                    }

                    break;
                case '{':
                    depth++;
                    break;
                case '}' when depth == 0:
                    return i;
                case '}':
                    depth--;
                    break;
            }
        }

        return -1;
    }

    private static int SkipString(string text, int open)
    {
        var quote = text[open];
        for (var i = open + 1; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == quote)
            {
                return i;
            }
        }

        return -1;
    }

    internal readonly record struct Segment(bool IsCode, string Text);
}
