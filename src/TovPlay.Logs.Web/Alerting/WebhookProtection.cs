using Microsoft.AspNetCore.DataProtection;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>The Data Protection purpose that guards webhook addresses.</summary>
public static class WebhookProtection
{
    public const string Purpose = "TovPlay.Logs.Alerting.ContactPoints.v1";

    public static IDataProtector For(IDataProtectionProvider provider) => provider.CreateProtector(Purpose);
}
