namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary>A stage that can read a line from its UTF-8 bytes, without the line decoded to a string.</summary>
internal interface IUtf8Stage : IStage
{
    /// <summary>False when this instance needs the line as text after all (a json stage with extraction paths).</summary>
    bool ReadsUtf8 { get; }

    /// <summary>
    /// As <see cref="IStage.Process"/> for a stage that keeps the line; null when the bytes alone do not decide the
    /// entry (an unusual line): the caller then starts the entry again from its decoded text, so whatever this call
    /// added to the labels is discarded.
    /// </summary>
    bool? ProcessUtf8(long timestampNs, ReadOnlySpan<byte> line, LabelsBuilder labels);
}
