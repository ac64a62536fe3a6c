using System.Collections;
using InverseScaling.Benchmark.Metrics;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>
/// Per-example scores kept column by column: about 45 bytes per two-class example instead of two objects of about
/// 100 bytes. A run keeps every unit's scores for the fit, so on a 100,000-example task and ten checkpoints this is the
/// difference between 45 MB and 100 MB. Reading an item builds an equal <see cref="ExampleScore"/>.
/// </summary>
internal sealed class ExampleScoreColumns : IReadOnlyList<ExampleScore>
{
    private const byte HasCorrect = 1, IsCorrect = 2, HasPredicted = 4, HasTotal = 8;

    private int[] _index = [];
    private double[] _loss = [];
    private byte[] _flags = [];
    private int[] _predicted = [];
    private double[] _total = [];
    private int[] _classStart = [0];
    private double[] _classes = [];
    private int _classCount;

    public int Count { get; private set; }

    public ExampleScore this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var flags = _flags[index];
            return new ExampleScore(
                _index[index],
                _loss[index],
                (flags & HasCorrect) != 0 ? (flags & IsCorrect) != 0 : null,
                (flags & HasPredicted) != 0 ? _predicted[index] : null,
                (flags & HasTotal) != 0 ? _total[index] : null,
                _classes.AsSpan(_classStart[index], _classStart[index + 1] - _classStart[index]).ToArray());
        }
    }

    public void Add(ExampleScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        if (Count == _index.Length) Grow();
        var i = Count;
        _index[i] = score.Index;
        _loss[i] = score.Loss;
        _flags[i] = (byte)((score.Correct is { } c ? HasCorrect | (c ? IsCorrect : 0) : 0)
            | (score.Predicted is null ? 0 : HasPredicted)
            | (score.TotalLogProbability is null ? 0 : HasTotal));
        _predicted[i] = score.Predicted ?? 0;
        _total[i] = score.TotalLogProbability ?? 0;
        var classes = score.ClassLogProbabilities;
        if (_classCount + classes.Count > _classes.Length) Array.Resize(ref _classes, Math.Max(_classes.Length * 2, _classCount + classes.Count));
        for (var k = 0; k < classes.Count; k++) _classes[_classCount + k] = classes[k];
        _classCount += classes.Count;
        _classStart[i + 1] = _classCount;
        Count++;
    }

    /// <summary>Drops the spare capacity left by growing; call once no more scores will be added.</summary>
    public ExampleScoreColumns TrimExcess()
    {
        Array.Resize(ref _index, Count);
        Array.Resize(ref _loss, Count);
        Array.Resize(ref _flags, Count);
        Array.Resize(ref _predicted, Count);
        Array.Resize(ref _total, Count);
        Array.Resize(ref _classStart, Count + 1);
        Array.Resize(ref _classes, _classCount);
        return this;
    }

    public IEnumerator<ExampleScore> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void Grow()
    {
        var capacity = Math.Max(256, Count * 2);
        Array.Resize(ref _index, capacity);
        Array.Resize(ref _loss, capacity);
        Array.Resize(ref _flags, capacity);
        Array.Resize(ref _predicted, capacity);
        Array.Resize(ref _total, capacity);
        Array.Resize(ref _classStart, capacity + 1);
    }
}
