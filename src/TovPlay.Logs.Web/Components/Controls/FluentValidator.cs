using FluentValidation;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace TovPlay.Logs.Web.Components.Controls;

/// <summary>
/// Runs a FluentValidation validator inside an <see cref="EditForm"/>, for the statically rendered forms
/// (sign-in) where MudForm cannot run. Messages appear through the usual <c>ValidationMessage</c>.
/// </summary>
public sealed class FluentValidator<T> : ComponentBase, IDisposable
{
    private ValidationMessageStore? _messages;
    private EditContext? _context;

    [CascadingParameter]
    public EditContext? EditContext { get; set; }

    [Parameter, EditorRequired]
    public required IValidator<T> Validator { get; set; }

    protected override void OnParametersSet()
    {
        if (EditContext is null)
        {
            throw new InvalidOperationException($"{nameof(FluentValidator<T>)} must sit inside an EditForm.");
        }

        if (ReferenceEquals(_context, EditContext))
        {
            return;
        }

        Detach();
        _context = EditContext;
        _messages = new ValidationMessageStore(_context);
        _context.OnValidationRequested += OnValidationRequested;
        _context.OnFieldChanged += OnFieldChanged;
    }

    private void OnValidationRequested(object? sender, ValidationRequestedEventArgs e)
    {
        _messages!.Clear();
        foreach (var error in Validator.Validate((T)_context!.Model).Errors)
        {
            _messages.Add(_context.Field(error.PropertyName), error.ErrorMessage);
        }

        _context.NotifyValidationStateChanged();
    }

    private void OnFieldChanged(object? sender, FieldChangedEventArgs e)
    {
        var field = e.FieldIdentifier;
        _messages!.Clear(field);
        var result = Validator.Validate(ValidationContext<T>.CreateWithOptions((T)_context!.Model, o => o.IncludeProperties(field.FieldName)));
        foreach (var error in result.Errors)
        {
            _messages.Add(field, error.ErrorMessage);
        }

        _context.NotifyValidationStateChanged();
    }

    private void Detach()
    {
        if (_context is not null)
        {
            _context.OnValidationRequested -= OnValidationRequested;
            _context.OnFieldChanged -= OnFieldChanged;
            _messages?.Clear();
        }
    }

    public void Dispose() => Detach();
}
