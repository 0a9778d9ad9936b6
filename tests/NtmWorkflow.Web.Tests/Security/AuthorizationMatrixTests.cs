using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Tests.Security;

/// <summary>
/// Every route of the app × who calls it → the status expected: anonymous (no API key, no sign-in), an
/// official of the dossier's own unit (Xã Ngọc Đường, 00700), of another unit of the province (Xã Phú Linh,
/// 00706), and of another province (Xã Sóc Sơn, Hà Nội). The route list is read from the app itself: a new
/// route without a row here fails, so every route gets a rule when it is added. Later issues add their rows.
/// </summary>
public sealed class AuthorizationMatrixTests : AppTestHost
{
    private Guid _dossier;
    private Guid _task;
    private Guid _session;

    /// <summary>An id nothing has.</summary>
    private const string Unknown = "0f0e0d0c-0b0a-0908-0706-050403020100";

    /// <summary>A status, or null where the caller kind does not apply to the route (a trusted system's call).</summary>
    /// <remarks>
    /// <c>Council</c> is the status as hd.son, a member (the chair) of the council of Tuyên Quang sitting in the fixture's session:
    /// the right role for the council's routes, the wrong one for the secretary's and the coordination office's actions.
    /// </remarks>
    private sealed record Rule(string Path, int Anonymous, int? Own = null, int? OtherUnit = null, int? OtherProvince = null, object? Body = null, int? Council = null);

    /// <summary>
    /// The rules, by method and route pattern as the app declares them. Paths may name {dossier} and {task}:
    /// the fixture's dossier of 00700 and its open task; {session} the fixture's council session.
    /// </summary>
    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        // Public pages and probes.
        // A page's POST without the antiforgery token of its form is refused (400) for everyone.
        ["GET /"] = new("/", 200, 200, 200, 200),
        ["POST /"] = new("/", 400),
        ["GET /Index"] = new("/Index", 200),
        ["POST /Index"] = new("/Index", 400),
        ["GET /Error"] = new("/Error", 200),
        ["POST /Error"] = new("/Error", 200), // the error page also serves failed POSTs (re-executed), so it takes no token
        ["GET /account/sign-in"] = new("/account/sign-in", 200),
        ["GET /Account/SignIn"] = new("/Account/SignIn", 200),
        ["POST /account/sign-in"] = new("/account/sign-in", 400),
        ["POST /Account/SignIn"] = new("/Account/SignIn", 400),
        // Single sign-on's start and return: not found while Authentication:Oidc is off (as here); Accounts/SingleSignOnTests with it on.
        ["GET /account/sign-in/external"] = new("/account/sign-in/external?handler=Start", 404, 404, 404, 404),
        ["POST /account/sign-in/external"] = new("/account/sign-in/external", 400),
        ["GET /account/sign-out"] = new("/account/sign-out", 302),
        ["POST /account/sign-out"] = new("/account/sign-out", 400),
        ["GET /culture/{name}"] = new("/culture/en?returnUrl=/", 302),
        ["GET /health/live"] = new("/health/live", 200),
        ["POST /health/live"] = new("/health/live", 200),
        ["GET /health/ready"] = new("/health/ready", 200),
        ["POST /health/ready"] = new("/health/ready", 200),
        ["GET /openapi/{documentName}.json"] = new("/openapi/v1.json", 200),
        ["GET /scalar/{documentName?}"] = new("/scalar/v1", 200),
        ["GET /scalar/favicon.svg"] = new("/scalar/favicon.svg", 200),
        ["GET /scalar/scalar.js"] = new("/scalar/scalar.js", 200),
        ["GET /scalar/scalar.aspnetcore.js"] = new("/scalar/scalar.aspnetcore.js", 200),

