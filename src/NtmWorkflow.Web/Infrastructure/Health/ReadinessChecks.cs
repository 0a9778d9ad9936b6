using Microsoft.Extensions.Diagnostics.HealthChecks;
using NtmWorkflow.Web.Infrastructure.Documents;
using NtmWorkflow.Web.Infrastructure.Email;

namespace NtmWorkflow.Web.Infrastructure.Health;

internal sealed class DocumentStoreHealthCheck(IDocumentStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.ProbeAsync(cancellationToken) is { } problem ? HealthCheckResult.Unhealthy(problem) : HealthCheckResult.Healthy();
}

internal sealed class MailTransportHealthCheck(IEmailSender sender) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await sender.ProbeAsync(cancellationToken) is { } problem ? HealthCheckResult.Unhealthy(problem) : HealthCheckResult.Healthy();
}
