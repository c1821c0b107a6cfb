using System.Text;
using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// A selection's literal line filters (<c>|= "a"</c>, <c>!= "b"</c>) tested on a line's UTF-8 bytes, so the head and
/// the chunks read from the database turn into strings only the lines that pass.
/// </summary>
public sealed class HeadLineFilter
{
    private readonly (bool Contains, byte[][] Needles)[] _filters;

    private HeadLineFilter((bool, byte[][])[] filters) => _filters = filters;

    public static HeadLineFilter? For(IReadOnlyList<LineFilterStage> filters) => filters.Count == 0
        ? null
        : new HeadLineFilter([.. filters.Select(f => (f.Operator == LineFilterOperator.Contains, f.Values.Select(v => Encoding.UTF8.GetBytes(v.Value)).ToArray()))]);

    public bool Passes(ReadOnlySpan<byte> line)
    {
        foreach (var (contains, needles) in _filters)
        {
            var any = false;
            foreach (var needle in needles)
            {
                if (line.IndexOf(needle) >= 0)
                {
                    any = true;
                    break;
                }
            }

            if (any != contains)
            {
                return false;
            }
        }

        return true;
    }
}
