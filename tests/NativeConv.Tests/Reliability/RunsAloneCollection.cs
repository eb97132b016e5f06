using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// Tests that measure the process run alone: xUnit runs test classes in parallel, and another class's
/// buffers (or its thread's malloc arena) would be counted as a memory test's growth, and its threads
/// would take the cores a concurrency test watches. xUnit runs non-parallel collections after all
/// parallel ones have finished.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAloneCollection
{
    public const string Name = "Runs alone (memory and concurrency measurements)";
}
