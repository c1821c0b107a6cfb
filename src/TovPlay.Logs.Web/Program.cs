using TovPlay.Logs.Web.Hosting;

return await AppHost.RunAsync(args);

/// <summary>Entry point; public so integration tests can host the app.</summary>
public partial class Program;
