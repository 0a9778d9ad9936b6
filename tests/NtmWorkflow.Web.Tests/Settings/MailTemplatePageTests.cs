using System.Net;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.Notifications;

namespace NtmWorkflow.Web.Tests.Settings;

/// <summary>
/// Mẫu thư as Chị Mai uses it: the templates by key and language; one opened with a preview rendered on the sample
/// values a real mail of that key receives, shown as the mail reads (the Vietnamese subject, both bodies); an edit
/// previewed without being stored, with HTML in the template and its values escaped; an edit saved and audited; Liquid
/// that does not parse refused with the parser's message, the typed text kept and nothing stored. A province's
/// administrator reads and previews, and cannot save.
/// </summary>
public sealed class MailTemplatePageTests : SettingsTestHost
{
    private const string Page = "/admin/settings/mail-templates";
    private const string Reminder = Page + "?key=task-reminder&language=vi";

    private Task<MailTemplateRow> TemplateAsync(string key, string culture) =>
        QueryAsync(db => db.MailTemplates.AsNoTracking().SingleAsync(t => t.Key == key && t.Culture == culture));

    [Fact]
    public async Task The_templates_are_listed_and_one_opens_with_its_preview_on_the_sample_values()
    {
        using var mai = await SignedInAsync("admin");
        var list = await PageAsync(mai, Page);
        foreach (var key in new[] { "task-reminder", "task-due", "task-overdue", "task-escalation" })
        {
            foreach (var culture in new[] { "vi", "en" })
            {
                Assert.Contains($"<tr id=\"template-{key}-{culture}\" data-key=\"{key}\" data-culture=\"{culture}\"", list, StringComparison.Ordinal);
            }
        }

        Assert.DoesNotContain("id=\"template-form\"", list, StringComparison.Ordinal);

        var page = await PageAsync(mai, Reminder);
        var stored = await TemplateAsync("task-reminder", "vi");
        Assert.Contains($"id=\"template-subject\" name=\"subject\" value=\"{Html(stored.Subject)}\"",
            page, StringComparison.Ordinal);
        Assert.Contains("<span id=\"preview-subject\">[NtmWorkflow] Nhắc việc: Xã tự đánh giá mức đạt từng tiêu chí – hồ sơ 2026-NTM-00700 đến hạn 17:00 18/03/2026</span>",
            page, StringComparison.Ordinal);
        Assert.Contains("(còn 2 ngày làm việc)", page, StringComparison.Ordinal);
        Assert.Contains("Mở việc cần xử lý: http://localhost:5080/tasks/3f2b8c1e-5d4a-4e6b-9c7d-2a1f0e9d8c7b", page, StringComparison.Ordinal);

        // The mail as sent: the Vietnamese subject, then both bodies.
        var mail = Between(page, "<pre id=\"mail-body\" class=\"mail-body\">", "</pre>");
        Assert.Contains("Kính gửi đồng chí,", mail, StringComparison.Ordinal);
        Assert.Contains("———", mail, StringComparison.Ordinal);
        Assert.Contains("(2 working day(s) left)", mail, StringComparison.Ordinal);
        Assert.Contains("<tr data-variable=\"task.workingDaysLeft\"><th scope=\"row\"><code>{{ task.workingDaysLeft }}</code></th><td>2</td></tr>", page, StringComparison.Ordinal);
        Assert.Contains("<tr data-variable=\"communeName\">", page, StringComparison.Ordinal);

        // Each key's sample fits its mails: an escalation is overdue and names who holds the task.
        var escalation = await PageAsync(mai, Page + "?key=task-escalation&language=vi");
        Assert.Contains("đã quá hạn 3 ngày làm việc", escalation, StringComparison.Ordinal);
        Assert.Contains("giao cho: commune-00700", escalation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_preview_renders_the_typed_edit_escaped_and_stores_nothing()
    {
        using var mai = await SignedInAsync("admin");
        var stored = await TemplateAsync("task-reminder", "vi");
        var response = await PostAsync(mai, Reminder, $"{Reminder}&handler=Preview",
            ("subject", "<b>Nhắc</b> {{ communeName }}"), ("body", "<script>alert('x')</script> Hạn {{ task.due }} {{ \"<img src=x onerror=alert(1)>\" }} {{ task.link }}"));
        var page = await RenderedAsync(response);
        Assert.Contains("<span id=\"preview-subject\">&lt;b&gt;Nhắc&lt;/b&gt; Xã Ngọc Đường</span>", page, StringComparison.Ordinal);
        var body = Between(page, "<pre id=\"preview-body\" class=\"mail-body\">", "</pre>");
        Assert.Equal("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Hạn 17:00 18/03/2026 &lt;img src=x onerror=alert(1)&gt; http://localhost:5080/tasks/3f2b8c1e-5d4a-4e6b-9c7d-2a1f0e9d8c7b",
            body);
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", page, StringComparison.Ordinal);

        // The form keeps the edit; nothing is stored.
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Hạn {{ task.due }}", Between(page, "<textarea id=\"template-body\"", "</textarea>"), StringComparison.Ordinal);
        var after = await TemplateAsync("task-reminder", "vi");
        Assert.Equal((stored.Subject, stored.Body, stored.UpdatedAt), (after.Subject, after.Body, after.UpdatedAt));
    }

