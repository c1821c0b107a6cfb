using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Web.Model.Lines;

/// <summary>A value clicked in a line's details: keep only lines with it, or exclude them.</summary>
public sealed record FieldFilter(string Name, string Value, bool Include, LineKind FieldOf);
