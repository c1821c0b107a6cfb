using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>Records sign-in calls and answers with a chosen outcome, for testing the sign-in form alone.</summary>
public sealed class FakePasswordSignIn(SignInAttempt answer) : IPasswordSignIn
{
    public List<(string Email, string Password, bool Remember)> Calls { get; } = [];

    public Task<SignInAttempt> SignInAsync(string email, string password, bool remember)
    {
        Calls.Add((email, password, remember));
        return Task.FromResult(answer);
    }
}
