namespace NativeConv;

/// <summary>
/// When a network planned over several backends (<see cref="ConvNetwork"/> on <see cref="ConvBackends"/>) measures its
/// candidates for an input shape it has not seen: spread over the shape's first calls, or all in the first one.
/// </summary>
public enum PlanningMode
{
    /// <summary>
    /// Over the shape's first calls (the default): each call runs one candidate on the caller's data, so its output is
    /// that call's result (every candidate computes the same network), and is timed for the choice; the plan is chosen
    /// after some hundreds of calls (a MobileNet at batch 1 here: 500-1300 calls, 3-4.5 s of them), and from then on every call runs it.
    /// No call pays for more than one new candidate's native state and one run of the network: the first call for a shape
    /// costs what it costs on the first backend alone. Until the choice, <see cref="ConvNetwork.PlanFor"/> is null and
    /// calls run at the candidates' mixed speed; <see cref="ConvNetwork.ChoosePlan"/> finishes the measuring at once.
    /// </summary>
    WhileServing,

    /// <summary>
    /// All in the first call for a shape, which returns with the plan chosen: a MobileNet's first call takes 2-3 s here
    /// with the JIT's tiering on (0.5-0.7 s with it off, see <see cref="JitTiering"/>), and every later call runs the plan.
    /// </summary>
    FirstCall,
}
