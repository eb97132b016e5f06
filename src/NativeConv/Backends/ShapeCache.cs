namespace NativeConv;

/// <summary>
/// Native state per input shape (N, H, W), made on first use and reused: the latest shape is a field
/// compare away. Bounded, so a caller cycling through many sizes cannot grow it without limit; when
/// full, everything is released and rebuilt on demand.
/// </summary>
internal sealed class ShapeCache<TState>(ShapeCache<TState>.Factory create) : IDisposable
    where TState : class, IDisposable
{
    public delegate TState Factory(in ConvGeometry geometry);

    public const int Capacity = 32;

    private readonly Dictionary<(int N, int H, int W), TState> _states = new();
    private (int N, int H, int W) _lastKey;
    private TState? _last;

    public TState? Last => _last;

    public TState Get(in ConvGeometry g)
    {
        var key = (g.Batch, g.InHeight, g.InWidth);
        if (_last is not null && _lastKey == key) return _last;
        if (!_states.TryGetValue(key, out TState? state))
        {
            if (_states.Count >= Capacity) Dispose();
            state = create(g);
            _states.Add(key, state);
        }
        _last = state;
        _lastKey = key;
        return state;
    }

    public void Dispose()
    {
        foreach (TState state in _states.Values) state.Dispose();
        _states.Clear();
        _last = null;
    }
}
