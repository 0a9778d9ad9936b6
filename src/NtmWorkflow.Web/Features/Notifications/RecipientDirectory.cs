using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Accounts;

namespace NtmWorkflow.Web.Features.Notifications;

/// <summary>
/// Section <c>Recipients</c>: extra addresses per candidate group and head, besides the officials who hold
/// the group's role at its unit (<see cref="Organisation.OrganisationService"/>). Group names are the BPMN's candidate groups (<c>commune-00745</c>,
/// <c>department-agriculture</c>, <c>coordination-office</c>, …).
/// </summary>
public sealed class RecipientOptions
{
    public const string SectionName = "Recipients";

    /// <summary>Members' addresses per candidate group.</summary>
    public Dictionary<string, List<string>> Groups { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The head's address(es) per candidate group (chủ tịch UBND xã, giám đốc sở, …).</summary>
    public Dictionary<string, List<string>> Heads { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The provincial coordination office's addresses (besides users in the CoordinationOffice role).</summary>
    public List<string> CoordinationOffice { get; set; } = [];
}

/// <summary>
/// Resolves the recipients a send task names, each comma-separated:
/// <list type="bullet">
/// <item><c>assignee</c>, <c>candidates</c>, <c>head</c>: of the task the mail is about (its assignee; its candidate users and groups' members; the heads of its groups);</item>
/// <item><c>coordination-office</c>: the provincial coordination office;</item>
/// <item><c>group:NAME</c>, <c>head:NAME</c>, <c>role:NAME</c>, <c>user:NAME</c>, or an address.</item>
/// </list>
/// A user is found by user name in the app's accounts; a group by who holds its role at its unit today
/// (<c>department-01-noi-vu</c>: the Home Affairs reviewers of province 01), by configuration, and by the role of
/// the same name; <c>coordination-office</c> is the office of the instance's province when it has one.
/// </summary>
public sealed class RecipientDirectory(IServiceScopeFactory scopes, IOptionsMonitor<RecipientOptions> options)
{
    public const string CoordinationOfficeGroup = "coordination-office";

    /// <summary>Addresses, sorted and without duplicates; throws on a token it cannot read.</summary>
    public async Task<IReadOnlyList<string>> ResolveAsync(string recipients, IReadOnlyList<TaskView> tasks, CancellationToken cancellationToken, string? provinceCode = null)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(tasks);
        var directory = options.CurrentValue;
        var found = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var organisation = scope.ServiceProvider.GetRequiredService<Organisation.OrganisationService>();

        void AddUsers(IEnumerable<AppUser> holders) => found.UnionWith(holders.Select(u => u.Email).Where(e => !string.IsNullOrWhiteSpace(e))!);

        async Task AddHeadsAsync(string group)
        {
            found.UnionWith(directory.Heads.GetValueOrDefault(group) ?? []);
            AddUsers(await organisation.HeadsOfGroupAsync(group, null, cancellationToken));
        }

        async Task AddUserAsync(string name)
        {
            if (MimeKit.MailboxAddress.TryParse(name, out _) && name.Contains('@', StringComparison.Ordinal))
            {
                found.Add(name);
                return;
            }

            var user = await users.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedUserName == users.NormalizeName(name), cancellationToken);
            if (!string.IsNullOrWhiteSpace(user?.Email))
            {
                found.Add(user.Email);
            }
        }

        async Task AddRoleAsync(string role)
        {
            foreach (var user in await users.GetUsersInRoleAsync(role))
            {
                if (!string.IsNullOrWhiteSpace(user.Email))
                {
                    found.Add(user.Email);
                }
            }
        }

        async Task AddGroupAsync(string group)
        {
            found.UnionWith(directory.Groups.GetValueOrDefault(group) ?? []);
            AddUsers(await organisation.MembersOfGroupAsync(group, null, cancellationToken));
            await AddRoleAsync(group);
        }

        foreach (var part in recipients.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (kind, name) = part.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? (part[..colon].Trim().ToLowerInvariant(), part[(colon + 1)..].Trim()) : (part.ToLowerInvariant(), "");
            switch (kind)
            {
                case "assignee":
                    foreach (var task in tasks.Where(t => t.Assignee is not null))
                    {
                        await AddUserAsync(task.Assignee!);
                    }

                    break;
                case "candidates":
                    foreach (var user in tasks.SelectMany(t => t.CandidateUsers).Distinct(StringComparer.Ordinal))
                    {
                        await AddUserAsync(user);
                    }

                    foreach (var group in tasks.SelectMany(t => t.CandidateGroups).Distinct(StringComparer.Ordinal))
                    {
                        await AddGroupAsync(group);
                    }

                    break;
                case "head":
                    foreach (var group in tasks.SelectMany(t => t.CandidateGroups).Distinct(StringComparer.Ordinal))
                    {
                        await AddHeadsAsync(group);
                    }

                    break;
                case "coordination-office":
                    found.UnionWith(directory.CoordinationOffice);
                    await AddGroupAsync(CoordinationOfficeGroup);
                    var before = found.Count;
                    if (provinceCode is not null)
                    {
                        await AddGroupAsync($"{CoordinationOfficeGroup}-{provinceCode}");
                    }

                    // Without a province, or before the province's office has officials assigned: everyone in the role.
                    if (found.Count == before)
                    {
                        await AddRoleAsync(Roles.CoordinationOffice);
                    }

                    break;
                case "group" when name.Length > 0:
                    await AddGroupAsync(name);
                    break;
                case "head" or "heads" when name.Length > 0:
                    await AddHeadsAsync(name);
                    break;
                case "role" when name.Length > 0:
                    await AddRoleAsync(name);
                    break;
                case "user" when name.Length > 0:
                    await AddUserAsync(name);
                    break;
                default:
                    if (MimeKit.MailboxAddress.TryParse(part, out _) && part.Contains('@', StringComparison.Ordinal))
                    {
                        found.Add(part);
                        break;
                    }

                    throw new InvalidOperationException(
                        $"'{part}' is not a recipient: use assignee, candidates, head, coordination-office, group:NAME, head:NAME, role:NAME, user:NAME or an address");
            }
        }

        return [.. found];
    }
}
