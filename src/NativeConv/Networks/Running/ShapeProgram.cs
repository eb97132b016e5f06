using System.Collections.Concurrent;

namespace NativeConv;

/// <summary>
/// What a network runs for one input shape, chosen once: the plan, and the execution contexts calls run on. Concurrent
/// callers each rent a context of their own (buffers and native states; weights, packed weights and kernels are the
/// program's, shared), made on demand and returned after the call, so one network serves several threads at once
/// without a lock around the run and without a copy of its weights per thread. Evicted from its network's shape cache
/// while calls run on it, it is released when the last one returns.
/// </summary>
internal sealed class ShapeProgram : IDisposable
{
    private readonly Func<ExecutionContext> _newContext;
    private readonly ConcurrentBag<ExecutionContext> _free = [];
    private readonly List<ExecutionContext> _all = [];
    private readonly Lock _gate = new();
    private int _users;
    private bool _retired, _disposed;

    /// <param name="first">The context the plan was measured (or made) on: the first caller's.</param>
    /// <param name="newContext">Makes another context of the same program for this shape.</param>
    public ShapeProgram(NetworkPlan plan, ExecutionContext first, Func<ExecutionContext> newContext)
    {
        Plan = plan;
        _newContext = newContext;
        _all.Add(first);
        _free.Add(first);
        First = first;
        Outputs = Enumerable.Range(0, first.Caller.OutputTransforms.Length).Select(k => first.Caller.Output(k) with { Batch = plan.Inputs[0].Batch }).ToArray();
    }

    public NetworkPlan Plan { get; }

    /// <summary>The first context (what Describe and Profile read).</summary>
    public ExecutionContext First { get; }

    /// <summary>The whole call's input shapes.</summary>
    public IReadOnlyList<TensorShape> Inputs => Plan.Inputs;

    /// <summary>The whole call's output shapes.</summary>
    public TensorShape[] Outputs { get; }

    /// <summary>Contexts made so far: the most calls that ran at once.</summary>
    public int Contexts
    {
        get
        {
            lock (_gate) return _all.Count;
        }
    }

    /// <summary>Bytes the contexts' batch workers' threads have allocated (the calls' other threads; for allocation tests).</summary>
    public long WorkerAllocatedBytes
    {
        get
        {
            lock (_gate) return _all.Sum(c => c.WorkerAllocatedBytes);
        }
    }

    /// <summary>A call starts on this shape (under the network's lock, so an eviction cannot slip in between).</summary>
    public void Enter()
    {
        RaceProbe.Point("shape entered");
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_retired, this);
            _users++;
        }
    }

    /// <summary>A free context, or a new one when every context is in use.</summary>
    public ExecutionContext Rent()
    {
        if (_free.TryTake(out ExecutionContext? context)) return context;
        RaceProbe.Point("context made");
        context = _newContext();
        lock (_gate) _all.Add(context);
        return context;
    }

    public void Return(ExecutionContext context)
    {
        RaceProbe.Point("context returned");
        _free.Add(context);
    }

    /// <summary>A call ends; the last one out of a retired program releases it.</summary>
    public void Exit()
    {
        bool release;
        lock (_gate)
        {
            _users--;
            release = _retired && _users == 0;
        }
        RaceProbe.Point("shape left");
        if (release) Release();
    }

    /// <summary>Retires the program (evicted, or its network disposed): released now, or by the last call still on it.</summary>
    public void Dispose()
    {
        bool release;
        lock (_gate)
        {
            _retired = true;
            release = _users == 0;
        }
        RaceProbe.Point("shape retired");
        if (release) Release();
    }

    private void Release()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        foreach (ExecutionContext context in _all) context.Dispose();
    }
}