        // Officials' pages: signed in, everyone sees only their own tasks.
        ["GET /inbox"] = new("/inbox", 302, 200, 200, 200),
        ["POST /inbox"] = new("/inbox?handler=Claim", 302),
        ["GET /dossiers/{id:guid}"] = new("/dossiers/{dossier}", 302, 200, 403, 403),
        ["POST /dossiers/{id:guid}"] = new("/dossiers/{dossier}", 302),
        ["GET /dossiers/{id:guid}/self-assessment"] = new("/dossiers/{dossier}/self-assessment", 302, 200, 403, 403),
        ["POST /dossiers/{id:guid}/self-assessment"] = new("/dossiers/{dossier}/self-assessment?handler=Indicator", 302),
        ["GET /dossiers/{id:guid}/review/{taskId:guid}"] = new("/dossiers/{dossier}/review/{task}", 302, 404, 403, 403), // the fixture's task is no review
        ["POST /dossiers/{id:guid}/review/{taskId:guid}"] = new("/dossiers/{dossier}/review/{task}", 302),
        ["GET /department"] = new("/department", 302, 403, 403, 403), // none of these officials reviews for a department
        ["POST /department"] = new("/department?handler=Agree", 302),
        ["GET /difficulties/{taskId:guid}"] = new($"/difficulties/{Unknown}", 302, 404, 404, 404),
        ["POST /difficulties/{taskId:guid}"] = new($"/difficulties/{Unknown}", 302),
        // Personal preferences (the daily digest): every signed-in user, their own only.
        ["GET /account/preferences"] = new("/account/preferences", 302, 200, 200, 200, Council: 200),
        ["POST /account/preferences"] = new("/account/preferences", 302, 400, 400, 400, Council: 400),

        // Settings of people and criteria: administrators only (none of these officials administers); a POST without the page's token is refused (400).
        ["GET /admin/settings/users"] = new("/admin/settings/users", 302, 403, 403, 403, Council: 403),
        ["POST /admin/settings/users"] = new("/admin/settings/users?handler=Create", 302, 400, 400, 400, Council: 400),
        ["GET /admin/settings/users/{userName}"] = new("/admin/settings/users/xa.lan", 302, 403, 403, 403, Council: 403),
        ["POST /admin/settings/users/{userName}"] = new("/admin/settings/users/xa.lan?handler=Lock", 302, 400, 400, 400, Council: 400),
        ["GET /admin/settings/criteria"] = new("/admin/settings/criteria", 302, 403, 403, 403, Council: 403),
        ["POST /admin/settings/criteria"] = new("/admin/settings/criteria?handler=Verified", 302, 400, 400, 400, Council: 400),
        ["GET /admin/settings/criteria/{code}"] = new("/admin/settings/criteria/xa-ntm-2021-2025", 302, 403, 403, 403, Council: 403),
        ["POST /admin/settings/criteria/{code}"] = new("/admin/settings/criteria/xa-ntm-2021-2025?handler=Threshold", 302, 400, 400, 400, Council: 400),
        ["GET /admin/settings/digest"] = new("/admin/settings/digest", 302, 403, 403, 403, Council: 403),
        ["POST /admin/settings/digest"] = new("/admin/settings/digest?handler=Send", 302, 400, 400, 400, Council: 400),
        ["GET /admin/settings/monthly-report"] = new("/admin/settings/monthly-report", 302, 403, 403, 403, Council: 403),
        ["POST /admin/settings/monthly-report"] = new("/admin/settings/monthly-report?handler=Send", 302, 400, 400, 400, Council: 400),

        // The council's pages: its province's council, coordination office, chairman and administrators; {session} is the
        // fixture's session of Tuyên Quang (08), with Phú Linh's dossier on its agenda.
        ["GET /council"] = new("/council", 302, 403, 403, 403, Council: 200),
        ["POST /council"] = new("/council?handler=Plan", 302, 400, 400, 400, Council: 400),
        ["GET /council/members"] = new("/council/members?province=08", 302, 403, 403, 403, Council: 200),
        ["POST /council/members"] = new("/council/members?province=08&handler=Appoint", 302, 400, 400, 400, Council: 400),
        ["GET /council/sessions/{id:guid}"] = new("/council/sessions/{session}", 302, 403, 403, 403, Council: 200),
        ["POST /council/sessions/{id:guid}"] = new("/council/sessions/{session}?handler=Close", 302, 400, 400, 400, Council: 400),
        // The instance monitor: administrators and the coordination office (their province's instances); commune officers
        // and council members are refused. {instance} is the fixture dossier's workflow instance.
        ["GET /admin/instances"] = new("/admin/instances", 302, 403, 403, 403, Council: 403),
        ["POST /admin/instances"] = new("/admin/instances", 302, 400, 400, 400, Council: 400),
        ["GET /admin/instances/migrate"] = new("/admin/instances/migrate", 302, 403, 403, 403, Council: 403),
        ["POST /admin/instances/migrate"] = new("/admin/instances/migrate?handler=Preview", 302, 400, 400, 400, Council: 400),
        // Administrative mergers: national administrators and a province's administrators only.
        ["GET /admin/mergers"] = new("/admin/mergers", 302, 403, 403, 403, Council: 403),
        ["POST /admin/mergers"] = new("/admin/mergers?handler=Preview", 302, 400, 400, 400, Council: 400),
        ["GET /admin/instances/{id:guid}"] = new("/admin/instances/{instance}", 302, 403, 403, 403, Council: 403),
        ["POST /admin/instances/{id:guid}"] = new("/admin/instances/{instance}?handler=Cancel", 302, 400, 400, 400, Council: 400),
        ["GET /council/sessions/{id:guid}/ballot"] = new("/council/sessions/{session}/ballot", 302, 403, 403, 403, Council: 200),
        ["POST /council/sessions/{id:guid}/ballot"] = new("/council/sessions/{session}/ballot?handler=Cast", 302, 400, 400, 400, Council: 400),

