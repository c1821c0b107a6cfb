using FluentValidation;

namespace TovPlay.Logs.Web.Model.Forms;

/// <summary>Adapts a FluentValidation validator to <c>MudForm Validation=</c>, which asks per field.</summary>
public static class MudFormValidation
{
    public static Func<object, string, Task<IEnumerable<string>>> For<T>(IValidator<T> validator) => async (model, propertyName) =>
    {
        var result = await validator.ValidateAsync(ValidationContext<T>.CreateWithOptions((T)model, o => o.IncludeProperties(propertyName)));
        return result.IsValid ? [] : result.Errors.Select(e => e.ErrorMessage);
    };
}
