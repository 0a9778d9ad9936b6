namespace NtmWorkflow.Engine.Definitions;

/// <summary>One reason a BPMN file cannot run.</summary>
/// <param name="Element">The id of the element at fault, or null for the file or document as a whole.</param>
/// <param name="Type">The BPMN local element name (<c>userTask</c>, <c>sequenceFlow</c>, <c>definitions</c>), or <c>file</c> for the file itself.</param>
/// <param name="Line">The 1-based line of the element, or null.</param>
/// <param name="Message">What is wrong, in words an administrator can act on.</param>
public sealed record ValidationError(string? Element, string Type, int? Line, string Message);

/// <summary>The verdict on one BPMN file.</summary>
/// <param name="Valid">True when every executable process can run.</param>
/// <param name="Processes">The id of every bpmn:process, in document order.</param>
/// <param name="Errors">Every problem found, ordered by line.</param>
public sealed record ValidationResult(bool Valid, IReadOnlyList<string> Processes, IReadOnlyList<ValidationError> Errors);