        // The process designer: administrators only (none of these officials administers); a POST without the page's token is refused (400).
        ["GET /admin/workflows"] = new("/admin/workflows", 302, 403, 403, 403, Council: 403),
        ["POST /admin/workflows"] = new("/admin/workflows", 302, 400, 400, 400),
        ["GET /admin/workflows/{processId}"] = new("/admin/workflows/ntm-village", 302, 403, 403, 403, Council: 403),
        ["POST /admin/workflows/{processId}"] = new("/admin/workflows/ntm-village?handler=Publish", 302, 400, 400, 400, Council: 400),
        ["GET /api/workflows/"] = new("/api/workflows", 401, 403, 403, 403, Council: 403),
        ["GET /api/workflows/{processId}/draft"] = new("/api/workflows/ntm-village/draft", 401, 403, 403, 403),
        ["PUT /api/workflows/{processId}/draft"] = new("/api/workflows/ntm-village/draft", 401, 403, 403, 403, new { bpmn = "<x/>" }),
        ["DELETE /api/workflows/{processId}/draft"] = new("/api/workflows/ntm-village/draft", 401, 403, 403, 403),
        ["GET /api/workflows/{processId}/draft/bpmn"] = new("/api/workflows/ntm-village/draft/bpmn", 401, 403, 403, 403),
        ["POST /api/workflows/{processId}/validate"] = new("/api/workflows/ntm-village/validate", 401, 403, 403, 403, new { bpmn = "<x/>" }),
        ["POST /api/workflows/{processId}/diff"] = new("/api/workflows/ntm-village/diff", 401, 403, 403, 403, new { bpmn = "<x/>" }),
        ["POST /api/workflows/{processId}/versions"] = new("/api/workflows/ntm-village/versions", 401, 403, 403, 403, new { bpmn = "<x/>" }, Council: 403),
        ["GET /api/workflows/{processId}/versions/{version:int}/bpmn"] = new("/api/workflows/ntm-village/versions/1/bpmn", 401, 403, 403, 403),
        // Moving running instances to another version on the API: administrators only (none of these officials administers).
        ["POST /api/instances/migrations/preview"] = new("/api/instances/migrations/preview", 401, 403, 403, 403, new { processId = "ntm-village", fromVersion = 1, toVersion = 2 }, Council: 403),
        ["POST /api/instances/migrations/apply"] = new("/api/instances/migrations/apply", 401, 403, 403, 403, new { processId = "ntm-village", fromVersion = 1, toVersion = 2 }, Council: 403),

