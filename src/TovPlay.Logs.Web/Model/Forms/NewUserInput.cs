using FluentValidation;
using TovPlay.Logs.Domain.Security;

namespace TovPlay.Logs.Web.Model.Forms;

public sealed class NewUserInput
{
    public string Email { get; set; } = "";

    public string Role { get; set; } = AppRoles.Viewer;

    /// <summary>Empty generates a password that is shown once.</summary>
    public string? Password { get; set; }
}

public sealed class NewUserInputValidator : AbstractValidator<NewUserInput>
{
    public NewUserInputValidator(int minPasswordLength)
    {
        RuleFor(x => x.Email).Custom((email, context) =>
        {
            if (AccountEmail.Problem(email) is { } problem)
            {
                context.AddFailure(problem);
            }
        });
        RuleFor(x => x.Role)
            .Must(AppRoles.IsKnown).WithMessage($"Choose one of: {string.Join(", ", AppRoles.All)}.");
        When(x => !string.IsNullOrEmpty(x.Password), () =>
            RuleFor(x => x.Password!)
                .MinimumLength(minPasswordLength).WithMessage($"A password has at least {minPasswordLength} characters; leave it empty to generate one.")
                .Matches("[a-z]").WithMessage("A password needs a lowercase letter.")
                .Matches("[A-Z]").WithMessage("A password needs an uppercase letter.")
                .Matches("[0-9]").WithMessage("A password needs a digit."));
    }
}
