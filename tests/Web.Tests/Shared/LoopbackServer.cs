using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>A small HTTP server on 127.0.0.1 for the fakes that stand in for outside services.</summary>
public static class LoopbackServer
{
    /// <summary>Builds, maps and starts the server; returns it with its address (ending in /).</summary>
    public static async Task<(WebApplication App, Uri Address)> StartAsync(string name, Action<WebApplication> map)
    {
        // Its own environment name, so the app's appsettings copied beside the tests do not apply to it.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = name });
        builder.Configuration["AllowedHosts"] = "*";
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>A loopback port free at the moment of asking, for a process that must be told its port up front.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