        // The settings pages: administrators only (none of these officials administers); a POST without the page's token is refused (400).
        ["GET /public/recognised-communes"] = new("/public/recognised-communes?province=08", 200, 200, 200, 200),
        ["POST /public/recognised-communes"] = new("/public/recognised-communes", 400),
        ["GET /reports"] = new("/reports", 302, 403, 403, 403, Council: 403),
        ["POST /reports"] = new("/reports", 302, 400, 400, 400),
        ["GET /reports/dossiers"] = new("/reports/dossiers?level=Ntm", 302, 403, 403, 403, Council: 403),
        ["POST /reports/dossiers"] = new("/reports/dossiers", 302, 400, 400, 400),
        ["GET /reports/tasks"] = new("/reports/tasks?overdue=true", 302, 403, 403, 403, Council: 403),
        ["POST /reports/tasks"] = new("/reports/tasks", 302, 400, 400, 400),
        ["GET /admin/settings"] = new("/admin/settings", 302, 403, 403, 403, Council: 403),
        ["POST /admin/settings"] = new("/admin/settings", 302, 400, 400, 400),
        ["GET /admin/settings/parameters"] = new("/admin/settings/parameters?province=08", 302, 403, 403, 403, Council: 403),
        ["POST /admin/settings/parameters"] = new("/admin/settings/parameters?province=08&handler=Province", 302, 400, 400, 400, Council: 400),
        ["GET /admin/settings/calendar"] = new("/admin/settings/calendar?handler=Export", 302, 403, 403, 403, Council: 403),
        ["POST /admin/settings/calendar"] = new("/admin/settings/calendar?handler=Save", 302, 400, 400, 400, Council: 400),
        ["GET /admin/settings/mail-templates"] = new("/admin/settings/mail-templates?key=task-due&language=vi", 302, 403, 403, 403, Council: 403),
        ["POST /admin/settings/mail-templates"] = new("/admin/settings/mail-templates?key=task-due&language=vi&handler=Save", 302, 400, 400, 400, Council: 400),
        ["GET /admin/settings/outbox"] = new("/admin/settings/outbox?status=Dead", 302, 403, 403, 403, Council: 403),
        ["POST /admin/settings/outbox"] = new("/admin/settings/outbox?handler=Resend", 302, 400, 400, 400, Council: 400),

        // The engine's API and the administration APIs: a trusted system's key; officials' rights are checked where an official acts.
        ["GET /api/definitions"] = new("/api/definitions", 401),
        ["POST /api/processes/{processId}/instances"] = new("/api/processes/ntm-village/instances", 401),
        ["GET /api/instances/{instanceId:guid}"] = new("/api/instances/{instance}", 401),
        ["POST /api/instances/{instanceId:guid}/cancel"] = new("/api/instances/{instance}/cancel", 401),
        ["POST /api/instances/{instanceId:guid}/incidents/{incidentId}/retry"] = new("/api/instances/{instance}/incidents/x/retry", 401),
        ["GET /api/tasks"] = new("/api/tasks", 401),
        ["POST /api/tasks/{taskId:guid}/complete"] = new("/api/tasks/{task}/complete", 401),
        ["POST /api/messages/{messageName}"] = new("/api/messages/x", 401),
        ["POST /api/signals/{signalName}"] = new("/api/signals/x", 401),
        ["GET /api/calendar/days-off"] = new("/api/calendar/days-off", 401),
        ["PUT /api/calendar/days-off/{date}"] = new("/api/calendar/days-off/2027-01-01", 401),
        ["DELETE /api/calendar/days-off/{date}"] = new("/api/calendar/days-off/2027-01-01", 401),
        ["GET /api/calendar/export"] = new("/api/calendar/export", 401),
        ["POST /api/calendar/import"] = new("/api/calendar/import", 401),
        ["GET /api/calendar/working-days"] = new("/api/calendar/working-days?from=2026-01-01&to=2026-01-31", 401),
        ["GET /api/calendar/office-hours"] = new("/api/calendar/office-hours", 401),
        ["PUT /api/calendar/office-hours/{scope}"] = new("/api/calendar/office-hours/national", 401),
        ["DELETE /api/calendar/office-hours/{scope}"] = new("/api/calendar/office-hours/national", 401),
        ["GET /api/outbox"] = new("/api/outbox", 401),
        ["POST /api/outbox/{id:long}/resend"] = new("/api/outbox/1/resend", 401),
        ["GET /api/mail-templates"] = new("/api/mail-templates", 401),
        ["PUT /api/mail-templates/{key}/{culture}"] = new("/api/mail-templates/task-due/vi", 401),
        ["GET /api/criteria-sets"] = new("/api/criteria-sets", 401, 200, 200, 200),
        ["GET /api/criteria-sets/{code}"] = new("/api/criteria-sets/xa-ntm-2021-2025", 401, 200, 200, 200),
        ["GET /api/department-kinds"] = new("/api/department-kinds", 401, 200, 200, 200),
        ["GET /api/threshold-scopes"] = new("/api/threshold-scopes", 401, 200, 200, 200),
        ["GET /api/provinces/{provinceCode}/indicator-owners"] = new("/api/provinces/08/indicator-owners?set=xa-ntm-2021-2025", 401, 200, 200, 200),
        ["GET /api/legal-parameters/"] = new("/api/legal-parameters", 401, 200, 200, 200),
        ["GET /api/legal-parameters/{name}"] = new("/api/legal-parameters/intake.workingDays", 401, 200, 200, 200),
        ["GET /api/users/{userName}/roles"] = new("/api/users/xa.lan/roles", 401, 200, 200, 200),
        ["GET /api/users/{userName}/groups"] = new("/api/users/xa.lan/groups", 401, 200, 200, 200),

