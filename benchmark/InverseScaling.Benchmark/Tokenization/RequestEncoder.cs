using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tokenization;

/// <summary>
/// Turns requests into token ids for one checkpoint. Trailing whitespace of the context moves to the continuation. The
/// scored tokens are what the continuation becomes inside the full text: context + continuation is encoded jointly, and
/// when the context's own encoding is a prefix of that, the continuation is the rest (so a SentencePiece-style dummy
/// prefix is never scored, and byte-level BPE gives the same ids as separate encoding). When it is not a prefix (the
/// continuation merges with the end of the context), the continuation falls back to its own encoding as text that
/// follows other text, and the request is flagged (<see cref="TokenizedRequest.BoundaryDiffers"/>) so the run counts it.
/// BOS follows the checkpoint's policy; too long inputs lose context tokens from the left so that context +
/// continuation fit <see cref="MaxContext"/>. Requests that share a context may share its id array: treat the arrays as read-only.
/// </summary>
public sealed class RequestEncoder
{
    private const int MaxCachedContinuations = 16_384;

    private readonly CheckpointTokenizer _tokenizer;
    private readonly bool _bosAlways;
    private readonly Dictionary<string, int[]> _continuations = new(StringComparer.Ordinal);
    private string? _lastContext;
    private int[] _lastContextIds = [];

