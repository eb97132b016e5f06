namespace NativeConv;

/// <summary>What a network runs for one input shape: the program chosen, its buffers for the shape, and the plan that says so.</summary>
internal sealed record ShapeRun(NetworkProgram Program, ShapePlan Buffers, NetworkPlan Plan) : IDisposable
{
    // The program is the planner's (shared by shapes); the buffers are this shape's.
    public void Dispose() => Buffers.Dispose();
}