        // Administration: none of these officials administers anything.
        ["POST /api/criteria-sets/{code}/criteria"] = new("/api/criteria-sets/xa-ntm-2026-2030/criteria", 401, 403, 403, 403, new { number = 11, name = "x" }),
        ["PUT /api/criteria-sets/{code}/criteria/{number:int}"] = new("/api/criteria-sets/xa-ntm-2026-2030/criteria/1", 401, 403, 403, 403, new { name = "x" }),
        ["PUT /api/criteria-sets/{code}/verified"] = new("/api/criteria-sets/xa-ntm-2026-2030/verified", 401, 403, 403, 403, new { verified = true }),
        ["POST /api/criteria-sets/{code}/indicators"] = new("/api/criteria-sets/xa-ntm-2026-2030/indicators", 401, 403, 403, 403, new { number = "1.1", name = "x", kind = "YesNo", defaultDepartmentKind = "xay-dung" }),
        ["PUT /api/criteria-sets/{code}/indicators/{number}"] = new("/api/criteria-sets/xa-ntm-2021-2025/indicators/1.1", 401, 403, 403, 403, new { name = "x" }),
        ["PUT /api/criteria-sets/{code}/indicators/{number}/thresholds/{scope}"] = new("/api/criteria-sets/xa-ntm-2021-2025/indicators/2.1/thresholds/*", 401, 403, 403, 403, new { value = 50, source = "x" }),
        ["DELETE /api/criteria-sets/{code}/indicators/{number}/thresholds/{scope}"] = new("/api/criteria-sets/xa-ntm-2021-2025/indicators/2.1/thresholds/*", 401, 403, 403, 403),
        ["PUT /api/provinces/{provinceCode}/indicator-owners/{setCode}/{indicatorNumber}"] = new("/api/provinces/08/indicator-owners/xa-ntm-2021-2025/1.1", 401, 403, 403, 403,
            new { departmentKind = "xay-dung", validFrom = "2026-01-01", source = "x" }),
        ["PUT /api/legal-parameters/{name}"] = new("/api/legal-parameters/intake.workingDays", 401, 403, 403, 403, new { value = 4, source = "x" }),
        ["PUT /api/legal-parameters/{name}/provinces/{provinceCode}"] = new("/api/legal-parameters/intake.workingDays/provinces/08", 401, 403, 403, 403, new { value = 4, source = "x" }),
        ["DELETE /api/legal-parameters/{name}/provinces/{provinceCode}"] = new("/api/legal-parameters/intake.workingDays/provinces/08", 401, 403, 403, 403),
        ["POST /api/users/{userName}/roles"] = new("/api/users/xa.lan/roles", 401, 403, 403, 403, new { unit = "commune:00706", role = "CommuneOfficer" }),
        ["POST /api/users/{userName}/roles/{assignmentId:int}/end"] = new("/api/users/xa.lan/roles/1/end", 401, 403, 403, 403, new { }),

