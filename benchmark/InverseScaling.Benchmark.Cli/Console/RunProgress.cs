using System.Diagnostics;
using InverseScaling.Benchmark.Evaluation;
using Spectre.Console;

namespace InverseScaling.Benchmark.Cli.Console;

/// <summary>
/// Progress of a run: bars per checkpoint in a terminal, a plain line every few seconds when output is redirected
/// (CI logs), nothing with <c>--quiet</c>. Units loaded from an interrupted run's results count as done.
/// </summary>
internal abstract class RunProgress
{
    public static RunProgress Create(bool quiet, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        return quiet ? new Silent()
            : console.IsTerminal && console.Ansi.Profile.Capabilities.Interactive ? new Bars(console.Ansi)
            : new PlainLines(console.Output);
    }

    public abstract T Run<T>(Func<IEvaluationObserver, T> evaluate);

    private sealed class Silent : RunProgress, IEvaluationObserver
    {
        public override T Run<T>(Func<IEvaluationObserver, T> evaluate) => evaluate(this);
    }

    /// <summary>
    /// One line per completed unit, and a progress line at most every 10 seconds in between. Rate and time left are those
    /// of the checkpoint in hand (its model load included): larger checkpoints come later and run slower, so a rate
    /// averaged over the smaller ones would promise far too little time.
    /// </summary>
    private sealed class PlainLines(TextWriter output) : RunProgress, IEvaluationObserver
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _lastLine, _lastDone, _checkpointStart;
        private string? _checkpoint;
        private int _total, _done, _inUnit, _checkpointDone;

        public override T Run<T>(Func<IEvaluationObserver, T> evaluate) => evaluate(this);

        public void Planned(IReadOnlyList<PlannedUnit> units)
        {
            _total = units.Sum(u => u.Examples);
            output.WriteLine($"Scoring {units.Count(u => !u.Control)} (checkpoint, task) pairs on {units.Select(u => u.Checkpoint).Distinct().Count()} checkpoints: {_total} examples.");
        }

        public void Progress(PlannedUnit unit, int scored)
        {
            Enter(unit);
            _inUnit = scored;
            // A finished unit gets its own "done" line right after.
            if (scored >= unit.Examples || _clock.Elapsed - _lastLine < TimeSpan.FromSeconds(10)) return;
            _lastLine = _clock.Elapsed;
            output.WriteLine($"[{_clock.Elapsed:hh\\:mm\\:ss}] {unit.Label}: {scored}/{unit.Examples} · {Rate()} · {Remaining()} left at that rate");
        }

        public void Completed(PlannedUnit unit, CheckpointTaskResult result)
        {
            Enter(unit);
            _done += unit.Examples;
            _checkpointDone += unit.Examples;
            _inUnit = 0;
            _lastDone = _clock.Elapsed;
            output.WriteLine($"[{_clock.Elapsed:hh\\:mm\\:ss}] {unit.Label}: done ({_done}/{_total} examples, {Rate()}, {Remaining()} left at that rate)");
        }

        public void Resumed(PlannedUnit unit, CheckpointTaskResult result)
        {
            _total -= unit.Examples;
            _lastDone = _clock.Elapsed;
            output.WriteLine($"[{_clock.Elapsed:hh\\:mm\\:ss}] {unit.Label}: kept from an earlier run");
        }

        /// <summary>A unit of a new checkpoint starts that checkpoint's clock where the last unit ended.</summary>
        private void Enter(PlannedUnit unit)
        {
            if (unit.Checkpoint == _checkpoint) return;
            (_checkpoint, _checkpointStart, _checkpointDone) = (unit.Checkpoint, _lastDone, 0);
        }

        private double ExamplesPerSecond() =>
            (_checkpointDone + _inUnit) / Math.Max((_clock.Elapsed - _checkpointStart).TotalSeconds, 1e-3);

        private string Rate() => $"{ExamplesPerSecond():F0} examples/s on {_checkpoint}";

        private string Remaining()
        {
            var rate = ExamplesPerSecond();
            if (rate <= 0) return "?";
            var left = TimeSpan.FromSeconds((_total - _done - _inUnit) / rate);
            return $"{left:hh\\:mm\\:ss}";
        }
    }

    /// <summary>Spectre progress bars: one per checkpoint, with the task in hand, rate and time left.</summary>
    private sealed class Bars(IAnsiConsole console) : RunProgress
    {
        public override T Run<T>(Func<IEvaluationObserver, T> evaluate)
        {
            T result = default!;
            var label = new LabelColumn();
            console.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(label, new ProgressBarColumn(), new PercentageColumn(),
                    new ExamplesPerSecondColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(context => result = evaluate(new BarObserver(context, label)));
            return result;
        }
    }

    private sealed class BarObserver(ProgressContext context, LabelColumn label) : IEvaluationObserver
    {
        private readonly Dictionary<string, ProgressTask> _bars = new();
        private readonly Dictionary<string, double> _completed = new();

        public void Planned(IReadOnlyList<PlannedUnit> units)
        {
            label.Width = units.Count == 0 ? null : units.Max(u => u.Label.Length);
            foreach (var group in units.GroupBy(u => u.Checkpoint))
            {
                _bars[group.Key] = context.AddTask(Describe(group.Key), autoStart: false, maxValue: group.Sum(u => u.Examples));
                _completed[group.Key] = 0;
            }
        }

        public void Progress(PlannedUnit unit, int scored)
        {
            var bar = _bars[unit.Checkpoint];
            if (!bar.IsStarted) bar.StartTask();
            bar.Description = Describe(unit.Label);
            bar.Value = _completed[unit.Checkpoint] + scored;
        }

        public void Completed(PlannedUnit unit, CheckpointTaskResult result)
        {
            _completed[unit.Checkpoint] += unit.Examples;
            var bar = _bars[unit.Checkpoint];
            bar.Value = _completed[unit.Checkpoint];
            if (bar.Value >= bar.MaxValue)
            {
                bar.Description = Describe(unit.Checkpoint);
                bar.StopTask();
            }
        }

        public void Resumed(PlannedUnit unit, CheckpointTaskResult result)
        {
            // Not scored now: out of the bar's total, so the rate and time left count only this run's work.
            var bar = _bars[unit.Checkpoint];
            bar.MaxValue -= unit.Examples;
            if (bar.Value >= bar.MaxValue)
            {
                bar.Description = Describe(unit.Checkpoint);
                bar.StopTask();
            }
        }

        private static string Describe(string label) => Markup.Escape(label);
    }

    /// <summary>The bar's label, left-aligned in a column as wide as the longest label, so the bars do not jump as labels change.</summary>
    private sealed class LabelColumn : ProgressColumn
    {
        public int? Width { get; set; }

        protected override bool NoWrap => true;

        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Markup(task.Description).Overflow(Overflow.Ellipsis);

        public override int? GetColumnWidth(Spectre.Console.Rendering.RenderOptions options) => Width;
    }

    /// <summary>Examples per second of a bar.</summary>
    private sealed class ExamplesPerSecondColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is { } speed ? $"{speed,6:F0} ex/s" : "       ex/s", new Style(Color.Grey));
    }
}
