using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Alerting;

/// <summary>The alert a contact point's preview and "Send test" show: a realistic one, marked as a test.</summary>
public static class SampleNotification
{
    public static AlertNotification For(string receiver, string externalUrl, DateTimeOffset now)
    {
        var labels = LabelSet.From((AlertLabelNames.AlertName, "TestAlert"), ("severity", "warning"), ("table", "users"));
        var alert = new NotifiedAlert(AlertFingerprint.Of(labels), labels, new Dictionary<string, string>
        {
            [AlertRule.Summary] = "This is a test notification from TovPlay Logs",
            [AlertRule.Description] = "If you can read this, the contact point works. Nothing is wrong.",
        }, AlertState.Firing, now.AddMinutes(-2))
        {
            Value = 42,
            LogLines = ["{\"level\":\"error\",\"msg\":\"example line\",\"table\":\"users\"}"],
            SearchUrl = externalUrl.TrimEnd('/') + "/search",
        };
        return new AlertNotification(receiver, "{}:{alertname=\"TestAlert\"}", LabelSet.From((AlertLabelNames.AlertName, "TestAlert")), [alert], externalUrl);
    }
}
