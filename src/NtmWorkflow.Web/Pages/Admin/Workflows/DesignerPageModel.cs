using NtmWorkflow.Web.Features.Designer;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Admin.Workflows;

/// <summary>The process administration pages: administrators only.</summary>
public abstract class DesignerPageModel(OrganisationService organisation) : OfficialPageModel(organisation)
{
    protected override bool Concerns(Official official) => DesignerService.MayDesign(official);
}
