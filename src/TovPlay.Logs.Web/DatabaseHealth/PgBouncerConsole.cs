using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using TovPlay.Logs.Domain.DatabaseHealth;

namespace TovPlay.Logs.Web.DatabaseHealth;

/// <summary>
/// A session on PgBouncer's admin console. The console speaks only PostgreSQL's simple query protocol, which Npgsql
/// does not (it answers "extended query protocol not supported by admin console"), so this speaks it itself: start-up,
/// password (cleartext, md5 or SCRAM-SHA-256), <c>Query</c>, rows as text. No TLS: the console is reached over a
/// private network or the loopback. Every answer is bounded in size and rows.
/// </summary>
public sealed class PgBouncerConsole : IAsyncDisposable
{
    /// <summary>The largest message accepted from the console.</summary>
    public const int MaxMessageBytes = 1 << 20;

    /// <summary>The most rows one SHOW returns to the app (the rest are read and dropped).</summary>
    public const int MaxRows = 10_000;

    private readonly TcpClient _tcp;
    private NetworkStream? _stream;

    private PgBouncerConsole(TcpClient tcp) => _tcp = tcp;

    private NetworkStream Stream => _stream ??= _tcp.GetStream();

    /// <summary>Connects and signs in with an Npgsql-style connection string (Host, Port, Username, Password; the database is always "pgbouncer").</summary>
    public static async Task<PgBouncerConsole> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        var tcp = new TcpClient { NoDelay = true };
        var console = new PgBouncerConsole(tcp);
        try
        {
            await tcp.ConnectAsync(settings.Host ?? "127.0.0.1", settings.Port, cancellationToken);
            await console.StartAsync(settings.Username ?? "pgbouncer", settings.Password ?? "", cancellationToken);
            return console;
        }
        catch
        {
            await console.DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(string user, string password, CancellationToken cancellationToken)
    {
        var parameters = new MemoryStream();
        parameters.Write([0, 3, 0, 0]); // protocol 3.0, big-endian
        foreach (var (name, value) in new[] { ("user", user), ("database", BouncerState.ConsoleDatabase), ("application_name", "tovplay-logs") })
        {
            parameters.Write(CString(name));
            parameters.Write(CString(value));
        }

        parameters.WriteByte(0);
        await SendAsync(null, parameters.ToArray(), cancellationToken);
        ScramSha256? scram = null;
        while (true)
        {
            var (type, body) = await ReceiveAsync(cancellationToken);
            switch (type)
            {
                case 'R':
                    var code = BinaryPrimitives.ReadInt32BigEndian(body);
                    switch (code)
                    {
                        case 0:
                            break;
                        case 3:
                            await SendAsync('p', CString(password), cancellationToken);
                            break;
                        case 5:
                            await SendAsync('p', CString(Md5Password.Answer(user, password, body.AsSpan(4, 4))), cancellationToken);
                            break;
                        case 10:
                            if (!Names(body.AsSpan(4)).Contains(ScramSha256.Mechanism))
                            {
                                throw new PgBouncerConsoleException("PgBouncer asks for a SASL mechanism other than SCRAM-SHA-256.");
                            }

                            scram = new ScramSha256(password, Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)));
                            var first = Encoding.UTF8.GetBytes(scram.ClientFirst);
                            var initial = new byte[Encoding.ASCII.GetByteCount(ScramSha256.Mechanism) + 1 + 4 + first.Length];
                            Encoding.ASCII.GetBytes(ScramSha256.Mechanism, initial);
                            BinaryPrimitives.WriteInt32BigEndian(initial.AsSpan(initial.Length - first.Length - 4), first.Length);
                            first.CopyTo(initial, initial.Length - first.Length);
                            await SendAsync('p', initial, cancellationToken);
                            break;
                        case 11 when scram is not null:
                            await SendAsync('p', Encoding.UTF8.GetBytes(Final(scram, Encoding.UTF8.GetString(body, 4, body.Length - 4))), cancellationToken);
                            break;
                        case 12 when scram is not null:
                            if (!scram.ServerProved(Encoding.UTF8.GetString(body, 4, body.Length - 4)))
                            {
                                throw new PgBouncerConsoleException("PgBouncer's SCRAM answer does not prove it knows the password.");
                            }

                            break;
                        default:
                            throw new PgBouncerConsoleException($"PgBouncer asks for an authentication this client does not speak (code {code}).");
                    }

                    break;
                case 'E':
                    throw new PgBouncerConsoleException(ErrorText(body));
                case 'Z':
                    return;
                default:
                    break; // ParameterStatus, BackendKeyData, notices
            }
        }
    }

    private static string Final(ScramSha256 scram, string serverFirst)
    {
        try
        {
            return scram.ClientFinal(serverFirst);
        }
        catch (FormatException ex)
        {
            throw new PgBouncerConsoleException("PgBouncer's SCRAM message cannot be read: " + ex.Message);
        }
    }

    /// <summary>Runs one console command (SHOW POOLS...) and returns its table as text.</summary>
    public async Task<ConsoleTable> QueryAsync(string command, CancellationToken cancellationToken)
    {
        await SendAsync('Q', CString(command), cancellationToken);
        var columns = new List<string>();
        var rows = new List<IReadOnlyList<string?>>();
        string? error = null;
        while (true)
        {
            var (type, body) = await ReceiveAsync(cancellationToken);
            switch (type)
            {
                case 'T':
                    columns.Clear();
                    var count = BinaryPrimitives.ReadInt16BigEndian(body);
                    var at = 2;
                    for (var i = 0; i < count; i++)
                    {
                        var end = Array.IndexOf(body, (byte)0, at);
                        if (end < 0)
                        {
                            throw new PgBouncerConsoleException("PgBouncer sent a row description that cannot be read.");
                        }

                        columns.Add(Encoding.UTF8.GetString(body, at, end - at));
                        at = end + 1 + 18; // table oid, column, type oid, size, modifier, format
                    }

                    break;
                case 'D' when rows.Count < MaxRows:
                    rows.Add(Row(body));
                    break;
                case 'E':
                    error = ErrorText(body);
                    break;
                case 'Z':
                    return error is null ? new ConsoleTable(columns, rows) : throw new PgBouncerConsoleException(error);
                default:
                    break; // CommandComplete, notices, rows beyond the bound
            }
        }
    }

    private static string?[] Row(byte[] body)
    {
        var count = BinaryPrimitives.ReadInt16BigEndian(body);
        var values = new string?[count];
        var at = 2;
        for (var i = 0; i < count; i++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(at));
            at += 4;
            if (length >= 0)
            {
                values[i] = Encoding.UTF8.GetString(body, at, length);
                at += length;
            }
        }

        return values;
    }

    private static byte[] CString(string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }

    private static HashSet<string> Names(ReadOnlySpan<byte> list)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in Encoding.ASCII.GetString(list).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            names.Add(name);
        }

        return names;
    }

    private static string ErrorText(byte[] body)
    {
        string? message = null, code = null;
        var at = 0;
        while (at < body.Length && body[at] != 0)
        {
            var field = (char)body[at++];
            var end = Array.IndexOf(body, (byte)0, at);
            if (end < 0)
            {
                break;
            }

            var value = Encoding.UTF8.GetString(body, at, end - at);
            at = end + 1;
            if (field == 'M')
            {
                message = value;
            }
            else if (field == 'C')
            {
                code = value;
            }
        }

        return $"{message ?? "unknown error"}{(code is null ? "" : $" ({code})")}";
    }

    private async Task SendAsync(char? type, byte[] body, CancellationToken cancellationToken)
    {
        // One write per message: PgBouncer reads a start-up packet whole and refuses one that arrives in pieces.
        var start = type is null ? 0 : 1;
        var message = new byte[start + 4 + body.Length];
        if (type is { } t)
        {
            message[0] = (byte)t;
        }

        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(start), body.Length + 4);
        body.CopyTo(message, start + 4);
        await Stream.WriteAsync(message, cancellationToken);
    }

    private async Task<(char Type, byte[] Body)> ReceiveAsync(CancellationToken cancellationToken)
    {
        var header = new byte[5];
        await Stream.ReadExactlyAsync(header, cancellationToken);
        var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) - 4;
        if (length is < 0 or > MaxMessageBytes)
        {
            throw new PgBouncerConsoleException($"PgBouncer sent a message of {length} bytes: not the PostgreSQL protocol, or beyond {MaxMessageBytes} bytes.");
        }

        var body = new byte[length];
        await Stream.ReadExactlyAsync(body, cancellationToken);
        return ((char)header[0], body);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_tcp.Connected)
            {
                using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await SendAsync('X', [], bound.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closing anyway.
        }

        _stream?.Dispose();
        _tcp.Dispose();
    }
}

/// <summary>PgBouncer's admin console refused or could not be understood; the message says which.</summary>
public sealed class PgBouncerConsoleException(string message) : Exception(message);
