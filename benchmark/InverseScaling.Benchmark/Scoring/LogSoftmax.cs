using System.Numerics.Tensors;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>Log-softmax of one position's logits, read at a single token: float32 logits in, double out.</summary>
internal static class LogSoftmax
{
    /// <summary>
    /// log softmax(<paramref name="logits"/>)[<paramref name="token"/>] = (x_token − max) − ln Σ exp(x_i − max), with the
    /// shift, exponentials and sum in double, of logits the caller has checked finite (<see cref="LogitsChecks"/>).
    /// <paramref name="isArgmax"/>: the token is the first index holding the maximum.
    /// </summary>
    /// <param name="scratch">At least as long as <paramref name="logits"/>; overwritten.</param>
    public static double At(ReadOnlySpan<float> logits, int token, Span<double> scratch, out bool isArgmax)
    {
        var logSum = LogSumExp(logits, scratch, out var max);
        isArgmax = logits[token] == max && TensorPrimitives.IndexOfMax(logits) == token;
        return ((double)logits[token] - max) - logSum;
    }

    /// <summary>
    /// ln Σ exp(x_i − max) in double, and the maximum: a token's log-probability is then (x_token − max) − this, for every
    /// token of the same finite logits at the cost of one pass.
    /// </summary>
    /// <param name="scratch">At least as long as <paramref name="logits"/>; overwritten.</param>
    public static double LogSumExp(ReadOnlySpan<float> logits, Span<double> scratch, out float max)
    {
        max = TensorPrimitives.Max(logits);
        var shifted = scratch[..logits.Length];
        TensorPrimitives.ConvertChecked<float, double>(logits, shifted);
        TensorPrimitives.Subtract(shifted, max, shifted);
        TensorPrimitives.Exp(shifted, shifted);
        return Math.Log(TensorPrimitives.Sum<double>(shifted));
    }

    /// <summary>The index of the first NaN or infinite value, or −1.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        // A finite sum proves every term finite; only a non-finite sum needs the element scan.
        if (float.IsFinite(TensorPrimitives.Sum(values))) return -1;
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i])) return i;
        }
        return -1;
    }
}
