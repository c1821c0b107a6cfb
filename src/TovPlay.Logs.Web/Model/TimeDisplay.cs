namespace TovPlay.Logs.Web.Model;

/// <summary>
/// How the current operator reads timestamps: UTC (the default, so screenshots and reports agree)
/// or the browser's time zone. One per circuit; components re-render on <see cref="Changed"/>.
/// </summary>
public sealed class TimeDisplay
{
    private TimeZoneInfo _browserZone = TimeZoneInfo.Utc;

    public bool ShowUtc { get; private set; } = true;

    public string BrowserZoneName => _browserZone.Id;

    /// <summary>The browser's zone (UTC until the browser says otherwise): reports show times in UTC and in it.</summary>
    public TimeZoneInfo BrowserZone => _browserZone;

    public event Action? Changed;

    public void SetShowUtc(bool showUtc)
    {
        if (ShowUtc != showUtc)
        {
            ShowUtc = showUtc;
            Changed?.Invoke();
        }
    }

    /// <summary>Takes the IANA zone the browser reports; unknown names leave UTC in place.</summary>
    public void SetBrowserZone(string? ianaName)
    {
        if (!string.IsNullOrWhiteSpace(ianaName) && TimeZoneInfo.TryFindSystemTimeZoneById(ianaName, out var zone) && zone.Id != _browserZone.Id)
        {
            _browserZone = zone;
            Changed?.Invoke();
        }
    }

    public DateTimeOffset ToDisplay(DateTimeOffset value) =>
        ShowUtc ? value.ToUniversalTime() : TimeZoneInfo.ConvertTime(value, _browserZone);

    /// <summary>Millisecond precision: forensic timelines need it.</summary>
    public string Format(DateTimeOffset value) =>
        ShowUtc ? Domain.Logs.UtcText.Millis(value)
                : ToDisplay(value).ToString("yyyy-MM-dd HH:mm:ss.fff zzz", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The other representation, for a tooltip.</summary>
    public string FormatAlternate(DateTimeOffset value)
    {
        var other = new TimeDisplay { ShowUtc = !ShowUtc, _browserZone = _browserZone };
        return other.Format(value);
    }
}
