namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>The checkout the tests run from, for tests that read its files (deploy/ configuration, the components' sources).</summary>
public static class Checkout
{
    /// <summary>The folder holding TovPlay.Logs.sln above the test output.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TovPlay.Logs.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository (TovPlay.Logs.sln) is not above the test output " + AppContext.BaseDirectory);
    }
}
