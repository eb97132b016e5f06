namespace NativeConv;

/// <summary>
/// State per input shape (N, H, W), made on first use and reused: the latest shape is a field compare
/// away. Bounded, so a caller cycling through many sizes cannot grow it without limit; when full,
/// everything is released and rebuilt on demand.
/// </summary>
internal sealed class ShapeCache<TState>(Func<int, int, int, TState>? create, int capacity = ShapeCache<TState>.DefaultCapacity) : IDisposable
    where TState : class, IDisposable
{
    /// <summary>A cache whose states are added by the caller (<see cref="Add"/>), not made by it.</summary>
    public ShapeCache(int capacity) : this(null, capacity)
    {
    }

    public const int DefaultCapacity = 32;

    private readonly Dictionary<(int N, int H, int W), TState> _states = new();
    private (int N, int H, int W) _lastKey;
    private TState? _last;

    public TState? Last => _last;

    public TState Get(int batch, int height, int width)
    {
        var key = (batch, height, width);
        if (_last is not null && _lastKey == key) return _last;
        if (!_states.TryGetValue(key, out TState? state))
        {
            state = (create ?? throw new InvalidOperationException("this cache's states are added, not made"))(batch, height, width);
            Add(batch, height, width, state);
        }
        _last = state;
        _lastKey = key;
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
        if (!_states.TryGetValue(key, out state)) return false;
        _last = state;
        _lastKey = key;
        return true;
    }

    public void Add(int batch, int height, int width, TState state)
    {
        if (_states.Count >= capacity) Dispose();
        _states.Add((batch, height, width), state);
        _last = state;
        _lastKey = (batch, height, width);
    }

    /// <summary>Takes the shape's state out of the cache, undisposed: the caller's from then on (null: there was none).</summary>
    public TState? Remove(int batch, int height, int width)
    {
        var key = (batch, height, width);
        if (!_states.Remove(key, out TState? state)) return null;
        if (_lastKey == key) _last = null;
        return state;
    }

    public void Dispose()
    {
        foreach (TState state in _states.Values) state.Dispose();
        _states.Clear();
        _last = null;
    }
}
