using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static InverseScaling.Benchmark.Scoring.DecoderSignature;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// The decoder's logits: read and checked, computed at chosen positions only when the head is gathered, and scored at
/// chosen tokens inside the model when it scores targets.
/// </summary>
internal sealed partial class OnnxDecoder
{
    /// <summary>
    /// True when the model scores targets itself (a derived model; see <see cref="TargetScoreRewriter"/>): only their
    /// log-probabilities and each position's argmax come back to the host, never the logits.
    /// </summary>
    public bool ScoresTargets => signature.ScoresTargets;

    /// <summary>Why the model does not score targets although <see cref="OnnxModelOptions.ScoresTargetsInModel"/> asked it to; null when it does, or was not asked.</summary>
    public string? TargetScoreFallback { get; private init; }

    public void ForwardScores(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength, ReadOnlySpan<int> positions, TargetIds targets,
        TargetScoresConsumer consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(consume);
        if (!ScoresTargets)
        {
            ForwardAt(tokens, lengths, sequenceLength, positions, logits => targets.Score(logits, VocabularySize, consume), cancellationToken);
            return;
        }
        var batch = CheckBatch(tokens, lengths, sequenceLength);
        var gather = CheckPositions(positions, batch * sequenceLength);
        var reading = new Reading(null, targets, consume);
        reading.Check(gather.Length);
        using var outputs = Run(tokens.ToArray(), DecoderInputs.RightPaddedMask(lengths, sequenceLength), batch, sequenceLength, past: null, keepLast: false,
            gather, targets, presents: false, cancellationToken);
        Deliver(outputs, batch, sequenceLength, gather, reading);
    }

    public void ExtendScores(IKeyValueCache cache, ReadOnlySpan<int> cacheRows, ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength,
        ReadOnlySpan<int> positions, TargetIds targets, TargetScoresConsumer consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(consume);
        var gather = CheckPositions(positions, (long)lengths.Length * sequenceLength);
        var reading = new Reading(null, targets, consume);
        reading.Check(gather.Length);
        if (!GathersLogits)
        {
            Extend(cache, cacheRows, tokens, lengths, sequenceLength, null,
                new Reading(logits => targets.Score(LogitRows.Select(logits, gather, VocabularySize), VocabularySize, consume), null, null), cancellationToken);
            return;
        }
        Extend(cache, cacheRows, tokens, lengths, sequenceLength, gather, reading, cancellationToken);
    }

    /// <summary>
    /// What a call hands back: the logits to <see cref="Logits"/>, or the scores of <see cref="Targets"/> (one row of
    /// targets per position read) to <see cref="Scores"/>.
    /// </summary>
    private sealed record Reading(LogitsConsumer? Logits, TargetIds? Targets, TargetScoresConsumer? Scores)
    {
        /// <summary>Throws unless the targets name one row per position read.</summary>
        public void Check(int positions)
        {
            if (Targets is not null && Targets.Positions != positions)
            {
                throw new ArgumentException($"targets for {Targets.Positions} positions; {positions} are read", nameof(Targets));
            }
        }
    }

    /// <summary>The targets to bind: <paramref name="reading"/>'s when the model scores them, else none (the host scores the logits).</summary>
    private TargetIds? ModelTargets(Reading reading) => ScoresTargets ? reading.Targets : null;

    /// <summary>Hands a call's results to <paramref name="reading"/>: logits, scores from the model, or scores computed here from the logits.</summary>
    private void Deliver(IReadOnlyList<OrtValue> outputs, int batch, int positions, long[]? gather, Reading reading)
    {
        if (reading.Targets is null)
        {
            reading.Logits!(ReadLogits(outputs[0], batch, positions, gather));
        }
        else if (ScoresTargets)
        {
            var (scores, argmax) = (outputs[0], outputs[1]);
            var count = reading.Targets.Positions;
            var (scoreShape, argmaxShape) = (scores.GetTensorTypeAndShape().Shape, argmax.GetTensorTypeAndShape().Shape);
            if (scoreShape is not [var n, var k] || n != count || k != reading.Targets.PerPosition || argmaxShape is not [var m, 1] || m != count)
            {
                throw new InvalidOperationException(
                    $"{Path}: the scoring nodes returned [{string.Join(", ", scoreShape)}] scores and [{string.Join(", ", argmaxShape)}] argmax tokens for {count} positions × {reading.Targets.PerPosition}");
            }
            reading.Scores!(scores.GetTensorDataAsSpan<double>(), argmax.GetTensorDataAsSpan<long>());
        }
        else
        {
            reading.Targets.Score(ReadLogits(outputs[0], batch, positions, gather), VocabularySize, reading.Scores!);
        }
    }

