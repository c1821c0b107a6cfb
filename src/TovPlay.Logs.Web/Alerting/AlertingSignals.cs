using System.Threading.Channels;

namespace TovPlay.Logs.Web.Alerting;

/// <summary>
/// Wake-ups between the alerting loops of one instance, so a rule saved, an alert fired or a message queued is acted on
/// at once rather than at the next poll. Each signal coalesces: many raises before a wait are one wake-up.
/// </summary>
public sealed class AlertingSignals
{
    public Signal RulesChanged { get; } = new();

    public Signal AlertsChanged { get; } = new();

    public Signal OutboxChanged { get; } = new();

    /// <summary>Policies, contact points, silences or mute timings were edited.</summary>
    public Signal ConfigurationChanged { get; } = new();

    public sealed class Signal
    {
        private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

        public void Raise() => _channel.Writer.TryWrite(true);

        /// <summary>Returns when raised or after <paramref name="timeout"/>, whichever comes first.</summary>
        public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
        {
            if (_channel.Reader.TryRead(out _))
            {
                return;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(timeout, time, linked.Token);
            var raised = _channel.Reader.WaitToReadAsync(linked.Token).AsTask();
            await Task.WhenAny(delay, raised);
            await linked.CancelAsync();
            _channel.Reader.TryRead(out _);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
