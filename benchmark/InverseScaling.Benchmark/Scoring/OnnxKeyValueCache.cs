using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// The present outputs of an <see cref="OnnxDecoder"/> prefill (its outputs from <paramref name="firstPresent"/> on) and the
/// mask its rows were run with. Owns the outputs.
/// </summary>
internal sealed class OnnxKeyValueCache(OnnxDecoder owner, IDisposableReadOnlyCollection<OrtValue> outputs, int firstPresent, long[] mask, int rows, int length) : IKeyValueCache
{
    public OnnxDecoder Owner => owner;

    /// <summary>present.N.key/value in layer order.</summary>
    public IReadOnlyList<OrtValue> Presents { get; } = outputs.Skip(firstPresent).ToList();

    public long[] Mask => mask;

    public int Rows => rows;

    public int Length => length;

    public bool Disposed { get; private set; }

    /// <summary>New [rows, heads, length, head size] tensors of every present output, holding the given rows; the caller disposes them.</summary>
    public List<OrtValue> Gather(int[] cacheRows, KeyValueShape shape, TensorElementType type)
    {
        var gathered = new List<OrtValue>(Presents.Count);
        try
        {
            foreach (var present in Presents)
            {
                var source = present.GetTensorMutableRawData();
                var block = (int)(source.Length / present.GetTensorTypeAndShape().Shape[0]);
                var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, [cacheRows.Length, shape.Heads, length, shape.HeadSize]);
                gathered.Add(value);
                var destination = value.GetTensorMutableRawData();
                for (var row = 0; row < cacheRows.Length; row++) source.Slice(cacheRows[row] * block, block).CopyTo(destination.Slice(row * block, block));
            }
            return gathered;
        }
        catch
        {
            foreach (var value in gathered) value.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (Disposed) return;
        Disposed = true;
        outputs.Dispose();
    }
}
