namespace NativeConv;

/// <summary>
/// One call of a measurement (<see cref="ShapeMeasurement"/>): the candidate that runs the caller's call, and where each
/// operation's ticks go (null: the call is timed whole only).
/// </summary>
internal readonly record struct MeasuredCall(Candidate Candidate, long[]? Ticks = null);
