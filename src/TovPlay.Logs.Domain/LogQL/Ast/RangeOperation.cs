namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>The range aggregations: functions of a log range that give one value per series per step.</summary>
public enum RangeOperation
{
    CountOverTime,
    Rate,
    RateCounter,
    BytesOverTime,
    BytesRate,
    SumOverTime,
    AvgOverTime,
    MinOverTime,
    MaxOverTime,
    StddevOverTime,
    StdvarOverTime,
    QuantileOverTime,
    FirstOverTime,
    LastOverTime,
    AbsentOverTime,
}
