using FluentValidation;
using TovPlay.Logs.Web.ApiKeys;

namespace TovPlay.Logs.Web.Model.Forms;

public sealed class NewApiKeyInput
{
    /// <summary>Who uses the key, e.g. "promtail on api-1".</summary>
    public string Name { get; set; } = "";

    public bool CanPush { get; set; } = true;

    public bool CanRead { get; set; }

    /// <summary>Kilobytes per second; empty uses the default.</summary>
    public int? IngestionRateKilobytes { get; set; }
}

public sealed class NewApiKeyInputValidator : AbstractValidator<NewApiKeyInput>
{
    public const int MaxRateKilobytes = 1024 * 1024;

    public NewApiKeyInputValidator()
    {
        RuleFor(x => x.Name)
            .Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("Name the key after who uses it, e.g. \"promtail on api-1\".")
            .MaximumLength(ApiKeyAdministration.MaxNameLength).WithMessage($"A name has at most {ApiKeyAdministration.MaxNameLength} characters.");
        RuleFor(x => x.CanPush)
            .Must((input, push) => push || input.CanRead).WithMessage("Choose at least one scope: push, read or both.");
        RuleFor(x => x.IngestionRateKilobytes)
            .InclusiveBetween(1, MaxRateKilobytes).When(x => x.IngestionRateKilobytes is not null)
            .WithMessage($"The rate is between 1 and {MaxRateKilobytes} KB/s; leave it empty for the default.");
    }
}
