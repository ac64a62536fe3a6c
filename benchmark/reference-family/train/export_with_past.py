#!/usr/bin/python3
"""Export trained checkpoints again as decoders with a key/value cache (optimum's with-past layout).

    /usr/bin/python3 benchmark/reference-family/train/export_with_past.py [NAME ...]

Default: every checkpoint whose plain export (checkpoints/<name>.onnx, from export.py) exists.
Writes checkpoints/<name>-with-past.onnx:

  inputs  input_ids                   int64 [batch_size, sequence_length]
          attention_mask              int64 [batch_size, past_sequence_length + sequence_length]
          past_key_values.N.key/value float [batch_size, heads, past_sequence_length, head_dim]
          logits_to_keep              int64 []  optional (an initializer that doubles as an input, default 0)
  outputs logits                      float [batch_size, kept, vocab]
          present.N.key/value         float [batch_size, heads, past_sequence_length + sequence_length, head_dim]

The scorer runs a prompt once with an empty past (past_sequence_length 0), then each class's tokens
with the prompt's present.* as past. logits_to_keep = n > 0 computes the logits of the last n
positions only, as in Hugging Face's logits_to_keep (0 = every position); with left-padded prompts
n = 1 gives each prompt's next-token logits without the output projection of the other positions.
Consumers that do not know the input get every position.

Position ids are cumsum(attention_mask) - 1 over past and new tokens (clamped at 0), and a key whose
mask is 0 is blocked, as in model.py: padding may sit anywhere in the past (left-padded prompts) and
new tokens may be right-padded. The graph repeats model.py's operations in the same order, except
that the residual stream is [batch*sequence, width] (each linear layer one Gemm with its bias) and
that the attention mask is added as a bias (0 or NEG_INF, computed once) instead of a select on every
layer's scores; allowed scores are unchanged and blocked ones still get zero weight, so it computes the
plain export's numbers, faster (ONNX Runtime's broadcast Where took ~40% of the time at 800 tokens).

Weights are not stored twice. The file's initializers are ONNX external data pointing into the
plain export beside it (location <name>.onnx, the byte offset of the same tensor's raw data there),
so the extra file is the graph alone (tens of kB) and the family stays within its size budget. The
plain file's sha256 is recorded in the metadata (isb.weights_sha256); the file is only valid beside
that exact plain export, and re-exporting the plain file means re-running this script.

Checks: onnx.checker; the graph, run by the NumPy evaluator onnx_ref.py, matches PyTorch on a
left-padded prompt, on a prompt split into past + new tokens (right-padded new tokens), and with
logits_to_keep = 1; every external tensor read back from the plain file equals the weight.
"""
import hashlib
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from common import CHECKPOINT_DIR, SEED, TORCH_THREADS
from export import load_model
from model import NEG_INF, family
import onnx_ref

OPSET = 14
ATOL = 2e-4
KEEP = "logits_to_keep"


