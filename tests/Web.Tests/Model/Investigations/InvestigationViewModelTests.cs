using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Web.Investigations;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Model.Investigations;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Model.Investigations;

/// <summary>
/// WHEN proposes a window from the audit trail, then may move it once the logs are read; the operator may press Next
/// in between. A clean-clone browser run showed WHAT empty with nothing running: the answer that came last was for
/// the window before it moved.
/// </summary>
public sealed class InvestigationViewModelTests(WebAppFixture fixture)
{
    private static readonly DateTimeOffset s_at = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AWindowMovedWhileItsAnswerWasComing_IsAnsweredAgain_AndTheStepsShowTheAnswerForTheWindowAsItIs()
    {
        var investigator = new HeldInvestigator();
        var model = OnTheFirstWindow(investigator);

        // Next pressed on the first window; the window then moves (WHEN's logs are in) and asks for its answer.
        var next = model.InvestigateAsync(TestContext.Current.CancellationToken);
        model.When.Adjust(s_at.AddMinutes(5), s_at.AddMinutes(6));
        var moved = model.InvestigateAsync(TestContext.Current.CancellationToken);
        Assert.True(model.Running);
        investigator.Release();
        await Task.WhenAll(next, moved).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.False(model.Running);
        Assert.True(model.IsCurrent);
        Assert.Equal(s_at.AddMinutes(5), model.AnsweredFor!.Start);
        Assert.Equal([s_at, s_at.AddMinutes(5)], investigator.Asked.Select(q => q.Start));
    }

    [Fact]
    public async Task CallersResumedTogether_StartOneAnswerBetweenThem()
    {
        // Off the circuit's context (a background caller, a test) the callers waiting on one answer resume on
        // different threads at once; a clean-clone run saw two of them each start the moved window's answer.
        for (var round = 0; round < 20; round++)
        {
            var investigator = new HeldInvestigator();
            var model = OnTheFirstWindow(investigator);
            var first = model.InvestigateAsync(TestContext.Current.CancellationToken);
            model.When.Adjust(s_at.AddMinutes(5), s_at.AddMinutes(6));
            var waiting = Enumerable.Range(0, 8).Select(_ => Task.Run(() => model.InvestigateAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken)).ToArray();
            await Task.Run(() => investigator.Release(asynchronously: true), TestContext.Current.CancellationToken);
            await Task.WhenAll([first, .. waiting]).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

            Assert.Equal([s_at, s_at.AddMinutes(5)], investigator.Asked.Select(q => q.Start));
            Assert.True(model.IsCurrent);
        }
    }

    [Fact]
    public async Task AnAnswerThatFails_ForAWindowMovedSince_IsFollowedByOneForTheWindowAsItIs_ButForTheWindowAsItIs_EndsWithTheError()
    {
        var investigator = new HeldInvestigator { FailsFor = s_at };
        var model = OnTheFirstWindow(investigator);
        var next = model.InvestigateAsync(TestContext.Current.CancellationToken);
        model.When.Adjust(s_at.AddMinutes(5), s_at.AddMinutes(6));
        var moved = model.InvestigateAsync(TestContext.Current.CancellationToken);
        investigator.Release();
        await Task.WhenAll(next, moved).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Null(model.Error);
        Assert.True(model.IsCurrent);
        Assert.Equal([s_at, s_at.AddMinutes(5)], investigator.Asked.Select(q => q.Start));

        // The window moved back to the one that fails: asked once, and the error stays shown.
        model.When.Adjust(s_at, s_at.AddMinutes(1));
        await model.InvestigateAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.StartsWith("The investigation could not read its sources: ", model.Error, StringComparison.Ordinal);
        Assert.False(model.IsCurrent);
        Assert.False(model.Running);
        Assert.Equal([s_at, s_at.AddMinutes(5), s_at], investigator.Asked.Select(q => q.Start));
    }

    private InvestigationViewModel OnTheFirstWindow(HeldInvestigator investigator)
    {
        var model = new InvestigationViewModel(new WhenViewModel(fixture.App.Services.GetRequiredService<ActivityReader>(), TimeProvider.System), [investigator],
            Microsoft.Extensions.Options.Options.Create(new Web.Audit.AuditOptions()));
        model.Start(ScenarioKind.SlowApi);
        model.When.Adjust(s_at, s_at.AddMinutes(1));
        return model;
    }

    /// <summary>Holds every question until released, then answers the newest first (the order that left WHAT empty); later questions at once.</summary>
    private sealed class HeldInvestigator : IScenarioInvestigator
    {
        private readonly List<TaskCompletionSource> _held = [];
        private bool _released;

        public ScenarioKind Kind => ScenarioKind.SlowApi;

        public List<ScenarioQuestion> Asked { get; } = [];

        /// <summary>The window whose answer cannot be read (its sources fail).</summary>
        public DateTimeOffset? FailsFor { get; init; }

        public void Release(bool asynchronously = false)
        {
            List<TaskCompletionSource> held;
            lock (_held)
            {
                _released = true;
                held = [.. _held];
            }

            for (var i = held.Count - 1; i >= 0; i--)
            {
                if (asynchronously)
                {
                    var release = held[i];
                    ThreadPool.QueueUserWorkItem(_ => release.TrySetResult());
                }
                else
                {
                    held[i].TrySetResult();
                }
            }
        }

        public async Task<ScenarioAnswer> InvestigateAsync(ScenarioQuestion question, CancellationToken cancellationToken)
        {
            var answered = new TaskCompletionSource();
            lock (_held)
            {
                Asked.Add(question);
                if (_released)
                {
                    answered.SetResult();
                }
                else
                {
                    _held.Add(answered);
                }
            }

            await answered.Task.WaitAsync(cancellationToken);
            return question.Start == FailsFor
                ? throw new LogSourceException(LogSourceError.Unavailable, "the log source is down")
                : new ScenarioAnswer([], new InvestigationResult([], []), []);
        }
    }
}
