using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Calendar;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests.Settings;

/// <summary>
/// What the settings pages rely on that differs between providers, on each: importing a days-off file replaces its
/// years in one transaction under the execution strategy (PostgreSQL retries) with its audit entry; the outbox seen by
/// a province's administrator is that of its instances, and a dead letter sent again keeps its Message-ID.
/// </summary>
public abstract class SettingsServiceTests : AppTestHost
{
    [Fact]
    public async Task A_days_off_file_replaces_the_years_it_covers_in_one_audited_transaction()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var calendar = scope.ServiceProvider.GetRequiredService<CalendarService>();
        var file = new CalendarFile([new DayOffEntry(new DateOnly(2027, 2, 5), DayOffKind.Holiday, "Tết Âm lịch (29 Chạp)", "Thông báo thử")]);
        Assert.Equal([2027], await calendar.ImportAsync(file, "admin", CancellationToken.None));

        var rows = await QueryAsync(db => db.CalendarDays.AsNoTracking().Where(d => d.Date >= new DateOnly(2027, 1, 1) && d.Date <= new DateOnly(2027, 12, 31)).ToListAsync());
        Assert.Equal((new DateOnly(2027, 2, 5), "admin"), (Assert.Single(rows).Date, rows[0].UpdatedBy));
        Assert.False(App.Services.GetRequiredService<WorkingCalendar>().IsWorkingDay(new DateOnly(2027, 2, 5)));
        Assert.Single(await QueryAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "calendar.imported" && a.Actor == "admin").ToListAsync()));
        Assert.Null(await QueryAsync(db => Features.Audit.AuditTrail.VerifyAsync(db, CancellationToken.None)));
    }

    [Fact]
    public async Task A_provinces_office_hours_apply_to_the_next_deadline_reach_other_nodes_on_reload_and_clear_back_to_configuration()
    {
        async Task<TimeOnly> DueTimeAsync(Guid dossier) => TimeOnly.FromTimeSpan((await QueryAsync(db => db.WorkflowTasks.AsNoTracking()
            .Where(t => t.DossierId == dossier && t.ElementId == "selfAssessment").Select(t => t.Due).SingleAsync()))!.Value.ToOffset(VietnamTime.Offset).TimeOfDay);

        // Xã Ngọc Đường is in Tuyên Quang (08), which keeps the national hours until its administrator sets its own.
        var before = await DossierSeeds.OpenAsync(App.Services, "xa.lan", "00700");
        Assert.Equal(new TimeOnly(17, 0), await DueTimeAsync(before));

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var calendar = scope.ServiceProvider.GetRequiredService<CalendarService>();
            var refused = await Assert.ThrowsAsync<CalendarException>(() => calendar.SetOfficeHoursAsync("99", "07:00-11:00,13:00-16:00", "QĐ thử", "admin", CancellationToken.None));
            Assert.Contains("'99' is not the code of a province", refused.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<CalendarException>(() => calendar.SetOfficeHoursAsync("08", "13:00-16:00,07:00-11:00", "QĐ thử", "admin", CancellationToken.None));
            await Assert.ThrowsAsync<CalendarException>(() => calendar.SetOfficeHoursAsync("08", "07:00-11:00,13:00-16:00", " ", "admin", CancellationToken.None));
            Assert.False(await QueryAsync(db => db.OfficeHours.AnyAsync()));

            var row = await calendar.SetOfficeHoursAsync("08", " 07:00-11:00, 13:00-16:00 ", "Quyết định 99/QĐ-UBND (thử)", "qt.08", CancellationToken.None);
            Assert.Equal(("07:00-11:00,13:00-16:00", "qt.08"), (row.Hours, row.UpdatedBy));
        }

        // The next dossier's deadline closes at 16:00; the earlier one's stays; other provinces keep the national hours.
        var after = await DossierSeeds.OpenAsync(App.Services, "xa.binh", "00706");
        Assert.Equal(new TimeOnly(16, 0), await DueTimeAsync(after));
        Assert.Equal(new TimeOnly(17, 0), await DueTimeAsync(before));
        var engine = App.Services.GetRequiredService<Engine.Runtime.WorkflowEngine>();
        Assert.Equal(new TimeOnly(17, 0), engine.CalendarForProvince("01").CloseOfBusiness);
        Assert.Equal(new TimeOnly(17, 0), engine.Calendar.CloseOfBusiness);

        // Another node holds its own hours in memory; its reloader (CalendarService.ReloadAsync) reads the row.
        var otherNode = new LiveOfficeHours(OfficeHours.Default, new Dictionary<string, OfficeHours>());
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await new CalendarService(scope.ServiceProvider.GetRequiredService<AppDbContext>(), new LiveWorkingDays(), otherNode, TimeProvider.System).ReloadAsync(CancellationToken.None);
        }

        Assert.Equal(new TimeOnly(16, 0), otherNode.OfProvince("08").AfternoonEnd);
        Assert.Equal(new TimeOnly(17, 0), otherNode.OfProvince(null).AfternoonEnd);

        await using (var scope = App.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<CalendarService>().ClearOfficeHoursAsync("08", "qt.08", CancellationToken.None));
        }

        Assert.Equal(new TimeOnly(17, 0), engine.CalendarForProvince("08").CloseOfBusiness);
        Assert.Equal(["calendar.office-hours-set", "calendar.office-hours-cleared"],
            await QueryAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action.StartsWith("calendar.office-hours") && a.Subject == "calendar/office-hours/08")
                .OrderBy(a => a.Sequence).Select(a => a.Action).ToListAsync()));
        Assert.Null(await QueryAsync(db => Features.Audit.AuditTrail.VerifyAsync(db, CancellationToken.None)));
    }

    [Fact]
    public async Task A_provinces_outbox_is_that_of_its_instances_and_a_dead_letter_sent_again_keeps_its_message_id()
    {
        var dossier = await DossierSeeds.OpenAsync(App.Services, "xa.lan", "00700");
        var instance = await QueryAsync(db => db.Dossiers.Where(d => d.Id == dossier).Select(d => d.InstanceId!.Value).SingleAsync());
        long own, other;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            OutboxMessageRow Dead(Guid instanceId, string key) => new()
            {
                DedupKey = key, Channel = EmailNotificationHandler.EmailChannel, InstanceId = instanceId, ElementId = "notify", MessageId = MessageIds.FromDedupKey(key, "ntm.test"),
                Status = OutboxStatus.Dead, Attempts = 8, CreatedAt = DateTimeOffset.UtcNow, NextAttemptAt = DateTimeOffset.UtcNow, LastError = "refused",
                Payload = JsonSerializer.Serialize(new EmailPayload(["a@ntm.test"], "Thư", "x", []), EmailPayload.Json),
            };
            var (a, b) = (Dead(instance, $"{instance}/notify/1"), Dead(Guid.NewGuid(), "other/notify/1"));
            db.OutboxMessages.AddRange(a, b);
            await db.SaveChangesAsync();
            (own, other) = (a.Id, b.Id);
        }

        await using var service = App.Services.CreateAsyncScope();
        var outbox = service.ServiceProvider.GetRequiredService<OutboxService>();
        var province = await outbox.PageAsync(OutboxStatus.Dead, 1, ["08"], CancellationToken.None);
        Assert.Equal([own], province.Items.Select(i => i.Id));
        Assert.Equal(["a@ntm.test"], province.Items[0].Recipients);
        Assert.Equal(2, (await outbox.CountsAsync(null, CancellationToken.None))[OutboxStatus.Dead]);
        Assert.Equal(404, (await Assert.ThrowsAsync<OutboxException>(() => outbox.ResendAsync(other, "qt.08", ["08"], CancellationToken.None))).Status);

        var resent = await outbox.ResendAsync(own, "qt.08", ["08"], CancellationToken.None);
        var row = await QueryAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(o => o.Id == own));
        Assert.Equal((OutboxStatus.Pending, 0, MessageIds.FromDedupKey($"{instance}/notify/1", "ntm.test")), (row.Status, row.Attempts, row.MessageId));
        Assert.Equal(resent.MessageId, row.MessageId);
        Assert.Equal(409, (await Assert.ThrowsAsync<OutboxException>(() => outbox.ResendAsync(own, "admin", null, CancellationToken.None))).Status);
    }
}

public sealed class SettingsServiceTests_Sqlite : SettingsServiceTests;

[Trait("Db", "Postgres")]
public sealed class SettingsServiceTests_Postgres : SettingsServiceTests
{
    protected override bool OnPostgres => true;
}
