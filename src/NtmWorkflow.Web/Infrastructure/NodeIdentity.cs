namespace NtmWorkflow.Web.Infrastructure;

/// <summary>This process's name in leases: host, process id and a random part, so a restarted process is a new node.</summary>
public sealed class NodeIdentity
{
    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";
}
