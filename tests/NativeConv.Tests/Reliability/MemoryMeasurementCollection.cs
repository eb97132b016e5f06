using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// Tests that measure the process's resident memory run alone: xUnit runs test classes in parallel,
/// and another class's buffers (or its thread's malloc arena) would be counted as this test's growth.
/// xUnit runs non-parallel collections after all parallel ones have finished.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "Memory measurement (runs alone)";
}
