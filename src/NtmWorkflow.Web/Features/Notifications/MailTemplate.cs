using Microsoft.EntityFrameworkCore;

namespace NtmWorkflow.Web.Features.Notifications;

/// <summary>
/// A mail template (Liquid, rendered with Fluid), one row per key and language. Administrators edit
/// them through the API; the defaults below are seeded when a key is missing.
/// </summary>
public sealed class MailTemplateRow
{
    /// <summary>e.g. <c>task-reminder</c>; a send task names it in its <c>template</c> property.</summary>
    public required string Key { get; set; }

    /// <summary><c>vi</c> or <c>en</c>. A mail carries the Vietnamese text first, then the English.</summary>
    public required string Culture { get; set; }

    public required string Subject { get; set; }

    public required string Body { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

/// <summary>The shipped templates of the reminder and escalation pattern, and of the daily digest.</summary>
public static class DefaultMailTemplates
{
    public const string TaskReminder = "task-reminder";
    public const string TaskDue = "task-due";
    public const string TaskOverdue = "task-overdue";
    public const string TaskEscalation = "task-escalation";
    public const string DailyDigest = Notifications.DailyDigest.TemplateKey;
    public const string ProgrammeReport = Reports.MonthlyReportMail.TemplateKey;

    public static IReadOnlyList<(string Key, string Culture, string Subject, string Body)> All { get; } =
    [
        (TaskReminder, "vi", "[NtmWorkflow] Nhắc việc: {{ task.name }} – hồ sơ {{ businessKey }} đến hạn {{ task.due }}",
            """
            Kính gửi đồng chí,

            Việc "{{ task.name }}" của hồ sơ {{ businessKey }} sẽ đến hạn vào {{ task.due }} (còn {{ task.workingDaysLeft }} ngày làm việc).
            Mở việc cần xử lý: {{ task.link }}
            """),
        (TaskReminder, "en", "Reminder: {{ task.name }} – dossier {{ businessKey }} due {{ task.due }}",
            """
            "{{ task.name }}" for dossier {{ businessKey }} is due on {{ task.due }} ({{ task.workingDaysLeft }} working day(s) left).
            Open the task: {{ task.link }}
            """),
        (TaskDue, "vi", "[NtmWorkflow] Đến hạn hôm nay: {{ task.name }} – hồ sơ {{ businessKey }}",
            """
            Kính gửi đồng chí,

            Việc "{{ task.name }}" của hồ sơ {{ businessKey }} đến hạn hôm nay, {{ task.due }}.
            Mở việc cần xử lý: {{ task.link }}
            """),
        (TaskDue, "en", "Due today: {{ task.name }} – dossier {{ businessKey }}",
            """
            "{{ task.name }}" for dossier {{ businessKey }} is due today, {{ task.due }}.
            Open the task: {{ task.link }}
            """),
        (TaskOverdue, "vi", "[NtmWorkflow] Quá hạn {{ task.workingDaysOverdue }} ngày làm việc: {{ task.name }} – hồ sơ {{ businessKey }}",
            """
            Kính gửi đồng chí,

            Việc "{{ task.name }}" của hồ sơ {{ businessKey }} đã quá hạn {{ task.workingDaysOverdue }} ngày làm việc (hạn {{ task.due }}). Đây là thông báo lần thứ {{ run }}.
            Đề nghị xử lý ngay: {{ task.link }}
            """),
        (TaskOverdue, "en", "Overdue by {{ task.workingDaysOverdue }} working day(s): {{ task.name }} – dossier {{ businessKey }}",
            """
            "{{ task.name }}" for dossier {{ businessKey }} is {{ task.workingDaysOverdue }} working day(s) overdue (due {{ task.due }}). Notice number {{ run }}.
            Please act now: {{ task.link }}
            """),
        (TaskEscalation, "vi", "[NtmWorkflow] Báo cáo quá hạn: {{ task.name }} – hồ sơ {{ businessKey }}",
            """
            Kính gửi Thủ trưởng đơn vị và Văn phòng Điều phối NTM tỉnh,

            Việc "{{ task.name }}" của hồ sơ {{ businessKey }} đã quá hạn {{ task.workingDaysOverdue }} ngày làm việc (hạn {{ task.due }}), giao cho: {{ task.responsible }}.
            Đề nghị chỉ đạo xử lý: {{ task.link }}
            """),
        (TaskEscalation, "en", "Escalation: {{ task.name }} – dossier {{ businessKey }} is overdue",
            """
            To the head of the unit and the provincial NTM coordination office:

            "{{ task.name }}" for dossier {{ businessKey }} is {{ task.workingDaysOverdue }} working day(s) overdue (due {{ task.due }}), assigned to {{ task.responsible }}.
            See the task: {{ task.link }}
            """),
        (DailyDigest, "vi", "[NtmWorkflow] Việc cần xử lý ngày {{ day }}: {{ overdue | size }} quá hạn, {{ dueSoon | size }} sắp đến hạn",
            """
            Kính gửi đồng chí {{ user.fullName }},
            {% if overdue.size > 0 %}
            Việc đã quá hạn:
            {% for t in overdue %}- {{ t.name }}{% if t.dossier != "" %} – hồ sơ {{ t.dossier }}{% endif %}{% if t.commune != "" %} ({{ t.commune }}){% endif %}: hạn {{ t.due }}, quá {{ t.workingDaysOverdue }} ngày làm việc. {{ t.link }}
            {% endfor %}{% endif %}{% if dueSoon.size > 0 %}
            Việc đến hạn trong {{ dueSoonWorkingDays }} ngày làm việc tới:
            {% for t in dueSoon %}- {{ t.name }}{% if t.dossier != "" %} – hồ sơ {{ t.dossier }}{% endif %}{% if t.commune != "" %} ({{ t.commune }}){% endif %}: hạn {{ t.due }}, còn {{ t.workingDaysLeft }} ngày làm việc. {{ t.link }}
            {% endfor %}{% endif %}
            Việc cần xử lý: {{ inboxLink }}
            Không muốn nhận thư này: {{ preferencesLink }}
            """),
        (DailyDigest, "en", "Your tasks on {{ day }}: {{ overdue | size }} overdue, {{ dueSoon | size }} due soon",
            """
            Dear {{ user.fullName }},
            {% if overdue.size > 0 %}
            Overdue:
            {% for t in overdue %}- {{ t.name }}{% if t.dossier != "" %} – dossier {{ t.dossier }}{% endif %}{% if t.commune != "" %} ({{ t.commune }}){% endif %}: due {{ t.due }}, {{ t.workingDaysOverdue }} working day(s) overdue. {{ t.link }}
            {% endfor %}{% endif %}{% if dueSoon.size > 0 %}
            Due within the next {{ dueSoonWorkingDays }} working day(s):
            {% for t in dueSoon %}- {{ t.name }}{% if t.dossier != "" %} – dossier {{ t.dossier }}{% endif %}{% if t.commune != "" %} ({{ t.commune }}){% endif %}: due {{ t.due }}, {{ t.workingDaysLeft }} working day(s) left. {{ t.link }}
            {% endfor %}{% endif %}
            Your tasks: {{ inboxLink }}
            To stop this mail: {{ preferencesLink }}
            """),
        (ProgrammeReport, "vi", "[NtmWorkflow] {% if quarterReport %}Báo cáo quý {{ quarter }}{% else %}Báo cáo tháng{% endif %} kết quả xây dựng nông thôn mới {{ period }} – {{ provinceName }}",
            """
            Kính gửi Văn phòng Điều phối nông thôn mới {{ provinceName }},

            Báo cáo kết quả thực hiện Chương trình MTQG xây dựng nông thôn mới {{ period }}{% if quarterReport %} (báo cáo quý {{ quarter }}){% endif %} đã sẵn sàng.
            {% if attachments.size > 0 %}Gửi kèm thư này: {{ attachments | join: ", " }} (số liệu của năm {{ year }}, đến ngày {{ dataDate }}).
            {% endif %}Đề nghị rà soát, bổ sung mục Khó khăn, vướng mắc và gửi trước ngày 15.

            Tải lại với số liệu mới nhất (.docx): {{ docxLink }}
            Tải lại bảng số liệu (.xlsx): {{ xlsxLink }}
            Bảng điều hành: {{ dashboardLink }}
            """),
        (ProgrammeReport, "en", "{% if quarterReport %}Quarter report {{ quarter }}{% else %}Monthly report{% endif %} on the New Rural Development programme, {{ period }} – {{ provinceName }}",
            """
            To the NTM coordination office of {{ provinceName }}:

            The report on the programme for {{ period }}{% if quarterReport %} (quarter report {{ quarter }}){% endif %} is ready.
            {% if attachments.size > 0 %}Attached: {{ attachments | join: ", " }} (figures for the year {{ year }}, as of {{ dataDate }}).
            {% endif %}Please review it, complete the difficulties section and send it before the 15th.

            With the latest figures (.docx): {{ docxLink }}
            Figures with the latest data (.xlsx): {{ xlsxLink }}
            Dashboard: {{ dashboardLink }}
            """),
    ];
}

/// <summary>Adds the shipped templates a database lacks; never overwrites an administrator's edit.</summary>
public static class MailTemplateSeeder
{
    public static async Task SeedMissingAsync(Persistence.AppDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var present = (await db.MailTemplates.Select(t => t.Key + "/" + t.Culture).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, culture, subject, body) in DefaultMailTemplates.All.Where(t => !present.Contains(t.Key + "/" + t.Culture)))
        {
            db.MailTemplates.Add(new MailTemplateRow { Key = key, Culture = culture, Subject = subject, Body = body, UpdatedAt = DateTimeOffset.UtcNow, UpdatedBy = "seed" });
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
