using System.Text.Encodings.Web;
using System.Text.Json;

namespace NtmWorkflow.Cli;

/// <summary>JSON lines as ntm prints them: camelCase, nulls kept, Vietnamese text unescaped.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize(object value) => JsonSerializer.Serialize(value, Options);
}
