using System.Diagnostics;
using InverseScaling.Benchmark.Requests;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// Scores continuations on any <see cref="ICausalLanguageModel"/>: Σ log-softmax over the continuation's tokens, and
/// whether each was the argmax. The log-softmax is taken only at the positions that predict a continuation token, and
/// a continuation's last token is never run (nothing reads the logits after it).
/// <list type="bullet">
/// <item>With a <see cref="IKeyValueLanguageModel"/>: each distinct context runs once (batched longest first, left
/// padded); its next-token logits score every continuation's first token; the rest of each continuation runs on the
/// context's cached keys and values. Every context token and every continuation token but the last runs once.</item>
/// <item>Otherwise: requests with the same context form one tree; a continuation whose run is a prefix of another's
/// is read from that one; each remaining branch runs as context + continuation (minus its last token). One-token
/// continuations of a context all read one run of the context.</item>
/// </list>
/// Sequences are batched longest first under a token budget, right padded; with several workers, batches (a prompt
/// batch with its continuations) run concurrently on the same model. Does not own the model. One call at a time.
/// </summary>
internal sealed class LoglikelihoodScorer : ILoglikelihoodScorer
{
    private readonly ICausalLanguageModel model;
    private readonly IKeyValueLanguageModel? cached;
    private readonly string modelFile;
    private readonly LoglikelihoodScorerOptions options;
    private readonly int vocabulary;

    /// <param name="modelFile">The checkpoint file, named in errors about its logits.</param>
    public LoglikelihoodScorer(ICausalLanguageModel model, string modelFile, LoglikelihoodScorerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= LoglikelihoodScorerOptions.Default;
        options.Validate();
        this.model = model;
        this.modelFile = modelFile;
        this.options = options;
        vocabulary = model.VocabularySize;
        cached = options.UseKeyValueCache && options.ShareOneTokenContexts ? model.KeyValues : null;
    }

    public ScoringStatistics Statistics { get; private set; } = ScoringStatistics.Empty;

    /// <summary>The algorithm as results depend on it (in the last digits): names cached results.</summary>
    public string Name => NameFor(options, model.KeyValues is not null);

