using NativeConv.Interop.OneDnn;
using NativeConv.Interop.Xnnpack;
using Xunit;
using static NativeConv.Interop.OneDnn.Dnnl;
using static NativeConv.Interop.Xnnpack.Xnn;

namespace NativeConv.Interop.Tests;

/// <summary>
/// A 3x3 depthwise convolution (2 channels, 4x4, stride 1, padding 1, NHWC) through the generated
/// layer alone, checked against outputs computed by hand.
/// Input channel 0 at (y, x) is y*4 + x; weights of channel 0 are 1..9 row-major; bias 0.5.
///   output (1,1): 1*0 + 2*1 + 3*2 + 4*4 + 5*5 + 6*6 + 7*8 + 8*9 + 9*10 = 303, + 0.5
///   output (0,0): padding leaves 5*0 + 6*1 + 8*4 + 9*5 = 83, + 0.5
/// </summary>
public unsafe class DepthwiseSmokeTests
{
    private const int C = 2, H = 4, W = 4;
    private const float Center = 303.5f, Corner = 83.5f;

    public DepthwiseSmokeTests() => NativeLibraries.EnsureLoaded();

    private static float[] Input()
    {
        // NHWC, plus XNNPACK's read slack at the end.
        var x = new float[H * W * C + Xnn.InputSlackFloats];
        for (int y = 0; y < H; y++)
            for (int i = 0; i < W; i++)
            {
                x[(y * W + i) * C + 0] = y * 4 + i;
                x[(y * W + i) * C + 1] = 100 + y * 4 + i;
            }
        return x;
    }

    // PyTorch order (out = C, in/groups = 1, 3, 3).
    private static float[] Weights()
    {
        var w = new float[C * 9];
        for (int k = 0; k < 9; k++)
        {
            w[k] = k + 1;
            w[9 + k] = -1;
        }
        return w;
    }

    private static readonly float[] Bias = [0.5f, 0.5f];

    private static float At(float[] y, int row, int col, int channel) => y[(row * W + col) * C + channel];

    [Fact]
    public void OneDnn_depthwise_through_generated_imports()
    {
        float[] x = Input(), w = Weights(), y = new float[H * W * C];
        dnnl_engine_t engine;
        ThrowIfFailed(dnnl_engine_create(&engine, dnnl_engine_kind_t.dnnl_cpu, 0), nameof(dnnl_engine_create));
        dnnl_stream_t stream;
        ThrowIfFailed(dnnl_stream_create(&stream, engine, (uint)dnnl_stream_flags_t.dnnl_stream_default_flags), nameof(dnnl_stream_create));

        long[] srcDims = [1, C, H, W], weightDims = [C, 1, 1, 3, 3], biasDims = [C];
        long[] strides = [1, 1], dilates = [0, 0], padding = [1, 1];
        dnnl_memory_desc_t srcMd, weightMd, biasMd;
        fixed (long* s = srcDims, wd = weightDims, bd = biasDims)
        {
            ThrowIfFailed(dnnl_memory_desc_create_with_tag(&srcMd, 4, s, dnnl_data_type_t.dnnl_f32, dnnl_format_tag_t.dnnl_nhwc), "src md");
            ThrowIfFailed(dnnl_memory_desc_create_with_tag(&weightMd, 5, wd, dnnl_data_type_t.dnnl_f32, dnnl_format_tag_t.dnnl_goihw), "weights md");
            ThrowIfFailed(dnnl_memory_desc_create_with_tag(&biasMd, 1, bd, dnnl_data_type_t.dnnl_f32, dnnl_format_tag_t.dnnl_a), "bias md");
        }
        dnnl_primitive_desc_t pd;
        fixed (long* st = strides, di = dilates, pa = padding)
        {
            ThrowIfFailed(dnnl_convolution_forward_primitive_desc_create(&pd, engine, dnnl_prop_kind_t.dnnl_forward_inference,
                dnnl_alg_kind_t.dnnl_convolution_direct, srcMd, weightMd, biasMd, srcMd, st, di, pa, pa, default),
                nameof(dnnl_convolution_forward_primitive_desc_create));
        }
        dnnl_primitive_t conv;
        ThrowIfFailed(dnnl_primitive_create(&conv, pd), nameof(dnnl_primitive_create));

        fixed (float* px = x, pw = w, pb = Bias, py = y)
        {
            dnnl_memory_t src, weights, bias, dst;
            ThrowIfFailed(dnnl_memory_create(&src, srcMd, engine, px), "src");
            ThrowIfFailed(dnnl_memory_create(&weights, weightMd, engine, pw), "weights");
            ThrowIfFailed(dnnl_memory_create(&bias, biasMd, engine, pb), "bias");
            ThrowIfFailed(dnnl_memory_create(&dst, srcMd, engine, py), "dst");
            dnnl_exec_arg_t* args = stackalloc dnnl_exec_arg_t[4];
            args[0] = new dnnl_exec_arg_t { arg = DNNL_ARG_SRC, memory = src };
            args[1] = new dnnl_exec_arg_t { arg = DNNL_ARG_WEIGHTS, memory = weights };
            args[2] = new dnnl_exec_arg_t { arg = DNNL_ARG_BIAS, memory = bias };
            args[3] = new dnnl_exec_arg_t { arg = DNNL_ARG_DST, memory = dst };
            ThrowIfFailed(dnnl_primitive_execute(conv, stream, 4, args), nameof(dnnl_primitive_execute));
            ThrowIfFailed(dnnl_stream_wait(stream), nameof(dnnl_stream_wait));
            foreach (var m in new[] { src, weights, bias, dst }) dnnl_memory_destroy(m);
        }
        dnnl_primitive_destroy(conv);
        dnnl_primitive_desc_destroy(pd);
        dnnl_memory_desc_destroy(srcMd);
        dnnl_memory_desc_destroy(weightMd);
        dnnl_memory_desc_destroy(biasMd);
        dnnl_stream_destroy(stream);
        dnnl_engine_destroy(engine);

        Assert.Equal(Center, At(y, 1, 1, 0));
        Assert.Equal(Corner, At(y, 0, 0, 0));
    }

