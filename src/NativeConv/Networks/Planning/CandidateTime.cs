namespace NativeConv;

/// <summary>A candidate's time per call as the planner measured it, drift-corrected against the others in the same rounds.</summary>
public sealed record CandidateTime(Candidate Candidate, double Microseconds)
{
    public override string ToString() => $"{Candidate} {Microseconds:0} µs";
}
