using System.Text;
using Microsoft.AspNetCore.Http;
using TovPlay.Logs.Web.LokiApi;

namespace TovPlay.Logs.Web.Tests.Security.Attacks;

/// <summary>
/// Whatever bytes a push key sends, the decoders answer with a push or a refusal the endpoint turns into a 4xx,
/// never another exception (a 500, which clients retry forever). Random and mutated bodies, a fixed number of each,
/// from fixed seeds, through the same reader the endpoint uses.
/// </summary>
public sealed class PushDecoderFuzzTests
{
    private static readonly byte[] s_promtail = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "promtail-2.8.0", "push-two-streams.bin"));

    private static readonly byte[] s_json = Encoding.UTF8.GetBytes(
        """{"streams":[{"stream":{"job":"fuzz","level":"info"},"values":[["1700000000000000000","a line",{"trace_id":"abc"}],["1700000000000000001","another \u00e9 line"]]}]}""");

    private static async Task ReadAsync(byte[] body, string contentType, string? encoding = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Request.ContentType = contentType;
        if (encoding is not null)
        {
            context.Request.Headers.ContentEncoding = encoding;
        }

        try
        {
            await PushBody.ReadAsync(context.Request, 1024 * 1024, TestContext.Current.CancellationToken);
        }
        catch (Exception ex) when (ex is PushFormatException or PushTooLargeException)
        {
            // A refusal the endpoint answers with 400 or 413.
        }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        for (var edits = random.Next(1, 6); edits > 0; edits--)
        {
            switch (random.Next(3))
            {
                case 0:
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes = [.. bytes.Take(random.Next(bytes.Length))];
                    if (bytes.Length == 0)
                    {
                        return [(byte)random.Next(256)];
                    }

                    break;
                default:
                    var at = random.Next(bytes.Length);
                    bytes = [.. bytes.Take(at), .. Enumerable.Range(0, random.Next(1, 16)).Select(_ => (byte)random.Next(256)), .. bytes.Skip(at)];
                    break;
            }
        }

        return bytes;
    }

    [Fact]
    public async Task RandomBytes_AsProtobufJsonGzipOrDeflate_AreRefusedOrRead_NeverThrowOtherwise()
    {
        var random = new Random(151);
        foreach (var (type, encoding) in new[] { ("application/x-protobuf", (string?)null), ("application/json", null), ("application/json", "gzip"), ("application/x-protobuf", "deflate") })
        {
            for (var n = 0; n < 1_000; n++)
            {
                var body = new byte[random.Next(0, 512)];
                random.NextBytes(body);
                await ReadAsync(body, type, encoding);
            }
        }
    }

    [Fact]
    public async Task MutatedRecordedBodies_AreRefusedOrRead_NeverThrowOtherwise()
    {
        var random = new Random(152);
        for (var n = 0; n < 3_000; n++)
        {
            await ReadAsync(Mutate(s_promtail, random), "application/x-protobuf");
            await ReadAsync(Mutate(s_json, random), "application/json");
        }
    }
}
