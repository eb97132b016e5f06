namespace NativeConv;

/// <summary>
/// MobileNet v3's bottleneck: expand 1x1 (none when the expanded width equals the input's) → depthwise
/// k3 or k5 → optional squeeze-and-excitation → project 1x1 (linear), plus the block's input when the
/// depthwise stride is 1 and the channels match. Activations (ReLU or HardSwish) are the convolutions'.
/// </summary>
public sealed class BottleneckBlock : NetworkBlock
{
    public BottleneckBlock(string name, ConvBlock? expand, ConvBlock depthwise, SqueezeExcitation? squeezeExcitation, ConvBlock project)
        : base(name, expand?.InChannels ?? depthwise?.InChannels ?? 0, project?.OutChannels ?? 0)
    {
        ArgumentNullException.ThrowIfNull(depthwise);
        ArgumentNullException.ThrowIfNull(project);
        if (expand is not null && !expand.Spec.IsPointwise) throw new ArgumentException($"'{expand.Name}' is not pointwise: {expand.Spec}", nameof(expand));
        if (!depthwise.Spec.IsDepthwise) throw new ArgumentException($"'{depthwise.Name}' is not depthwise: {depthwise.Spec}", nameof(depthwise));
        if (!project.Spec.IsPointwise) throw new ArgumentException($"'{project.Name}' is not pointwise: {project.Spec}", nameof(project));
        if (squeezeExcitation is not null && squeezeExcitation.Channels != depthwise.OutChannels)
            throw new ArgumentException($"squeeze-and-excitation over {squeezeExcitation.Channels} channels after a depthwise convolution of {depthwise.OutChannels}", nameof(squeezeExcitation));
        CheckChain(expand, depthwise, nameof(depthwise));
        CheckChain(depthwise, project, nameof(project));
        Expand = expand;
        Depthwise = depthwise;
        SqueezeExcitation = squeezeExcitation;
        Project = project;
    }

    public ConvBlock? Expand { get; }

    public ConvBlock Depthwise { get; }

    public SqueezeExcitation? SqueezeExcitation { get; }

    public ConvBlock Project { get; }

    public bool HasResidual => Depthwise.Spec.Stride == new Size2D(1, 1) && InChannels == OutChannels;

    public override Value AddTo(GraphBuilder graph, Value input)
    {
        Value x = Expand?.AddTo(graph, input) ?? input;
        x = Depthwise.AddTo(graph, x);
        if (SqueezeExcitation is not null) x = SqueezeExcitation.AddTo(graph, Name + " (squeeze-excitation)", x);
        Value y = Project.AddTo(graph, x);
        return HasResidual ? graph.Add(y, input, name: Name + " (residual)") : y;
    }
}
