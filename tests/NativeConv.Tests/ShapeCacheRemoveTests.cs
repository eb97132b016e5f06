using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// <see cref="ShapeCache{TState}.Remove"/>, which hands a shape's state over (a measurement that has chosen, see
/// <see cref="ShapeMeasurement"/>): undisposed, no longer found, not the latest, and the others untouched.
/// </summary>
public class ShapeCacheRemoveTests
{
    private sealed class State : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void A_removed_state_is_handed_over_undisposed_and_no_longer_found()
    {
        using var cache = new ShapeCache<State>(capacity: 4);
        State first = new(), second = new();
        cache.Add(1, 8, 8, first);
        cache.Add(1, 16, 16, second);
        Assert.Same(second, cache.Remove(1, 16, 16));
        Assert.False(second.Disposed);
        Assert.Null(cache.Last); // it was the latest
        Assert.False(cache.TryGet(1, 16, 16, out _));
        Assert.True(cache.TryGet(1, 8, 8, out State? kept));
        Assert.Same(first, kept);
        Assert.Null(cache.Remove(1, 16, 16)); // gone
        cache.Dispose();
        Assert.True(first.Disposed);
        Assert.False(second.Disposed); // the caller's now
    }
}
