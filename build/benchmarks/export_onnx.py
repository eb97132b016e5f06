"""Exports one benchmark network (networks.py) to ONNX for the ONNX Runtime peer
(tests/NativeConv.Benchmarks.Ort): opset 13, fixed batch, input 'input', output 'output'.

usage: /usr/bin/python3 export_onnx.py --model v1|v1-body|v2|v3-small|v3-large --layout nchw|nhwc --batch N --out FILE.onnx

--layout nhwc: the graph takes (N, H, W, C); a feature-map output (v1-body) is (N, H, W, C) too, while
logits stay (N, 1000). The model's metadata records nativeconv.model and nativeconv.layout, which the
runner reports. The .onnx files are build outputs: never committed.
"""
import argparse
import sys
import time

import onnx
import torch

import networks


class NhwcInterface(torch.nn.Module):
    """The network behind NHWC input (and NHWC output for a feature map): the transposes are in the
    graph, where ONNX Runtime's layout optimizer can cancel them against its own reorders."""

    def __init__(self, net: torch.nn.Module, feature_map_output: bool):
        super().__init__()
        self.net = net
        self.feature_map_output = feature_map_output

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.net(x.permute(0, 3, 1, 2))
        return y.permute(0, 2, 3, 1) if self.feature_map_output else y


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, choices=networks.MODELS)
    parser.add_argument("--layout", required=True, choices=("nchw", "nhwc"))
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    start = time.perf_counter()
    net = networks.build(args.model)
    n, c, h, w = networks.input_shape(args.model, args.batch)
    shape = (n, c, h, w)
    if args.layout == "nhwc":
        net = NhwcInterface(net, networks.outputs_feature_map(args.model)).eval()
        shape = (n, h, w, c)
    example = torch.rand(shape)
    with torch.no_grad():  # export traces; inference_mode tensors cannot be traced
        torch.onnx.export(net, example, args.out, opset_version=13, do_constant_folding=True,
                          input_names=["input"], output_names=["output"])

    model = onnx.load(args.out)
    onnx.checker.check_model(model)
    for key, value in (("nativeconv.model", args.model), ("nativeconv.layout", args.layout)):
        model.metadata_props.append(onnx.StringStringEntryProto(key=key, value=value))
    onnx.save(model, args.out)
    print(f"exported {args.model} {args.layout} batch {args.batch} -> {args.out} "
          f"in {time.perf_counter() - start:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
