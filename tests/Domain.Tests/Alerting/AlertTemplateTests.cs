using TovPlay.Logs.Domain.Alerting.Templates;

namespace TovPlay.Logs.Domain.Tests.Alerting;

/// <summary>The Go templates of rule annotations and Discord messages, as Prometheus and Alertmanager run them.</summary>
public sealed class AlertTemplateTests
{
    private static readonly TemplateMap s_labels = new([new("route", "/api/games"), new("severity", "critical"), new("alertname", "SlowRoute")]);

    private static string Annotation(string text, double value) =>
        AlertTemplate.Parse(text).Render(null, new Dictionary<string, object?> { ["labels"] = s_labels, ["value"] = value });

    [Theory]
    [InlineData("{{ $labels.route }} is slow: {{ $value }}", 12.5, "/api/games is slow: 12.5")]
    [InlineData("{{ $value }}", 1_000_000d, "1e+06")]
    [InlineData("{{ $value }}", 1_234_567d, "1.234567e+06")]
    [InlineData("{{ $value }}", 123_456d, "123456")]
    [InlineData("{{ $value }}", 0.0001, "0.0001")]
    [InlineData("{{ $value }}", 0.00001, "1e-05")]
    [InlineData("{{ $value | humanize }}", 1234d, "1.234k")]
    [InlineData("{{ $value | humanize }}", 0.025, "25m")]
    [InlineData("{{ humanize1024 $value }}", 2048d, "2ki")]
    [InlineData("{{ $value | humanizePercentage }}", 0.1234, "12.34%")]
    [InlineData("{{ $value | humanizeDuration }}", 93784d, "1d 2h 3m 4s")]
    [InlineData("{{ $value | humanizeDuration }}", 0.25, "250ms")]
    [InlineData("{{ printf \"%.2f\" $value }}", 12.5, "12.50")]
    [InlineData("{{ $labels.missing }}|", 1d, "|")]
    [InlineData("{{ $labels.severity | toUpper }} {{ title \"db down\" }}", 1d, "CRITICAL Db Down")]
    [InlineData("{{ if gt $value 10.0 }}high{{ else if gt $value 5.0 }}medium{{ else }}low{{ end }}", 7d, "medium")]
    [InlineData("{{ reReplaceAll \"/api/(.*)\" \"$1\" $labels.route }}", 1d, "games")]
    public void Annotations_ReadLabelsAndValue_AsPrometheusPrintsThem(string text, double value, string expected) =>
        Assert.Equal(expected, Annotation(text, value));

    [Fact]
    public void ADiscordMessage_RangesOverTheFiringAlerts_WithTrimMarkers_RootAccessAndVariables()
    {
        var alerts = new TemplateAlertList(
        [
            new TemplateRecord(("Status", "firing"), ("Labels", new TemplateMap([new("alertname", "Wipe"), new("table", "users")])), ("Annotations", TemplateMap.Empty)),
            new TemplateRecord(("Status", "resolved"), ("Labels", new TemplateMap([new("alertname", "Wipe"), new("table", "games")])), ("Annotations", TemplateMap.Empty)),
            new TemplateRecord(("Status", "firing"), ("Labels", new TemplateMap([new("alertname", "Wipe"), new("table", "scores")])), ("Annotations", TemplateMap.Empty)),
        ]);
        var data = new TemplateRecord(("Status", "firing"), ("Alerts", alerts), ("CommonLabels", new TemplateMap([new("alertname", "Wipe")])),
            ("ExternalURL", "https://app.tovplay.org/logs"));
        const string text = """
            [{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}
            {{- range $i, $a := .Alerts.Firing }}
            {{ $i }}. {{ $a.Labels.table }} ({{ $.ExternalURL }})
            {{- end }}
            {{ $n := 0 }}{{ range .Alerts }}{{ $n = .Status }}{{ end }}last: {{ $n }}
            {{ with .Alerts.Resolved }}resolved: {{ range . }}{{ .Labels.table }}{{ end }}{{ else }}none{{ end }}
            {{/* a comment */ -}}
            """;

        var rendered = AlertTemplate.Parse(text).Render(data);

        Assert.Equal("""
            [FIRING:2] Wipe
            0. users (https://app.tovplay.org/logs)
            1. scores (https://app.tovplay.org/logs)
            last: firing
            resolved: games

            """.TrimEnd('\n'), rendered.TrimEnd('\n'));
    }

    [Fact]
    public void LabelMaps_OfferAlertmanagersSortedPairs()
    {
        var rendered = AlertTemplate.Parse("{{ range .SortedPairs }}{{ .Name }}={{ .Value }};{{ end }}").Render(s_labels);

        Assert.Equal("alertname=SlowRoute;route=/api/games;severity=critical;", rendered);
    }

    [Theory]
    [InlineData("ok\n  {{ .x ", "line 2, column 3: unclosed action")]
    [InlineData("{{ if .x }}no end", "line 1, column 4: {{if}} without a matching {{end}}")]
    [InlineData("a {{ end }}", "line 1, column 6: unexpected {{end}}")]
    [InlineData("{{ frobnicate .x }}", "line 1, column 4: function \"frobnicate\" not defined")]
    [InlineData("{{ \"open }}", "unterminated quoted string")]
    [InlineData("{{ }}", "line 1, column 1: missing value for command")]
    [InlineData("{{ template \"x\" }}", "{{template}} is not supported here")]
    public void AnInvalidTemplate_SaysWhereAndWhy(string text, string expected)
    {
        var problem = AlertTemplate.Problem(text);

        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void RunningErrors_NameTheAction_AndRenderOrErrorShowsThemInline()
    {
        var error = Assert.Throws<AlertTemplateException>(() => AlertTemplate.Parse("x {{ $nope }}").Render(null));
        Assert.Equal("line 1, column 6: undefined variable: $nope", error.Message);

        Assert.Equal("<error expanding template: line 1, column 4: can't evaluate field x in type string>",
            AlertTemplate.RenderOrError("{{ .x }}", "text"));
    }

    [Fact]
    public void Output_IsBounded_AndSoIsTheTemplate()
    {
        var many = Enumerable.Range(0, 10_000).Select(i => (object?)i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var data = new Dictionary<string, object?> { ["items"] = many };

        var error = Assert.Throws<AlertTemplateException>(() =>
            AlertTemplate.Parse("{{ range .items }}{{ . }} more text to make it long{{ end }}").Render(data));

        Assert.Contains("longer than", error.Message, StringComparison.Ordinal);
        Assert.NotNull(AlertTemplate.Problem(new string('x', AlertTemplate.MaxLength + 1)));
    }
}
