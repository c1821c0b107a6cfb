using System.Text.RegularExpressions;

namespace TovPlay.Logs.Web.Tests.Components.Dialogs;

/// <summary>
/// Every dialog leaves its first focus to the browser (app.js gives it as the dialog appears): a focus trap or an
/// AutoFocus field that takes it once the first render has come back from the browser takes it from someone already
/// typing (DialogFocusTests shows it on a slow link). A dialog added without the setting brings that back.
/// </summary>
public sealed partial class DialogFocusRuleTests
{
    [Fact]
    public void EveryDialog_LeavesItsFirstFocusToTheBrowser()
    {
        var components = Path.Combine(RepositoryRoot(), "src", "TovPlay.Logs.Web", "Components");
        var files = Directory.EnumerateFiles(components, "*.razor", SearchOption.AllDirectories).ToList();
        var dialogs = files.Select(f => (File: f, Text: File.ReadAllText(f))).Where(f => DialogTag().IsMatch(f.Text)).ToList();

        Assert.True(dialogs.Count >= 12, $"only {dialogs.Count} dialogs found under {components}");
        Assert.All(dialogs, d => Assert.All(DialogTag().Matches(d.Text), tag => Assert.Contains("DefaultFocus=\"DefaultFocus.None\"", tag.Value, StringComparison.Ordinal)));
        Assert.All(files, f => Assert.DoesNotContain("AutoFocus=\"true\"", File.ReadAllText(f), StringComparison.Ordinal));
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
