using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Infrastructure.Documents;

namespace NtmWorkflow.Web.Tests.Documents;

/// <summary>
/// Evidence documents on the real app: uploaded in parts that survive an interruption, checked on their content,
/// versioned, withdrawn, downloaded only by readers of the dossier. On SQLite with the local folder, and on
/// PostgreSQL with Azure Blob Storage (Azurite).
/// </summary>
public abstract class EvidenceUploadTests : AppTestHost
{
    private const int Part = 64 * 1024;
    private Guid _dossier;

    private string Documents => $"/api/dossiers/{_dossier}/documents";

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Documents:ChunkBytes"] = Part.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Documents:MaxDocumentBytes"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    protected override async Task SeedAsync()
    {
        await CreateOfficialAsync("xa.khac", "commune:00706", Roles.CommuneOfficer);
        await CreateOfficialAsync("xa.hanoi", "commune:00376", Roles.CommuneOfficer);
        await using var scope = App.Services.CreateAsyncScope();
        var lan = (await scope.ServiceProvider.GetRequiredService<OrganisationService>().FindOfficialAsync("xa.lan", null, CancellationToken.None))!;
        _dossier = (await scope.ServiceProvider.GetRequiredService<DossierService>()
            .OpenAsync(lan, new OpenDossierRequest("00700", RecognitionTier.Ntm, 2025, null, null, "*", new DateOnly(2025, 9, 15), null), CancellationToken.None)).Id;
    }

    [Fact]
    public async Task A_file_sent_in_parts_becomes_a_versioned_document_with_its_hash_that_readers_download()
    {
        var bytes = Pdf(3 * Part + 1000, seed: 1);
        var document = await UploadInPartsAsync("xa.lan", "1.1", "Quyết định phê duyệt quy hoạch.pdf", bytes);
        Assert.Equal("application/pdf", document.GetProperty("contentType").GetString());
        Assert.Equal(bytes.Length, document.GetProperty("length").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), document.GetProperty("sha256").GetString());
        Assert.Equal(1, document.GetProperty("version").GetInt32());

        // Another official of the province reads it: the same bytes, shown inline, never sniffed.
        using var download = await SendBytesAsync("so.hoa", HttpMethod.Get, $"{Documents}/{document.GetProperty("id").GetString()}", null);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("inline", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("Quyết định phê duyệt quy hoạch.pdf", download.Content.Headers.ContentDisposition?.FileNameStar);

        // The same name again is version 2; the indicator's evidence list points to it; both stay listed.
        var second = await UploadInPartsAsync("xa.lan", "1.1", "Quyết định phê duyệt quy hoạch.pdf", Pdf(Part, seed: 2));
        Assert.Equal(2, second.GetProperty("version").GetInt32());
        var dossier = await OkAsync("xa.lan", HttpMethod.Get, $"/api/dossiers/{_dossier}");
        var evidence = dossier.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("number").GetString() == "1.1").GetProperty("evidence");
        Assert.Equal(second.GetProperty("id").GetString(), Assert.Single(evidence.EnumerateArray()).GetProperty("documentId").GetString());
        var listed = await OkAsync("xa.lan", HttpMethod.Get, Documents);
        Assert.Equal([2, 1], listed.EnumerateArray().Select(d => d.GetProperty("version").GetInt32()));

