using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.LegalParameters;

namespace NtmWorkflow.Cli.Commands;

/// <summary>
/// <c>ntm validate FILE…</c>: one JSON verdict per file; no host, no database. A <c>param('name')</c> must name
/// a shipped legal parameter, as the app requires when it deploys the file.
/// </summary>
internal static class ValidateCommand
{
    public static int Run(CliArguments arguments, TextWriter output)
    {
        arguments.OnlyOptions();
        if (arguments.Words.Count == 0)
        {
            throw new CliUsageException("validate needs at least one FILE");
        }

        var allValid = true;
        var parameters = LegalParameterDefaults.AsProcessParameters();
        foreach (var file in arguments.Words)
        {
            var result = WorkflowEngine.ValidateFile(file, parameters);
            allValid &= result.Valid;
            output.WriteLine(CliJson.Serialize(new
            {
                file,
                valid = result.Valid,
                processes = result.Processes,
                errors = result.Errors.Select(e => new { element = e.Element, type = e.Type, line = e.Line, message = e.Message }),
            }));
        }

        return allValid ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