        // Dossiers: the commune's own officer works on it; another commune's, or another province's, sees nothing.
        ["POST /api/dossiers/"] = new("/api/dossiers", 401, 409, 403, 403, new { communeCode = "00700", tier = "Ntm", year = 2025, openedOn = "2025-09-15", thresholdScope = "*" }),
        ["GET /api/dossiers/{id:guid}/"] = new("/api/dossiers/{dossier}", 401, 200, 403, 403),
        ["GET /api/dossiers/{id:guid}/history"] = new("/api/dossiers/{dossier}/history", 401, 200, 403, 403),
        ["PUT /api/dossiers/{id:guid}/indicators/{number}"] = new("/api/dossiers/{dossier}/indicators/1.1", 401, 200, 403, 403, new { value = true, met = true }),
        ["POST /api/dossiers/{id:guid}/indicators/{number}/evidence"] = new("/api/dossiers/{dossier}/indicators/1.1/evidence", 401, 200, 403, 403, new { name = "QĐ", uri = "https://example.org/a.pdf" }),
        ["PUT /api/dossiers/{id:guid}/conditions"] = new("/api/dossiers/{dossier}/conditions", 401, 200, 403, 403, new { commentsReceived = 1 }),
        ["POST /api/dossiers/{id:guid}/self-assessment/complete"] = new("/api/dossiers/{dossier}/self-assessment/complete", 401, 422, 403, 403),
        ["POST /api/dossiers/{id:guid}/posting/complete"] = new("/api/dossiers/{dossier}/posting/complete", 401, 409, 403, 403),
        ["POST /api/dossiers/{id:guid}/submit"] = new("/api/dossiers/{dossier}/submit", 401, 409, 403, 403),
        ["POST /api/dossiers/{id:guid}/tasks/{taskId:guid}/review"] = new("/api/dossiers/{dossier}/tasks/{task}/review", 401, 409, 403, 403, new { decision = "forward" }),
        ["POST /api/dossiers/{id:guid}/decision"] = new("/api/dossiers/{dossier}/decision", 401, 409, 403, 403, new { decisionNumber = "1/QĐ", decisionDate = "2025-12-01" }),
        ["POST /api/dossiers/{id:guid}/revocation"] = new("/api/dossiers/{dossier}/revocation", 401, 403, 403, 403, new { failingCriteria = new[] { "10" } }),

        // The council's API: a province's routes are for officials of the province (commune officers hold no provincial role);
        // a session's routes for its council, coordination office, chairman and administrators.
        ["GET /api/council/{province}/members"] = new("/api/council/08/members", 401, 403, 403, 403, Council: 200),
        ["POST /api/council/{province}/members"] = new("/api/council/08/members", 401, 403, 403, 403, new { userName = "xa.lan", position = "Member" }, Council: 403),
        ["POST /api/council/{province}/members/{memberId:int}/end"] = new("/api/council/08/members/1/end", 401, 403, 403, 403, new { }, Council: 403),
        ["GET /api/council/{province}/agenda-candidates"] = new("/api/council/08/agenda-candidates", 401, 403, 403, 403, Council: 200),
        ["GET /api/council/{province}/sessions"] = new("/api/council/08/sessions", 401, 403, 403, 403, Council: 200),
        ["POST /api/council/{province}/sessions"] = new("/api/council/08/sessions", 401, 403, 403, 403, new { meetsOn = "2030-01-01", venue = "x", dossierIds = new[] { Unknown } }, Council: 403),
        ["GET /api/council/sessions/{id:guid}/"] = new("/api/council/sessions/{session}", 401, 403, 403, 403, Council: 200),
        ["POST /api/council/sessions/{id:guid}/roll-call"] = new("/api/council/sessions/{session}/roll-call", 401, 403, 403, 403, new { present = Array.Empty<string>() }, Council: 403),
        ["POST /api/council/sessions/{id:guid}/reports/{report}"] = new("/api/council/sessions/{session}/reports/appraisal", 401, 403, 403, 403, Council: 409),
        ["POST /api/council/sessions/{id:guid}/dossiers/{dossierId:guid}/ballot"] = new("/api/council/sessions/{session}/dossiers/{dossier}/ballot", 401, 403, 403, 403, new { choice = "Agree" }, Council: 404),
        ["POST /api/council/sessions/{id:guid}/close"] = new("/api/council/sessions/{session}/close", 401, 403, 403, 403, Council: 403),
        ["GET /api/council/sessions/{id:guid}/minutes.docx"] = new("/api/council/sessions/{session}/minutes.docx", 401, 403, 403, 403, Council: 200),
        ["GET /api/council/sessions/{id:guid}/draft-decision.docx"] = new("/api/council/sessions/{session}/draft-decision.docx", 401, 403, 403, 403, Council: 409),
        ["POST /api/council/sessions/{id:guid}/decision"] = new("/api/council/sessions/{session}/decision?number=1/QĐ-UBND&signedOn=2026-01-01&signer=x&fileName=a.pdf", 401, 403, 403, 403, Council: 403),
        ["GET /api/council/sessions/{id:guid}/decision/scan"] = new("/api/council/sessions/{session}/decision/scan", 401, 403, 403, 403, Council: 404),

