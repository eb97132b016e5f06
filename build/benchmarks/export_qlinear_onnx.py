"""Builds MobileNet v1's body (its 13 separable blocks, 26 convolutions, on 32x112x112) as an int8 ONNX
model with onnx.helper, for the ONNX Runtime peer of NativeConv's int8 benchmarks: QuantizeLinear at the
float input, one QLinearConv per convolution (uint8 activations, int8 weights with one scale per output
channel, int32 bias; ReLU6 as the output's quantized range, scale 6/255 from zero point 0),
DequantizeLinear at the float output. Seeded random weights: the model is for timing, like the float peers.

usage: /usr/bin/python3 export_qlinear_onnx.py --batch N --out FILE.onnx      (Debian's python3-onnx, python3-numpy)
The .onnx file is a build output: never committed.
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

BLOCKS = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 512, 2),
          (512, 512, 1), (512, 512, 1), (512, 512, 1), (512, 512, 1), (512, 512, 1), (512, 1024, 2), (1024, 1024, 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    nodes, inits = [], []

    def constant(name, array):
        inits.append(numpy_helper.from_array(array, name))
        return name

    relu6_scale, relu6_zero = constant("y_scale", np.array(6 / 255, np.float32)), constant("y_zero", np.array(0, np.uint8))
    in_scale, in_zero = constant("x_scale", np.array(2 / 255, np.float32)), constant("x_zero", np.array(128, np.uint8))
    nodes.append(helper.make_node("QuantizeLinear", ["input", in_scale, in_zero], ["q0"]))
    x, x_scale, x_zero, size = "q0", in_scale, in_zero, 112
    layer = 0

    def conv(cin, cout, kernel, stride, group):
        nonlocal x, x_scale, x_zero, layer
        per = cin // group * kernel * kernel
        w = constant(f"w{layer}", rng.integers(-127, 128, (cout, cin // group, kernel, kernel), dtype=np.int8))
        ws = constant(f"ws{layer}", (rng.random(cout, dtype=np.float32) * 0.01 + 0.001) / np.sqrt(per).astype(np.float32))
        wz = constant(f"wz{layer}", np.zeros(cout, np.int8))
        b = constant(f"b{layer}", rng.integers(-1000, 1000, cout, dtype=np.int32))
        out = f"q{layer + 1}"
        pad = kernel // 2
        nodes.append(helper.make_node("QLinearConv", [x, x_scale, x_zero, w, ws, wz, relu6_scale, relu6_zero, b], [out],
                                      kernel_shape=[kernel, kernel], strides=[stride, stride], pads=[pad] * 4, group=group))
        x, x_scale, x_zero, layer = out, relu6_scale, relu6_zero, layer + 1

    for cin, cout, stride in BLOCKS:
        conv(cin, cin, 3, stride, cin)
        conv(cin, cout, 1, 1, 1)
        size = (size - 1) // stride + 1
    nodes.append(helper.make_node("DequantizeLinear", [x, x_scale, x_zero], ["output"]))
    graph = helper.make_graph(nodes, "mobilenet_v1_body_int8",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [args.batch, 32, 112, 112])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [args.batch, 1024, size, size])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.metadata_props.append(onnx.StringStringEntryProto(key="nativeconv.model", value="v1-body int8"))
    model.metadata_props.append(onnx.StringStringEntryProto(key="nativeconv.layout", value="nchw"))
    onnx.checker.check_model(model)
    onnx.save(model, args.out)


if __name__ == "__main__":
    main()
