using Xunit;

namespace NativeConv.Tests;

/// <summary>
/// <see cref="ShapeCache{TState}"/>: when full, the least recently used shape is released to make room, and only it;
/// <see cref="ShapeCache{TState}.Remove"/> hands a state over undisposed.
/// </summary>
public class ShapeCacheTests
{
    private sealed class State : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void A_full_cache_releases_the_least_recently_used_shape_and_only_it()
    {
        using var cache = new ShapeCache<State>(capacity: 2);
        State a = new(), b = new(), c = new();
        cache.Add([1, 8, 8], a);
        cache.Add([1, 16, 16], b);
        Assert.True(cache.TryGet(1, 8, 8, out _)); // a is now the most recently used
        cache.Add([1, 32, 32], c);
        Assert.True(b.Disposed);
        Assert.False(a.Disposed);
        Assert.False(c.Disposed);
        Assert.False(cache.TryGet(1, 16, 16, out _));
        Assert.True(cache.TryGet(1, 8, 8, out State? kept));
        Assert.Same(a, kept);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Keys_of_several_inputs_are_told_apart()
    {
        using var cache = new ShapeCache<State>(capacity: 4);
        State one = new(), two = new();
        cache.Add([1, 8, 8, 1, 4, 4], one);
        cache.Add([1, 8, 8, 1, 2, 2], two);
        Assert.True(cache.TryGet([1, 8, 8, 1, 4, 4], out State? found));
        Assert.Same(one, found);
        Assert.False(cache.TryGet([1, 8, 8], out _));
        Assert.Throws<InvalidOperationException>(() => cache.Add([1, 8, 8, 1, 2, 2], new State()));
    }

    [Fact]
    public void A_removed_state_is_handed_over_undisposed_and_no_longer_found()
    {
        using var cache = new ShapeCache<State>(capacity: 4);
        State first = new(), second = new();
        cache.Add([1, 8, 8], first);
        cache.Add([1, 16, 16], second);
        Assert.Same(second, cache.Remove([1, 16, 16]));
        Assert.False(second.Disposed);
        Assert.Same(first, cache.Last);
        Assert.False(cache.TryGet(1, 16, 16, out _));
        Assert.Null(cache.Remove([1, 16, 16])); // gone
        cache.Dispose();
        Assert.True(first.Disposed);
        Assert.False(second.Disposed); // the caller's now
    }
}
