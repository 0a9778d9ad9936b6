using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Cli.Commands;

/// <summary>
/// <c>ntm audit verify [--expect-head SEQ:HASH]</c>: walks the audit table's hash chain and prints one JSON line, intact
/// or the first broken row, with the head (last sequence and hash) to record for the next check. Exit 0 intact, 1 tampered.
/// </summary>
internal static class AuditCommand
{
    public static async Task<int> RunAsync(CliArguments arguments, TextWriter output)
    {
        if (arguments.Words is not ["verify"])
        {
            throw new CliUsageException("audit what? 'ntm audit verify [--expect-head SEQ:HASH]'");
        }

        arguments.OnlyOptions("expect-head");
        AuditHead? expected = null;
        if (arguments.Option("expect-head") is { } text && !AuditHead.TryParse(text, out expected))
        {
            throw new CliUsageException($"--expect-head '{text}' is not SEQ:HASH (a sequence from 1 and 64 hex digits)");
        }

        using var host = await DatabaseHost.StartAsync(arguments.HasFlag("verbose"), CancellationToken.None);
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var broken = await AuditTrail.VerifyAsync(db, CancellationToken.None);
        if (broken is null && expected is not null)
        {
            broken = await AuditTrail.CheckHeadAsync(db, expected, CancellationToken.None);
        }

        var head = await AuditTrail.HeadAsync(db, CancellationToken.None);
        await output.WriteLineAsync(CliJson.Serialize(new
        {
            intact = broken is null,
            broken = broken is null ? null : new { sequence = broken.Sequence, reason = broken.Reason },
            head = head is null ? null : new { sequence = head.Sequence, hash = head.Hash, text = head.ToString() },
            expectedHead = expected?.ToString(),
        }));
        return broken is null ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
