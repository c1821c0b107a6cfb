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
        var raw = await ReadCappedAsync(request.Body, maxBytes, cancellationToken);
        var encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        var body = encoding switch
        {
            "" or "identity" => raw,
            "gzip" => await InflateAsync(new GZipStream(new MemoryStream(raw), CompressionMode.Decompress), maxBytes, cancellationToken),
            "deflate" => await InflateAsync(new ZLibStream(new MemoryStream(raw), CompressionMode.Decompress), maxBytes, cancellationToken),
            _ => throw new PushFormatException($"Content-Encoding \"{encoding}\" is not supported: use gzip, deflate or none"),
        };

        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType == "application/json")
        {
            return PushJson.Decode(body);
        }

        byte[] message;
        try
        {
            var length = Snappier.Snappy.GetUncompressedLength(body);
            if (length > maxBytes)
            {
                throw new PushFormatException($"message size too large than max ({length} vs {maxBytes})");
            }

            message = Snappier.Snappy.DecompressToArray(body);
        }
        catch (Exception ex) when (ex is not PushFormatException)
        {
            // Decoding is pure computation over the body: whatever it throws means the input is corrupt.
            throw new PushFormatException($"snappy: corrupt input ({ex.Message})");
        }

        try
        {
            return PushProtobuf.Decode(message);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new PushFormatException($"proto: logproto.PushRequest: {ex.Message}");
        }
    }

    private static async Task<byte[]> ReadCappedAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new PushTooLargeException($"message size too large than max ({buffer.Length + read} vs {maxBytes})");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static async Task<byte[]> InflateAsync(Stream decompressor, int maxBytes, CancellationToken cancellationToken)
    {
        await using (decompressor)
        {
            try
            {
                return await ReadCappedAsync(decompressor, maxBytes, cancellationToken);
            }
            catch (InvalidDataException ex)
            {
                throw new PushFormatException($"the body could not be decompressed: {ex.Message}");
            }
        }
    }
}

/// <summary>A push body above the size limit (HTTP 413).</summary>
public sealed class PushTooLargeException(string message) : Exception(message);
