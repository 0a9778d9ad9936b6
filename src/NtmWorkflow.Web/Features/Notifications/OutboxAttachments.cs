using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NtmWorkflow.Web.Infrastructure.Documents;
using NtmWorkflow.Web.Infrastructure.Email;

namespace NtmWorkflow.Web.Features.Notifications;

/// <summary>
/// A file a mail of the outbox carries, as its payload references it: the name the recipient sees, the media type, the
/// size and SHA-256 of the bytes, and the document store key they are kept under (never the bytes themselves).
/// </summary>
public sealed record EmailAttachmentRef(string FileName, string ContentType, long Size, string Sha256, string DocumentKey);

/// <summary>A file to attach to a mail before it is stored: name, media type, bytes.</summary>
public sealed record OutboxFile(string FileName, string ContentType, byte[] Content);

/// <summary>
/// An attachment that cannot be sent as it was enqueued: its bytes are gone from the document store or are not the
/// bytes enqueued (size or SHA-256). Sending again cannot help, so the message becomes a dead letter at once.
/// </summary>
public sealed class OutboxAttachmentException(string message) : Exception(message);

/// <summary>
/// The bytes of outbox attachments live in the document store (<see cref="IDocumentStore"/>), under
/// <c>outbox/{dedup key}/{enqueue id}/{n}{extension}</c>, written before the outbox row: the row's payload names them
/// with their size and SHA-256, so what is sent, and sent again after a dead letter, is exactly what was enqueued.
/// Each enqueue attempt writes under its own id, so a node that loses the race for the dedup key removes only its own
/// copies (<see cref="DeleteAsync"/>). The bytes stay after sending: a resend needs them.
/// </summary>
public static class OutboxAttachments
{
    public const string KeyPrefix = "outbox";

    /// <summary>The largest file name kept (longer names are refused: a mail client would cut them anyway).</summary>
    private const int MaxFileNameLength = 200;

    /// <summary>Stores <paramref name="files"/> for the mail of <paramref name="dedupKey"/>; the references for its payload.</summary>
    public static async Task<List<EmailAttachmentRef>> StoreAsync(IDocumentStore store, string dedupKey, IReadOnlyList<OutboxFile> files, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(dedupKey);
        ArgumentNullException.ThrowIfNull(files);
        foreach (var file in files)
        {
            Check(file);
        }

        var folder = $"{KeyPrefix}/{Segments(dedupKey)}/{Guid.NewGuid():N}";
        var stored = new List<EmailAttachmentRef>();
        try
        {
            for (var i = 0; i < files.Count; i++)
            {
                var file = files[i];
                var key = DocumentKey.Normalize($"{folder}/{(i + 1).ToString(CultureInfo.InvariantCulture)}{Extension(file.FileName)}");
                using var content = new MemoryStream(file.Content, writable: false);
                await store.SaveAsync(key, content, file.ContentType, ct);
                stored.Add(new EmailAttachmentRef(file.FileName, file.ContentType, file.Content.LongLength, Sha256(file.Content), key));
            }
        }
        catch
        {
            await DeleteAsync(store, stored, CancellationToken.None);
            throw;
        }

        return stored;
    }

    /// <summary>Removes stored attachments (of an enqueue that lost its dedup key to another node); missing ones are no error.</summary>
    public static async Task DeleteAsync(IDocumentStore store, IEnumerable<EmailAttachmentRef> attachments, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(attachments);
        foreach (var attachment in attachments)
        {
            await store.DeleteAsync(attachment.DocumentKey, ct);
        }
    }

    /// <summary>
    /// Reads the attachments back for sending, each checked against its size and SHA-256; throws
    /// <see cref="OutboxAttachmentException"/> naming the file when one is missing or differs.
    /// </summary>
    public static async Task<List<EmailAttachment>> LoadAsync(IDocumentStore store, IReadOnlyList<EmailAttachmentRef> attachments, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(attachments);
        var loaded = new List<EmailAttachment>(attachments.Count);
        foreach (var attachment in attachments)
        {
            var stored = await store.OpenAsync(attachment.DocumentKey, ct)
                         ?? throw new OutboxAttachmentException(
                             $"Attachment '{attachment.FileName}' is missing from the document store (key {attachment.DocumentKey}); the mail is not sent without it.");
            byte[] bytes;
            await using (stored)
            {
                using var copy = new MemoryStream();
                await stored.Content.CopyToAsync(copy, ct);
                bytes = copy.ToArray();
            }

            var hash = Sha256(bytes);
            if (bytes.LongLength != attachment.Size || !string.Equals(hash, attachment.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new OutboxAttachmentException(
                    $"Attachment '{attachment.FileName}' in the document store (key {attachment.DocumentKey}) is not the file enqueued: {bytes.LongLength} bytes with SHA-256 {hash}, "
                    + $"expected {attachment.Size} bytes with SHA-256 {attachment.Sha256}; the mail is not sent with it.");
            }

            loaded.Add(new EmailAttachment(attachment.FileName, attachment.ContentType, bytes));
        }

        return loaded;
    }

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static void Check(OutboxFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (string.IsNullOrWhiteSpace(file.FileName) || file.FileName.Length > MaxFileNameLength || file.FileName.Any(c => char.IsControl(c) || c is '/' or '\\'))
        {
            throw new ArgumentException($"'{file.FileName}' is not a file name for an attachment (1 to {MaxFileNameLength} characters, no path, no control characters).", nameof(file));
        }

        if (!MimeKit.ContentType.TryParse(file.ContentType, out _))
        {
            throw new ArgumentException($"'{file.ContentType}' is not a media type (attachment '{file.FileName}').", nameof(file));
        }

        ArgumentNullException.ThrowIfNull(file.Content);
    }

    /// <summary>The dedup key as key segments: ASCII letters, digits, dash and underscore kept, anything else an underscore.</summary>
    private static string Segments(string dedupKey)
    {
        var segments = dedupKey.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s =>
        {
            var safe = new StringBuilder(s.Length);
            foreach (var c in s)
            {
                safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
            }

            return safe.ToString();
        });
        return string.Join('/', segments);
    }

    /// <summary>The file's extension if it is a plain one (".docx"), else none: the key never carries the user's text.</summary>
    private static string Extension(string fileName)
    {
        var extension = Path.GetExtension(fileName);
        return extension.Length is > 1 and <= 10 && extension.Skip(1).All(char.IsAsciiLetterOrDigit) ? extension.ToLowerInvariant() : "";
    }
}
