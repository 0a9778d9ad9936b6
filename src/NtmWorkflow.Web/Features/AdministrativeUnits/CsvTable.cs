using System.Text;

namespace NtmWorkflow.Web.Features.AdministrativeUnits;

/// <summary>A small RFC 4180 reader: a header row, then records whose fields may be quoted.</summary>
internal sealed class CsvTable
{
    private CsvTable(IReadOnlyList<string> header, IReadOnlyList<CsvRecord> records)
    {
        Header = header;
        Records = records;
    }

    public IReadOnlyList<string> Header { get; }

    public IReadOnlyList<CsvRecord> Records { get; }

    public static CsvTable Read(TextReader reader, string fileName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        List<string>? header = null;
        var records = new List<CsvRecord>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var startLine = lineNumber;
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            var i = 0;
            while (true)
            {
                if (i == line.Length)
                {
                    if (!quoted)
                    {
                        break;
                    }

                    // A quoted field spans lines.
                    var next = reader.ReadLine() ?? throw new UnitImportException(fileName, startLine, "a quoted field is not closed");
                    lineNumber++;
                    field.Append('\n');
                    line = next;
                    i = 0;
                    continue;
                }

                var c = line[i++];
                if (quoted)
                {
                    if (c != '"')
                    {
                        field.Append(c);
                    }
                    else if (i < line.Length && line[i] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else if (c == '"' && field.Length == 0)
                {
                    quoted = true;
                }
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else
                {
                    field.Append(c);
                }
            }

            fields.Add(field.ToString());
            if (header is null)
            {
                header = fields.Select(f => f.Trim().TrimStart('\uFEFF')).ToList();
                continue;
            }

            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // blank line
            }

            if (fields.Count != header.Count)
            {
                throw new UnitImportException(fileName, startLine, $"expected {header.Count} fields, found {fields.Count}");
            }

            records.Add(new CsvRecord(startLine, header, fields.Select(f => f.Trim()).ToList()));
        }

        return header is null ? throw new UnitImportException(fileName, null, "the file is empty") : new CsvTable(header, records);
    }
}

internal sealed class CsvRecord(int line, IReadOnlyList<string> header, IReadOnlyList<string> fields)
{
    public int Line { get; } = line;

    public string this[string column] => fields[IndexOf(column)];

    private int IndexOf(string column)
    {
        for (var i = 0; i < header.Count; i++)
        {
            if (string.Equals(header[i], column, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new KeyNotFoundException(column);
    }
}

/// <summary>A unit file that cannot be imported; nothing from it was stored.</summary>
public sealed class UnitImportException(string file, int? line, string problem)
    : Exception(line is null ? $"{file}: {problem}" : $"{file}, line {line}: {problem}")
{
    public string File { get; } = file;

    public int? Line { get; } = line;

    public string Problem { get; } = problem;
}