class WithPastDecoder(torch.nn.Module):
    """model.py's GPT.forward with past keys/values in and present keys/values out."""

    def __init__(self, model):
        super().__init__()
        self.m = model

    def forward(self, input_ids, attention_mask, logits_to_keep, *past):
        m = self.m
        B, T = input_ids.shape
        P = past[0].shape[2]
        pos = (torch.cumsum(attention_mask, dim=-1) - 1).clamp(min=0)[:, P:]  # [B, T]
        q_abs = torch.arange(T) + P
        k_abs = torch.arange(P + T)
        causal_blocked = k_abs.unsqueeze(0) > q_abs.unsqueeze(1)  # [T, P+T]
        key_blocked = (attention_mask == 0).view(B, 1, 1, P + T)
        blocked = causal_blocked.view(1, 1, T, P + T) | key_blocked
        # additive form of model.py's masked_fill(blocked, NEG_INF): allowed scores get + (-0.0), which leaves them
        # bit-identical, blocked ones end at NEG_INF (|score| is far below its ulp), so the softmax is the same; one
        # [B, 1, T, P+T] bias for all layers instead of a broadcast select on every [B, H, T, P+T] score tensor
        bias = blocked.to(torch.float32) * NEG_INF
        # the residual stream runs as [B*T, C] so that every linear layer exports as one Gemm with its bias fused
        x = (m.wte(input_ids) + m.wpe(pos)).view(B * T, -1)
        presents = []
        for i, blk in enumerate(m.blocks):
            a = blk.attn
            h = blk.ln1(x)
            qkv = a.qkv(h).view(B, T, 3, a.n_head, a.head_dim).permute(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            k = torch.cat([past[2 * i], k], dim=2)
            v = torch.cat([past[2 * i + 1], v], dim=2)
            presents += [k, v]
            q = q * a.scale
            att = torch.matmul(q, k.transpose(-2, -1)) + bias
            att = torch.softmax(att, dim=-1)
            y = torch.matmul(att, v)
            y = y.transpose(1, 2).reshape(B * T, a.n_head * a.head_dim)
            x = x + a.proj(y)
            x = x + blk.fc_proj(torch.nn.functional.gelu(blk.fc(blk.ln2(x))))
        x = m.ln_f(x).view(B, T, -1)
        keep = torch.where(logits_to_keep > 0, logits_to_keep, torch.full_like(logits_to_keep, T))
        x = x.index_select(1, torch.arange(T - keep, T))
        logits = torch.matmul(x, m.wte.weight.t())
        return (logits, *presents)


def names(n_layer):
    past, present = [], []
    for i in range(n_layer):
        for kv in ("key", "value"):
            past.append("past_key_values.%d.%s" % (i, kv))
            present.append("present.%d.%s" % (i, kv))
    return past, present


def export_inline(model, path):
    cfg = model.cfg
    hd = cfg.d_model // cfg.n_head
    g = torch.Generator().manual_seed(SEED)
    B, T, P = 2, 5, 3
    ids = torch.randint(0, cfg.vocab_size, (B, T), generator=g)
    mask = torch.ones(B, P + T, dtype=torch.int64)
    mask[1, :2] = 0
    past = [torch.randn(B, cfg.n_head, P, hd, generator=g) for _ in range(2 * cfg.n_layer)]
    past_names, present_names = names(cfg.n_layer)
    kv_axes = {0: "batch_size", 2: "past_sequence_length"}
    out_axes = {0: "batch_size", 2: "present_sequence_length"}
    axes = {"input_ids": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "attention_length"},
            "logits": {0: "batch_size", 1: "kept_length"}}
    axes.update({n: kv_axes for n in past_names})
    axes.update({n: out_axes for n in present_names})
    torch.onnx.export(WithPastDecoder(model), (ids, mask, torch.tensor(0, dtype=torch.int64), *past), path,
                      opset_version=OPSET, input_names=["input_ids", "attention_mask", KEEP] + past_names,
                      output_names=["logits"] + present_names, dynamic_axes=axes, do_constant_folding=False)
    m = onnx.load(path)
    # logits_to_keep becomes optional: an initializer with the same name as the input is its default
    m.graph.initializer.append(numpy_helper.from_array(np.array(0, dtype=np.int64), KEEP))
    onnx.checker.check_model(m)
    ins = [i.name for i in m.graph.input]
    assert ins == ["input_ids", "attention_mask", KEEP] + past_names, ins
    outs = [o.name for o in m.graph.output]
    assert outs == ["logits"] + present_names, outs
    for i in m.graph.input[3:]:
        dims = i.type.tensor_type.shape.dim
        assert i.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
        assert [d.dim_value for d in dims][1::2] == [cfg.n_head, hd], (i.name, dims)
    for init in m.graph.initializer:
        assert init.data_type in (onnx.TensorProto.FLOAT, onnx.TensorProto.INT64), (init.name, init.data_type)
    return m


