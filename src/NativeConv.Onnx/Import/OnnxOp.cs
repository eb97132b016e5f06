namespace NativeConv.Onnx;

/// <summary>
/// How ONNX operator types map onto NativeConv: one class per operator (or small family), in Import/Ops, listed in
/// <see cref="OpTable"/>. <see cref="Infer"/> is its constant-folding and shape rule, <see cref="Lower"/> makes its
/// operations on the <see cref="GraphBuilder"/> or says, through the context, what it cannot run. Adding an operator is
/// one file and one line in the table.
/// </summary>
internal abstract class OnnxOp
{
    /// <summary>The ONNX operator types it maps.</summary>
    public abstract IReadOnlyList<string> OpTypes { get; }

    /// <summary>"" for ONNX's own operators, <see cref="OnnxGraph.NativeDomain"/> for what a fusion made.</summary>
    public virtual string Domain => "";

    /// <summary>What it supports, in a few words, for the message listing unsupported nodes.</summary>
    public abstract string Summary { get; }

    /// <summary>How many inputs a node of <paramref name="opType"/> has at least (none of them "") and at most.</summary>
    public virtual (int Min, int Max) Arity(string opType) => (1, 1);

    /// <summary>
    /// The outputs' types and shapes from the inputs' (<see cref="InferContext.Set"/>): the folded constant when every
    /// input it needs is one, otherwise a feature map's shape as far as it is known.
    /// </summary>
    public abstract void Infer(Node node, InferContext context);

    /// <summary>Makes its operations (<see cref="LowerContext"/>), or reports why it cannot.</summary>
    public abstract void Lower(Node node, LowerContext context);
}
