"""Exports a seeded MobileNet (v1, v2, v3-small or v3-large) with PyTorch's own answer, as NumPy files,
so NativeConv's network builders can be cross-checked against torch without Python at test time.

What it is for: a cross-check peer for tests and benchmarks, run with Debian's interpreter
(/usr/bin/python3 with python3-torch, python3-torchvision, python3-numpy). Never a runtime dependency
of NativeConv; the C# side only reads the files below.

    /usr/bin/python3 build/peers/export_mobilenet.py --model v1|v2|v3-small|v3-large --out DIR
                                                     [--seed S] [--batch N] [--size 224] [--random-biases]

The model: v1 from build/peers/mobilenet_v1.py (torchvision-style names), v2/v3 from torchvision
(weights=None), in eval(). Conv weights keep torchvision's initialization (seeded); every BatchNorm's
running_mean ~ N(0, 0.1), running_var ~ U[0.5, 1.5], weight (gamma) ~ U[0.5, 1.5] and bias (beta)
~ N(0, 0.1), so that folding BatchNorm into the convolutions is really exercised. Linear weights are
drawn ~ N(0, 1/in_features) instead of torchvision's N(0, 0.01), which would shrink the v3 logits to
a std of about 0.006 (two Linear layers). torchvision initializes every conv/linear bias (SE fc1/fc2,
classifier) to zero; --random-biases sets them ~ N(0, 0.1) so that a bias read from the wrong key
shows up too.

Writes into DIR:
  weights.npz      np.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()}): every key,
                   including BatchNorm's int64 num_batches_tracked scalars
  input.npy        float32 (N, 3, size, size), ~ U(-1, 1), seeded;  input_nhwc.npy: the same values NHWC
  logits.npy       float32 (N, 1000): the float32 model's eval output on input.npy
  logits_f64.npy   float64 (N, 1000): the same model .double() on the same input: the near-exact reference
  reference.npz    float64 outputs of the double model after each part NativeConv's builder makes a block
                   of (features.0 .. features.N, avgpool, each classifier Linear with its activation), in
                   order, as float32 pairs "k.hi" + "k.lo" (hi = float32(x), lo = float32(x - hi): x to
                   about 2^-48 relative, and readable by NativeConv's float32-only .npz reader); keys.txt
                   lists them; "logits" is the last
  model.json       model, versions, seed, batch, size, every BatchNorm's name/channels/eps, activation
                   statistics per feature stage, logits std and the float32-vs-float64 logits difference
  keys.txt         the state_dict keys with dtype and shape, one a line (documentation)
The run fails when the std of a feature stage's output or of the logits leaves [1e-2, 1e2] (the
randomized network would then exercise little).
"""
import argparse
import copy
import importlib.util
import json
import os
import sys

import numpy as np
import torch
import torchvision
from torch import nn

MODELS = ("v1", "v2", "v3-small", "v3-large")

# A stage whose activations fall outside this std range makes the cross-check meaningless.
STD_RANGE = (1e-2, 1e2)


