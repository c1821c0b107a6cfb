using TovPlay.Logs.Domain.Security;

namespace TovPlay.Logs.Domain.Tests.Security;

public sealed class AppRolesTests
{
    [Fact]
    public void AtLeast_Viewer_IsEveryRole() =>
        Assert.Equal([AppRoles.Viewer, AppRoles.Investigator, AppRoles.Admin], AppRoles.AtLeast(AppRoles.Viewer));

    [Fact]
    public void AtLeast_Investigator_ExcludesViewer() =>
        Assert.Equal([AppRoles.Investigator, AppRoles.Admin], AppRoles.AtLeast(AppRoles.Investigator));

    [Fact]
    public void AtLeast_Admin_IsAdminOnly() => Assert.Equal([AppRoles.Admin], AppRoles.AtLeast(AppRoles.Admin));

    [Fact]
    public void AtLeast_UnknownRole_Throws() => Assert.Throws<ArgumentOutOfRangeException>(() => AppRoles.AtLeast("Root"));

    [Theory]
    [InlineData("admin", AppRoles.Admin)]
    [InlineData(" INVESTIGATOR ", AppRoles.Investigator)]
    [InlineData("Viewer", AppRoles.Viewer)]
    [InlineData("root", null)]
    [InlineData(null, null)]
    public void Normalize_AnyCasing_ReturnsCanonicalOrNull(string? input, string? expected) =>
        Assert.Equal(expected, AppRoles.Normalize(input));
}
