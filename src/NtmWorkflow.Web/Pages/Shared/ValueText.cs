using System.Globalization;
using Microsoft.Extensions.Localization;

namespace NtmWorkflow.Web.Pages;

/// <summary>
/// An indicator's stored value (invariant: "true", "92.5") as an official reads it: yes or no in words, numbers
/// with the page language's decimal mark (92,5 in Vietnamese), ratings as written.
/// </summary>
public static class ValueText
{
    public static string? Of(string? value, IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return value switch
        {
            null => null,
            "true" => text["Yes"],
            "false" => text["No"],
            _ when decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) => number.ToString("0.####", CultureInfo.CurrentCulture),
            _ => value,
        };
    }
}
