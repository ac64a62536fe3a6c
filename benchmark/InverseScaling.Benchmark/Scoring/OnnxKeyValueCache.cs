using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>The present outputs of an <see cref="OnnxDecoder"/> prefill and the mask its rows were run with. Owns the outputs.</summary>
internal sealed class OnnxKeyValueCache(OnnxDecoder owner, IDisposableReadOnlyCollection<OrtValue> outputs, long[] mask, int rows, int length) : IKeyValueCache
{
    public OnnxDecoder Owner => owner;

    /// <summary>The prefill's outputs: logits, then present.N.key/value in layer order.</summary>
    public IDisposableReadOnlyCollection<OrtValue> Outputs => outputs;

    public long[] Mask => mask;

    public int Rows => rows;

    public int Length => length;

    public bool Disposed { get; private set; }

    /// <summary>New [rows, heads, length, head size] tensors of every present output, holding the given rows; the caller disposes them.</summary>
    public List<OrtValue> Gather(int[] cacheRows, KeyValueShape shape, TensorElementType type)
    {
        var gathered = new List<OrtValue>(outputs.Count - 1);
        try
        {
            for (var i = 1; i < outputs.Count; i++)
            {
                var present = outputs[i];
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
