namespace InverseScaling.Benchmark.Scoring;

/// <summary>The int64 tensors a decoder is fed: token ids, attention masks and position ids, row-major.</summary>
internal static class DecoderInputs
{
    /// <summary>1 at each row's first <paramref name="lengths"/>[row] positions, 0 after them.</summary>
    public static long[] RightPaddedMask(ReadOnlySpan<int> lengths, int sequenceLength)
    {
        var mask = new long[lengths.Length * sequenceLength];
        for (var row = 0; row < lengths.Length; row++) mask.AsSpan(row * sequenceLength, lengths[row]).Fill(1);
        return mask;
    }

    /// <summary>Right-padded rows moved to the right end of each row (padding first), and their mask.</summary>
    public static (long[] Ids, long[] Mask) LeftPadded(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength)
    {
        var ids = new long[lengths.Length * sequenceLength];
        var mask = new long[ids.Length];
        for (var row = 0; row < lengths.Length; row++)
        {
            var length = lengths[row];
            var start = row * sequenceLength + sequenceLength - length;
            tokens.Slice(row * sequenceLength, length).CopyTo(ids.AsSpan(start, length));
            mask.AsSpan(start, length).Fill(1);
        }
        return (ids, mask);
    }

    /// <summary>Columns [<paramref name="start"/>, start + width) of a [rows, columns] tensor.</summary>
    public static long[] Columns(long[] source, int rows, int columns, int start, int width)
    {
        var slice = new long[rows * width];
        for (var row = 0; row < rows; row++) source.AsSpan(row * columns + start, width).CopyTo(slice.AsSpan(row * width));
        return slice;
    }

    /// <summary>
    /// Position ids of the last <paramref name="sequenceLength"/> columns of <paramref name="mask"/> [batch, past + new]:
    /// cumsum(mask) − 1 at real tokens (so padding may sit anywhere in the past), 0 at padding.
    /// </summary>
    public static long[] Positions(long[] mask, int batch, int sequenceLength)
    {
        var width = mask.Length / batch;
        var positions = new long[batch * sequenceLength];
        for (var row = 0; row < batch; row++)
        {
            long seen = 0;
            for (var t = 0; t < width; t++)
            {
                var real = mask[row * width + t];
                seen += real;
                if (t >= width - sequenceLength && real != 0) positions[row * sequenceLength + t - (width - sequenceLength)] = seen - 1;
            }
        }
        return positions;
    }
}
