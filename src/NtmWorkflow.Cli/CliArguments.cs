namespace NtmWorkflow.Cli;

internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadArguments = 2;
}

/// <summary>Bad arguments: the verb did not run (exit 2).</summary>
internal sealed class CliUsageException(string message) : Exception(message);

/// <summary>
/// <c>ntm VERB [WORDS…] [--name value] [--flag]</c>. Options may come anywhere after the verb; a
/// lone "--" ends options.
/// </summary>
internal sealed class CliArguments
{
    private static readonly HashSet<string> Flags = ["help", "verbose", "bundled", "replace", "keep"];
    private readonly Dictionary<string, string?> _options;

    private CliArguments(string? verb, IReadOnlyList<string> words, Dictionary<string, string?> options)
    {
        Verb = verb;
        Words = words;
        _options = options;
    }

    public string? Verb { get; }

    /// <summary>The positional words after the verb.</summary>
    public IReadOnlyList<string> Words { get; }

    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var words = new List<string>();
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var optionsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!optionsEnded && arg == "--")
            {
                optionsEnded = true;
            }
            else if (!optionsEnded && arg.StartsWith("--", StringComparison.Ordinal))
            {
                var name = arg[2..];
                string? value = null;
                var eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0)
                {
                    value = name[(eq + 1)..];
                    name = name[..eq];
                }
                else if (!Flags.Contains(name))
                {
                    value = i + 1 < args.Count ? args[++i] : throw new CliUsageException($"--{name} needs a value");
                }

                options[name] = value;
            }
            else if (!optionsEnded && arg is "-h" or "-?")
            {
                options["help"] = null;
            }
            else
            {
                words.Add(arg);
            }
        }

        return words.Count == 0
            ? new CliArguments(null, [], options)
            : new CliArguments(words[0], words.Skip(1).ToList(), options);
    }

    public bool HasFlag(string name) => _options.ContainsKey(name);

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public DateOnly? DateOption(string name)
    {
        var text = Option(name);
        if (text is null)
        {
            return null;
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", out var date)
            ? date
            : throw new CliUsageException($"--{name} must be a date as yyyy-MM-dd, not '{text}'");
    }

    /// <summary>Refuses options the verb does not know, so a typo is not silently ignored.</summary>
    public void OnlyOptions(params string[] known)
    {
        var unknown = _options.Keys.Where(k => k is not ("verbose" or "help") && !known.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new CliUsageException($"unknown option(s) for '{Verb}': {string.Join(", ", unknown.Select(u => "--" + u))}");
        }
    }
}