    [Fact]
    public void Xnnpack_depthwise_through_generated_imports()
    {
        float[] x = Input(), w = Weights(), y = new float[H * W * C];
        Xnn.ThrowIfFailed(xnn_initialize(null), nameof(xnn_initialize));
        xnn_operator_t op;
        fixed (float* pw = w, pb = Bias)
        {
            // groups = C, 1 input and 1 output channel per group: XNNPACK's kernel layout is then PyTorch's.
            Xnn.ThrowIfFailed(xnn_create_convolution2d_nhwc_f32(1, 1, 1, 1, 3, 3, 1, 1, 1, 1, C, 1, 1, C, C, pw, pb,
                float.NegativeInfinity, float.PositiveInfinity, 0, default, null, &op), nameof(xnn_create_convolution2d_nhwc_f32));
        }
        using var handle = new XnnOperatorHandle(op);
        nuint workspace, alignment, outH, outW;
        Xnn.ThrowIfFailed(xnn_reshape_convolution2d_nhwc_f32(op, 1, H, W, &workspace, &alignment, &outH, &outW, default),
            nameof(xnn_reshape_convolution2d_nhwc_f32));
        Assert.Equal((nuint)H, outH);
        Assert.Equal((nuint)W, outW);
        Assert.Equal((nuint)0, workspace);
        fixed (float* px = x, py = y)
        {
            Xnn.ThrowIfFailed(xnn_setup_convolution2d_nhwc_f32(op, null, px, py), nameof(xnn_setup_convolution2d_nhwc_f32));
            Xnn.ThrowIfFailed(xnn_run_operator(op, default), nameof(xnn_run_operator));
        }

        Assert.Equal(Center, At(y, 1, 1, 0));
        Assert.Equal(Corner, At(y, 0, 0, 0));
    }

    [Fact]
    public void Status_maps_to_a_typed_exception_naming_the_function()
    {
        var e = Assert.Throws<OneDnnInvalidArgumentsException>(() =>
            Dnnl.ThrowIfFailed(dnnl_status_t.dnnl_invalid_arguments, nameof(dnnl_primitive_create), "dw 3x3 C=2"));
        Assert.Contains("dnnl_primitive_create", e.Message);
        Assert.Contains("dw 3x3 C=2", e.Message);
        var x = Assert.Throws<XnnpackInvalidParameterException>(() =>
            Xnn.ThrowIfFailed(xnn_status.xnn_status_invalid_parameter, nameof(xnn_run_operator)));
        Assert.Equal(nameof(xnn_run_operator), x.Function);
    }
}
