using System.IO.Compression;
using TovPlay.Logs.Domain.Logs.Push;

namespace TovPlay.Logs.Web.LokiApi;

/// <summary>
/// Reads a push request body as Loki does: JSON when the content type says so, otherwise block-snappy protobuf (what
/// promtail sends, without a Content-Encoding header); gzip or deflate content encodings are undone first. Sizes are
/// capped before and after decompression, so a small bomb cannot become a large allocation.
/// </summary>
internal static class PushBody
{
    public static async Task<List<PushStream>> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        using var raw = await PooledBytes.ReadAsync(request.Body, encoding is "" or "identity" ? request.ContentLength : null, maxBytes, cancellationToken);
        using var inflated = encoding switch
        {
            "" or "identity" => null,
            "gzip" => await InflateAsync(raw, s => new GZipStream(s, CompressionMode.Decompress), maxBytes, cancellationToken),
            "deflate" => await InflateAsync(raw, s => new ZLibStream(s, CompressionMode.Decompress), maxBytes, cancellationToken),
            _ => throw new PushFormatException($"Content-Encoding \"{encoding}\" is not supported: use gzip, deflate or none"),
        };

        var body = (inflated ?? raw).Span;
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType == "application/json")
        {
            return PushJson.Decode(body);
        }

        using var message = Unsnappy(body, maxBytes);
        try
        {
            return PushProtobuf.Decode(message.Span);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new PushFormatException($"proto: logproto.PushRequest: {ex.Message}");
        }
    }

    private static PooledBytes Unsnappy(ReadOnlySpan<byte> body, int maxBytes)
    {
        try
        {
            var length = Snappier.Snappy.GetUncompressedLength(body);
            if (length > maxBytes)
            {
                throw new PushFormatException($"message size too large than max ({length} vs {maxBytes})");
            }

            var message = PooledBytes.Rent(length);
            try
            {
                var written = Snappier.Snappy.Decompress(body, message.Writable);
                return written == length ? message : throw new InvalidDataException($"{written} bytes decompressed where the header said {length}");
            }
            catch
            {
                message.Dispose();
                throw;
            }
        }
        catch (Exception ex) when (ex is not PushFormatException)
        {
            // Decoding is pure computation over the body: whatever it throws means the input is corrupt.
            throw new PushFormatException($"snappy: corrupt input ({ex.Message})");
        }
    }

    private static async Task<PooledBytes> InflateAsync(PooledBytes compressed, Func<Stream, Stream> decompressor, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = decompressor(compressed.AsStream());
        try
        {
            return await PooledBytes.ReadAsync(stream, null, maxBytes, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new PushFormatException($"the body could not be decompressed: {ex.Message}");
        }
    }
}

/// <summary>A push body above the size limit (HTTP 413).</summary>
public sealed class PushTooLargeException(string message) : Exception(message);
