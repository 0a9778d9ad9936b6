using System.Net;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Accounts;

namespace NtmWorkflow.Web.Tests.Council;

/// <summary>
/// The app with the council of Tuyên Quang (08) appointed from 2026-01-01 — five voting members (hd.an chair, hd.son
/// vice chair, hd.binh, hd.cuong, hd.dung) and the secretary hd.thu — and two dossiers waiting for it: Xã Ngọc Đường's
/// and Xã Phú Linh's.
/// </summary>
public abstract class CouncilTestHost : AppTestHost
{
    protected static readonly string[] Voters = ["hd.an", "hd.son", "hd.binh", "hd.cuong", "hd.dung"];

    protected Guid NgocDuong { get; private set; }

    protected Guid PhuLinh { get; private set; }

    protected override async Task SeedAsync()
    {
        foreach (var user in Voters.Where(v => v != "hd.son"))
        {
            await CreateOfficialAsync(user, "council:08", Roles.CouncilMember);
        }

        string[] positions = ["Chair", "ViceChair", "Member", "Member", "Member"];
        foreach (var (user, position) in Voters.Zip(positions))
        {
            await OkAsync("admin", HttpMethod.Post, "/api/council/08/members", new { userName = user, position, from = "2026-01-01" }, HttpStatusCode.Created);
        }

        await OkAsync("admin", HttpMethod.Post, "/api/council/08/members", new { userName = "hd.thu", position = "Secretary", from = "2026-01-01" }, HttpStatusCode.Created);
        NgocDuong = await DossierSeeds.AwaitingCouncilAsync(App.Services, "xa.lan", "00700");
        PhuLinh = await DossierSeeds.AwaitingCouncilAsync(App.Services, "xa.binh", "00706");
    }
}
