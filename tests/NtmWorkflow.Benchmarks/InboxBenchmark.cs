using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Inbox;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Workflows.Store;
using NtmWorkflow.Web.Persistence;

/// <summary>
/// The inbox at scale: open tasks spread over the communes, departments and offices of three provinces, and
/// what closed tasks leave behind (a completed task's row is deleted; its instance, dossier and two history
/// entries stay), bulk-inserted (binary COPY on PostgreSQL, one prepared statement in one transaction on
/// SQLite); then <see cref="InboxService.ListAsync"/> timed for several officials and filters.
/// </summary>
internal static class InboxBenchmark
{
    private const int Provinces = 3;
    private const int CommunesPerProvince = 120;
    private const int TasksPerClosedInstance = 20;

    private static readonly string[] ProvinceCodes = ["08", "15", "19"];
    private static readonly string[] NameFirst = ["Ngọc", "Minh", "Hồng", "Tân", "Phú", "Yên", "Bình", "Thái", "Hòa", "Kim", "Đức", "Trung"];
    private static readonly string[] NameSecond = ["Đường", "Tiến", "Lạc", "Sơn", "Thành", "Lâm", "Xuân", "Hà", "An", "Phong"];
    private static readonly string[] Departments = ["noi-vu", "nong-nghiep", "xay-dung", "giao-duc", "y-te", "van-hoa", "tai-chinh", "cong-thuong", "tu-phap", "cong-an"];

    /// <summary>The steps open tasks stand at, with who does them and how often (of 100).</summary>
    private static readonly (string Step, string Name, string Who, int Weight)[] Steps =
    [
        ("selfAssessment", "Xã tự đánh giá mức đạt từng tiêu chí", "commune", 20),
        ("postingAndSurvey", "Xã công khai kết quả và lấy ý kiến sự hài lòng của người dân", "commune", 15),
        ("submitDossier", "Xã hoàn thiện và nộp hồ sơ đề nghị", "commune", 10),
        ("intake", "Văn phòng Điều phối tiếp nhận, kiểm tra hồ sơ", "coordination", 10),
        ("verification", "Thẩm tra hồ sơ và mức đạt chuẩn", "verifier", 5),
        ("departmentReview", "Sở, ngành thẩm định tiêu chí phụ trách", "department", 30),
        ("councilPreparation", "Chuẩn bị họp Hội đồng thẩm định", "coordination", 5),
        ("decision", "Chủ tịch UBND tỉnh quyết định công nhận", "chairman", 5),
    ];

