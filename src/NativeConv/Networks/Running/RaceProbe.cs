using System.Runtime.CompilerServices;

namespace NativeConv;

/// <summary>
/// The points where concurrent calls on one network hand state to each other (a slot taken, a shape entered, a context
/// rented and returned, a shape left or retired). Null in use; the interleaving tests set it to yield or spin at random
/// there, so the orders a quiet machine never shows are run thousands of times.
/// </summary>
internal static class RaceProbe
{
    internal static Action<string>? At;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Point(string where) => At?.Invoke(where);
}
