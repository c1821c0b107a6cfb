namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>A parsed LogQL query: a log query (<see cref="LogQueryExpr"/>) or a metric query (everything else).</summary>
public abstract record LogQLExpr
{
    public bool IsLogQuery => this is LogQueryExpr;
}
