namespace NativeConv;

/// <summary>
/// MobileNet v2's inverted residual: expand 1x1 (with its activation; none when the expansion factor is
/// 1) → depthwise → project 1x1 (linear), plus the block's input when the depthwise stride is 1 and the
/// input and output channels match.
/// </summary>
public sealed class InvertedResidualBlock : NetworkBlock
{
    public InvertedResidualBlock(string name, ConvBlock? expand, ConvBlock depthwise, ConvBlock project)
        : base(name, expand?.InChannels ?? depthwise?.InChannels ?? 0, project?.OutChannels ?? 0)
    {
        ArgumentNullException.ThrowIfNull(depthwise);
        ArgumentNullException.ThrowIfNull(project);
        if (expand is not null && !expand.Spec.IsPointwise) throw new ArgumentException($"'{expand.Name}' is not pointwise: {expand.Spec}", nameof(expand));
        if (!depthwise.Spec.IsDepthwise) throw new ArgumentException($"'{depthwise.Name}' is not depthwise: {depthwise.Spec}", nameof(depthwise));
        if (!project.Spec.IsPointwise) throw new ArgumentException($"'{project.Name}' is not pointwise: {project.Spec}", nameof(project));
        CheckChain(expand, depthwise, nameof(depthwise));
        CheckChain(depthwise, project, nameof(project));
        Expand = expand;
        Depthwise = depthwise;
        Project = project;
    }

    public ConvBlock? Expand { get; }

    public ConvBlock Depthwise { get; }

    public ConvBlock Project { get; }

    /// <summary>Whether the block's input is added to its output.</summary>
    public bool HasResidual => Depthwise.Spec.Stride == new Size2D(1, 1) && InChannels == OutChannels;

    public override Value AddTo(GraphBuilder graph, Value input)
    {
        Value x = Expand?.AddTo(graph, input) ?? input;
        Value y = Project.AddTo(graph, Depthwise.AddTo(graph, x));
        return HasResidual ? graph.Add(y, input, name: Name + " (residual)") : y;
    }
}