def run(m, ids, mask, past, keep=0):
    feeds = {"input_ids": ids.numpy(), "attention_mask": mask.numpy(), KEEP: np.array(keep, dtype=np.int64)}
    past_names, _ = names(len(past) // 2)
    feeds.update({n: p.numpy() for n, p in zip(past_names, past)})
    out, _ = onnx_ref.run(m, feeds)
    return out[0], out[1:]


def check_against_torch(model, m):
    """Worst absolute logit difference against PyTorch's plain forward over three ways of feeding."""
    cfg = model.cfg
    hd = cfg.d_model // cfg.n_head
    g = torch.Generator().manual_seed(SEED + 2)
    empty = [torch.zeros(3, cfg.n_head, 0, hd) for _ in range(2 * cfg.n_layer)]
    worst = 0.0
    # 1. left-padded prompts, empty past: every position, and the last one alone
    T = 23
    ids = torch.randint(0, cfg.vocab_size, (3, T), generator=g)
    mask = torch.ones(3, T, dtype=torch.int64)
    mask[1, :7] = 0
    mask[2, :15] = 0
    with torch.no_grad():
        ref = model(ids, mask).numpy()
    got, presents = run(m, ids, mask, empty)
    for r in range(3):
        real = mask[r].numpy() == 1
        worst = max(worst, float(np.abs(got[r, real] - ref[r, real]).max()))
    last, _ = run(m, ids, mask, empty, keep=1)
    worst = max(worst, float(np.abs(last[:, 0] - ref[:, -1]).max()))
    # 2. continue each prompt with right-padded new tokens on its present as past
    N = 4
    new = torch.randint(0, cfg.vocab_size, (3, N), generator=g)
    new_len = [4, 1, 3]
    new_mask = torch.zeros(3, N, dtype=torch.int64)
    for r, n in enumerate(new_len):
        new_mask[r, :n] = 1
    cont, _ = run(m, new, torch.cat([mask, new_mask], dim=1), [torch.from_numpy(p) for p in presents])
    for r in range(3):
        real = mask[r].numpy() == 1
        full = torch.cat([ids[r][real], new[r, :new_len[r]]]).view(1, -1)
        with torch.no_grad():
            ref = model(full, torch.ones_like(full)).numpy()[0]
        worst = max(worst, float(np.abs(cont[r, :new_len[r]] - ref[-new_len[r]:]).max()))
    assert worst < ATOL, worst
    return worst


def to_external(m, plain_path, out_path):
    """Points every initializer whose bytes the plain export holds at those bytes; keeps the rest inline."""
    with open(plain_path, "rb") as f:
        plain = f.read()
    location = os.path.basename(plain_path)
    moved = inline = 0
    for init in m.graph.initializer:
        raw = numpy_helper.to_array(init).tobytes()
        offset = plain.find(raw) if len(raw) >= 64 else -1
        if offset < 0:
            inline += len(raw)
            continue
        data = numpy_helper.to_array(init)
        init.ClearField("raw_data")
        init.ClearField("float_data")
        init.ClearField("int64_data")
        init.data_location = onnx.TensorProto.EXTERNAL
        del init.external_data[:]
        for key, value in (("location", location), ("offset", str(offset)), ("length", str(len(raw)))):
            entry = init.external_data.add()
            entry.key, entry.value = key, value
        moved += data.nbytes
    sha = hashlib.sha256(plain).hexdigest()
    prop = m.metadata_props.add()
    prop.key, prop.value = "isb.weights_sha256", sha
    prop = m.metadata_props.add()
    prop.key, prop.value = "isb.weights_file", location
    with open(out_path, "wb") as f:
        f.write(m.SerializeToString())
    onnx.checker.check_model(out_path)
    return moved, inline


def check_external(inline_model, out_path):
    loaded = onnx.load(out_path)  # resolves external data from the folder
    want = {i.name: numpy_helper.to_array(i) for i in inline_model.graph.initializer}
    for init in loaded.graph.initializer:
        got = numpy_helper.to_array(init)
        assert got.dtype == want[init.name].dtype and np.array_equal(got, want[init.name]), init.name


def main():
    torch.set_num_threads(TORCH_THREADS)
    wanted = sys.argv[1:] or [s["name"] for s in family()
                              if os.path.exists(os.path.join(CHECKPOINT_DIR, s["name"] + ".onnx"))]
    for name in wanted:
        plain_path = os.path.join(CHECKPOINT_DIR, name + ".onnx")
        out_path = os.path.join(CHECKPOINT_DIR, name + "-with-past.onnx")
        model, _ = load_model(name)
        tmp = out_path + ".inline.tmp"
        try:
            m = export_inline(model, tmp)
            worst = check_against_torch(model, m)
            inline_copy = onnx.ModelProto()
            inline_copy.CopyFrom(m)
            moved, inline = to_external(m, plain_path, out_path)
            check_external(inline_copy, out_path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        print("%s: %s, %d bytes (weights %d bytes in %s, %d bytes inline), max |logit diff| vs torch %.2e"
              % (name, os.path.basename(out_path), os.path.getsize(out_path), moved,
                 os.path.basename(plain_path), inline, worst), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
