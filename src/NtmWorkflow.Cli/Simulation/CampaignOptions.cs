using System.Globalization;

namespace NtmWorkflow.Cli.Simulation;

/// <summary>What <c>ntm simulate</c> runs: how many communes, on which database, and how the simulated officials behave.</summary>
internal sealed record CampaignOptions
{
    /// <summary>Communes of the March 2025 list with a dossier; null for every rural commune (7,706).</summary>
    public int? Communes { get; init; }

    public string Provider { get; init; } = "Sqlite";

    /// <summary>PostgreSQL: a server connection string; the campaign creates its own database on it and drops it at the end.</summary>
    public string? Postgres { get; init; }

    public int Seed { get; init; } = 2025;

    /// <summary>The campaign's first day (the three-tier path: before the reform of 2025-07-01).</summary>
    public DateOnly Start { get; init; } = new(2024, 7, 1);

    public int Days { get; init; } = 365;

    /// <summary>Dossiers open on working days spread over this many calendar days from the start.</summary>
    public int OpeningDays { get; init; } = 120;

    /// <summary>Share of reviews (district verification, intake, department reviews) that return the dossier; at most two returns a dossier.</summary>
    public double ReturnShare { get; init; } = 0.08;

    /// <summary>Share of steps an official completes after the deadline (reminders, due notices, daily overdue notices and escalations fire).</summary>
    public double LateShare { get; init; } = 0.10;

    /// <summary>Share of dossiers the council votes down.</summary>
    public double CouncilRejectShare { get; init; } = 0.03;

    /// <summary>Share of council sessions without a quorum (the dossiers go back on the agenda).</summary>
    public double NoQuorumShare { get; init; } = 0.05;

    /// <summary>A province's coordination office plans a council session every this many working days when dossiers wait.</summary>
    public int CouncilEveryWorkingDays { get; init; } = 10;

    /// <summary>Officials acting at the same moment (SQLite has one writer: 1 by default; PostgreSQL 4).</summary>
    public int? Workers { get; init; }

    /// <summary>Keep the database and the mail folder (printed) instead of deleting them.</summary>
    public bool Keep { get; init; }

    public bool Verbose { get; init; }

    /// <summary>App nodes the officials call over the JSON API (PostgreSQL only); 0 runs everything in this process.</summary>
    public int Nodes { get; init; }

    /// <summary>With nodes: app seconds per real second of their fast-forwarded clock.</summary>
    public double Speed { get; init; } = 40_000;

    /// <summary>With two nodes or more: the second is killed when this share of the campaign has passed, and started again after <see cref="DownSeconds"/>.</summary>
    public double KillAt { get; init; } = 0.4;

    public int DownSeconds { get; init; } = 15;

    public int EffectiveWorkers => Workers ?? (IsPostgres ? 4 : 1);

    public bool IsPostgres => string.Equals(Provider, "Postgres", StringComparison.OrdinalIgnoreCase);

    public static CampaignOptions Parse(CliArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        int? Integer(string name, int min, int max) => arguments.Option(name) is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : throw new CliUsageException($"--{name} is a whole number from {min} to {max}, not '{text}'")
            : null;
        double? Share(string name) => arguments.Option(name) is { } text
            ? double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1
                ? value
                : throw new CliUsageException($"--{name} is a share from 0 to 1 (e.g. 0.1), not '{text}'")
            : null;
        var provider = arguments.Option("provider") ?? "Sqlite";
        if (provider is not ("Sqlite" or "Postgres"))
        {
            throw new CliUsageException($"--provider is Sqlite or Postgres, not '{provider}'");
        }

        var postgres = arguments.Option("postgres") ?? Environment.GetEnvironmentVariable("NTM_SIMULATE_POSTGRES");
        if (provider == "Postgres" && string.IsNullOrWhiteSpace(postgres))
        {
            throw new CliUsageException("--provider Postgres needs --postgres CONNECTION (a server the campaign may create a database on)");
        }

        var start = arguments.Option("start") is { } day
            ? DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) && parsed >= new DateOnly(2022, 1, 1) && parsed <= new DateOnly(2025, 6, 30)
                ? parsed
                : throw new CliUsageException($"--start is a day from 2022-01-01 to 2025-06-30 (the March 2025 list and the three-tier path), not '{day}'")
            : new DateOnly(2024, 7, 1);
        var nodes = Integer("nodes", 1, 8) ?? 0;
        if (nodes > 0 && provider != "Postgres")
        {
            throw new CliUsageException("--nodes needs --provider Postgres: several app processes share one PostgreSQL database (SQLite is single-node)");
        }

        var speed = arguments.Option("speed") is { } speedText
            ? double.TryParse(speedText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var fast) && fast is >= 1 and <= 1_000_000
                ? fast
                : throw new CliUsageException($"--speed is a number of app seconds per real second from 1 to 1000000, not '{speedText}'")
            : (double?)null;
        var defaults = new CampaignOptions();
        return new CampaignOptions
        {
            Communes = Integer("communes", 1, 20_000),
            Provider = provider,
            Postgres = postgres,
            Seed = Integer("seed", 0, int.MaxValue) ?? defaults.Seed,
            Start = start,
            Days = Integer("days", 30, 730) ?? defaults.Days,
            OpeningDays = Integer("opening-days", 1, 365) ?? defaults.OpeningDays,
            ReturnShare = Share("return-share") ?? defaults.ReturnShare,
            LateShare = Share("late-share") ?? defaults.LateShare,
            CouncilRejectShare = Share("council-reject-share") ?? defaults.CouncilRejectShare,
            NoQuorumShare = Share("no-quorum-share") ?? defaults.NoQuorumShare,
            CouncilEveryWorkingDays = Integer("council-every", 1, 60) ?? defaults.CouncilEveryWorkingDays,
            Workers = Integer("workers", 1, 64),
            Keep = arguments.HasFlag("keep"),
            Verbose = arguments.HasFlag("verbose"),
            Nodes = nodes,
            Speed = speed ?? defaults.Speed,
            KillAt = Share("kill-at") ?? defaults.KillAt,
            DownSeconds = Integer("down", 1, 600) ?? defaults.DownSeconds,
        };
    }
}