    /// <summary>
    /// <see cref="Forward"/>'s logits at <paramref name="positions"/> only (flat indices row × <paramref name="sequenceLength"/>
    /// + position), row-major [positions, vocabulary]; computed there alone when <see cref="GathersLogits"/>.
    /// </summary>
    public void ForwardAt(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength, ReadOnlySpan<int> positions, LogitsConsumer consume,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consume);
        var batch = CheckBatch(tokens, lengths, sequenceLength);
        var gather = CheckPositions(positions, batch * sequenceLength);
        if (!GathersLogits)
        {
            Forward(tokens, lengths, sequenceLength, logits => consume(LogitRows.Select(logits, gather, VocabularySize)), cancellationToken);
            return;
        }
        using var outputs = Run(tokens.ToArray(), DecoderInputs.RightPaddedMask(lengths, sequenceLength), batch, sequenceLength, past: null, keepLast: false,
            gather, targets: null, presents: false, cancellationToken);
        consume(ReadLogits(outputs[0], batch, sequenceLength, gather));
    }

    /// <summary><see cref="Extend(IKeyValueCache, ReadOnlySpan{int}, ReadOnlySpan{long}, ReadOnlySpan{int}, int, LogitsConsumer, CancellationToken)"/>'s logits at <paramref name="positions"/> only, as <see cref="ForwardAt"/>.</summary>
    public void ExtendAt(IKeyValueCache cache, ReadOnlySpan<int> cacheRows, ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength,
        ReadOnlySpan<int> positions, LogitsConsumer consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consume);
        var gather = CheckPositions(positions, (long)lengths.Length * sequenceLength);
        if (!GathersLogits)
        {
            Extend(cache, cacheRows, tokens, lengths, sequenceLength, null, new Reading(logits => consume(LogitRows.Select(logits, gather, VocabularySize)), null, null),
                cancellationToken);
            return;
        }
        Extend(cache, cacheRows, tokens, lengths, sequenceLength, gather, new Reading(consume, null, null), cancellationToken);
    }

    private static long[] CheckPositions(ReadOnlySpan<int> positions, long count)
    {
        if (positions.IsEmpty) throw new ArgumentException("no positions to compute the logits of", nameof(positions));
        var gather = new long[positions.Length];
        for (var i = 0; i < positions.Length; i++)
        {
            if ((uint)positions[i] >= count) throw new ArgumentOutOfRangeException(nameof(positions), positions[i], $"the batch has {count} positions");
            gather[i] = positions[i];
        }
        return gather;
    }

    /// <summary>0, 1, …, <paramref name="count"/> − 1.</summary>
    private static long[] Every(long count)
    {
        var all = new long[count];
        for (var i = 0; i < all.Length; i++) all[i] = i;
        return all;
    }

    /// <summary>Each row's last position of a [batch, width] chunk; only the first row's when the logits are not read (a chunk before the last).</summary>
    private static long[] LastOfEachRow(int batch, int width, bool read)
    {
        var last = new long[read ? batch : 1];
        for (var row = 0; row < last.Length; row++) last[row] = (long)row * width + width - 1;
        return last;
    }

    /// <summary>
    /// The logits as float32 [batch, positions, vocabulary], or [<paramref name="gather"/>.Length, vocabulary] from a
    /// gathered head, after checking their shape.
    /// </summary>
    private ReadOnlySpan<float> ReadLogits(OrtValue logits, int batch, int positions, long[]? gather)
    {
        var shape = logits.GetTensorTypeAndShape().Shape;
        if (gather is not null)
        {
            if (shape.Length != 2 || shape[0] != gather.Length || shape[1] != VocabularySize)
            {
                throw new BenchmarkInputException(Path, $"the gathered head's 'logits' have shape [{string.Join(", ", shape)}]; expected [{gather.Length}, {VocabularySize}]",
                    $"open the model without {nameof(OnnxModelOptions.GatherLogits)} (the head was not found as it is)", field: Logits);
            }
        }
        else if (shape.Length != 3 || shape[0] != batch || shape[1] != positions || shape[2] != VocabularySize)
        {
            if (shape.Length == 3 && shape[0] == batch && shape[1] == positions) throw VocabularyMismatch(Path, shape[2], VocabularySize);
            throw new BenchmarkInputException(Path,
                $"the 'logits' output has shape [{string.Join(", ", shape)}]; expected [{batch}, {positions}, {VocabularySize}]",
                "export the decoder with logits [batch, sequence, vocabulary] (or the last logits_to_keep positions)", field: Logits);
        }
        if (!signature.HalfLogits) return logits.GetTensorDataAsSpan<float>();
        var half = logits.GetTensorDataAsSpan<Float16>();
        var converted = new float[half.Length];
        TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<Float16, Half>(half), converted);
        return converted;
    }

}
