using MiniExcelLibs;

namespace NtmWorkflow.Web.Tests.Excel;

/// <summary>An exported workbook read back with MiniExcel: the sheets' names, the first sheet's header row and its rows by header.</summary>
public sealed record Workbook(IReadOnlyList<string> Sheets, IReadOnlyList<string> Headers, IReadOnlyList<IDictionary<string, object?>> Rows, byte[] Content)
{
    public static Workbook Read(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var sheets = new MemoryStream(content);
        using var header = new MemoryStream(content);
        using var rows = new MemoryStream(content);
        var first = (IDictionary<string, object?>)MiniExcel.Query(header).First();
        return new Workbook(
            MiniExcel.GetSheetNames(sheets),
            [.. first.Values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "")],
            [.. MiniExcel.Query(rows, useHeaderRow: true).Cast<IDictionary<string, object?>>()],
            content);
    }

    /// <summary>The rows of another sheet, by its header.</summary>
    public IReadOnlyList<IDictionary<string, object?>> Sheet(string name)
    {
        using var stream = new MemoryStream(Content);
        return [.. MiniExcel.Query(stream, useHeaderRow: true, sheetName: name).Cast<IDictionary<string, object?>>()];
    }

    /// <summary>A column's cells, in order.</summary>
    public IReadOnlyList<object?> Column(string header) => [.. Rows.Select(r => r[header])];
}
