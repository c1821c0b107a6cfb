using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.Alerting;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>PromQL on the configured Prometheus, through its HTTP API (<c>/api/v1/query</c>, <c>/api/v1/query_range</c>).</summary>
public sealed class PrometheusClient(IHttpClientFactory clients, IOptions<AlertingOptions> options)
{
    public const string HttpClientName = "prometheus";

    public bool IsConfigured => options.Value.PrometheusUrl.Length > 0;

    public async Task<IReadOnlyList<AlertSample>> InstantAsync(string query, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var data = await GetAsync("api/v1/query", $"query={Uri.EscapeDataString(query)}&time={Seconds(at)}", cancellationToken);
        var type = data.GetProperty("resultType").GetString();
        if (type == "scalar")
        {
            return [new AlertSample(LabelSet.Empty, Value(data.GetProperty("result")))];
        }

        return [.. data.GetProperty("result").EnumerateArray().Select(s => new AlertSample(Labels(s.GetProperty("metric")), Value(s.GetProperty("value"))))];
    }

    public async Task<IReadOnlyList<(LabelSet Labels, IReadOnlyList<(DateTimeOffset At, double Value)> Points)>> RangeAsync(
        string query, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken)
    {
        var data = await GetAsync("api/v1/query_range",
            $"query={Uri.EscapeDataString(query)}&start={Seconds(from)}&end={Seconds(to)}&step={step.TotalSeconds.ToString(CultureInfo.InvariantCulture)}", cancellationToken);
        return [.. data.GetProperty("result").EnumerateArray().Select(s => (Labels(s.GetProperty("metric")),
            (IReadOnlyList<(DateTimeOffset, double)>)[.. s.GetProperty("values").EnumerateArray().Select(p => (Time(p[0]), Value(p)))]))];
    }

    /// <summary>Null when Prometheus accepts the query, otherwise its parse error (it names the position).</summary>
    public async Task<string?> CheckAsync(string query, CancellationToken cancellationToken)
    {
        try
        {
            await InstantAsync(query, DateTimeOffset.UtcNow, cancellationToken);
            return null;
        }
        catch (RuleQueryException ex)
        {
            return ex.Message;
        }
    }

    private async Task<JsonElement> GetAsync(string path, string query, CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            throw new RuleQueryException("No Prometheus is configured: set Alerting:PrometheusUrl.");
        }

        var client = clients.CreateClient(HttpClientName);
        var address = new Uri(new Uri(options.Value.PrometheusUrl.TrimEnd('/') + "/"), path + "?" + query);
        try
        {
            using var response = await client.GetAsync(address, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonElement root;
            try
            {
                root = JsonDocument.Parse(body).RootElement;
            }
            catch (JsonException)
            {
                throw new RuleQueryException($"Prometheus answered {(int)response.StatusCode} without JSON: {ShortText.Cut(body, 300)}");
            }

            if (root.TryGetProperty("status", out var status) && status.GetString() == "success")
            {
                return root.GetProperty("data");
            }

            var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
            throw new RuleQueryException($"Prometheus: {error ?? ShortText.Cut(body, 300)}");
        }
        catch (HttpRequestException ex)
        {
            throw new RuleQueryException($"Prometheus at {options.Value.PrometheusUrl} cannot be reached: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RuleQueryException($"Prometheus at {options.Value.PrometheusUrl} did not answer in time", ex);
        }
    }

    private static string Seconds(DateTimeOffset at) => (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(JsonElement seconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds.GetDouble() * 1000));

    private static double Value(JsonElement pair) =>
        double.TryParse(pair[1].GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : pair[1].GetString() switch { "+Inf" => double.PositiveInfinity, "-Inf" => double.NegativeInfinity, _ => double.NaN };

    private static LabelSet Labels(JsonElement metric) =>
        LabelSet.From(metric.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString() ?? "")));
}
