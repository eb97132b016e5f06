namespace NativeConv;

/// <summary>Settings of NativeConv's backends and native library loading.</summary>
public sealed class NativeConvOptions
{
    /// <summary>Threads per call for the native backends (unless a registration gives its own); 0: one per processor.</summary>
    public int Threads { get; set; }

    /// <summary>
    /// When set, the only directory native libraries are loaded from (see <c>NativeLibrarySearch</c>):
    /// process-wide, so set once, before the first native backend is made.
    /// </summary>
    public string? NativeLibraryDirectory { get; set; }

    /// <summary>The backend <see cref="ConvBackends.Default"/> returns; null: the first registered.</summary>
    public string? DefaultBackend { get; set; }

    /// <summary>
    /// When set, a network planned over several backends keeps each plan it measures in this directory (made when
    /// missing), one file per network, input shape and layout, and a later network or process follows the file for
    /// its shape instead of measuring: a service measures a shape once per machine and configuration, not once per
    /// start. A file that cannot be read or does not fit is measured again and replaced (see
    /// <see cref="ConvNetwork.PlanFileProblem"/>). Null (the default): plans live as long as their network.
    /// </summary>
    public string? PlanDirectory { get; set; }

    /// <summary>
    /// When a network planned over several backends measures a new input shape: over its first calls, each call running
    /// one candidate (<see cref="PlanningMode.WhileServing"/>, the default: no call waits for the measuring), or all in the
    /// first call (<see cref="PlanningMode.FirstCall"/>).
    /// </summary>
    public PlanningMode Planning { get; set; } = PlanningMode.WhileServing;
}
