namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>The vector aggregations over series.</summary>
public enum VectorOperation
{
    Sum,
    Avg,
    Min,
    Max,
    Count,
    Stddev,
    Stdvar,
    Topk,
    Bottomk,
    Sort,
    SortDesc,
}
