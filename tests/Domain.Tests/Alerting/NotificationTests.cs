using System.Text.Json;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.Alerting;

/// <summary>Alertmanager's deduplication at each flush, and the Discord message a group becomes.</summary>
public sealed class NotificationTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 11, 26, 18, 21, 32, TimeSpan.Zero);
    private static readonly TimeSpan s_repeat = TimeSpan.FromHours(1);

    private static HashSet<string> Set(params string[] ids) => [.. ids];

    [Fact]
    public void AGroupNeverNotified_IsSentOnlyWhenSomethingFires()
    {
        Assert.True(NotificationDecision.NeedsUpdate(null, Set("a"), Set(), s_t0, s_repeat));
        Assert.False(NotificationDecision.NeedsUpdate(null, Set(), Set("a"), s_t0, s_repeat));
    }

    [Fact]
    public void ANewFiringAlert_OrAResolution_IsSent_NothingNew_WaitsForTheRepeatInterval()
    {
        var last = new NotificationLogEntry(Set("a", "b"), Set(), s_t0);

        Assert.True(NotificationDecision.NeedsUpdate(last, Set("a", "b", "c"), Set(), s_t0.AddMinutes(1), s_repeat));
        Assert.True(NotificationDecision.NeedsUpdate(last, Set("a"), Set("b"), s_t0.AddMinutes(1), s_repeat));
        Assert.False(NotificationDecision.NeedsUpdate(last, Set("a"), Set("b"), s_t0.AddMinutes(1), s_repeat, sendResolved: false));
        Assert.False(NotificationDecision.NeedsUpdate(last, Set("a", "b"), Set(), s_t0.AddMinutes(59), s_repeat));
        Assert.True(NotificationDecision.NeedsUpdate(last, Set("a", "b"), Set(), s_t0.AddHours(1), s_repeat));
        Assert.True(NotificationDecision.NeedsUpdate(last, Set(), Set("a", "b"), s_t0.AddMinutes(1), s_repeat));
    }

    [Fact]
    public void AlertsThatFiredAndResolvedBetweenFlushes_AreNeverSent()
    {
        var last = new NotificationLogEntry(Set(), Set("a"), s_t0);

        Assert.False(NotificationDecision.NeedsUpdate(last, Set(), Set("a", "b"), s_t0.AddMinutes(1), s_repeat));
    }

    private static readonly LabelSet s_feas = LabelSet.From(("alertname", "FeasTest"), ("instance", "127.0.0.1:55080"), ("service", "feas-web"), ("severity", "critical"));

    private static AlertNotification Recorded(bool resolved) => new("discord", "{}/{alertname=\"FeasTest\"}:{alertname=\"FeasTest\"}",
        LabelSet.From(("alertname", "FeasTest")),
        [new NotifiedAlert(AlertFingerprint.Of(s_feas), s_feas,
            new Dictionary<string, string> { ["summary"] = "Feas error rate high", ["description"] = "5xx rate above 5% for 5m on /logs/" }, AlertState.Firing, s_t0)
        {
            EndsAt = resolved ? s_t0.AddMinutes(5) : null,
            GeneratorUrl = "http://127.0.0.1:59090/graph?g0.expr=up",
        }],
        "http://vm:59093");

    [Fact]
    public void TheTitleAndColours_AreAlertmanagers_AsItSentThemToDiscord()
    {
        // tests/Fixtures/alertmanager-0.25/discord-firing.json and discord-resolved.json
        var fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "alertmanager-0.25");
        var firing = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixtures, "discord-firing.json"))).RootElement.GetProperty("embeds")[0];
        var resolved = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixtures, "discord-resolved.json"))).RootElement.GetProperty("embeds")[0];

        var ours = DiscordMessage.Build(Recorded(false), new DiscordSettings(), s_t0).Embeds[0];
        var oursResolved = DiscordMessage.Build(Recorded(true), new DiscordSettings(), s_t0).Embeds[0];

        Assert.Equal(firing.GetProperty("title").GetString(), ours.Title);
        Assert.Equal(firing.GetProperty("color").GetInt32(), ours.Color);
        Assert.Equal(resolved.GetProperty("title").GetString(), oursResolved.Title);
        Assert.Equal(resolved.GetProperty("color").GetInt32(), oursResolved.Color);
        Assert.Equal("**Feas error rate high**\n5xx rate above 5% for 5m on /logs/", ours.Description);
    }

    [Fact]
    public void Mentions_AreInTheContent_AndOnlyThoseMayPing()
    {
        var settings = new DiscordSettings { RoleMentions = ["123456789012345678"], UserMentions = ["876543210987654321"], Username = "TovPlay alerts" };

        var payload = DiscordMessage.Build(Recorded(false), settings, s_t0);
        var json = JsonSerializer.Serialize(payload);

        Assert.Equal("<@&123456789012345678> <@876543210987654321>", payload.Content);
        Assert.Contains("\"allowed_mentions\":{\"parse\":[],\"roles\":[\"123456789012345678\"],\"users\":[\"876543210987654321\"]}", json, StringComparison.Ordinal);
        Assert.Contains("\"username\":\"TovPlay alerts\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ColourFollowsSeverity_AndARulesOwnTroubleIsGrey()
    {
        AlertNotification With(string severity, AlertState state) => Recorded(false) with
        {
            Alerts = [Recorded(false).Alerts[0] with { Labels = s_feas.With("severity", severity), State = state }],
        };

        Assert.Equal(DiscordMessage.Warning, DiscordMessage.ColorOf(With("warning", AlertState.Firing)));
        Assert.Equal(DiscordMessage.Info, DiscordMessage.ColorOf(With("info", AlertState.Firing)));
        Assert.Equal(DiscordMessage.Trouble, DiscordMessage.ColorOf(With("critical", AlertState.Error)));
    }

    [Fact]
    public void FiveLogLinesAtMost_AfterTheMessage_InACodeBlockTheyCannotClose_EachWithRoomForItsFields()
    {
        var lines = Enumerable.Range(1, 8).Select(i => $"line {i} ```escape``` {new string('x', 600)} status=500 path=/api/games").ToList();
        var notification = Recorded(false) with { Alerts = [Recorded(false).Alerts[0] with { LogLines = lines, Value = 42 }] };

        var description = DiscordMessage.Build(notification, new DiscordSettings(), s_t0).Embeds[0].Description;

        Assert.StartsWith("**Feas error rate high**\n5xx rate above 5% for 5m on /logs/\n\n**Matching log lines**\n```\nline 1 ", description, StringComparison.Ordinal);
        Assert.EndsWith("```", description, StringComparison.Ordinal);
        Assert.Equal(2, description.Split("```").Length - 1);
        Assert.Contains("line 5 ", description, StringComparison.Ordinal);
        Assert.DoesNotContain("line 6", description, StringComparison.Ordinal);
        Assert.Equal(5, description.Split('\n').Count(l => l.StartsWith("line ", StringComparison.Ordinal) && l.Contains("status=500 path=/api/games", StringComparison.Ordinal)));
        Assert.True(description.Length <= DiscordMessage.MaxDescription);
    }

    [Fact]
    public void AHugeGroup_FitsEveryDiscordLimit_WithVisibleMarkers()
    {
        var alerts = Enumerable.Range(0, 60).Select(i =>
        {
            var labels = s_feas.With("instance", $"host-{i}-{new string('h', 200)}");
            return new NotifiedAlert(AlertFingerprint.Of(labels), labels,
                new Dictionary<string, string> { ["summary"] = new string('s', 500), ["description"] = new string('d', 900) }, AlertState.Firing, s_t0)
            {
                Value = i,
                LogLines = [new string('l', 900)],
            };
        }).ToList();
        var settings = new DiscordSettings
        {
            TitleTemplate = new string('T', 400),
            RoleMentions = Enumerable.Range(0, 200).Select(i => (100000000000000000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(),
        };

        var payload = DiscordMessage.Build(Recorded(false) with { Alerts = alerts }, settings, s_t0);
        var embed = Assert.Single(payload.Embeds);

        Assert.True(payload.Content.Length <= DiscordMessage.MaxContent);
        Assert.True(embed.Title.Length <= DiscordMessage.MaxTitle);
        Assert.EndsWith(DiscordMessage.Cut, embed.Title, StringComparison.Ordinal);
        Assert.True(embed.Description.Length <= DiscordMessage.MaxDescription);
        Assert.True(embed.Fields.Count <= DiscordMessage.MaxFields);
        Assert.All(embed.Fields, f => Assert.True(f.Name.Length <= DiscordMessage.MaxFieldName && f.Value.Length <= DiscordMessage.MaxFieldValue));
        Assert.True(embed.Length <= DiscordMessage.MaxEmbedTotal, $"embed is {embed.Length} characters");
        Assert.Contains(embed.Fields, f => f.Value.Contains("truncated", StringComparison.Ordinal));
    }
}
