using Npgsql;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Web.Audit;

namespace TovPlay.Logs.Web.Model.Audit;

/// <summary>
/// The Audit page's state: the filter as typed (with an error per field), the statements it found (newest first,
/// paged on), and the statement open in the details panel with its row changes.
/// </summary>
public sealed class AuditViewModel(AuditReader reader)
{
    public const int PageSize = 100;
    public const int ChangesShownAtFirst = 25;

    /// <summary>The filter's fields as typed, by their query-string names.</summary>
    public Dictionary<string, string?> Inputs { get; } = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> FieldErrors { get; private set; } = new Dictionary<string, string>();

    public AuditFilter Filter { get; private set; } = new();

    public List<AuditStatement> Statements { get; } = [];

    public bool HasMore { get; private set; }

    public bool Loading { get; private set; }

    /// <summary>A failure reading the trail (not installed, unreachable), said plainly.</summary>
    public string? Error { get; private set; }

    public AuditStatement? Selected { get; private set; }

    public IReadOnlyList<RowChange> Changes { get; private set; } = [];

    public IReadOnlyList<string> KeyColumns { get; private set; } = [];

    public int ChangesShown { get; set; } = ChangesShownAtFirst;

    public static readonly IReadOnlyList<string> FieldNames = ["table", "action", "role", "user", "client", "application", "correlation", "tx", "from", "to"];

    public string? Input(string name) => Inputs.GetValueOrDefault(name);

    public string? ErrorOf(string name) => FieldErrors.GetValueOrDefault(name);

    /// <summary>Reads the typed fields; true (and <see cref="Filter"/> set) when every field is valid.</summary>
    public bool TryApply()
    {
        var ok = AuditFilter.TryRead(Input, out var filter, out var errors);
        FieldErrors = errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.First().Message);
        if (ok)
        {
            Filter = filter;
        }

        return ok;
    }

    /// <summary>Takes the address's values as the typed fields; returns whether they make a valid filter.</summary>
    public bool ReadAddress(Func<string, string?> value)
    {
        Inputs.Clear();
        foreach (var name in FieldNames)
        {
            Inputs[name] = value(name);
        }

        return TryApply();
    }

    public async Task SearchAsync(CancellationToken cancellationToken)
    {
        Statements.Clear();
        HasMore = false;
        await ReadPageAsync(null, cancellationToken);
    }

    public Task MoreAsync(CancellationToken cancellationToken) => ReadPageAsync(Statements.Count == 0 ? null : Statements[^1].Id, cancellationToken);

    private async Task ReadPageAsync(long? before, CancellationToken cancellationToken)
    {
        await GuardAsync(async () =>
        {
            var page = await reader.SearchAsync(Filter, before, PageSize + 1, cancellationToken);
            HasMore = page.Count > PageSize;
            Statements.AddRange(page.Take(PageSize));
        });
    }

    /// <summary>Opens a statement (from the list, or by id from the address) with its row changes; null closes the panel.</summary>
    public async Task SelectAsync(long? id, CancellationToken cancellationToken)
    {
        if (id == Selected?.Id)
        {
            return;
        }

        Selected = null;
        Changes = [];
        KeyColumns = [];
        ChangesShown = ChangesShownAtFirst;
        if (id is not { } wanted)
        {
            return;
        }

        await GuardAsync(async () =>
        {
            Selected = Statements.FirstOrDefault(s => s.Id == wanted) ?? await reader.StatementAsync(wanted, cancellationToken);
            if (Selected is null)
            {
                Error = $"No audited statement {wanted}.";
                return;
            }

            Changes = await reader.ChangesAsync(Selected, cancellationToken);
            KeyColumns = await reader.KeyColumnsAsync(Selected.TableOid, cancellationToken);
        });
    }

    /// <summary>Statements that can be taken back: their rows were removed or changed.</summary>
    public static bool Restorable(AuditStatement statement) => statement.Restorable;

    private async Task GuardAsync(Func<Task> read)
    {
        Loading = true;
        Error = null;
        try
        {
            await read();
        }
        catch (Exception ex) when (ex is InvalidOperationException or NpgsqlException or ArgumentException)
        {
            Error = ex.Message;
        }
        finally
        {
            Loading = false;
        }
    }
}
