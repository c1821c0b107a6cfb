using System.Diagnostics;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>What the tests do with the Debian servers they start (PgBouncer, nginx): wait for them to listen, and stop them.</summary>
public static class LocalServerProcess
{
    /// <summary>Returns once <paramref name="port"/> on the loopback accepts; throws with <paramref name="output"/> when the process exits first or 30 s pass.</summary>
    public static async Task WaitUntilListeningAsync(Process process, int port, Func<Task<string>> output)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.StartInfo.FileName} exited ({process.ExitCode}): {await output()}");
            }

            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync("127.0.0.1", port, bound.Token);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50, bound.Token);
            }
        }
    }

    /// <summary>Stops the process (and what it started), then removes its folder of configuration and logs.</summary>
    public static async Task StopAsync(Process process, string folder)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the ending process: the temporary folder is cleaned up with the machine's.
        }
    }
}
