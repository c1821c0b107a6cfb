namespace TovPlay.Logs.Domain.LogQL.Ast;

/// <summary>How <c>unwrap</c> reads the label: as a number, a duration (seconds) or a byte size.</summary>
public enum UnwrapConversion
{
    None,
    Duration,
    DurationSeconds,
    Bytes,
}
