using System.Globalization;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Families;

namespace InverseScaling.Benchmark.Scaling;

/// <summary>What the x-axis of a scaling fit counts.</summary>
public enum SizeMeasure
{
    /// <summary>Parameters outside the embedding and unembedding matrices (the default).</summary>
    NonEmbeddingParameters,
    /// <summary>Training compute, as the paper's figures plot it.</summary>
    TrainingFlops,
}

/// <summary>File names of <see cref="SizeMeasure"/> values and a checkpoint's size under each.</summary>
public static class SizeMeasures
{
    public const string NonEmbeddingParametersName = "non-embedding-parameters";
    public const string TrainingFlopsName = "training-flops";

    public static string ToName(this SizeMeasure measure) => measure switch
    {
        SizeMeasure.NonEmbeddingParameters => NonEmbeddingParametersName,
        SizeMeasure.TrainingFlops => TrainingFlopsName,
        _ => throw new ArgumentOutOfRangeException(nameof(measure), measure, null),
    };

    /// <summary>Parses a name written by <see cref="ToName"/>; null when it is not one.</summary>
    public static SizeMeasure? TryParse(string? name) => name switch
    {
        NonEmbeddingParametersName => SizeMeasure.NonEmbeddingParameters,
        TrainingFlopsName => SizeMeasure.TrainingFlops,
        _ => null,
    };

    /// <summary>The checkpoint's size under <paramref name="measure"/>.</summary>
    /// <param name="manifestFile">The family.json the checkpoint came from, named in the error.</param>
    /// <param name="fieldPrefix">Where the checkpoint sits in the manifest (e.g. <c>checkpoints[2].</c>), for the error's field.</param>
    /// <exception cref="BenchmarkInputException">The manifest does not give that size, or gives one that is not positive.</exception>
    public static double SizeOf(CheckpointManifest checkpoint, SizeMeasure measure, string manifestFile, string fieldPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var (size, field) = measure switch
        {
            SizeMeasure.NonEmbeddingParameters => ((double?)checkpoint.NonEmbeddingParameters, "nonEmbeddingParameters"),
            SizeMeasure.TrainingFlops => (checkpoint.TrainingFlops, "trainingFlops"),
            _ => throw new ArgumentOutOfRangeException(nameof(measure), measure, null),
        };
        if (size is not { } value)
            throw new BenchmarkInputException(manifestFile,
                $"checkpoint '{checkpoint.Name}' gives no {field}, which the {measure.ToName()} size measure needs",
                $"add {field} to every checkpoint or fit against {NonEmbeddingParametersName}", field: fieldPrefix + field);
        if (!(value > 0) || double.IsInfinity(value))
            throw new BenchmarkInputException(manifestFile,
                $"checkpoint '{checkpoint.Name}' has {field} {value.ToString(CultureInfo.InvariantCulture)}, but a size must be positive and finite",
                $"write the checkpoint's true {field}", field: fieldPrefix + field);
        return value;
    }
}
