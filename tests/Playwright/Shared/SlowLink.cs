using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Playwright;

namespace TovPlay.Logs.Playwright.Shared;

/// <summary>
/// A slow connection between the app and one page: what the circuit sends reaches the browser <c>latency</c> late,
/// in the order it was sent; what the browser sends goes at once. The page's next circuit (a reload) goes through it.
/// </summary>
public static partial class SlowLink
{
    public static Task RouteAsync(IPage page, TimeSpan latency) => page.RouteWebSocketAsync(BlazorHub(), browser =>
    {
        var app = browser.ConnectToServer();
        browser.OnMessage(frame => Forward(frame, app));
        var late = Channel.CreateUnbounded<(long Due, IWebSocketFrame Frame)>(new UnboundedChannelOptions { SingleReader = true });
        app.OnMessage(frame => late.Writer.TryWrite((Environment.TickCount64 + (long)latency.TotalMilliseconds, frame)));
        app.OnClose((_, _) => late.Writer.TryComplete());
        browser.OnClose((_, _) => late.Writer.TryComplete());
        _ = Task.Run(async () =>
        {
            await foreach (var (due, frame) in late.Reader.ReadAllAsync())
            {
                var wait = due - Environment.TickCount64;
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(wait));
                }

                Forward(frame, browser);
            }
        });
    });

    private static void Forward(IWebSocketFrame frame, IWebSocketRoute to)
    {
        if (frame.Binary is { } binary)
        {
            to.Send(binary);
        }
        else
        {
            to.Send(frame.Text ?? "");
        }
    }

    [GeneratedRegex("/_blazor")]
    private static partial Regex BlazorHub();
}
