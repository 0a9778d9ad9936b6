namespace NtmWorkflow.Web.Features.Notifications;

/// <summary>
/// Tells this node's background workers that a save wrote something for them: a timer (the alarm clock
/// may need to ring earlier) or outbox messages (the sender should look now rather than at its next poll).
/// Other nodes learn of them by polling the database.
/// </summary>
public sealed class WorkflowWakeups : IDisposable
{
    private readonly SemaphoreSlim _outbox = new(0, 1);

    /// <summary>Raised with the earliest due time among the timers a save added.</summary>
    public event Action<DateTimeOffset>? TimerScheduled;

    public void OutboxWritten()
    {
        // At most one pending wake-up: the sender drains everything when it runs. The count is checked first
        // because every busy save calls this, and a full semaphore answers Release with an exception; the
        // catch stays for the race between the check and the release.
        if (_outbox.CurrentCount > 0)
        {
            return;
        }

        try
        {
            _outbox.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    public void Dispose() => _outbox.Dispose();

    public void TimersAdded(DateTimeOffset earliest) => TimerScheduled?.Invoke(earliest);

    /// <summary>Waits until outbox messages were written or <paramref name="timeout"/> passed.</summary>
    public Task<bool> WaitForOutboxAsync(TimeSpan timeout, CancellationToken cancellationToken) => _outbox.WaitAsync(timeout, cancellationToken);
}
