using System.Resources;

[assembly: NeutralResourcesLanguage("vi")]

namespace NtmWorkflow.Web;

/// <summary>Marker for the UI texts in Resources/SharedResource*.resx: Vietnamese is the neutral language, English the translation.</summary>
public sealed class SharedResource;
