using System.Security.Cryptography;
using System.Text;

namespace NtmWorkflow.Web.Features.Notifications;

/// <summary>
/// The Message-ID of an outbox message is a function of its dedup key and nothing else: if a node dies
/// between the mail server's acceptance and the outbox update, the resent mail has the same Message-ID,
/// so mail clients and the audit recognise it as the same message.
/// </summary>
public static class MessageIds
{
    /// <summary>The id without angle brackets, e.g. <c>3f1c…@ntm.example.vn</c>.</summary>
    public static string FromDedupKey(string dedupKey, string domain)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dedupKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dedupKey)));
        return $"{hash[..40]}@{domain}";
    }
}
