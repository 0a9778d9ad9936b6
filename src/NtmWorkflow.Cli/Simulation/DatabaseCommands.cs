using System.Collections.Concurrent;
using System.Diagnostics;

namespace NtmWorkflow.Cli.Simulation;

/// <summary>
/// Counts the database commands each simulated operation sends, through EF Core's diagnostic events: round trips are
/// most of a step's cost, so "commands per step" says where to cut before a profile does. The operation is the
/// one timed on the current async flow; commands outside one (set-up, checks) are not counted.
/// </summary>
internal sealed class DatabaseCommands : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private const string Executed = "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuted";
    private const string Compiling = "Microsoft.EntityFrameworkCore.Query.QueryCompilationStarting";
    private static readonly AsyncLocal<string?> Current = new();
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _subscriptions = [];
    private readonly IDisposable _all;
    private long _compiled;

    public DatabaseCommands() => _all = DiagnosticListener.AllListeners.Subscribe(this);

    /// <summary>Attributes the commands sent until the scope ends (on this async flow) to the operation.</summary>
    public static Scope For(string operation)
    {
        var outer = Current.Value;
        Current.Value = operation;
        return new Scope(outer);
    }

    public long CountOf(string operation) => _counts.GetValueOrDefault(operation);

    public long Total => _counts.Values.Sum();

    /// <summary>Queries EF Core compiled (its query cache missed) since the start.</summary>
    public long QueriesCompiled => Interlocked.Read(ref _compiled);

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == "Microsoft.EntityFrameworkCore")
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(value.Subscribe(this, name => name is Executed or Compiling));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == Compiling)
        {
            Interlocked.Increment(ref _compiled);
            return;
        }

        if (value.Key == Executed && Current.Value is { } operation)
        {
            _counts.AddOrUpdate(operation, 1, (_, n) => n + 1);
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        _all.Dispose();
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
        }
    }

    internal readonly struct Scope(string? outer) : IDisposable
    {
        public void Dispose() => Current.Value = outer;
    }
}
