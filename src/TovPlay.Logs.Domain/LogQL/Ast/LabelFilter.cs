namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>A condition on labels inside a label-filter stage.</summary>
public abstract record LabelFilter;