    /// <summary>The <see cref="Name"/> of a scorer with these options on a model with (or without) a key/value cache.</summary>
    public static string NameFor(LoglikelihoodScorerOptions options, bool keyValueModel)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.UseKeyValueCache && options.ShareOneTokenContexts && keyValueModel ? "engine/kv-cache"
            : options.ShareOneTokenContexts ? "engine/shared-prefixes" : "engine/per-request";
    }

    /// <summary>True when the scorer runs continuations on cached keys and values.</summary>
    public bool UsesKeyValueCache => cached is not null;

    public IReadOnlyList<ContinuationScore> Score(IReadOnlyList<TokenizedRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        Validate(requests);
        Statistics = Statistics with { Requests = Statistics.Requests + requests.Count };
        IReadOnlyList<Action<ScoringWorker>> work = cached is not null
            ? [.. ScoringPlanner.PromptBatches(ScoringPlanner.PlanContexts(requests), options).Select(b => (Action<ScoringWorker>)(w => RunPrompts(w, cached, b, cancellationToken)))]
            : [.. ScoringPlanner.SequenceBatches(ScoringPlanner.PlanSequences(requests, options.ShareOneTokenContexts), options)
                .Select(b => (Action<ScoringWorker>)(w => RunSequences(w, b, cancellationToken)))];

        var slots = new TokenSlots(requests);
        var workers = BatchScheduler.Run(work, options.Workers, () => new ScoringWorker(slots, vocabulary), cancellationToken);
        var stats = Statistics;
        foreach (var worker in workers) stats = stats.Add(worker.Statistics);
        Statistics = stats;
        return slots.Results();
    }

    /// <summary>One model call over whole sequences; each target read at its position.</summary>
    private void RunSequences(ScoringWorker worker, SequenceBatch batch, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var (rows, paddedLength) = (batch.Sequences.Count, batch.PaddedLength);
        var (tokens, lengths, real, pairs) = Pack(rows, paddedLength, row => batch.Sequences[row].Tokens, _ => 0);
        if (Gathers)
        {
            var scored = ScoredPositions.Of(rows, paddedLength, row => batch.Sequences[row].Targets);
            model.ForwardScores(tokens, lengths, paddedLength, scored.Flat, scored.Targets,
                (scores, argmax) => ReadScores(worker, scores, argmax, scored, p => (scored.Flat[p] / paddedLength, scored.Flat[p] % paddedLength), rows, paddedLength,
                    row => batch.Sequences[row].Targets), cancellationToken);
            worker.Count(rows, real, (long)rows * paddedLength - real, scored.Flat.Length, pairs, watch.Elapsed, fullHead: false);
            return;
        }
        model.Forward(tokens, lengths, paddedLength, logits =>
        {
            CheckLength(logits, (long)rows * paddedLength * vocabulary, rows, paddedLength);
            LogitsChecks.ThrowIfNonFinite(modelFile, logits, lengths, paddedLength, vocabulary);
            for (var row = 0; row < rows; row++)
            {
                foreach (var target in batch.Sequences[row].Targets) Read(worker, logits, ((long)row * paddedLength + target.Position) * vocabulary, target);
            }
        }, cancellationToken);
        worker.Count(rows, real, (long)rows * paddedLength - real, logitPositions: real, pairs, watch.Elapsed, fullHead: options.GatherLogits);
    }

    /// <summary>One prefill of contexts, its next-token logits read for every continuation's first token; then the branches on its cache.</summary>
    private void RunPrompts(ScoringWorker worker, IKeyValueLanguageModel keyValues, PromptBatch batch, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var (rows, paddedLength) = (batch.Contexts.Count, batch.PaddedLength);
        var (tokens, lengths, real, pairs) = Pack(rows, paddedLength, row => batch.Contexts[row].Context, _ => 0);
        // Every continuation's first token is read at its context's last position: one log-sum-exp per row scores them all.
        var scored = ScoredPositions.Of(rows, 1, row => batch.Contexts[row].Next, _ => 0);
        TargetScoresConsumer read = (scores, argmax) =>
            ReadScores(worker, scores, argmax, scored, p => (p, lengths[p] - 1), rows, paddedLength, row => batch.Contexts[row].Next);
        using var cache = Gathers ? keyValues.PrefillScores(tokens, lengths, paddedLength, scored.Targets, read, cancellationToken) : keyValues.Prefill(tokens, lengths, paddedLength, logits =>
        {
            CheckLength(logits, (long)rows * vocabulary, rows, 1);
            LogitsChecks.ThrowIfNonFiniteNext(modelFile, logits, lengths, paddedLength, vocabulary);
            scored.Targets.Score(logits, vocabulary, read);
        }, cancellationToken);
        worker.Count(rows, real, (long)rows * paddedLength - real, keyValues.PrefillComputesLastLogitsOnly ? rows : real, pairs, watch.Elapsed,
            fullHead: options.GatherLogits && !keyValues.PrefillComputesLastLogitsOnly);

        foreach (var tails in batch.Tails) RunTails(worker, keyValues, cache, tails, lengths, cancellationToken);
    }

    /// <summary>One model call continuing cache rows with branches; <paramref name="contextLengths"/> are the cached rows' real lengths.</summary>
    private void RunTails(ScoringWorker worker, IKeyValueLanguageModel keyValues, IKeyValueCache cache, TailBatch batch, int[] contextLengths, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var (rows, paddedLength) = (batch.Tails.Count, batch.PaddedLength);
        var (tokens, lengths, real, pairs) = Pack(rows, paddedLength, row => batch.Tails[row].Branch.Tokens, row => contextLengths[batch.Tails[row].CacheRow]);
        var cacheRows = new int[rows];
        for (var row = 0; row < rows; row++) cacheRows[row] = batch.Tails[row].CacheRow;
        if (Gathers)
        {
            var scored = ScoredPositions.Of(rows, paddedLength, row => batch.Tails[row].Branch.Targets);
            keyValues.ExtendScores(cache, cacheRows, tokens, lengths, paddedLength, scored.Flat, scored.Targets,
                (scores, argmax) => ReadScores(worker, scores, argmax, scored, p => (scored.Flat[p] / paddedLength, scored.Flat[p] % paddedLength), rows, paddedLength,
                    row => batch.Tails[row].Branch.Targets), cancellationToken);
            worker.Count(rows, real, (long)rows * paddedLength - real, scored.Flat.Length, pairs, watch.Elapsed, fullHead: false);
            return;
        }
        keyValues.Extend(cache, cacheRows, tokens, lengths, paddedLength, logits =>
        {
            CheckLength(logits, (long)rows * paddedLength * vocabulary, rows, paddedLength);
            LogitsChecks.ThrowIfNonFinite(modelFile, logits, lengths, paddedLength, vocabulary);
            for (var row = 0; row < rows; row++)
            {
                foreach (var target in batch.Tails[row].Branch.Targets) Read(worker, logits, ((long)row * paddedLength + target.Position) * vocabulary, target);
            }
        }, cancellationToken);
        worker.Count(rows, real, (long)rows * paddedLength - real, logitPositions: real, pairs, watch.Elapsed, fullHead: options.GatherLogits);
    }

    /// <summary>True when the head runs at the scored positions only: asked for, and the model can.</summary>
    private bool Gathers => options.GatherLogits && model.GathersLogits;

    /// <summary>Every target's log-probability and argmax flag from the scores of a batch's scored positions, after checking them finite.</summary>
    /// <param name="at">The batch row and position of a scored position, for the message about non-finite logits.</param>
    private void ReadScores(ScoringWorker worker, ReadOnlySpan<double> scores, ReadOnlySpan<long> argmax, ScoredPositions scored, Func<int, (int Row, int Position)> at,
        int rows, int paddedLength, Func<int, IReadOnlyList<ScoringTarget>> targets)
    {
        var positions = scored.Targets.Positions;
        if (scores.Length != scored.Targets.Ids.Length || argmax.Length != positions)
        {
            throw new InvalidOperationException($"the model returned {scores.Length} scores and {argmax.Length} argmax tokens for {positions} positions × {scored.Targets.PerPosition}");
        }
        LogitsChecks.ThrowIfNonFiniteScores(modelFile, scores, scored.Targets.PerPosition, at, rows, paddedLength);
        for (var row = 0; row < rows; row++)
        {
            var read = targets(row);
            for (var t = 0; t < read.Count; t++)
            {
                worker.Slots.Set(read[t], scores[scored.TargetSlots[row][t]], argmax[scored.TargetIndices[row][t]] == read[t].Token);
            }
        }
    }

    /// <summary>Right-padded ids and lengths of <paramref name="rows"/> sequences; real tokens; attention pairs given each row's cached length.</summary>
    private static (long[] Tokens, int[] Lengths, long Real, long Pairs) Pack(int rows, int paddedLength, Func<int, int[]> sequence, Func<int, int> cachedLength)
    {
        var tokens = new long[rows * paddedLength];
        var lengths = new int[rows];
        long real = 0, pairs = 0;
        for (var row = 0; row < rows; row++)
        {
            var source = sequence(row);
            lengths[row] = source.Length;
            real += source.Length;
            long n = source.Length, past = cachedLength(row);
            pairs += n * past + n * (n + 1) / 2;
            var destination = tokens.AsSpan(row * paddedLength, source.Length);
            for (var t = 0; t < source.Length; t++) destination[t] = source[t];
        }
        return (tokens, lengths, real, pairs);
    }

    /// <summary>The target's log-probability and argmax flag from logits already checked finite.</summary>
    private void Read(ScoringWorker worker, ReadOnlySpan<float> logits, long offset, ScoringTarget target)
    {
        var logProbability = LogSoftmax.At(logits.Slice((int)offset, vocabulary), target.Token, worker.Scratch, out var isArgmax);
        worker.Slots.Set(target, logProbability, isArgmax);
    }

    private static void CheckLength(ReadOnlySpan<float> logits, long expected, int rows, int positions)
    {
        if (logits.Length != expected)
        {
            throw new InvalidOperationException(
                $"the model returned {logits.Length} logits for a [{rows}, {positions}] batch; expected {expected}");
        }
    }

    private void Validate(IReadOnlyList<TokenizedRequest> requests)
    {
        for (var r = 0; r < requests.Count; r++)
        {
            var request = requests[r];
            ArgumentNullException.ThrowIfNull(request, $"requests[{r}]");
            if (request.Context.Length == 0)
            {
                throw new ArgumentException($"request {r} has an empty context; the request builder must put a BOS/EOS token before an empty context", nameof(requests));
            }
            if (request.Continuation.Length == 0)
            {
                throw new ArgumentException($"request {r} has an empty continuation; there is nothing to score", nameof(requests));
            }
            if (request.Length > model.MaxContext)
            {
                throw new ArgumentException($"request {r} has {request.Length} tokens, more than the model's context of {model.MaxContext}; the request builder must cut the context from the left", nameof(requests));
            }
            var outOfRange = IndexOutsideVocabulary(request.Context, vocabulary);
            var inContinuation = outOfRange < 0;
            if (inContinuation) outOfRange = IndexOutsideVocabulary(request.Continuation, vocabulary);
            if (outOfRange >= 0)
            {
                var part = inContinuation ? request.Continuation : request.Context;
                throw new ArgumentException(
                    $"request {r} has token id {part[outOfRange]} at {(inContinuation ? "continuation" : "context")} position {outOfRange}, outside the model's vocabulary of {vocabulary}; the tokenizer does not belong to this model",
                    nameof(requests));
            }
        }
    }

    private static int IndexOutsideVocabulary(int[] tokens, int vocabulary)
    {
        for (var i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)vocabulary) return i;
        }
        return -1;
    }
}
