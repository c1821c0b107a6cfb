namespace TovPlay.Logs.Domain.LogQL.Evaluation.Stages;

/// <summary>One compiled pipeline stage. Returns false to drop the entry; may replace the line and change labels.</summary>
internal interface IStage
{
    bool Process(long timestampNs, ref string line, LabelsBuilder labels);
}
