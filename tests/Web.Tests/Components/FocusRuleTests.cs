using System.Text.RegularExpressions;
using TovPlay.Logs.Web.Tests.Shared;

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
        var components = Path.Combine(Checkout.Root(), "src", "TovPlay.Logs.Web", "Components");
        var texts = Directory.EnumerateFiles(components, "*.razor", SearchOption.AllDirectories).Select(File.ReadAllText).ToList();
        var dialogs = texts.Where(t => DialogTag().IsMatch(t)).ToList();

        Assert.True(dialogs.Count >= 12, $"only {dialogs.Count} dialogs found under {components}");
        Assert.All(dialogs, d => Assert.All(DialogTag().Matches(d), tag => Assert.Contains("DefaultFocus=\"DefaultFocus.None\"", tag.Value, StringComparison.Ordinal)));
        Assert.All(texts, t => Assert.DoesNotContain("AutoFocus=\"true\"", t, StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain("<FocusOnNavigate", t, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"<MudDialog(\s[^>]*)?>")]
    private static partial Regex DialogTag();
}
