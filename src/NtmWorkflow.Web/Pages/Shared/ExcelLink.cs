namespace NtmWorkflow.Web.Pages;

/// <summary>A list's "Xuất Excel" link: the export handler with the list's filters, and how many rows match them.</summary>
public sealed record ExcelLink(string Url, int Matching);