        // Evidence documents: readers of the dossier list and download; only its commune attaches (an unknown upload or document is 404).
        ["GET /api/dossiers/{id:guid}/documents/"] = new("/api/dossiers/{dossier}/documents", 401, 200, 403, 403),
        ["POST /api/dossiers/{id:guid}/documents/"] = new("/api/dossiers/{dossier}/documents?fileName=a.pdf&indicator=1.1", 401, 411, 403, 403),
        ["POST /api/dossiers/{id:guid}/documents/uploads"] = new("/api/dossiers/{dossier}/documents/uploads", 401, 201, 403, 403, new { indicatorNumber = "1.1", fileName = "a.pdf", length = 10 }),
        ["GET /api/dossiers/{id:guid}/documents/uploads/{uploadId:guid}"] = new($"/api/dossiers/{{dossier}}/documents/uploads/{Unknown}", 401, 404, 403, 403),
        ["DELETE /api/dossiers/{id:guid}/documents/uploads/{uploadId:guid}"] = new($"/api/dossiers/{{dossier}}/documents/uploads/{Unknown}", 401, 404, 403, 403),
        ["PUT /api/dossiers/{id:guid}/documents/uploads/{uploadId:guid}/parts/{offset:long}"] = new($"/api/dossiers/{{dossier}}/documents/uploads/{Unknown}/parts/0", 401, 404, 403, 403, new { }),
        ["POST /api/dossiers/{id:guid}/documents/uploads/{uploadId:guid}/complete"] = new($"/api/dossiers/{{dossier}}/documents/uploads/{Unknown}/complete", 401, 404, 403, 403),
        ["GET /api/dossiers/{id:guid}/documents/{documentId:guid}"] = new($"/api/dossiers/{{dossier}}/documents/{Unknown}", 401, 404, 403, 403),
        ["POST /api/dossiers/{id:guid}/documents/{documentId:guid}/withdraw"] = new($"/api/dossiers/{{dossier}}/documents/{Unknown}/withdraw", 401, 404, 403, 403),