    /// <param name="source">Names the BOS setting in errors (normally the family manifest).</param>
    public RequestEncoder(CheckpointTokenizer tokenizer, BosSpec bos, int maxContext, string source)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxContext, 2);
        _tokenizer = tokenizer;
        MaxContext = maxContext;
        _bosAlways = bos.Policy switch
        {
            BosSpec.Always => true,
            BosSpec.None => false,
            _ => throw new BenchmarkInputException(source, $"unknown BOS policy {TextExcerpt.Quote(bos.Policy)}", $"use \"{BosSpec.None}\" or \"{BosSpec.Always}\"", field: "bos.policy"),
        };
        if (bos.Token is { } token)
        {
            BosId = tokenizer.FindTokenId(token) ?? throw new BenchmarkInputException(source,
                $"BOS token {TextExcerpt.Quote(token)} is not in the tokenizer's vocabulary ({tokenizer.Source})", "name a token the tokenizer has", field: "bos.token");
        }
        else if (_bosAlways)
        {
            throw new BenchmarkInputException(source, "BOS policy \"always\" needs a token", "give \"bos.token\"", field: "bos.token");
        }
    }

    /// <summary>Creates the encoder for a checkpoint from its tokenizer and manifest entry.</summary>
    public static RequestEncoder For(Checkpoint checkpoint, CheckpointTokenizer tokenizer, string manifestPath) =>
        new(tokenizer, checkpoint.Manifest.Bos, checkpoint.Manifest.MaxContext, manifestPath);

    /// <summary>The longest context + continuation produced.</summary>
    public int MaxContext { get; }

    public int? BosId { get; }

    /// <summary>Encodes one request; <paramref name="source"/> names its example in errors.</summary>
    public TokenizedRequest Encode(LoglikelihoodRequest request, SourceLocation? source = null)
    {
        var context = request.Context;
        var continuation = request.Continuation;
        var kept = context.AsSpan().TrimEnd().Length;
        if (kept < context.Length)
        {
            continuation = context[kept..] + continuation;
            context = context[..kept];
        }
        if (continuation.Length == 0) throw Error(source, "the continuation is empty", "give every class or completion some text");

        var contextIds = EncodeContext(context);
        var (continuationIds, boundaryDiffers) = EncodeContinuation(context, continuation, contextIds);
        if (continuationIds.Length == 0)
        {
            throw Error(source, $"the continuation {TextExcerpt.Quote(continuation)} encodes to no tokens with the checkpoint's tokenizer ({_tokenizer.Source})",
                "give every class or completion text the tokenizer keeps (its normalizer may drop whitespace or unknown characters)");
        }

        int[] input;
        if (_bosAlways) input = [BosId!.Value, .. contextIds];
        else if (contextIds.Length == 0)
        {
            // The first continuation token needs something before it.
            input = BosId is { } bos ? [bos] : throw Error(source, "the context is empty and the checkpoint names no BOS token to put before the continuation",
                "give the checkpoint a \"bos\" token in family.json, or give the example a prompt");
        }
        else input = contextIds;

        if (continuationIds.Length + 1 > MaxContext)
        {
            throw Error(source, $"the continuation is {continuationIds.Length:N0} tokens, which with one context token does not fit the model's context of {MaxContext:N0} tokens",
                "shorten the class or completion, or use checkpoints with a longer context");
        }
        var cut = Math.Max(0, input.Length + continuationIds.Length - MaxContext);
        if (cut > 0) input = input[cut..];
        return new TokenizedRequest(input, continuationIds, boundaryDiffers, cut);
    }

    /// <summary>
    /// Encodes a task's requests in order, naming the example in any error. Refuses an example two of whose classes
    /// encode to the same token ids after the same prompt: the model could not tell them apart.
    /// </summary>
    public TokenizedRequest[] Encode(RequestSet set, CancellationToken cancellationToken = default)
    {
        var encoded = new TokenizedRequest[set.Requests.Count];
        foreach (var example in set.Examples)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var i = example.First; i < example.First + example.Count; i++) encoded[i] = Encode(set.Requests[i], example.Example.Source);
            RequireDistinctClasses(example, encoded);
        }
        return encoded;
    }

    /// <summary>The requests of an example with classes come in groups of one per class, each group after one prompt.</summary>
    private void RequireDistinctClasses(ExampleRequests example, TokenizedRequest[] encoded)
    {
        var classes = example.Example.CandidateClasses();
        if (classes.Count < 2 || example.Count % classes.Count != 0) return;
        // One look-up per class, so an example with 80,000 classes costs no more than their encoding.
        var first = new Dictionary<int[], int>(classes.Count, TokenIdsComparer.Instance);
        for (var group = example.First; group < example.First + example.Count; group += classes.Count)
        {
            first.Clear();
            for (var i = 0; i < classes.Count; i++)
            {
                var ids = encoded[group + i].Continuation;
                if (first.TryAdd(ids, i)) continue;
                var j = first[ids];
                var source = example.Example.Source;
                throw new BenchmarkInputException(source.File,
                    $"classes {j} and {i} ({TextExcerpt.Quote(classes[j])} and {TextExcerpt.Quote(classes[i])}) encode to the same token ids [{TextExcerpt.Escape(string.Join(", ", ids), 120)}] with the checkpoint's tokenizer ({_tokenizer.Source}), so the model cannot tell them apart",
                    "make the classes differ in text the tokenizer keeps (its normalizer may fold accents, Unicode forms or unknown characters together)",
                    source.Line, "classes");
            }
        }
    }

    /// <summary>Token id sequences compared by value.</summary>
    private sealed class TokenIdsComparer : IEqualityComparer<int[]>
    {
        public static TokenIdsComparer Instance { get; } = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] ids)
        {
            var hash = new HashCode();
            hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(ids.AsSpan()));
            return hash.ToHashCode();
        }
    }

    /// <summary>The classes of an example follow one prompt, so the last context's ids are kept.</summary>
    private int[] EncodeContext(string context)
    {
        if (context.Length == 0) return [];
        if (!string.Equals(context, _lastContext, StringComparison.Ordinal))
        {
            _lastContextIds = _tokenizer.Encode(context);
            _lastContext = context;
        }
        return _lastContextIds;
    }

    /// <summary>
    /// The continuation's tokens inside the joint encoding when the context's own encoding is its prefix; otherwise the
    /// fallback, the continuation encoded on its own as following text, flagged.
    /// </summary>
    private (int[] Ids, bool Fallback) EncodeContinuation(string context, string continuation, int[] contextIds)
    {
        if (context.Length == 0) return (_tokenizer.Encode(continuation), false);
        var joint = _tokenizer.Encode(context + continuation);
        if (joint.Length > contextIds.Length && joint.AsSpan(0, contextIds.Length).SequenceEqual(contextIds)) return (joint[contextIds.Length..], false);
        return (EncodeFollowing(continuation), true);
    }

    /// <summary>Fallbacks repeat the same classes (" Yes", " No"), so their separate encodings are cached up to a bound.</summary>
    private int[] EncodeFollowing(string continuation)
    {
        if (_continuations.TryGetValue(continuation, out var ids)) return ids;
        ids = _tokenizer.EncodeFollowing(continuation);
        if (_continuations.Count >= MaxCachedContinuations) _continuations.Clear();
        _continuations[continuation] = ids;
        return ids;
    }

    private static BenchmarkInputException Error(SourceLocation? source, string problem, string fix) =>
        source is { } s ? new BenchmarkInputException(s.File, problem, fix, s.Line) : new BenchmarkInputException("(request)", problem, fix);
}