def build(name: str) -> nn.Module:
    if name == "v1":
        # Imported by path: build/peers is not a package, and the exporter must not depend on the cwd.
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mobilenet_v1.py")
        spec = importlib.util.spec_from_file_location("mobilenet_v1", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.MobileNetV1()
    if name == "v2":
        return torchvision.models.mobilenet_v2(weights=None)
    if name == "v3-small":
        return torchvision.models.mobilenet_v3_small(weights=None)
    if name == "v3-large":
        return torchvision.models.mobilenet_v3_large(weights=None)
    raise ValueError(f"--model must be one of {', '.join(MODELS)}, not {name!r}")


def randomize(model: nn.Module, generator: torch.Generator, random_biases: bool) -> None:
    """BatchNorm statistics and affine parameters far from the identity, scale-keeping Linear weights,
    optionally every conv/linear bias."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.Linear):
                module.weight.copy_(torch.randn(module.weight.shape, generator=generator) / module.in_features ** 0.5)
            if isinstance(module, nn.BatchNorm2d):
                c = module.num_features
                module.running_mean.copy_(torch.randn(c, generator=generator) * 0.1)
                module.running_var.copy_(torch.rand(c, generator=generator) + 0.5)
                module.weight.copy_(torch.rand(c, generator=generator) + 0.5)
                module.bias.copy_(torch.randn(c, generator=generator) * 0.1)
            elif random_biases and isinstance(module, (nn.Conv2d, nn.Linear)) and module.bias is not None:
                module.bias.copy_(torch.randn(module.bias.shape, generator=generator) * 0.1)


def stage_statistics(model: nn.Module, x: torch.Tensor):
    """Runs the model once, recording the output std of every top-level feature stage."""
    stats = []
    hooks = [stage.register_forward_hook(
        lambda _m, _i, out, name=f"features.{i}": stats.append({"stage": name, "shape": list(out.shape), "std": out.std().item()}))
        for i, stage in enumerate(model.features)]
    try:
        with torch.no_grad():
            logits = model(x)
    finally:
        for hook in hooks:
            hook.remove()
    return logits, stats


def block_outputs(model: nn.Module, x: torch.Tensor):
    """The outputs, in order, of the parts NativeConv's builder makes a block of: every features[i],
    the average pool, and each classifier Linear together with the activation that follows it."""
    outputs = []
    with torch.no_grad():
        for stage in model.features:
            x = stage(x)
            outputs.append(x)
        x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
        outputs.append(x[:, :, None, None])
        pending = None
        for layer in model.classifier:
            if isinstance(layer, nn.Linear):
                if pending is not None:
                    outputs.append(pending[:, :, None, None])
                x = layer(x)
                pending = x
            elif not isinstance(layer, nn.Dropout):
                x = layer(x)  # the activation after a Linear belongs to its block
                pending = x
        outputs.append(pending)
    return outputs


def split(x: torch.Tensor):
    """float64 as a float32 pair: hi + lo equals x to about 2^-48 relative."""
    x = x.double()
    hi = x.float()
    lo = (x - hi.double()).float()
    return hi.numpy(), lo.numpy()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, choices=MODELS)
    parser.add_argument("--out", required=True, help="output directory (created if missing)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--size", type=int, default=224, help="input height and width")
    parser.add_argument("--random-biases", action="store_true", help="conv/linear biases ~ N(0, 0.1) instead of zero")
    args = parser.parse_args()
    if args.batch < 1 or args.size < 1:
        parser.error("--batch and --size must be at least 1")
    os.makedirs(args.out, exist_ok=True)

    torch.manual_seed(args.seed)  # torchvision's conv/linear initialization draws from the global generator
    model = build(args.model).eval()
    generator = torch.Generator().manual_seed(args.seed)
    randomize(model, generator, args.random_biases)
    x = torch.rand((args.batch, 3, args.size, args.size), generator=generator) * 2 - 1

    logits, stats = stage_statistics(model, x)
    with torch.no_grad():
        logits_f64 = copy.deepcopy(model).double()(x.double())

    double_model = copy.deepcopy(model).double()
    parts = block_outputs(double_model, x.double())
    reference = {}
    for k, part in enumerate(parts):
        hi, lo = split(part)
        reference[f"{k}.hi"], reference[f"{k}.lo"] = hi, lo
    np.savez(os.path.join(args.out, "reference.npz"), **reference)
    if (parts[-1] - logits_f64).abs().max().item() != 0:
        print("the block-by-block outputs do not end in the model's logits", file=sys.stderr)
        return 1

    state = model.state_dict()
    np.savez(os.path.join(args.out, "weights.npz"), **{k: v.numpy() for k, v in state.items()})
    np.save(os.path.join(args.out, "input.npy"), x.numpy())
    np.save(os.path.join(args.out, "input_nhwc.npy"), np.ascontiguousarray(x.permute(0, 2, 3, 1).numpy()))
    np.save(os.path.join(args.out, "logits.npy"), logits.numpy())
    np.save(os.path.join(args.out, "logits_f64.npy"), logits_f64.numpy())
    with open(os.path.join(args.out, "keys.txt"), "w") as keys:
        for k, v in state.items():
            keys.write(f"{k}\t{str(v.dtype).replace('torch.', '')}\t{tuple(v.shape)}\n")

    batch_norms = [{"name": name, "channels": m.num_features, "eps": m.eps}
                   for name, m in model.named_modules() if isinstance(m, nn.BatchNorm2d)]
    difference = (logits.double() - logits_f64).abs().max().item()
    manifest = {
        "model": args.model,
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "numpy": np.__version__,
        "seed": args.seed,
        "batch": args.batch,
        "size": args.size,
        "random_biases": args.random_biases,
        "linear_weights": "N(0, 1/in_features)",
        "keys": len(state),
        "batch_norms": batch_norms,
        "stages": stats,
        "logits_std": logits.std().item(),
        "logits_f32_vs_f64_max_abs": difference,
        "reference_parts": len(parts),
    }
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(manifest, f, indent=1)

    for s in stats:
        print(f"{s['stage']:>12} {str(tuple(s['shape'])):>20} std {s['std']:.4g}")
    eps = sorted({b["eps"] for b in batch_norms})
    print(f"{args.model}: {len(state)} keys, {len(batch_norms)} BatchNorms (eps {eps}), logits std {logits.std().item():.4g}, "
          f"max |float32 - float64| {difference:.3g}; wrote {args.out}")
    checked = stats + [{"stage": "logits", "std": logits.std().item()}]
    bad = [s for s in checked if not STD_RANGE[0] <= s["std"] <= STD_RANGE[1]]
    if bad:
        print(f"activations vanish or explode (std outside {STD_RANGE}): " +
              ", ".join(f"{s['stage']} {s['std']:.3g}" for s in bad), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
