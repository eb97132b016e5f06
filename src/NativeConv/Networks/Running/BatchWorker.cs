using System.Runtime.ExceptionServices;

namespace NativeConv;

/// <summary>
/// A thread of its own that runs a share of a batch's images, image by image, on its own copy of a network program
/// (own native state, own buffers), while the calling thread runs another share. It waits between calls, blocked, and
/// ends when disposed. A call hands it its images through fields, so a warm call allocates nothing.
/// </summary>
internal sealed unsafe class BatchWorker : IDisposable
{
    private readonly SingleThreadedCopy _copy;
    private readonly Thread _thread;
    private readonly SemaphoreSlim _start = new(0);
    private readonly SemaphoreSlim _done = new(0);
    private float** _inputs, _outputs;
    private int _first, _end;
    private Exception? _failure;
    private bool _stopping;
    private long _allocated;

    /// <param name="copy">The worker's own copy of the network for one image (disposed with it): none of its native state is shared with another thread.</param>
    public BatchWorker(SingleThreadedCopy copy)
    {
        _copy = copy;
        _thread = new Thread(Loop) { IsBackground = true, Name = "NativeConv batch worker" };
        _thread.Start();
    }

    /// <summary>Starts images [<paramref name="first"/>, <paramref name="end"/>) of the caller's pinned batch; <see cref="Wait"/> for them.</summary>
    public void Start(float** inputs, float** outputs, int first, int end)
    {
        _inputs = inputs;
        _outputs = outputs;
        _first = first;
        _end = end;
        _start.Release(); // a full fence: the worker sees the fields above
    }

    /// <summary>Bytes the worker's thread has allocated on the managed heap, as of its last finished share.</summary>
    public long AllocatedBytes => Volatile.Read(ref _allocated);

    /// <summary>Waits for the images <see cref="Start"/> gave; rethrows what the worker threw on them.</summary>
    public void Wait()
    {
        _done.Wait();
        if (_failure is { } failure)
        {
            _failure = null;
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    private void Loop()
    {
        while (true)
        {
            _start.Wait();
            if (_stopping) return;
            try
            {
                _copy.RunImages(_inputs, _outputs, _first, _end);
            }
            catch (Exception e)
            {
                _failure = e;
            }
            Volatile.Write(ref _allocated, GC.GetAllocatedBytesForCurrentThread()); // read by tests of allocation-free calls
            _done.Release();
        }
    }

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _start.Release();
        _thread.Join();
        _copy.Dispose();
        _start.Dispose();
        _done.Dispose();
    }
}
