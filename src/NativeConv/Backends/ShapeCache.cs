namespace NativeConv;

/// <summary>
/// State per input shape, made on first use and reused: the latest shape is a compare away. A key is a few integers
/// (N, H, W per input). Bounded, so a caller cycling through many sizes cannot grow it without limit: when full, the
/// least recently used state is released to make room, and only it. A warm lookup allocates nothing (a short linear
/// search over a few entries, recency kept by moving an existing list node).
/// </summary>
internal sealed class ShapeCache<TState>(Func<int, int, int, TState>? create, int capacity = ShapeCache<TState>.DefaultCapacity) : IDisposable
    where TState : class, IDisposable
{
    /// <summary>A cache whose states are added by the caller (<see cref="Add"/>), not made by it.</summary>
    public ShapeCache(int capacity) : this(null, capacity)
    {
    }

    public const int DefaultCapacity = 32;

    private readonly int _capacity = capacity >= 1 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be at least 1");
    private readonly LinkedList<(int[] Key, TState State)> _recency = []; // most recent first

    public TState? Last => _recency.First?.Value.State;

    public int Count => _recency.Count;

    /// <summary>Every cached state, most recent first.</summary>
    public IEnumerable<TState> States => _recency.Select(entry => entry.State);

    public TState Get(int batch, int height, int width)
    {
        if (TryGet(batch, height, width, out TState? state)) return state!;
        state = (create ?? throw new InvalidOperationException("this cache's states are added, not made"))(batch, height, width);
        Add([batch, height, width], state);
        return state;
    }

    public bool TryGet(int batch, int height, int width, out TState? state)
    {
        Span<int> key = [batch, height, width];
        return TryGet(key, out state);
    }

    public bool TryGet(ReadOnlySpan<int> key, out TState? state)
    {
        for (LinkedListNode<(int[] Key, TState State)>? node = _recency.First; node is not null; node = node.Next)
        {
            if (!key.SequenceEqual(node.Value.Key)) continue;
            if (node != _recency.First)
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
            }
            state = node.Value.State;
            return true;
        }
        state = null;
        return false;
    }

    /// <summary>Adds a new shape's state, releasing the least recently used one first when the cache is full.</summary>
    public void Add(ReadOnlySpan<int> key, TState state)
    {
        if (TryGet(key, out _)) throw new InvalidOperationException($"a state for ({string.Join(", ", key.ToArray())}) is cached already");
        if (_recency.Count >= _capacity)
        {
            TState oldest = _recency.Last!.Value.State;
            _recency.RemoveLast();
            oldest.Dispose();
        }
        _recency.AddFirst((key.ToArray(), state));
    }

    /// <summary>Takes the shape's state out of the cache, undisposed: the caller's from then on (null: there was none).</summary>
    public TState? Remove(ReadOnlySpan<int> key)
    {
        for (LinkedListNode<(int[] Key, TState State)>? node = _recency.First; node is not null; node = node.Next)
        {
            if (!key.SequenceEqual(node.Value.Key)) continue;
            _recency.Remove(node);
            return node.Value.State;
        }
        return null;
    }

    public void Dispose()
    {
        foreach (var (_, state) in _recency) state.Dispose();
        _recency.Clear();
    }
}
