"""Builds an int8 ONNX model of MobileNet v1's body (its 13 separable blocks, 26 convolutions, on 32x112x112)
or of the whole MobileNet v2 (224x224) with onnx.helper, for the ONNX Runtime peer of NativeConv's int8
benchmarks: QuantizeLinear at the float input, one QLinearConv per convolution (uint8 activations, int8
weights with one scale per output channel, int32 bias; ReLU6 as the output's quantized range, scale 6/255
from zero point 0; linear outputs symmetric around zero point 128), for v2 also ONNX Runtime's QLinearAdd
(residuals) and QLinearGlobalAveragePool (com.microsoft domain) and the classifier as a 1x1 QLinearConv,
DequantizeLinear at the float output. Seeded random weights: the model is for timing, like the float peers.

usage: /usr/bin/python3 export_qlinear_onnx.py [--model v1-body|v2] --batch N --out FILE.onnx
       (Debian's python3-onnx, python3-numpy). The .onnx file is a build output: never committed.
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

V1_BLOCKS = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 512, 2),
             (512, 512, 1), (512, 512, 1), (512, 512, 1), (512, 512, 1), (512, 512, 1), (512, 1024, 2), (1024, 1024, 1)]
# torchvision's mobilenet_v2: (expansion t, output channels c, repeats n, first stride s)
V2_SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


class Builder:
    """The graph so far: the current uint8 tensor with its scale and zero point, and the spatial size."""

    def __init__(self, rng):
        self.rng, self.nodes, self.inits, self.layer = rng, [], [], 0
        self.relu6 = (self.constant("relu6_scale", np.array(6 / 255, np.float32)), self.constant("relu6_zero", np.array(0, np.uint8)))
        self._linear = None

    @property
    def linear(self):
        """Made on first use: ONNX Runtime warns about initializers nothing reads."""
        if self._linear is None:
            self._linear = (self.constant("linear_scale", np.array(8 / 255, np.float32)), self.constant("linear_zero", np.array(128, np.uint8)))
        return self._linear

    def constant(self, name, array):
        self.inits.append(numpy_helper.from_array(array, name))
        return name

    def conv(self, x, cin, cout, kernel, stride, group, relu6):
        """x: (name, scale, zero point); returns the output's."""
        name, scale, zero = x
        per = cin // group * kernel * kernel
        i = self.layer
        w = self.constant(f"w{i}", self.rng.integers(-127, 128, (cout, cin // group, kernel, kernel), dtype=np.int8))
        ws = self.constant(f"ws{i}", (self.rng.random(cout, dtype=np.float32) * 0.01 + 0.001) / np.sqrt(per).astype(np.float32))
        wz = self.constant(f"wz{i}", np.zeros(cout, np.int8))
        b = self.constant(f"b{i}", self.rng.integers(-1000, 1000, cout, dtype=np.int32))
        out_scale, out_zero = self.relu6 if relu6 else self.linear
        out = f"q{i + 1}"
        pad = kernel // 2
        self.nodes.append(helper.make_node("QLinearConv", [name, scale, zero, w, ws, wz, out_scale, out_zero, b], [out],
                                           kernel_shape=[kernel, kernel], strides=[stride, stride], pads=[pad] * 4, group=group))
        self.layer += 1
        return out, out_scale, out_zero

    def add(self, a, b):
        out = f"add{self.layer}"
        self.layer += 1
        scale, zero = self.linear
        self.nodes.append(helper.make_node("QLinearAdd", [a[0], a[1], a[2], b[0], b[1], b[2], scale, zero], [out], domain="com.microsoft"))
        return out, scale, zero

    def pool(self, x):
        scale, zero = self.relu6
        self.nodes.append(helper.make_node("QLinearGlobalAveragePool", [x[0], x[1], x[2], scale, zero], ["pooled"],
                                           domain="com.microsoft", channels_last=0))
        return "pooled", scale, zero


def v1_body(builder, x):
    size = 112
    for cin, cout, stride in V1_BLOCKS:
        x = builder.conv(x, cin, cin, 3, stride, cin, relu6=True)
        x = builder.conv(x, cin, cout, 1, 1, 1, relu6=True)
        size = (size - 1) // stride + 1
    return x, [1024, size, size]


def v2(builder, x):
    x = builder.conv(x, 3, 32, 3, 2, 1, relu6=True)
    cin = 32
    for t, c, n, s in V2_SETTINGS:
        for i in range(n):
            stride = s if i == 0 else 1
            block_in, hidden = x, cin * t
            if t != 1:
                x = builder.conv(x, cin, hidden, 1, 1, 1, relu6=True)
            x = builder.conv(x, hidden, hidden, 3, stride, hidden, relu6=True)
            x = builder.conv(x, hidden, c, 1, 1, 1, relu6=False)
            if stride == 1 and cin == c:
                x = builder.add(block_in, x)
            cin = c
    x = builder.conv(x, 320, 1280, 1, 1, 1, relu6=True)
    x = builder.pool(x)
    x = builder.conv(x, 1280, 1000, 1, 1, 1, relu6=False)
    return x, [1000, 1, 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["v1-body", "v2"], default="v1-body")
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    builder = Builder(np.random.default_rng(0))
    in_scale, in_zero = builder.constant("x_scale", np.array(2 / 255, np.float32)), builder.constant("x_zero", np.array(128, np.uint8))
    builder.nodes.append(helper.make_node("QuantizeLinear", ["input", in_scale, in_zero], ["q0"]))
    x = ("q0", in_scale, in_zero)
    (x, out_shape), in_shape = (v1_body(builder, x), [32, 112, 112]) if args.model == "v1-body" else (v2(builder, x), [3, 224, 224])
    builder.nodes.append(helper.make_node("DequantizeLinear", [x[0], x[1], x[2]], ["output"]))
    graph = helper.make_graph(builder.nodes, f"mobilenet_{args.model.replace('-', '_')}_int8",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [args.batch] + in_shape)],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [args.batch] + out_shape)], builder.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("com.microsoft", 1)])
    model.metadata_props.append(onnx.StringStringEntryProto(key="nativeconv.model", value=f"{args.model} int8"))
    model.metadata_props.append(onnx.StringStringEntryProto(key="nativeconv.layout", value="nchw"))
    onnx.checker.check_model(model)
    onnx.save(model, args.out)


if __name__ == "__main__":
    main()
