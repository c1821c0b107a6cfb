namespace TovPlay.Logs.Web.Tail;

public static class TailServices
{
    public static WebApplicationBuilder AddAppTail(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TailOptions>().Bind(builder.Configuration.GetSection(TailOptions.Section))
            .Validate(o => o.ViewerBufferLines > 0 && o.HistoryLines >= 0 && o.MaxBatchLines > 0 && o.ResumeLimit > 0, "Tail: buffer, history, batch and resume sizes must be positive")
            .Validate(o => o.MinReconnectDelay > TimeSpan.Zero && o.MaxReconnectDelay >= o.MinReconnectDelay, "Tail: reconnect delays must be positive, the maximum at least the minimum")
            .ValidateOnStart();
        builder.Services.AddSingleton<TailBroker>();
        builder.Services.AddSingleton<CallerTailLimit>();
        builder.Services.AddSignalR();
        return builder;
    }

    public static void MapAppTail(this WebApplication app) => app.MapHub<TailHub>(TailHub.Path);
}
