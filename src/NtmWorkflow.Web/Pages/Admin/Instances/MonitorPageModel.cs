using NtmWorkflow.Web.Features.Monitor;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Admin.Instances;

/// <summary>The instance monitor's pages: administrators and the coordination office (see <see cref="MonitorAccess"/>).</summary>
public abstract class MonitorPageModel(OrganisationService organisation) : OfficialPageModel(organisation)
{
    protected override bool Concerns(Official official) => MonitorAccess.Concerned(official);
}