        // The same for the pages' scripts (cookie): 401 to a script not signed in, a download link redirects to sign-in;
        // a change without the page's antiforgery token is refused (400) for everyone signed in.
        ["GET /dossiers/{id:guid}/documents/"] = new("/dossiers/{dossier}/documents", 401, 200, 403, 403),
        ["POST /dossiers/{id:guid}/documents/"] = new("/dossiers/{dossier}/documents?fileName=a.pdf", 401, 400, 400, 400, new { }),
        ["POST /dossiers/{id:guid}/documents/uploads"] = new("/dossiers/{dossier}/documents/uploads", 401, 400, 400, 400, new { }),
        ["GET /dossiers/{id:guid}/documents/uploads/{uploadId:guid}"] = new($"/dossiers/{{dossier}}/documents/uploads/{Unknown}", 401, 404, 403, 403),
        ["DELETE /dossiers/{id:guid}/documents/uploads/{uploadId:guid}"] = new($"/dossiers/{{dossier}}/documents/uploads/{Unknown}", 401, 400, 400, 400),
        ["PUT /dossiers/{id:guid}/documents/uploads/{uploadId:guid}/parts/{offset:long}"] = new($"/dossiers/{{dossier}}/documents/uploads/{Unknown}/parts/0", 401, 400, 400, 400, new { }),
        ["POST /dossiers/{id:guid}/documents/uploads/{uploadId:guid}/complete"] = new($"/dossiers/{{dossier}}/documents/uploads/{Unknown}/complete", 401, 400, 400, 400),
        ["GET /dossiers/{id:guid}/documents/{documentId:guid}"] = new($"/dossiers/{{dossier}}/documents/{Unknown}", 302, 404, 403, 403),
        ["POST /dossiers/{id:guid}/documents/{documentId:guid}/withdraw"] = new($"/dossiers/{{dossier}}/documents/{Unknown}/withdraw", 401, 400, 400, 400),
    };

    protected override async Task SeedAsync()
    {
        await CreateOfficialAsync("xa.khac", "commune:00706", Roles.CommuneOfficer);
        await CreateOfficialAsync("xa.hanoi", "commune:00376", Roles.CommuneOfficer);
        await using var scope = App.Services.CreateAsyncScope();
        var lan = (await scope.ServiceProvider.GetRequiredService<OrganisationService>().FindOfficialAsync("xa.lan", null, CancellationToken.None))!;
        var dossiers = scope.ServiceProvider.GetRequiredService<DossierService>();
        var dossier = await dossiers.OpenAsync(lan, new OpenDossierRequest("00700", RecognitionTier.Ntm, 2025, null, null, "*", new DateOnly(2025, 9, 15), null), CancellationToken.None);
        _dossier = dossier.Id;
        _task = (await dossiers.OpenTasksAsync(dossier, CancellationToken.None)).Single().Id;

        // A council session of the province: a chair and a secretary in office, Phú Linh's dossier on the agenda.
        var organisation = scope.ServiceProvider.GetRequiredService<OrganisationService>();
        var council = scope.ServiceProvider.GetRequiredService<CouncilService>();
        var admin = (await organisation.FindOfficialAsync("admin", null, CancellationToken.None))!;
        foreach (var (member, position) in new[] { ("hd.son", CouncilPosition.Chair), ("hd.thu", CouncilPosition.Secretary) })
        {
            await council.AppointAsync(admin, "08", new AppointmentRequest(member, position, null, new DateOnly(2026, 1, 1), null, null), CancellationToken.None);
        }

        var waiting = await DossierSeeds.AwaitingCouncilAsync(App.Services, "xa.khac", "00706");
        var vpdp = (await organisation.FindOfficialAsync("vpdp", null, CancellationToken.None))!;
        var today = NtmWorkflow.Engine.Calendar.VietnamTime.VietnamDate(DateTimeOffset.UtcNow);
        _session = (await council.PlanAsync(vpdp, "08", new PlanSessionRequest(today, "Hội trường UBND tỉnh", [waiting]), CancellationToken.None)).Id;
    }

    /// <summary>Each endpoint as "METHOD pattern"; a page answers GET and POST.</summary>
    private IEnumerable<string> Routes() =>
        App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"])
                .Select(m => $"{m} /{e.RoutePattern.RawText?.TrimStart('/')}"))
            .Distinct(StringComparer.Ordinal);

    [Fact]
    public void Every_route_has_a_rule()
    {
        var missing = Routes().Where(r => !Rules.ContainsKey(r)).Order(StringComparer.Ordinal).ToList();
        var stale = Rules.Keys.Except(Routes(), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count + stale.Count == 0,
            "Routes without a rule in the authorization matrix:\n" + string.Join("\n", missing) + "\nRules for routes the app no longer has:\n" + string.Join("\n", stale));
    }

    [Fact]
    public async Task Every_route_answers_each_kind_of_caller_as_its_rule_says()
    {
        var instance = (await Query()).InstanceId;
        var failures = new List<string>();
        foreach (var (route, rule) in Rules.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var method = new HttpMethod(route[..route.IndexOf(' ', StringComparison.Ordinal)]);
            var path = rule.Path.Replace("{dossier}", _dossier.ToString(), StringComparison.Ordinal).Replace("{task}", _task.ToString(), StringComparison.Ordinal)
                .Replace("{instance}", instance.ToString(), StringComparison.Ordinal).Replace("{session}", _session.ToString(), StringComparison.Ordinal);
            foreach (var (caller, expected) in new[] { ("anonymous", (int?)rule.Anonymous), ("xa.lan", rule.Own), ("xa.khac", rule.OtherUnit), ("xa.hanoi", rule.OtherProvince), ("hd.son", rule.Council) })
            {
                if (expected is null)
                {
                    continue;
                }

                var status = (int)(await CallAsync(caller, method, path, rule.Body)).StatusCode;
                if (status != expected)
                {
                    failures.Add($"{route} as {caller}: expected {expected}, got {status}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private async Task<DossierRow> Query()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DossierService>().LoadAsync(_dossier, CancellationToken.None);
    }

    /// <summary>An API route is called with the key and the official named; a page with the official signed in.</summary>
    private async Task<HttpResponseMessage> CallAsync(string caller, HttpMethod method, string path, object? body)
    {
        using var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var api = path.StartsWith("/api/", StringComparison.Ordinal);
        if (caller != "anonymous" && !api)
        {
            var signedIn = await PageForms.SignInAsync(client, caller);
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (caller != "anonymous" && api)
        {
            request.Headers.Add("X-Api-Key", Key);
            request.Headers.Add("X-Acting-User", caller);
        }

        return await client.SendAsync(request);
    }
}
