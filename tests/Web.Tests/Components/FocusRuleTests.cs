using System.Text.RegularExpressions;

namespace TovPlay.Logs.Web.Tests.Components;

/// <summary>
/// The server never moves the focus: app.js gives it to a new page's heading and a new dialog's first field as they
/// appear. A focus trap, an AutoFocus field or FocusOnNavigate moves it once the first render has come back from the
/// browser, from someone already typing (FocusTests shows it on a slow link); a dialog or page added with one of them
/// brings that back.
/// </summary>
public sealed partial class FocusRuleTests
{
    [Fact]
    public void NoComponent_MovesTheFocusFromTheServer()
    {
        var components = Path.Combine(RepositoryRoot(), "src", "TovPlay.Logs.Web", "Components");
        var files = Directory.EnumerateFiles(components, "*.razor", SearchOption.AllDirectories).ToList();
        var dialogs = files.Select(f => (File: f, Text: File.ReadAllText(f))).Where(f => DialogTag().IsMatch(f.Text)).ToList();

        Assert.True(dialogs.Count >= 12, $"only {dialogs.Count} dialogs found under {components}");
        Assert.All(dialogs, d => Assert.All(DialogTag().Matches(d.Text), tag => Assert.Contains("DefaultFocus=\"DefaultFocus.None\"", tag.Value, StringComparison.Ordinal)));
        Assert.All(files, f => Assert.DoesNotContain("AutoFocus=\"true\"", File.ReadAllText(f), StringComparison.Ordinal));
        Assert.All(files, f => Assert.DoesNotContain("<FocusOnNavigate", File.ReadAllText(f), StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TovPlay.Logs.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TovPlay.Logs.sln is not above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"<MudDialog(\s[^>]*)?>")]
    private static partial Regex DialogTag();
}