    [Fact]
    public async Task An_edit_is_saved_and_audited_and_liquid_that_does_not_parse_is_refused_with_the_parsers_message()
    {
        using var mai = await SignedInAsync("admin");
        var stored = await TemplateAsync("task-due", "en");
        var url = Page + "?key=task-due&language=en";

        var refused = await RenderedAsync(await PostAsync(mai, url, $"{url}&handler=Save", ("subject", "Due {% if task.name %}"), ("body", "Due {{ task.due }}")));
        Assert.Contains("subject does not parse:", refused, StringComparison.Ordinal);
        Assert.Contains(Html(EmailNotificationHandler.CheckTemplate("Due {% if task.name %}")!),
            refused, StringComparison.Ordinal);
        Assert.Contains("id=\"template-subject\" name=\"subject\" value=\"Due {% if task.name %}\"", refused, StringComparison.Ordinal);
        Assert.Contains("Due {{ task.due }}</textarea>", refused, StringComparison.Ordinal);
        Assert.Contains("body is required", await RenderedAsync(await PostAsync(mai, url, $"{url}&handler=Save", ("subject", "Due"), ("body", " "))), StringComparison.Ordinal);
        var unchanged = await TemplateAsync("task-due", "en");
        Assert.Equal((stored.Subject, stored.Body), (unchanged.Subject, unchanged.Body));

        var saved = await PostAsync(mai, url, $"{url}&handler=Save", ("subject", "Due today: {{ task.name }} ({{ communeName }})"), ("body", "Please finish {{ task.name }} today: {{ task.link }}"));
        Assert.Equal("/admin/settings/mail-templates?key=task-due&language=en", Location(saved));
        var page = await FollowAsync(mai, saved);
        Assert.Contains("Đã lưu mẫu task-due/en.", page, StringComparison.Ordinal);
        Assert.Contains("Please finish Xã tự đánh giá mức đạt từng tiêu chí today:", page, StringComparison.Ordinal);
        var row = await TemplateAsync("task-due", "en");
        Assert.Equal(("Due today: {{ task.name }} ({{ communeName }})", "Please finish {{ task.name }} today: {{ task.link }}", "admin"), (row.Subject, row.Body, row.UpdatedBy));
        var audit = await QueryAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "mail-template.set").Select(a => a.Actor + " " + a.Subject).ToListAsync());
        Assert.Equal(["admin mail-template/task-due/en"], audit);
    }

    [Fact]
    public async Task A_provinces_administrator_reads_and_previews_and_cannot_save()
    {
        using var qt = await SignedInAsync("qt.08");
        var page = await PageAsync(qt, Reminder);
        Assert.Contains("id=\"preview-subject\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"save-template\"", page, StringComparison.Ordinal);
        var preview = await RenderedAsync(await PostAsync(qt, Reminder, $"{Reminder}&handler=Preview", ("subject", "Nhắc {{ businessKey }}"), ("body", "x")));
        Assert.Contains("<span id=\"preview-subject\">Nhắc 2026-NTM-00700</span>", preview, StringComparison.Ordinal);

        var stored = await TemplateAsync("task-reminder", "vi");
        var save = await PostAsync(qt, Reminder, $"{Reminder}&handler=Save", ("subject", "Nhắc"), ("body", "x"));
        Assert.Equal(HttpStatusCode.Forbidden, save.StatusCode);
        Assert.Equal(stored.Subject, (await TemplateAsync("task-reminder", "vi")).Subject);
    }

    private static string Between(string page, string start, string end)
    {
        var from = page.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"no {start}");
        from += start.Length;
        return page[from..page.IndexOf(end, from, StringComparison.Ordinal)];
    }
}
