using System.Diagnostics;

namespace NtmWorkflow.Web.Infrastructure;

/// <summary>
/// Fault injection for the crash tests: with <c>Diagnostics:KillAt</c> set to a point's name, the process
/// kills itself (SIGKILL, no clean-up) the first time it gets there. Unset in every real deployment.
/// </summary>
/// <remarks>Points: <c>timer-fired-before-commit</c>, <c>timer-fired-after-commit</c>, <c>step-committed</c> (a save that wrote outbox messages),
/// <c>mail-before-send</c>, <c>mail-accepted</c> (after the server took the mail, before the outbox row says so).</remarks>
public sealed class CrashPoints(IConfiguration configuration, ILogger<CrashPoints> logger)
{
    private readonly string? _killAt = configuration["Diagnostics:KillAt"];

    public void Reached(string point)
    {
        if (_killAt is not null && string.Equals(_killAt, point, StringComparison.Ordinal))
        {
            logger.LogCritical("Diagnostics:KillAt={Point}: killing the process", point);
            Process.GetCurrentProcess().Kill();
        }
    }
}
