namespace NativeConv;

/// <summary>
/// One axis of a resize (input size → output size under a coordinate convention): the definition the reference, the
/// managed tables and the native lowerings' choices all read. The source coordinate in float32 as PyTorch evaluates it
/// (what Nearest rounds and the managed kernel interpolates at) and exactly (what the reference interpolates at), with
/// the bound on how far any float32 evaluation of it may be from the exact one.
/// </summary>
internal readonly record struct ResizeAxis(int Input, int Output, ResizeCoordinates Coordinates)
{
    /// <summary>Every output takes coordinate 0 (align-corners and pytorch-half-pixel on an output of 1).</summary>
    private bool AtZero => Output == 1 && Coordinates is ResizeCoordinates.AlignCorners or ResizeCoordinates.PytorchHalfPixel;

    private bool Centred => Coordinates is ResizeCoordinates.HalfPixel or ResizeCoordinates.PytorchHalfPixel;

    /// <summary>The scale as PyTorch rounds it to float32: in/out, or (in − 1)/(out − 1) aligning corners.</summary>
    private float Scale => Coordinates == ResizeCoordinates.AlignCorners
        ? (Output > 1 ? (float)(Input - 1) / (Output - 1) : 0f)
        : (float)Input / Output;

    /// <summary>Whether the output is the input on this axis: PyTorch then copies (reads no neighbour, for any convention).</summary>
    public bool Identity => Input == Output;

    /// <summary>The exact source coordinate of output <paramref name="d"/>, unclamped (to double precision: three roundings of 2⁻⁵³).</summary>
    public double Exact(int d)
    {
        if (AtZero) return 0;
        return Coordinates switch
        {
            ResizeCoordinates.AlignCorners => (double)d * (Input - 1) / (Output - 1),
            ResizeCoordinates.Asymmetric => (double)d * Input / Output,
            _ => (d + 0.5) * Input / Output - 0.5,
        };
    }

    /// <summary>
    /// Nearest's input index for output <paramref name="d"/>: t = fl32(scale · (d + ½)) for the centred conventions,
    /// fl32(scale · d) otherwise (PyTorch's nearest and nearest-exact), the ½ taken off exactly, rounded as asked, clamped.
    /// </summary>
    public int Nearest(int d, NearestRounding rounding)
    {
        double x = AtZero ? 0 : Centred ? (double)(Scale * (d + 0.5f)) - 0.5 : Scale * d;
        double index = rounding switch
        {
            NearestRounding.Floor => Math.Floor(x),
            NearestRounding.RoundPreferFloor => Math.Ceiling(x - 0.5),
            _ => Math.Floor(x + 0.5),
        };
        return (int)Math.Clamp(index, 0, Input - 1);
    }

    /// <summary>
    /// Bilinear's two input indices and the second's weight for output <paramref name="d"/>, in float32 as PyTorch computes
    /// them (scale · (d + ½) − ½, each step rounded), clamped to [0, in − 1]. The second index is the next pixel, as PyTorch
    /// reads it even at weight 0 (so a NaN there propagates), except at the last pixel and where the axis is an identity.
    /// </summary>
    public (int First, int Second, float Weight) Linear(int d)
    {
        if (Identity) return (d, d, 0f);
        float x = AtZero ? 0f : Centred ? Scale * (d + 0.5f) - 0.5f : Scale * d;
        x = Math.Clamp(x, 0f, Input - 1);
        int first = (int)x;
        return (first, Math.Min(first + 1, Input - 1), x - first); // x − ⌊x⌋ is exact in float32
    }

    /// <summary>
    /// A bound on |x̂ − x| for the exact coordinate x and any float32 evaluation x̂ of it with at most four roundings of
    /// terms each at most in + 1 in size (PyTorch's, oneDNN's and XNNPACK's formulas have three or four): γ₄·(in + 1).
    /// </summary>
    public double CoordinateError => Gamma(4) * (Input + 1);

    /// <summary>γₙ = n·u/(1 − n·u), the bound on n float32 roundings compounded.</summary>
    public static double Gamma(int n) => n * ReferenceContext.U / (1 - n * ReferenceContext.U);
}
