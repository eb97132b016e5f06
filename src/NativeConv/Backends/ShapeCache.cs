namespace NativeConv;

/// <summary>
/// State per input shape (N, H, W), made on first use and reused: the latest shape is a field compare away. Bounded,
/// so a caller cycling through many sizes cannot grow it without limit: when full, the least recently used state is
/// released to make room, and only it. A warm lookup allocates nothing (recency moves an existing list node).
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
    private readonly Dictionary<(int N, int H, int W), LinkedListNode<((int N, int H, int W) Key, TState State)>> _states = [];
    private readonly LinkedList<((int N, int H, int W) Key, TState State)> _recency = []; // most recent first
    private (int N, int H, int W) _lastKey;
    private TState? _last;

    public TState? Last => _last;

    public int Count => _states.Count;

    public TState Get(int batch, int height, int width)
    {
        if (TryGet(batch, height, width, out TState? state)) return state!;
        state = (create ?? throw new InvalidOperationException("this cache's states are added, not made"))(batch, height, width);
        Add(batch, height, width, state);
        return state;
    }

    public bool TryGet(int batch, int height, int width, out TState? state)
    {
        var key = (batch, height, width);
        if (_last is not null && _lastKey == key)
        {
            state = _last;
            return true;
        }
        if (!_states.TryGetValue(key, out var node))
        {
            state = null;
            return false;
        }
        _recency.Remove(node);
        _recency.AddFirst(node);
        state = node.Value.State;
        _last = state;
        _lastKey = key;
        return true;
    }

    /// <summary>Adds a new shape's state, releasing the least recently used one first when the cache is full.</summary>
    public void Add(int batch, int height, int width, TState state)
    {
        var key = (batch, height, width);
        if (_states.ContainsKey(key)) throw new InvalidOperationException($"a state for {key} is cached already");
        if (_states.Count >= _capacity)
        {
            LinkedListNode<((int N, int H, int W) Key, TState State)> oldest = _recency.Last!;
            _recency.RemoveLast();
            _states.Remove(oldest.Value.Key);
            if (ReferenceEquals(_last, oldest.Value.State)) _last = null;
            oldest.Value.State.Dispose();
        }
        _states.Add(key, _recency.AddFirst((key, state)));
        _last = state;
        _lastKey = key;
    }

    /// <summary>Takes the shape's state out of the cache, undisposed: the caller's from then on (null: there was none).</summary>
    public TState? Remove(int batch, int height, int width)
    {
        var key = (batch, height, width);
        if (!_states.Remove(key, out var node)) return null;
        _recency.Remove(node);
        if (_lastKey == key) _last = null;
        return node.Value.State;
    }

    public void Dispose()
    {
        foreach (var node in _recency) node.State.Dispose();
        _states.Clear();
        _recency.Clear();
        _last = null;
    }
}
