using System.Data;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;
using NtmWorkflow.Engine.Calendar;

namespace NtmWorkflow.Web.Infrastructure.Excel;

/// <summary>A column of an exported list: its header as the page shows it, and the cell a row gives.</summary>
public sealed record ExcelColumn<T>(string Header, Func<T, object?> Value);

/// <summary>The rows of a list to export, at most <see cref="ExcelExport.MaxRows"/>, and how many matched its filters.</summary>
public sealed record ExportRows<T>(IReadOnlyList<T> Rows, int Matching)
{
    /// <summary>More rows matched than the export holds.</summary>
    public bool Cut => Rows.Count < Matching;
}

/// <summary>
/// Every list's "Xuất Excel": a sheet with the list's columns in the page's language and its rows as the filters
/// choose them (all pages, at most <see cref="MaxRows"/>). Times are written as real dates in Vietnam time
/// (dd/MM/yyyy HH:mm), numbers as numbers; text that a spreadsheet could take for a formula is neutralised.
/// When the list was cut, a second sheet says so.
/// </summary>
public static class ExcelExport
{
    /// <summary>The most rows an export holds; the page and the file say when a list has more.</summary>
    public const int MaxRows = 10_000;

    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public const string DateTimeFormat = "dd/MM/yyyy HH:mm";

    public const string DateFormat = "dd/MM/yyyy";

    /// <summary>What a text cell may not start with: a spreadsheet reads these as a formula (or a DDE call) once the cell is edited.</summary>
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>The list as a download named <c>{stem}-{today in Vietnam}.xlsx</c>.</summary>
    public static FileContentResult File<T>(
        string fileStem, DateTimeOffset now, string sheetName, IReadOnlyList<ExcelColumn<T>> columns, ExportRows<T> rows, IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(text);
        var note = rows.Cut ? new ExcelNote(text["Export_NoteSheet"], text["Export_Cut", rows.Rows.Count, rows.Matching]) : null;
        return new FileContentResult(Write(sheetName, columns, rows.Rows, note), ContentType) { FileDownloadName = FileName(fileStem, now) };
    }

    /// <summary>An ASCII file name with the day of <paramref name="now"/> in Vietnam: <c>hop-thu-cong-viec-2026-11-24.xlsx</c>.</summary>
    public static string FileName(string stem, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stem);
        if (!stem.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ArgumentException($"'{stem}' is not an ASCII file name stem.", nameof(stem));
        }

        return $"{stem}-{now.VietnamDate().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.xlsx";
    }

    /// <summary>The workbook: one sheet of the rows under the headers, in their order, and the note's sheet when there is one.</summary>
    public static byte[] Write<T>(string sheetName, IReadOnlyList<ExcelColumn<T>> columns, IEnumerable<T> rows, ExcelNote? note = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);

        // A table rather than dictionaries: it keeps the header row when the list is empty.
        using var table = new DataTable { Locale = CultureInfo.InvariantCulture };
        foreach (var column in columns)
        {
            table.Columns.Add(column.Header, typeof(object));
        }

        var formats = new string?[columns.Count];
        foreach (var row in rows)
        {
            var cells = new object[columns.Count];
            for (var i = 0; i < columns.Count; i++)
            {
                var (cell, format) = Cell(columns[i].Value(row));
                cells[i] = cell ?? DBNull.Value;
                formats[i] ??= format;
            }

            table.Rows.Add(cells);
        }

        var configuration = new OpenXmlConfiguration
        {
            FastMode = true, // auto width needs it
            EnableAutoWidth = true,
            DynamicColumns = [.. columns.Select((c, i) => (c.Header, Format: formats[i])).Where(c => c.Format is not null)
                .Select(c => new DynamicExcelColumn(c.Header) { Format = c.Format, Width = c.Format == DateTimeFormat ? 17 : 12 })],
        };
        using var stream = new MemoryStream();
        if (note is null)
        {
            MiniExcel.SaveAs(stream, table, sheetName: SheetName(sheetName), configuration: configuration);
        }
        else
        {
            using var noteTable = new DataTable { Locale = CultureInfo.InvariantCulture };
            noteTable.Columns.Add(note.SheetName, typeof(object));
            noteTable.Rows.Add(Text(note.Text));
            var sheets = new Dictionary<string, object>(StringComparer.Ordinal) { [SheetName(sheetName)] = table, [SheetName(note.SheetName)] = noteTable };
            MiniExcel.SaveAs(stream, sheets, configuration: configuration);
        }

        return stream.ToArray();
    }

    /// <summary>
    /// A value as a cell and the number format it needs: an instant as the date and time in Vietnam, a day as a date,
    /// numbers and yes/no as they are, anything else as neutralised text.
    /// </summary>
    public static (object? Cell, string? Format) Cell(object? value) => value switch
    {
        null => (null, null),
        DateTimeOffset instant => (instant.ToVietnamTime().DateTime, DateTimeFormat),
        DateOnly day => (day.ToDateTime(TimeOnly.MinValue), DateFormat),
        int or long or decimal or double or float or short or byte or bool => (value, null),
        string text => (Text(text), null),
        _ => (Text(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""), null),
    };

    /// <summary>Text as it is, unless a spreadsheet would read it as a formula: then with a leading apostrophe.</summary>
    public static string Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length > 0 && FormulaStarts.Contains(text[0]) ? "'" + text : text;
    }

    /// <summary>A sheet name Excel accepts: at most 31 characters, none of : \ / ? * [ ].</summary>
    private static string SheetName(string name)
    {
        var cleaned = new string([.. (name ?? "").Where(c => c is not (':' or '\\' or '/' or '?' or '*' or '[' or ']'))]).Trim().Trim('\'');
        return cleaned.Length == 0 ? "Sheet1" : cleaned[..Math.Min(cleaned.Length, 31)];
    }
}

/// <summary>A sheet of one cell after the list: why it holds fewer rows than matched.</summary>
public sealed record ExcelNote(string SheetName, string Text);