    public static async Task RunAsync(string providerName, string provider, string connectionString, string dataDirectory, int open, int closed, int repetitions, string? explain)
    {
        using var host = BenchmarkHost.Build(provider, connectionString, dataDirectory, importUnits: false);
        await host.StartAsync();
        try
        {
            var now = DateTimeOffset.UtcNow;
            var seeding = Stopwatch.StartNew();
            var officials = await SeedAsync(host.Services, open, closed, now);
            seeding.Stop();
            Console.WriteLine($"inbox ({providerName}): seeded {open:N0} open and {closed:N0} closed tasks in {seeding.Elapsed.TotalSeconds:N1} s");

            // Every scenario is an official and a filter an inbox page really asks for.
            (string Name, Official Official, InboxFilter Filter)[] scenarios =
            [
                ("commune officer, first page", officials.Commune, new InboxFilter()),
                ("commune officer, only mine", officials.Commune, new InboxFilter(OnlyMine: true)),
                ("coordination office, first page", officials.Coordination, new InboxFilter()),
                ("coordination office, page 4", officials.Coordination, new InboxFilter(Page: 4)),
                ("coordination office, commune filter", officials.Coordination, new InboxFilter(Commune: "ngọc")),
                ("coordination office, search", officials.Coordination, new InboxFilter(Search: $"-{officials.Province}01")),
                ("coordination office, overdue", officials.Coordination, new InboxFilter(Due: DueState.Overdue)),
                ("department reviewer, first page", officials.Department, new InboxFilter()),
                ("department reviewer, step and due soon", officials.Department, new InboxFilter(Step: "departmentReview", Due: DueState.DueSoon)),
                ("chairman, first page", officials.Chairman, new InboxFilter()),
            ];

            foreach (var (name, official, filter) in scenarios.Where(s => explain is not null && s.Name.Contains(explain, StringComparison.Ordinal)))
            {
                await ExplainAsync(host.Services, $"{providerName}, {name}", official, filter);
            }

            var all = new List<double>();
            var lines = new List<string>();
            foreach (var (name, official, filter) in scenarios)
            {
                // Warm: JIT, EF's query cache, prepared statements.
                var page = await ListAsync(host.Services, official, filter);
                for (var i = 0; i < 2; i++)
                {
                    await ListAsync(host.Services, official, filter);
                }

                var times = new List<double>();
                var budget = Stopwatch.StartNew();
                while (times.Count < repetitions && budget.Elapsed < TimeSpan.FromSeconds(30))
                {
                    var call = Stopwatch.StartNew();
                    await ListAsync(host.Services, official, filter);
                    times.Add(call.Elapsed.TotalMilliseconds);
                }

                all.AddRange(times);
                times.Sort();
                lines.Add($"  {name}: {page.Matching:N0} matching of {page.Mine + page.Unclaimed:N0} visible; p50 {At(times, 0.5):N1} ms, p95 {At(times, 0.95):N1} ms ({times.Count} calls)");
            }

            all.Sort();
            Console.WriteLine($"inbox ({providerName}, {open:N0} open / {closed:N0} closed): p50 {At(all, 0.5):N1} ms, p95 {At(all, 0.95):N1} ms, p99 {At(all, 0.99):N1} ms"
                              + $" ({all.Count} calls: {scenarios.Length} officials and filters)");
            foreach (var line in lines)
            {
                Console.WriteLine(line);
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static double At(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static async Task<InboxPage> ListAsync(IServiceProvider services, Official official, InboxFilter filter)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<InboxService>().ListAsync(official, filter, CancellationToken.None);
    }

    private sealed record Officials(string Province, Official Commune, Official Coordination, Official Department, Official Chairman);

    private static Official Holding(string userName, string unitKind, string unitCode, string role) =>
        new(userName, userName, userName, null, [(new UnitKey(unitKind, unitCode), role)]);

    private static async Task<Officials> SeedAsync(IServiceProvider services, int open, int closed, DateTimeOffset now)
    {
        var random = new Random(20261124);
        var communes = ProvinceCodes.SelectMany((p, pi) => Enumerable.Range(0, CommunesPerProvince)
            .Select(c => (Province: p, Code: $"{p}{c:000}", Name: $"Xã {NameFirst[c % NameFirst.Length]} {NameSecond[c / NameFirst.Length % NameSecond.Length]}"))).ToList();
        var stepTable = Steps.SelectMany(s => Enumerable.Repeat(s, s.Weight)).ToArray();

        string Group(string who, (string Province, string Code, string Name) commune, int department) => who switch
        {
            "commune" => $"commune-{commune.Code}",
            "coordination" => $"coordination-office-{commune.Province}",
            "verifier" => $"verifier-{commune.Province}",
            "department" => $"department-{commune.Province}-{Departments[department]}",
            _ => $"chairman-{commune.Province}",
        };

        // Two officers in each group; who holds a claimed task.
        string Member(string group, int which) => $"{group}.u{which}";

        var openInstances = Math.Max(1, open / 2);
        var closedInstances = Math.Max(1, closed / TasksPerClosedInstance);
        var instances = new List<(Guid Id, string Code, int Commune, bool Open)>();
        for (var i = 0; i < openInstances + closedInstances; i++)
        {
            var commune = random.Next(communes.Count);
            instances.Add((Guid.NewGuid(), $"{2021 + (i % 5)}-NTM-{communes[commune].Code}-{i:000000}", commune, i < openInstances));
        }

        // A few KB of state, as a running instance has.
        var state = "{\"variables\":{" + string.Join(',', Enumerable.Range(0, 60).Select(i => $"\"v{i}\":\"{new string('x', 40)}\"")) + "}}";
        var openedAt = now.AddDays(-400);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var criteriaSet = await db.CriteriaSets.AsNoTracking().OrderBy(s => s.Id).Select(s => new { s.Id, s.Code }).FirstAsync();
        await BulkInsertAsync(db, instances.Select(i => new WorkflowInstanceRow
        {
            Id = i.Id, ProcessId = "ntm-commune-two-tier", Version = 1, BusinessKey = i.Code, Status = i.Open ? InstanceStatus.Running : InstanceStatus.Completed,
            Revision = i.Open ? 12 : 60, State = state, UpdatedAt = now.AddDays(-random.Next(0, 300)),
        }));
        await BulkInsertAsync(db, instances.Select(i => new DossierRow
        {
            Id = Guid.NewGuid(), Code = i.Code, Subject = CriteriaSubject.Commune, Tier = RecognitionTier.Ntm, Year = int.Parse(i.Code[..4], CultureInfo.InvariantCulture),
            ProvinceCode = communes[i.Commune].Province, CommuneCode = communes[i.Commune].Code, CommuneName = communes[i.Commune].Name,
            OpenedOn = DateOnly.FromDateTime(openedAt.UtcDateTime), ProcessId = "ntm-commune-two-tier", CriteriaSetId = criteriaSet.Id, CriteriaSetCode = criteriaSet.Code,
            InstanceId = i.Id, Status = i.Open ? DossierStatus.InProgress : DossierStatus.Recognised, CreatedAt = openedAt, CreatedBy = "bench", UpdatedAt = now,
        }));
        var dossierOf = await db.Dossiers.AsNoTracking().Select(d => new { d.InstanceId, d.Id }).ToDictionaryAsync(d => d.InstanceId!.Value, d => d.Id);

        // The open tasks: two per running instance, at weighted steps; a third claimed; some overdue, some due soon.
        var tasks = new List<WorkflowTaskRow>();
        var groups = new List<WorkflowTaskGroupRow>();
        for (var t = 0; t < open; t++)
        {
            var instance = instances[t / 2 % openInstances];
            var commune = communes[instance.Commune];
            var step = stepTable[random.Next(stepTable.Length)];
            var group = Group(step.Who, commune, random.Next(Departments.Length));
            var dueInDays = random.Next(100) switch { < 8 => -random.Next(1, 15), < 20 => random.Next(0, 3), < 95 => random.Next(3, 45), _ => (int?)null };
            var task = new WorkflowTaskRow
            {
                Id = Guid.NewGuid(), InstanceId = instance.Id, ElementId = step.Step, Name = step.Name, Assignee = random.Next(3) == 0 ? Member(group, random.Next(2)) : null,
                CandidateUsers = "[]", CandidateGroups = $"[\"{group}\"]", Due = dueInDays is { } d ? now.AddDays(d) : null, Priority = 50,
                FormKey = $"ntm:{step.Step}", Properties = "{}", Created = now.AddDays(-random.Next(1, 60)).AddMinutes(-random.Next(1440)),
                BusinessKey = instance.Code, DossierId = dossierOf[instance.Id], CommuneCode = commune.Code, CommuneName = commune.Name,
            };
            tasks.Add(task);
            if (task.Assignee is null)
            {
                groups.Add(new WorkflowTaskGroupRow { TaskId = task.Id, Group = group });
            }
        }

        await BulkInsertAsync(db, tasks);
        await BulkInsertAsync(db, groups);

        // The closed tasks: an activation and a completion each in the history of a finished instance.
        IEnumerable<WorkflowHistoryRow> History()
        {
            for (var t = 0; t < closed; t++)
            {
                var instance = instances[openInstances + (t / TasksPerClosedInstance % closedInstances)];
                var step = Steps[t % Steps.Length];
                var at = openedAt.AddMinutes(t % 500_000);
                yield return new WorkflowHistoryRow { InstanceId = instance.Id, Time = at, Event = "activated", ElementId = step.Step };
                yield return new WorkflowHistoryRow
                {
                    InstanceId = instance.Id, Time = at.AddDays(3), Event = "completed", ElementId = step.Step,
                    Actor = Member(Group(step.Who, communes[instance.Commune], t % Departments.Length), t % 2),
                };
            }
        }

        await BulkInsertAsync(db, History());
        if (db.Database.IsNpgsql())
        {
            // As autovacuum would soon after a load of this size.
            await db.Database.ExecuteSqlRawAsync("ANALYZE");
        }

        // The seeded rows read back through EF the way the app writes them (guids, instants, enums).
        var probe = tasks[^1];
        if (await db.WorkflowTasks.CountAsync(t => t.Id == probe.Id && t.Due == probe.Due && t.DossierId == probe.DossierId) != 1
            || await db.WorkflowTaskGroups.CountAsync() != groups.Count || await db.Dossiers.CountAsync(d => d.Status == DossierStatus.Recognised) != closedInstances)
        {
            throw new InvalidOperationException("The seeded rows do not read back as the app writes them.");
        }

        // The officials: of the busiest units, so the figures are for the fullest inboxes.
        var busiest = tasks.GroupBy(t => t.CommuneCode).OrderByDescending(g => g.Count()).First().Key!;
        var province = busiest[..2];
        var department = Departments.OrderByDescending(k => tasks.Count(t => t.CandidateGroups.Contains($"department-{province}-{k}", StringComparison.Ordinal))).First();
        var communeGroup = $"commune-{busiest}";
        return new Officials(
            province,
            Holding(Member(communeGroup, 0), UnitKey.Commune, busiest, Roles.CommuneOfficer),
            Holding(Member($"coordination-office-{province}", 0), UnitKey.CoordinationOffice, province, Roles.CoordinationOffice),
            Holding(Member($"department-{province}-{department}", 0), UnitKey.Department, $"{province}/{department}", Roles.DepartmentReviewer),
            Holding(Member($"chairman-{province}", 0), UnitKey.Province, province, Roles.Chairman));
    }

    /// <summary>
    /// Inserts rows into the entity's table with the columns and conversions of the EF model (so the rows read
    /// back exactly as if EF had written them): PostgreSQL by binary COPY, SQLite by one prepared INSERT in one
    /// transaction. Database-generated keys are left to the database.
    /// </summary>
    private static async Task BulkInsertAsync<T>(AppDbContext db, IEnumerable<T> rows)
        where T : class
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException(typeof(T).Name);
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var properties = entity.GetProperties().Where(p => p.ValueGenerated != ValueGenerated.OnAdd || !p.IsPrimaryKey() || p.ClrType == typeof(Guid)).ToList();
        var columns = string.Join(", ", properties.Select(p => $"\"{p.GetColumnName(table)}\""));
        var mappings = properties.Select(p => p.GetRelationalTypeMapping()).ToList();
        object? Value(int i, T row) => properties[i].PropertyInfo!.GetValue(row);

        await db.Database.OpenConnectionAsync();
        try
        {
            var connection = db.Database.GetDbConnection();
            if (connection is NpgsqlConnection npgsql)
            {
                await using var importer = await npgsql.BeginBinaryImportAsync($"COPY \"{table.Name}\" ({columns}) FROM STDIN (FORMAT BINARY)");
                foreach (var row in rows)
                {
                    await importer.StartRowAsync();
                    for (var i = 0; i < properties.Count; i++)
                    {
                        var value = Value(i, row);
                        if (value is null)
                        {
                            await importer.WriteNullAsync();
                        }
                        else
                        {
                            // The model's converter (instants as UTC, enums as text); the CLR type picks the PostgreSQL type.
                            await importer.WriteAsync(mappings[i].Converter?.ConvertToProvider(value) ?? value);
                        }
                    }
                }

                await importer.CompleteAsync();
                return;
            }

            await using var transaction = await connection.BeginTransactionAsync();
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"INSERT INTO \"{table.Name}\" ({columns}) VALUES ({string.Join(", ", properties.Select((_, i) => $"@p{i}"))})";
            foreach (var row in rows)
            {
                // The model's own parameters (a guid as the text EF writes, instants as UTC); the statement stays prepared.
                command.Parameters.Clear();
                for (var i = 0; i < properties.Count; i++)
                {
                    command.Parameters.Add(mappings[i].CreateParameter(command, $"@p{i}", Value(i, row), nullable: true));
                }

                await command.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Prints each statement of one inbox call with the database's plan (EXPLAIN ANALYZE / EXPLAIN QUERY PLAN).</summary>
    private static async Task ExplainAsync(IServiceProvider services, string scenario, Official official, InboxFilter filter)
    {
        Console.WriteLine($"inbox ({scenario}) plans for one call of {official.UserName} ({string.Join(", ", official.Groups)}):");
        using var observer = new CommandObserver();
        using (DiagnosticListener.AllListeners.Subscribe(observer))
        {
            // EF caches for a second whether anyone listens to command events.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await ListAsync(services, official, filter);
        }
    }

    /// <summary>Runs EXPLAIN for every command EF is about to execute, with the same parameters, on the same connection.</summary>
    private sealed class CommandObserver : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly List<IDisposable> _subscriptions = [];

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
            {
                _subscriptions.Add(value.Subscribe(this));
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key != RelationalEventId.CommandExecuting.Name || value.Value is not CommandEventData { Command: var command })
            {
                return;
            }

            using var explain = command.Connection!.CreateCommand();
            explain.Transaction = command.Transaction;
            explain.CommandText = (command is NpgsqlCommand ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN QUERY PLAN ") + command.CommandText;
            foreach (DbParameter parameter in command.Parameters)
            {
                explain.Parameters.Add(parameter is NpgsqlParameter npgsql ? npgsql.Clone() : Copy((SqliteParameter)parameter));
            }

            Console.WriteLine("  " + command.CommandText.ReplaceLineEndings("\n  "));
            using var reader = explain.ExecuteReader();
            while (reader.Read())
            {
                // PostgreSQL: one line of plan per row; SQLite: id, parent, notused, detail.
                Console.WriteLine("    | " + reader.GetString(reader.FieldCount - 1));
            }
        }

        private static SqliteParameter Copy(SqliteParameter p) => new(p.ParameterName, p.Value) { SqliteType = p.SqliteType, Size = p.Size };

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }
        }
    }
}