        var audit = await QueryAsync(db => db.AuditEntries.Where(a => a.Action == "dossier.documentUploaded").Select(a => a.Detail).ToListAsync());
        Assert.Equal(2, audit.Count);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(bytes)), audit[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_interrupted_upload_continues_where_it_stopped()
    {
        var bytes = Pdf(3 * Part + 17, seed: 3);
        var upload = await OkAsync("xa.lan", HttpMethod.Post, $"{Documents}/uploads",
            new { indicatorNumber = "17.10", fileName = "Biên bản kiểm tra môi trường.pdf", length = bytes.Length, sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) }, HttpStatusCode.Created);
        var uploadUrl = $"{Documents}/uploads/{upload.GetProperty("uploadId").GetString()}";
        Assert.Equal(Part, upload.GetProperty("chunkBytes").GetInt32());
        await PutPartAsync(uploadUrl, bytes, 0, HttpStatusCode.OK);
        await PutPartAsync(uploadUrl, bytes, Part, HttpStatusCode.OK);

        // The line drops: the answer to the third part never came. The client asks where the upload stands.
        var state = await OkAsync("xa.lan", HttpMethod.Get, uploadUrl);
        Assert.Equal(2 * Part, state.GetProperty("received").GetInt64());

        // A part sent again (its answer lost) is recognised and changes nothing; a part out of order is refused.
        await PutPartAsync(uploadUrl, bytes, Part, HttpStatusCode.Conflict);
        await PutPartAsync(uploadUrl, bytes, 3 * Part, HttpStatusCode.Conflict);
        await RefusedAsync(HttpStatusCode.Conflict, "xa.lan", HttpMethod.Post, $"{uploadUrl}/complete");
        await PutPartAsync(uploadUrl, bytes, 2 * Part, HttpStatusCode.OK);
        await PutPartAsync(uploadUrl, bytes, 3 * Part, HttpStatusCode.OK);
        var document = await OkAsync("xa.lan", HttpMethod.Post, $"{uploadUrl}/complete", null, HttpStatusCode.Created);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), document.GetProperty("sha256").GetString());
        using var download = await SendBytesAsync("xa.lan", HttpMethod.Get, $"{Documents}/{document.GetProperty("id").GetString()}", null);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal(0, await QueryAsync(db => db.EvidenceUploads.CountAsync()));
    }

    [Fact]
    public async Task Office_documents_are_told_from_archives_by_their_content_and_refusals_leave_nothing_behind()
    {
        var docx = await UploadInPartsAsync("xa.lan", null, "Báo cáo tự đánh giá.docx", Package(("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")));
        Assert.Equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx.GetProperty("contentType").GetString());

        // A name says nothing: a PNG called .pdf is stored as the PNG it is.
        var png = await UploadWholeAsync("xa.lan", "2.1", "ảnh hiện trạng.pdf", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4], HttpStatusCode.Created);
        Assert.Equal("image/png", png.GetProperty("contentType").GetString());
        Assert.Equal("ảnh hiện trạng.png", png.GetProperty("fileName").GetString());

        // An archive dressed as a Word file is refused once it has arrived; a program as soon as its first part does.
        var zip = await UploadWholeAsync("xa.lan", "1.1", "hồ sơ.docx", Package(("a.txt", "x"), ("b.txt", "y")), HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("archive", zip.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        var macro = await UploadWholeAsync("xa.lan", "1.1", "bảng.xlsx", Package(("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<w/>"), ("xl/vbaProject.bin", "m")), HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("macros", macro.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var program = Encoding.ASCII.GetBytes("MZ\u0090\0 this program cannot be run in DOS mode").Concat(new byte[Part]).ToArray();
        var upload = await OkAsync("xa.lan", HttpMethod.Post, $"{Documents}/uploads", new { indicatorNumber = "1.1", fileName = "giay-to.pdf", length = program.Length }, HttpStatusCode.Created);
        using (var first = await SendBytesAsync("xa.lan", HttpMethod.Put, $"{Documents}/uploads/{upload.GetProperty("uploadId").GetString()}/parts/0", program[..Part]))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, first.StatusCode);
            Assert.Contains("a program", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Refused by name before a byte is sent; too large before a byte is sent; a damaged transfer after.
        await RefusedAsync(HttpStatusCode.UnsupportedMediaType, "xa.lan", HttpMethod.Post, $"{Documents}/uploads", new { indicatorNumber = "1.1", fileName = "setup.exe", length = 10 });
        await RefusedAsync(HttpStatusCode.RequestEntityTooLarge, "xa.lan", HttpMethod.Post, $"{Documents}/uploads", new { indicatorNumber = "1.1", fileName = "scan.pdf", length = 2 * 1024 * 1024 });
        var damaged = await OkAsync("xa.lan", HttpMethod.Post, $"{Documents}/uploads",
            new { indicatorNumber = "1.1", fileName = "scan.pdf", length = 100, sha256 = new string('a', 64) }, HttpStatusCode.Created);
        await PutPartAsync($"{Documents}/uploads/{damaged.GetProperty("uploadId").GetString()}", Pdf(100, seed: 4), 0, HttpStatusCode.OK);
        await RefusedAsync(HttpStatusCode.UnprocessableEntity, "xa.lan", HttpMethod.Post, $"{Documents}/uploads/{damaged.GetProperty("uploadId").GetString()}/complete");

        // A part of the wrong size is refused and the upload stays where it was.
        var shortPart = await OkAsync("xa.lan", HttpMethod.Post, $"{Documents}/uploads", new { indicatorNumber = "1.1", fileName = "x.pdf", length = Part + 5 }, HttpStatusCode.Created);
        using (var wrong = await SendBytesAsync("xa.lan", HttpMethod.Put, $"{Documents}/uploads/{shortPart.GetProperty("uploadId").GetString()}/parts/0", Pdf(100, seed: 5)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        Assert.Equal(0, (await OkAsync("xa.lan", HttpMethod.Get, $"{Documents}/uploads/{shortPart.GetProperty("uploadId").GetString()}")).GetProperty("received").GetInt64());
        var documents = await OkAsync("xa.lan", HttpMethod.Get, Documents);
        Assert.Equal(["Báo cáo tự đánh giá.docx", "ảnh hiện trạng.png"], documents.EnumerateArray().Select(d => d.GetProperty("fileName").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(2, await QueryAsync(db => db.AuditEntries.CountAsync(a => a.Action == "dossier.documentUploaded")));

        // Of the refused uploads nothing is left but the one still waiting for its first part.
        Assert.Equal([shortPart.GetProperty("uploadId").GetGuid()], await QueryAsync(db => db.EvidenceUploads.Select(u => u.Id).ToListAsync()));
        await using var scope = App.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IDocumentStore>();
        Assert.Null(await store.OpenAsync($"dossiers/{_dossier:N}/{damaged.GetProperty("uploadId").GetGuid():N}", CancellationToken.None));
        foreach (var key in await QueryAsync(db => db.EvidenceDocuments.Select(d => d.StorageKey).ToListAsync()))
        {
            await using var stored = await store.OpenAsync(key, CancellationToken.None);
            Assert.NotNull(stored);
        }
    }

    [Fact]
    public async Task Only_the_commune_attaches_to_indicators_and_only_readers_see_documents()
    {
        var document = await UploadWholeAsync("xa.lan", "1.1", "QĐ quy hoạch.pdf", Pdf(500, seed: 6), HttpStatusCode.Created);
        var url = $"{Documents}/{document.GetProperty("id").GetString()}";

        // Another commune's officer and another province's see nothing; a department reads but does not attach.
        await RefusedAsync(HttpStatusCode.Forbidden, "xa.khac", HttpMethod.Get, url);
        await RefusedAsync(HttpStatusCode.Forbidden, "xa.hanoi", HttpMethod.Get, Documents);
        await RefusedAsync(HttpStatusCode.Forbidden, "so.hoa", HttpMethod.Post, $"{Documents}/uploads", new { indicatorNumber = "1.1", fileName = "a.pdf", length = 10 });
        await RefusedAsync(HttpStatusCode.Forbidden, "so.hoa", HttpMethod.Post, $"{url}/withdraw");

        // An upload belongs to the official who started it.
        var upload = await OkAsync("xa.lan", HttpMethod.Post, $"{Documents}/uploads", new { indicatorNumber = "1.1", fileName = "a.pdf", length = 10 }, HttpStatusCode.Created);
        await RefusedAsync(HttpStatusCode.Forbidden, "so.hoa", HttpMethod.Get, $"{Documents}/uploads/{upload.GetProperty("uploadId").GetString()}");
        await OkAsync("xa.lan", HttpMethod.Delete, $"{Documents}/uploads/{upload.GetProperty("uploadId").GetString()}", null, HttpStatusCode.NoContent);

        // Withdrawn: off the evidence list, still in the record with who withdrew it.
        var withdrawn = await OkAsync("xa.lan", HttpMethod.Post, $"{url}/withdraw");
        Assert.Equal("xa.lan", withdrawn.GetProperty("withdrawnBy").GetString());
        var dossier = await OkAsync("xa.lan", HttpMethod.Get, $"/api/dossiers/{_dossier}");
        Assert.Empty(dossier.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("number").GetString() == "1.1").GetProperty("evidence").EnumerateArray());
        Assert.Single((await OkAsync("xa.lan", HttpMethod.Get, Documents)).EnumerateArray());
    }

    [Fact]
    public async Task The_pages_script_uploads_as_the_signed_in_official_with_the_antiforgery_token()
    {
        using var lan = await SignedInAsync("xa.lan");
        var page = $"/dossiers/{_dossier}/self-assessment";
        var token = await PageForms.TokenAsync(lan, page);
        var bytes = Pdf(Part + 10, seed: 7);
        var documents = $"/dossiers/{_dossier}/documents";

        using (var noToken = await lan.PostAsJsonAsync($"{documents}/uploads", new { indicatorNumber = "1.1", fileName = "a.pdf", length = bytes.Length }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        }

        using var start = new HttpRequestMessage(HttpMethod.Post, $"{documents}/uploads") { Content = JsonContent.Create(new { indicatorNumber = "1.1", fileName = "a.pdf", length = bytes.Length }) };
        start.Headers.Add("RequestVerificationToken", token);
        using var started = await lan.SendAsync(start);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var uploadId = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("uploadId").GetString();
        foreach (var offset in new[] { 0, Part })
        {
            using var part = new HttpRequestMessage(HttpMethod.Put, $"{documents}/uploads/{uploadId}/parts/{offset}") { Content = new ByteArrayContent(bytes[offset..Math.Min(bytes.Length, offset + Part)]) };
            part.Headers.Add("RequestVerificationToken", token);
            Assert.Equal(HttpStatusCode.OK, (await lan.SendAsync(part)).StatusCode);
        }

        using var complete = new HttpRequestMessage(HttpMethod.Post, $"{documents}/uploads/{uploadId}/complete");
        complete.Headers.Add("RequestVerificationToken", token);
        using var completed = await lan.SendAsync(complete);
        Assert.Equal(HttpStatusCode.Created, completed.StatusCode);
        var id = JsonDocument.Parse(await completed.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        Assert.Equal(bytes, await lan.GetByteArrayAsync($"{documents}/{id}"));

        // The self-assessment page lists it on its indicator with a link.
        Assert.Contains($"href=\"{documents}/{id}\"", await lan.GetStringAsync(page), StringComparison.Ordinal);

        // Another commune's officer, signed in, cannot fetch it.
        using var khac = await SignedInAsync("xa.khac");
        Assert.Equal(HttpStatusCode.Forbidden, (await khac.GetAsync($"{documents}/{id}")).StatusCode);
    }

    private async Task<JsonElement> UploadInPartsAsync(string user, string? indicator, string fileName, byte[] bytes)
    {
        var upload = await OkAsync(user, HttpMethod.Post, $"{Documents}/uploads",
            new { indicatorNumber = indicator, fileName, length = bytes.Length, sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) }, HttpStatusCode.Created);
        var url = $"{Documents}/uploads/{upload.GetProperty("uploadId").GetString()}";
        for (var offset = 0; offset < bytes.Length; offset += Part)
        {
            await PutPartAsync(url, bytes, offset, HttpStatusCode.OK, user);
        }

        return await OkAsync(user, HttpMethod.Post, $"{url}/complete", null, HttpStatusCode.Created);
    }

    private async Task<JsonElement> UploadWholeAsync(string user, string? indicator, string fileName, byte[] bytes, HttpStatusCode expected)
    {
        using var response = await SendBytesAsync(user, HttpMethod.Post, $"{Documents}?fileName={Uri.EscapeDataString(fileName)}&indicator={indicator}", bytes);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{fileName}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task PutPartAsync(string uploadUrl, byte[] bytes, int offset, HttpStatusCode expected, string user = "xa.lan")
    {
        using var response = await SendBytesAsync(user, HttpMethod.Put, $"{uploadUrl}/parts/{offset}", bytes[offset..Math.Min(bytes.Length, offset + Part)]);
        Assert.True(response.StatusCode == expected, $"part at {offset}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<HttpResponseMessage> SendBytesAsync(string user, HttpMethod method, string url, byte[]? bytes)
    {
        using var request = new HttpRequestMessage(method, url);
        if (bytes is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }

        request.Headers.Add("X-Acting-User", user);
        return await Client.SendAsync(request);
    }

    /// <summary>Bytes that open as a PDF: the header, then noise.</summary>
    private static byte[] Pdf(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        "%PDF-1.7\n"u8.CopyTo(bytes);
        return bytes;
    }

    private static byte[] Package(params (string Name, string Content)[] entries)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(content);
            }
        }

        return memory.ToArray();
    }
}

public sealed class EvidenceUploadOnSqliteAndLocalFolderTests : EvidenceUploadTests;

[Trait("Service", "Azurite")]
public sealed class EvidenceUploadOnPostgresAndAzuriteTests : EvidenceUploadTests
{
    protected override bool OnPostgres => true;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Documents:Provider"] = "AzureBlob";
        settings["Documents:ConnectionString"] = TestEnvironment.Azurite;
        settings["Documents:Container"] = "evidence-" + Guid.NewGuid().ToString("N")[..12];
    }
}
