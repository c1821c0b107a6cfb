using System.Runtime.CompilerServices;
using System.Threading.Channels;
using TovPlay.Logs.Web.LogSources;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>
/// A log source whose tails the test drives: each <c>TailAsync</c> call becomes a <see cref="Call"/> the test
/// feeds batches into, fails, or ends. Besides tailing it answers only labels and label values, from
/// <see cref="LabelValues"/>.
/// </summary>
public sealed class ScriptedTailSource : ILogSource
{
    private readonly Channel<Call> _calls = Channel.CreateUnbounded<Call>();

    public string Kind => "Scripted";

    public int OpenTails => _open;

    private int _open;

    /// <summary>The next tail the broker opens (waits for it).</summary>
    public async Task<Call> NextCallAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        return await _calls.Reader.ReadAsync(timeout.Token);
    }

    public bool HasPendingCall => _calls.Reader.TryPeek(out _);

    public async IAsyncEnumerable<TailBatch> TailAsync(TailRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var call = new Call(request);
        await _calls.Writer.WriteAsync(call, cancellationToken);
        Interlocked.Increment(ref _open);
        try
        {
            await foreach (var step in call.Steps.Reader.ReadAllAsync(cancellationToken))
            {
                if (step.Failure is { } failure)
                {
                    throw failure;
                }

                yield return step.Batch!;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _open);
            call.Closed.TrySetResult();
        }
    }

    public Task<QueryResponse> QueryRangeAsync(RangeQueryRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<QueryResponse> QueryInstantAsync(InstantQueryRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Dictionary<string, string[]> LabelValues { get; } = [];

    public Task<IReadOnlyList<string>> GetLabelsAsync(TimeWindow window, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. LabelValues.Keys.Order(StringComparer.Ordinal)]);

    public Task<IReadOnlyList<string>> GetLabelValuesAsync(string name, TimeWindow window, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(LabelValues.GetValueOrDefault(name) ?? []);

    public Task<IReadOnlyList<Domain.Logs.LabelSet>> GetSeriesAsync(IReadOnlyList<string> match, TimeWindow window, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<string?> CheckReadyAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>One tail the broker opened.</summary>
    public sealed class Call(TailRequest request)
    {
        public TailRequest Request { get; } = request;

        internal Channel<(TailBatch? Batch, Exception? Failure)> Steps { get; } = Channel.CreateUnbounded<(TailBatch?, Exception?)>();

        /// <summary>Completes when the broker stops reading this tail.</summary>
        public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Send(TailBatch batch) => Steps.Writer.TryWrite((batch, null));

        public void Send(params (string Job, long Ts, string Line)[] entries) => Send(new TailBatch(
            [.. entries.Select(e => new StreamResult(Domain.Logs.LabelSet.From(("job", e.Job)), [new Domain.Logs.LogEntry(e.Ts, e.Line)]))], []));

        public void Fail(Exception failure) => Steps.Writer.TryWrite((null, failure));

        public void End() => Steps.Writer.TryComplete();
    }
}
