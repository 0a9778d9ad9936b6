using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Web.Infrastructure;

/// <summary>Maps the few expected failures of API calls to ProblemDetails; anything else stays a 500.</summary>
internal sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            WorkflowException { Kind: WorkflowErrorKind.NotFound } => (StatusCodes.Status404NotFound, "Not found"),
            WorkflowException { Kind: WorkflowErrorKind.Conflict } => (StatusCodes.Status409Conflict, "Conflict"),
            WorkflowException => (StatusCodes.Status400BadRequest, "The request cannot be done"),
            WorkflowConcurrencyException => (StatusCodes.Status409Conflict, "Changed by someone else"),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request"),
            _ => (0, ""),
        };
        if (status == 0 || !httpContext.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = exception.Message },
        });
    }
}
