#!/usr/bin/python3
"""Build small ONNX export folders with the signatures of real exporters (issue #11, point 5).

    /usr/bin/python3 benchmark/reference-family/train/export_fixtures.py

Writes tests/InverseScaling.Benchmark.Tests/TestData/Exports/<folder>/, each as small as the signature allows, from two
seeded random-weight models (no training, no download):

  gpt2   model.py's GPT (the reference family's definition): d_model 8, 2 layers, 2 heads, 1,024 positions, the
         reference family's 4,096-token vocabulary (tokenizer.json converted from ../tokenizer), tied head.
  llama  a Llama-style decoder: RMSNorm, rotary positions, SwiGLU, grouped-query attention (4 query heads, 2 key/value
         heads of 16), width 32, untied head, a byte-level vocabulary of 256 bytes + 2 special tokens, 512 positions.

Every weight is chosen to be exact in float16 and in 4-bit blocks (a power-of-two scale per block of 16 times an
integer in [-8, 7]), so the float16, int8 and int4 exports hold exactly the float32 weights and differ from the plain
export only by their arithmetic. Folders (see docs/exports.md for what each exporter writes):

  gpt2-plain                  the suite's own layout: input_ids, attention_mask -> logits (positions from the mask)
  optimum-gpt2                optimum text-generation: + position_ids -> logits
  optimum-gpt2-with-past      optimum text-generation-with-past: + past_key_values.N.key/value -> logits, present.N.*
  optimum-gpt2-merged         optimum --legacy: decoder_model_merged.onnx, an If on use_cache_branch over the
                              decoder without and with past (positions are 0.. after the past, as GPT-2 without
                              position_ids computes them)
  optimum-gpt2-fp16           with-past, float16 weights, cache and logits
  optimum-gpt2-int8           ONNX Runtime's dynamic quantization: MatMulInteger + DynamicQuantizeLinear
                              (model_quantized.onnx); twins/gpt2-int8-dequantized is the same arithmetic in float32
  optimum-gpt2-int4           MatMulNBits (com.microsoft, 4 bits, block 16, accuracy_level unset)
  optimum-gpt2-external       with-past, weights in model.onnx_data
  optimum-llama               text-generation with position_ids, untied head (the plain export of the llama weights)
  optimum-llama-with-past     with-past: 2 key/value heads in the cache, 4 query heads
  genai-llama                 onnxruntime-genai's model builder, CPU fp32: GroupQueryAttention with rotary caches,
                              SimplifiedLayerNormalization, packed QKV, model.onnx + model.onnx.data, genai_config.json

Deterministic: the same bytes on every run (seeded weights, fixed graph names, no timestamps).
"""
import copy
import json
import math
import os
import shutil
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

from common import REPO_ROOT, TOKENIZER_DIR, EOT
from model import GPT, Config, NEG_INF

OUT = os.path.join(REPO_ROOT, "tests", "InverseScaling.Benchmark.Tests", "TestData", "Exports")
OPSET = 14
SEED = 20261101
BLOCK = 16  # int4 block along the input dimension
FP16_MIN = -65504.0


# ----------------------------------------------------------------------------------------------- weights

def grid(t, step=2.0 ** -8):
    """Rounds to a multiple of step: exact in float16 while |t| < 8."""
    return torch.round(t / step) * step


def int4_exact(rng, out_features, in_features):
    """[out, in] weights, per (row, block of 16 inputs) a scale 2^-e (e in 3..5) times q - 8 with q in 0..15."""
    blocks = -(-in_features // BLOCK)
    q = torch.randint(0, 16, (out_features, blocks * BLOCK), generator=rng)
    e = torch.randint(3, 6, (out_features, blocks), generator=rng)
    scale = torch.pow(2.0, -e.double()).float().repeat_interleave(BLOCK, dim=1)
    return ((q - 8).float() * scale)[:, :in_features].contiguous()


def gpt2_weights(model, rng):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name in ("wte.weight",):
                p.copy_(grid(torch.randn(p.shape, generator=rng)))
            elif name == "wpe.weight":
                p.copy_(grid(0.5 * torch.randn(p.shape, generator=rng)))
            elif p.dim() == 2:
                p.copy_(int4_exact(rng, *p.shape))
            elif "ln" in name and name.endswith("weight"):
                p.copy_(grid(1.0 + 0.1 * torch.randn(p.shape, generator=rng)))
            else:
                p.copy_(grid(0.1 * torch.randn(p.shape, generator=rng)))


# ----------------------------------------------------------------------------------------------- gpt2 graphs

class Gpt2Decoder(torch.nn.Module):
    """model.py's GPT.forward, with the inputs an exporter gives it: position_ids (or positions 0.. after the past,
    as GPT-2 computes them without position_ids), past keys/values in and present keys/values out."""

    def __init__(self, model, past, positions):
        super().__init__()
        self.m = model
        self.past = past
        self.positions = positions  # "input" or "index"

    def forward(self, input_ids, attention_mask, *rest):
        m = self.m
        B, T = input_ids.shape
        past = list(rest[:2 * len(m.blocks)]) if self.past else []
        P = past[0].shape[2] if past else 0
        if self.positions == "input":
            pos = rest[-1]
        else:
            pos = (torch.arange(T) + P).unsqueeze(0).expand(B, T)
        q_abs = torch.arange(T) + P
        k_abs = torch.arange(P + T)
        blocked = (k_abs.unsqueeze(0) > q_abs.unsqueeze(1)).view(1, 1, T, P + T) | (attention_mask == 0).view(B, 1, 1, P + T)
        x = m.wte(input_ids) + m.wpe(pos)
        presents = []
        for i, blk in enumerate(m.blocks):
            a = blk.attn
            qkv = a.qkv(blk.ln1(x)).view(B, T, 3, a.n_head, a.head_dim).permute(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            if past:
                k = torch.cat([past[2 * i], k], dim=2)
                v = torch.cat([past[2 * i + 1], v], dim=2)
            presents += [k, v]
            att = torch.matmul(q * a.scale, k.transpose(-2, -1)).masked_fill(blocked, NEG_INF)
            y = torch.matmul(torch.softmax(att, dim=-1), v).transpose(1, 2).reshape(B, T, -1)
            x = x + a.proj(y)
            x = x + blk.fc_proj(F.gelu(blk.fc(blk.ln2(x))))
        logits = torch.matmul(m.ln_f(x), m.wte.weight.t())
        return (logits, *presents) if self.past else logits


def kv_names(layers):
    past, present = [], []
    for i in range(layers):
        for kv in ("key", "value"):
            past.append("past_key_values.%d.%s" % (i, kv))
            present.append("present.%d.%s" % (i, kv))
    return past, present


def export(module, args, path, inputs, outputs, axes):
    torch.onnx.export(module, tuple(args), path, opset_version=OPSET, input_names=inputs, output_names=outputs,
                      dynamic_axes=axes, do_constant_folding=True)
    m = onnx.load(path)
    os.remove(path)
    return m


def export_gpt2(model, past, positions):
    """An optimum-style graph: inputs input_ids, attention_mask, past_key_values.N.*, position_ids (in optimum's order)."""
    cfg = model.cfg
    hd = cfg.d_model // cfg.n_head
    B, T, P = 2, 5, 3 if past else 0
    ids = torch.randint(0, cfg.vocab_size, (B, T), generator=torch.Generator().manual_seed(1))
    mask = torch.ones(B, P + T, dtype=torch.int64)
    args, inputs = [ids, mask], ["input_ids", "attention_mask"]
    seq = {0: "batch_size", 1: "sequence_length"}
    axes = {"input_ids": seq, "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length" if past else "sequence_length"}}
    outputs = ["logits"]
    axes["logits"] = seq
    if past:
        past_names, present_names = kv_names(cfg.n_layer)
        args += [torch.zeros(B, cfg.n_head, P, hd) for _ in past_names]
        inputs += past_names
        outputs += present_names
        axes.update({n: {0: "batch_size", 2: "past_sequence_length"} for n in past_names})
        axes.update({n: {0: "batch_size", 2: "past_sequence_length + sequence_length"} for n in present_names})
    if positions == "input":
        args.append(torch.arange(P, P + T).unsqueeze(0).expand(B, T).contiguous())
        inputs.append("position_ids")
        axes["position_ids"] = seq
    m = export(Gpt2Decoder(model, past, positions), args, "/tmp/export_fixtures.onnx", inputs, outputs, axes)
    untie_head(m, model)
    return m


def untie_head(m, model):
    """Constant folding stores the tied head as a transposed copy of wte (as in real optimum GPT-2 exports); put the
    Transpose of wte back, so the fixture stays small and the head reads the embedding itself."""
    wte_t = model.wte.weight.detach().numpy().T
    wte = next(i.name for i in m.graph.initializer if numpy_helper.to_array(i).shape == model.wte.weight.shape
               and np.array_equal(numpy_helper.to_array(i), model.wte.weight.detach().numpy()))
    for init in list(m.graph.initializer):
        a = numpy_helper.to_array(init)
        if a.shape == wte_t.shape and np.array_equal(a, wte_t):
            m.graph.initializer.remove(init)
            node = helper.make_node("Transpose", [wte], [init.name], name="/lm_head/Transpose", perm=[1, 0])
            m.graph.node.insert(0, node)
            return
    raise AssertionError("no folded head found")


def rename_initializers(m, model):
    """Names the float weights after the module's parameters (torch 1.13 names folded ones onnx::MatMul_N)."""
    params = {n: p.detach().numpy() for n, p in model.named_parameters()}
    rename = {}
    for init in m.graph.initializer:
        a = numpy_helper.to_array(init)
        for n, p in params.items():
            if a.shape == p.shape and np.array_equal(a, p):
                rename[init.name] = n
                break
            if p.ndim == 2 and a.shape == p.T.shape and np.array_equal(a, p.T):
                rename[init.name] = n + ".T" if n != "wte.weight" else n
                break
    rename = {k: v for k, v in rename.items() if k != v}
    if not rename:
        return
    for init in m.graph.initializer:
        init.name = rename.get(init.name, init.name)
    for node in m.graph.node:
        for i, name in enumerate(node.input):
            node.input[i] = rename.get(name, name)


# ----------------------------------------------------------------------------------------------- merged (legacy)

def merge_legacy(no_past, with_past):
    """optimum's merge_decoders: one If on use_cache_branch, shared weights in the outer graph."""
    shared = {}
    for g in (no_past.graph, with_past.graph):
        for init in g.initializer:
            if len(init.dims) == 0 or (len(init.dims) == 1 and init.data_type in (6, 7)):
                continue
            if init.name in shared:
                assert shared[init.name].SerializeToString() == init.SerializeToString(), init.name
            shared.setdefault(init.name, init)
    # both exports of one model name their weights identically (rename_initializers), so sharing is by name
    def branch(model, name):
        keep = [i for i in model.graph.initializer if i.name not in shared]
        return helper.make_graph(list(model.graph.node), name, [], list(model.graph.output), keep)

    inputs = []
    seen = set()
    for g in (no_past.graph, with_past.graph):
        for i in g.input:
            if i.name not in seen:
                seen.add(i.name)
                inputs.append(i)
    use_cache = helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1])
    node = helper.make_node("If", ["use_cache_branch"], [o.name for o in no_past.graph.output], name="optimum::if",
                            then_branch=branch(with_past, "with_past"), else_branch=branch(no_past, "no_past"))
    graph = helper.make_graph([node], "merged", inputs + [use_cache], list(no_past.graph.output), list(shared.values()))
    return helper.make_model(graph, producer_name="optimum-onnx", opset_imports=[helper.make_opsetid("", OPSET)], ir_version=8)


# ----------------------------------------------------------------------------------------------- float16

def to_float16(m):
    """A float16 export: float weights, constants, casts, inputs and outputs become float16; -1e9 masks clamp to
    float16's lowest finite value (as Hugging Face masks with torch.finfo(float16).min)."""
    m = copy.deepcopy(m)

    def convert(t):
        if t.data_type != TensorProto.FLOAT:
            return
        a = numpy_helper.to_array(t).astype(np.float64)
        a = np.clip(a, FP16_MIN, -FP16_MIN).astype(np.float16)
        t.CopyFrom(numpy_helper.from_array(a, t.name))

    def walk(g):
        for init in g.initializer:
            convert(init)
        for vi in list(g.input) + list(g.output):
            if vi.type.tensor_type.elem_type == TensorProto.FLOAT:
                vi.type.tensor_type.elem_type = TensorProto.FLOAT16
        del g.value_info[:]
        for node in g.node:
            for a in node.attribute:
                if a.name == "to" and a.i == TensorProto.FLOAT:
                    a.i = TensorProto.FLOAT16
                if a.type == onnx.AttributeProto.TENSOR:
                    convert(a.t)
                if a.type == onnx.AttributeProto.GRAPH:
                    walk(a.g)

    walk(m.graph)
    return m


# ----------------------------------------------------------------------------------------------- int8 and int4

def linear_matmuls(m):
    """MatMul nodes whose second input is a 2-D float initializer: the linear layers."""
    inits = {i.name: i for i in m.graph.initializer}
    for node in m.graph.node:
        if node.op_type == "MatMul" and node.input[1] in inits and len(inits[node.input[1]].dims) == 2:
            yield node, inits[node.input[1]]


def block_scales(w):
    """[K, N] weights built by int4_exact: per (block, column) the power-of-two scale and the integers q - 8."""
    K, N = w.shape
    blocks = -(-K // BLOCK)
    padded = np.zeros((blocks * BLOCK, N), np.float32)
    padded[:K] = w
    scales = np.zeros((blocks, N), np.float32)
    for b in range(blocks):
        for n in range(N):
            col = padded[b * BLOCK:(b + 1) * BLOCK, n]
            # the smallest power of two with every value an integer multiple in [-8, 7]
            for e in range(3, 6):
                s = 2.0 ** -e
                if np.all(col / s == np.round(col / s)) and col.max() / s <= 7 and col.min() / s >= -8:
                    scales[b, n] = s
            assert scales[b, n] > 0, (b, n)
    ints = np.round(padded / np.repeat(scales, BLOCK, axis=0)).astype(np.int64)
    assert ints.min() >= -8 and ints.max() <= 7
    return scales, ints, K, N, blocks


def to_int8(m, dequantized_twin=False):
    """ONNX Runtime's dynamic quantization (IntegerOps): activations through DynamicQuantizeLinear, weights as int8
    with a per-tensor scale and zero point 0, MatMulInteger, Cast, and the product of the two scales. The twin runs the
    same numbers in float32: DequantizeLinear of the quantized activations times the dequantized weights."""
    m = copy.deepcopy(m)
    nodes = list(m.graph.node)
    del m.graph.node[:]
    inits = {i.name: i for i in m.graph.initializer}
    for node in nodes:
        if not (node.op_type == "MatMul" and node.input[1] in inits and len(inits[node.input[1]].dims) == 2):
            m.graph.node.append(node)
            continue
        w_name = node.input[1]
        w = numpy_helper.to_array(inits[w_name])
        # the largest power-of-two scale that leaves every weight an integer (what a per-tensor symmetric scale
        # would be for weights built on power-of-two blocks)
        scale = next(2.0 ** -e for e in range(0, 16) if np.array_equal(np.round(w / 2.0 ** -e), w / 2.0 ** -e))
        q = np.round(w / scale)
        assert np.array_equal(q * scale, w) and np.abs(q).max() <= 127
        m.graph.initializer.remove(inits[w_name])
        x = node.input[0]
        base = node.name or w_name
        xq, xs, xz = x + "_quantized", x + "_scale", x + "_zero_point"
        m.graph.node.append(helper.make_node("DynamicQuantizeLinear", [x], [xq, xs, xz], name=base + "_QuantizeLinear"))
        ws = w_name + "_scale"
        m.graph.initializer.append(numpy_helper.from_array(np.array(scale, np.float32), ws))
        if dequantized_twin:
            m.graph.initializer.append(numpy_helper.from_array(w.astype(np.float32), w_name))
            xd = x + "_dequantized"
            m.graph.node.append(helper.make_node("DequantizeLinear", [xq, xs, xz], [xd], name=base + "_DequantizeLinear"))
            m.graph.node.append(helper.make_node("MatMul", [xd, w_name], list(node.output), name=base))
            continue
        wq, wz = w_name + "_quantized", w_name + "_zero_point"
        m.graph.initializer.append(numpy_helper.from_array(q.astype(np.int8), wq))
        m.graph.initializer.append(numpy_helper.from_array(np.array(0, np.int8), wz))
        acc = base + "_output_quantized"
        m.graph.node.append(helper.make_node("MatMulInteger", [xq, wq, xz, wz], [acc], name=base + "_quant"))
        cast = acc + "_cast_output"
        m.graph.node.append(helper.make_node("Cast", [acc], [cast], name=acc + "_cast", to=TensorProto.FLOAT))
        both = base + "_scales_mul_output"
        m.graph.node.append(helper.make_node("Mul", [xs, ws], [both], name=base + "_scales_mul"))
        m.graph.node.append(helper.make_node("Mul", [cast, both], list(node.output), name=base + "_output_scale_mul"))
    del m.graph.value_info[:]
    return m


def to_int4(m):
    """MatMulNBits (com.microsoft): B packed [N, blocks, 8] uint8 (two 4-bit values a byte, low nibble first),
    scales [N * blocks], zero points 8 packed two a byte; attributes K, N, bits 4, block_size 16."""
    m = copy.deepcopy(m)
    inits = {i.name: i for i in m.graph.initializer}
    for node, init in list(linear_matmuls(m)):
        w = numpy_helper.to_array(init)
        scales, ints, K, N, blocks = block_scales(w)
        q = (ints + 8).astype(np.uint8)  # [blocks*BLOCK, N]
        packed = np.zeros((N, blocks, BLOCK // 2), np.uint8)
        for n in range(N):
            for b in range(blocks):
                col = q[b * BLOCK:(b + 1) * BLOCK, n]
                packed[n, b] = col[0::2] | (col[1::2] << 4)
        zp_bytes = -(-blocks // 2)
        zeros = np.zeros((N, zp_bytes), np.uint8)
        for n in range(N):
            for b in range(blocks):
                zeros[n, b // 2] |= np.uint8(8 << (4 * (b % 2)))
        name = init.name
        m.graph.initializer.remove(inits[name])
        m.graph.initializer.extend([
            numpy_helper.from_array(packed, name + "_Q4"),
            numpy_helper.from_array(np.ascontiguousarray(scales.T).reshape(-1), name + "_scales"),
            numpy_helper.from_array(zeros.reshape(-1), name + "_zero_points"),
        ])
        replacement = helper.make_node("MatMulNBits", [node.input[0], name + "_Q4", name + "_scales", name + "_zero_points"],
                                       list(node.output), name=(node.name or name) + "_Q4", domain="com.microsoft",
                                       K=K, N=N, bits=4, block_size=BLOCK)
        index = list(m.graph.node).index(node)
        m.graph.node.remove(node)
        m.graph.node.insert(index, replacement)
    m.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    del m.graph.value_info[:]
    return m


# ----------------------------------------------------------------------------------------------- llama

class LlamaConfig:
    vocab_size = 258
    hidden_size = 32
    intermediate_size = 64
    num_hidden_layers = 2
    num_attention_heads = 4
    num_key_value_heads = 2
    head_dim = 16  # ONNX Runtime's CPU GroupQueryAttention needs a multiple of 16
    max_position_embeddings = 512
    rope_theta = 10000.0
    rms_norm_eps = 1e-5
    bos_token_id = 256
    eos_token_id = 257


class Llama(torch.nn.Module):
    """A Llama-style decoder (Hugging Face LlamaForCausalLM's arithmetic) with optimum's export inputs."""

    def __init__(self, cfg, rng):
        super().__init__()
        self.cfg = c = cfg
        H, KV, hd, D, I = c.num_attention_heads, c.num_key_value_heads, c.head_dim, c.hidden_size, c.intermediate_size
        self.embed_tokens = torch.nn.Parameter(grid(torch.randn(c.vocab_size, D, generator=rng)))
        self.layers = []
        for i in range(c.num_hidden_layers):
            layer = {
                "input_layernorm": grid(1.0 + 0.1 * torch.randn(D, generator=rng)),
                "q_proj": int4_exact(rng, H * hd, D),
                "k_proj": int4_exact(rng, KV * hd, D),
                "v_proj": int4_exact(rng, KV * hd, D),
                "o_proj": int4_exact(rng, D, H * hd),
                "post_attention_layernorm": grid(1.0 + 0.1 * torch.randn(D, generator=rng)),
                "gate_proj": int4_exact(rng, I, D),
                "up_proj": int4_exact(rng, I, D),
                "down_proj": int4_exact(rng, D, I),
            }
            for k, v in layer.items():
                p = torch.nn.Parameter(v)
                self.register_parameter("layers_%d_%s" % (i, k), p)
                layer[k] = p
            self.layers.append(layer)
        self.norm = torch.nn.Parameter(grid(1.0 + 0.1 * torch.randn(D, generator=rng)))
        self.lm_head = torch.nn.Parameter(int4_exact(rng, c.vocab_size, D))
        inv_freq = 1.0 / (c.rope_theta ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def rms(self, x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.cfg.rms_norm_eps) * w

    @staticmethod
    def rotate(x, cos, sin):
        half = x.shape[-1] // 2
        return x * cos + torch.cat([-x[..., half:], x[..., :half]], dim=-1) * sin

    def forward(self, input_ids, attention_mask, pos, past):
        c = self.cfg
        H, KV, hd = c.num_attention_heads, c.num_key_value_heads, c.head_dim
        B, T = input_ids.shape
        P = past[0].shape[2] if past else 0
        freqs = pos.float().unsqueeze(-1) * self.inv_freq  # [B, T, hd/2]
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos().unsqueeze(1), emb.sin().unsqueeze(1)
        q_abs = torch.arange(T) + P
        k_abs = torch.arange(P + T)
        blocked = (k_abs.unsqueeze(0) > q_abs.unsqueeze(1)).view(1, 1, T, P + T) | (attention_mask == 0).view(B, 1, 1, P + T)
        x = F.embedding(input_ids, self.embed_tokens)
        presents = []
        for i, L in enumerate(self.layers):
            h = self.rms(x, L["input_layernorm"])
            q = F.linear(h, L["q_proj"]).view(B, T, H, hd).transpose(1, 2)
            k = F.linear(h, L["k_proj"]).view(B, T, KV, hd).transpose(1, 2)
            v = F.linear(h, L["v_proj"]).view(B, T, KV, hd).transpose(1, 2)
            q, k = self.rotate(q, cos, sin), self.rotate(k, cos, sin)
            if past:
                k = torch.cat([past[2 * i], k], dim=2)
                v = torch.cat([past[2 * i + 1], v], dim=2)
            presents += [k, v]
            g = H // KV
            kk = k.unsqueeze(2).expand(B, KV, g, P + T, hd).reshape(B, H, P + T, hd)
            vv = v.unsqueeze(2).expand(B, KV, g, P + T, hd).reshape(B, H, P + T, hd)
            att = torch.matmul(q, kk.transpose(-2, -1)) * (1.0 / math.sqrt(hd))
            att = att.masked_fill(blocked, NEG_INF)
            y = torch.matmul(torch.softmax(att, dim=-1), vv).transpose(1, 2).reshape(B, T, H * hd)
            x = x + F.linear(y, L["o_proj"])
            h = self.rms(x, L["post_attention_layernorm"])
            x = x + F.linear(F.silu(F.linear(h, L["gate_proj"])) * F.linear(h, L["up_proj"]), L["down_proj"])
        logits = F.linear(self.rms(x, self.norm), self.lm_head)
        return logits, presents


class LlamaExport(torch.nn.Module):
    def __init__(self, model, past):
        super().__init__()
        self.m = model
        self.past = past

    def forward(self, input_ids, attention_mask, *rest):
        past = list(rest[:-1]) if self.past else []
        logits, presents = self.m(input_ids, attention_mask, rest[-1], past)
        return (logits, *presents) if self.past else logits


def export_llama(model, past):
    c = model.cfg
    B, T, P = 2, 5, (3 if past else 0)
    ids = torch.randint(0, c.vocab_size, (B, T), generator=torch.Generator().manual_seed(2))
    args = [ids, torch.ones(B, P + T, dtype=torch.int64)]
    inputs = ["input_ids", "attention_mask"]
    seq = {0: "batch_size", 1: "sequence_length"}
    axes = {"input_ids": seq, "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length" if past else "sequence_length"},
            "logits": seq, "position_ids": seq}
    outputs = ["logits"]
    if past:
        past_names, present_names = kv_names(c.num_hidden_layers)
        args += [torch.zeros(B, c.num_key_value_heads, P, c.head_dim) for _ in past_names]
        inputs += past_names
        outputs += present_names
        axes.update({n: {0: "batch_size", 2: "past_sequence_length"} for n in past_names})
        axes.update({n: {0: "batch_size", 2: "past_sequence_length + sequence_length"} for n in present_names})
    args.append(torch.arange(P, P + T).unsqueeze(0).expand(B, T).contiguous())
    inputs.append("position_ids")
    m = export(LlamaExport(model, past), args, "/tmp/export_fixtures.onnx", inputs, outputs, axes)
    name_llama_initializers(m, model)
    return m


def name_llama_initializers(m, model):
    names = {"model.embed_tokens.weight": model.embed_tokens, "model.norm.weight": model.norm, "lm_head.weight": model.lm_head}
    for i, layer in enumerate(model.layers):
        for k, p in layer.items():
            module = "self_attn." if k in ("q_proj", "k_proj", "v_proj", "o_proj") else "mlp." if k.endswith("_proj") else ""
            names["model.layers.%d.%s%s.weight" % (i, module, k)] = p
    arrays = {n: p.detach().numpy() for n, p in names.items()}
    rename = {}
    for init in m.graph.initializer:
        a = numpy_helper.to_array(init)
        if a.dtype == np.float32 and a.ndim == 1 and a.shape[0] == model.cfg.head_dim // 2 and np.allclose(a, model.inv_freq.numpy()):
            rename[init.name] = "model.rotary_emb.inv_freq"
            continue
        for n, p in arrays.items():
            if a.shape == p.shape and np.array_equal(a, p):
                rename[init.name] = n
                break
            if p.ndim == 2 and a.shape == p.T.shape and np.array_equal(a, p.T):
                rename[init.name] = n
                break
    for init in m.graph.initializer:
        init.name = rename.get(init.name, init.name)
    for node in m.graph.node:
        for i, name in enumerate(node.input):
            node.input[i] = rename.get(name, name)


def genai_llama(model):
    """The graph onnxruntime-genai's model builder writes for a Llama on CPU in fp32 (GroupQueryAttention with fused
    rotary embeddings from cos/sin caches, packed QKV MatMul, SimplifiedLayerNormalization, SiLU as Sigmoid * x)."""
    c = model.cfg
    H, KV, hd, D = c.num_attention_heads, c.num_key_value_heads, c.head_dim, c.hidden_size
    nodes, inits = [], []

    def init(name, array):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(op, ins, name, outs=1, domain="", **attrs):
        out = ["%s/output_%d" % (name, i) for i in range(outs)]
        nodes.append(helper.make_node(op, ins, out, name=name, domain=domain, **attrs))
        return out[0] if outs == 1 else out

    w = lambda p: p.detach().numpy()
    one = init("/model/constants/INT64/[1]", np.array([1], np.int64))
    init("/model/constants/INT64/1", np.array(1, np.int64))
    # attention mask -> seqlens_k (row lengths - 1) and total_seq_len, as int32
    red = node("ReduceSum", ["attention_mask", one], "/model/attn_mask_reformat/attn_mask_subgraph/ReduceSum", keepdims=0)
    sub = node("Sub", [red, one], "/model/attn_mask_reformat/attn_mask_subgraph/Sub")
    seqlens = node("Cast", [sub], "/model/attn_mask_reformat/attn_mask_subgraph/Sub/Cast", to=TensorProto.INT32)
    shape = node("Shape", ["attention_mask"], "/model/attn_mask_reformat/attn_mask_subgraph/Shape")
    total = node("Gather", [shape, "/model/constants/INT64/1"], "/model/attn_mask_reformat/attn_mask_subgraph/Gather", axis=0)
    total = node("Cast", [total], "/model/attn_mask_reformat/attn_mask_subgraph/Gather/Cast", to=TensorProto.INT32)
    t = torch.arange(c.max_position_embeddings, dtype=torch.int64).float()
    freqs = torch.outer(t, model.inv_freq)
    init("cos_cache", freqs.cos().numpy().astype(np.float32))
    init("sin_cache", freqs.sin().numpy().astype(np.float32))
    x = node("Gather", [init("model.embed_tokens.weight", w(model.embed_tokens)), "input_ids"], "/model/embed_tokens/Gather")
    for i, L in enumerate(model.layers):
        p = "/model/layers.%d" % i
        h = node("SimplifiedLayerNormalization", [x, init("model.layers.%d.input_layernorm.weight" % i, w(L["input_layernorm"]))],
                 p + "/input_layernorm/LayerNorm", axis=-1, epsilon=c.rms_norm_eps, stash_type=1)
        qkv_w = np.concatenate([w(L["q_proj"]), w(L["k_proj"]), w(L["v_proj"])], axis=0).T
        qkv = node("MatMul", [h, init("model.layers.%d.attn.qkv_proj.MatMul.weight" % i, qkv_w)], p + "/attn/qkv_proj/MatMul")
        attn = node("GroupQueryAttention", [qkv, "", "", "past_key_values.%d.key" % i, "past_key_values.%d.value" % i, seqlens, total, "cos_cache", "sin_cache"],
                    p + "/attn/GroupQueryAttention", outs=1, domain="com.microsoft", num_heads=H, kv_num_heads=KV,
                    scale=1.0 / math.sqrt(hd), local_window_size=-1, softcap=0.0, do_rotary=1, rotary_interleaved=0)
        nodes[-1].output.extend(["present.%d.key" % i, "present.%d.value" % i])
        o = node("MatMul", [attn, init("model.layers.%d.attn.o_proj.MatMul.weight" % i, w(L["o_proj"]).T)], p + "/attn/o_proj/MatMul")
        x = node("Add", [x, o], p + "/residual_add/Add")
        h = node("SimplifiedLayerNormalization", [x, init("model.layers.%d.post_attention_layernorm.weight" % i, w(L["post_attention_layernorm"]))],
                 p + "/post_attention_layernorm/LayerNorm", axis=-1, epsilon=c.rms_norm_eps, stash_type=1)
        gate = node("MatMul", [h, init("model.layers.%d.mlp.gate_proj.MatMul.weight" % i, w(L["gate_proj"]).T)], p + "/mlp/gate_proj/MatMul")
        up = node("MatMul", [h, init("model.layers.%d.mlp.up_proj.MatMul.weight" % i, w(L["up_proj"]).T)], p + "/mlp/up_proj/MatMul")
        sig = node("Sigmoid", [gate], p + "/mlp/act_fn/Sigmoid")
        act = node("Mul", [gate, sig], p + "/mlp/act_fn/Mul")
        prod = node("Mul", [act, up], p + "/mlp/Mul")
        down = node("MatMul", [prod, init("model.layers.%d.mlp.down_proj.MatMul.weight" % i, w(L["down_proj"]).T)], p + "/mlp/down_proj/MatMul")
        x = node("Add", [x, down], p + "/residual_add_2/Add")
    h = node("SimplifiedLayerNormalization", [x, init("model.norm.weight", w(model.norm))], "/model/norm/LayerNorm",
             axis=-1, epsilon=c.rms_norm_eps, stash_type=1)
    nodes.append(helper.make_node("MatMul", [h, init("lm_head.MatMul.weight", w(model.lm_head).T)], ["logits"], name="/lm_head/MatMul"))
    kv_shape = ["batch_size", KV, "past_sequence_length", "kv_cache_dim"]
    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
              helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch_size", "total_sequence_length"])]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", "sequence_length", c.vocab_size])]
    for i in range(c.num_hidden_layers):
        for kv in ("key", "value"):
            inputs.append(helper.make_tensor_value_info("past_key_values.%d.%s" % (i, kv), TensorProto.FLOAT, kv_shape))
            outputs.append(helper.make_tensor_value_info("present.%d.%s" % (i, kv), TensorProto.FLOAT,
                                                         ["batch_size", KV, "total_sequence_length", "kv_cache_dim"]))
    graph = helper.make_graph(nodes, "main_graph", inputs, outputs, inits)
    return helper.make_model(graph, producer_name="onnxruntime-genai", ir_version=8,
                             opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])


# ----------------------------------------------------------------------------------------------- tokenizers and configs

def gpt2_tokenizer_json():
    """The reference family's vocab.json + merges.txt as the tokenizer.json transformers writes for GPT-2."""
    with open(os.path.join(TOKENIZER_DIR, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    with open(os.path.join(TOKENIZER_DIR, "merges.txt"), encoding="utf-8") as f:
        merges = [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#version")]
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": vocab[EOT], "content": EOT, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": True, "special": True}],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "", "end_of_word_suffix": "",
                  "fuse_unk": False, "byte_fallback": False, "ignore_merges": False, "vocab": vocab, "merges": merges},
    }


def byte_symbols():
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    table, n = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + n)
            n += 1
    return table


def llama_tokenizer_json():
    """A byte-level BPE without merges (every byte one token) and Llama 3's special tokens; the post-processor puts
    <|begin_of_text|> before every text, as Llama 3's does."""
    vocab = {s: b for b, s in byte_symbols().items()}
    specials = [(256, "<|begin_of_text|>"), (257, "<|end_of_text|>")]
    for i, s in specials:
        vocab[s] = i
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
                          "special": True} for i, s in specials],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                           "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [256], "tokens": ["<|begin_of_text|>"]}}},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None, "end_of_word_suffix": None,
                  "fuse_unk": False, "byte_fallback": False, "ignore_merges": False, "vocab": vocab, "merges": []},
    }


def added_tokens_decoder(specials, normalized):
    return {str(i): {"content": s, "lstrip": False, "normalized": normalized, "rstrip": False, "single_word": False, "special": True}
            for i, s in specials}


def gpt2_files(cfg):
    config = {
        "_name_or_path": "isb-fixtures/gpt2-tiny", "activation_function": "gelu", "architectures": ["GPT2LMHeadModel"],
        "attn_pdrop": 0.0, "bos_token_id": 4095, "embd_pdrop": 0.0, "eos_token_id": 4095, "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": cfg.n_positions, "n_embd": cfg.d_model,
        "n_head": cfg.n_head, "n_inner": None, "n_layer": cfg.n_layer, "n_positions": cfg.n_positions,
        "resid_pdrop": 0.0, "scale_attn_weights": True, "tie_word_embeddings": True, "torch_dtype": "float32",
        "transformers_version": "4.46.3", "use_cache": True, "vocab_size": cfg.vocab_size,
    }
    tokenizer_config = {
        "add_bos_token": False, "add_prefix_space": False,
        "added_tokens_decoder": added_tokens_decoder([(4095, EOT)], True),
        "bos_token": EOT, "clean_up_tokenization_spaces": False, "eos_token": EOT, "errors": "replace",
        "model_max_length": cfg.n_positions, "pad_token": None, "tokenizer_class": "GPT2Tokenizer", "unk_token": EOT,
    }
    special = {"bos_token": EOT, "eos_token": EOT, "unk_token": EOT}
    return {"config.json": config, "tokenizer_config.json": tokenizer_config, "special_tokens_map.json": special,
            "tokenizer.json": gpt2_tokenizer_json()}


def llama_files(c, with_config=True):
    bos, eos = "<|begin_of_text|>", "<|end_of_text|>"
    config = {
        "_name_or_path": "isb-fixtures/llama-tiny", "architectures": ["LlamaForCausalLM"], "attention_bias": False,
        "attention_dropout": 0.0, "bos_token_id": c.bos_token_id, "eos_token_id": c.eos_token_id, "head_dim": c.head_dim,
        "hidden_act": "silu", "hidden_size": c.hidden_size, "initializer_range": 0.02,
        "intermediate_size": c.intermediate_size, "max_position_embeddings": c.max_position_embeddings,
        "mlp_bias": False, "model_type": "llama", "num_attention_heads": c.num_attention_heads,
        "num_hidden_layers": c.num_hidden_layers, "num_key_value_heads": c.num_key_value_heads,
        "pretraining_tp": 1, "rms_norm_eps": c.rms_norm_eps, "rope_scaling": None, "rope_theta": c.rope_theta,
        "tie_word_embeddings": False, "torch_dtype": "float32", "transformers_version": "4.46.3", "use_cache": True,
        "vocab_size": c.vocab_size,
    }
    tokenizer_config = {
        "added_tokens_decoder": added_tokens_decoder([(256, bos), (257, eos)], False),
        "bos_token": bos, "clean_up_tokenization_spaces": True, "eos_token": eos,
        "model_input_names": ["input_ids", "attention_mask"], "model_max_length": c.max_position_embeddings,
        "tokenizer_class": "PreTrainedTokenizerFast",
    }
    files = {"tokenizer_config.json": tokenizer_config, "special_tokens_map.json": {"bos_token": bos, "eos_token": eos},
             "tokenizer.json": llama_tokenizer_json()}
    if with_config:
        files["config.json"] = config
    return files


def genai_config(c):
    return {
        "model": {
            "bos_token_id": c.bos_token_id, "context_length": c.max_position_embeddings,
            "decoder": {
                "session_options": {"log_id": "onnxruntime-genai", "provider_options": []},
                "filename": "model.onnx", "head_size": c.head_dim, "hidden_size": c.hidden_size,
                "inputs": {"input_ids": "input_ids", "attention_mask": "attention_mask",
                           "past_key_names": "past_key_values.%d.key", "past_value_names": "past_key_values.%d.value"},
                "outputs": {"logits": "logits", "present_key_names": "present.%d.key", "present_value_names": "present.%d.value"},
                "num_attention_heads": c.num_attention_heads, "num_hidden_layers": c.num_hidden_layers,
                "num_key_value_heads": c.num_key_value_heads,
            },
            "eos_token_id": c.eos_token_id, "pad_token_id": c.eos_token_id, "type": "llama", "vocab_size": c.vocab_size,
        },
        "search": {
            "diversity_penalty": 0.0, "do_sample": False, "early_stopping": True, "length_penalty": 1.0,
            "max_length": c.max_position_embeddings, "min_length": 0, "no_repeat_ngram_size": 0, "num_beams": 1,
            "num_return_sequences": 1, "past_present_share_buffer": True, "repetition_penalty": 1.0, "temperature": 1.0,
            "top_k": 50, "top_p": 1.0,
        },
    }


# ----------------------------------------------------------------------------------------------- writing

def write_json(path, value):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(value, f, ensure_ascii=False, indent=2)
        f.write("\n")


def save(m, folder, name, external=None):
    """Writes the model, with its weights in one external file `external` when given (as optimum and the genai
    builder do; tensors of at least 64 bytes), and checks it with onnx.checker (standard domains only)."""
    path = os.path.join(folder, name)
    if external:
        onnx.save_model(copy.deepcopy(m), path, save_as_external_data=True, all_tensors_to_one_file=True, location=external,
                        size_threshold=64)
    else:
        with open(path, "wb") as f:
            f.write(m.SerializeToString())
    if not any(o.domain == "com.microsoft" for o in m.opset_import):
        onnx.checker.check_model(path)


def folder(name, files):
    path = os.path.join(OUT, name)
    os.makedirs(path)
    for file, value in files.items():
        write_json(os.path.join(path, file), value)
    return path


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)

    cfg = Config(d_model=8, n_layer=2, n_head=2, vocab_size=4096, n_positions=1024)
    gpt2 = GPT(cfg)
    gpt2_weights(gpt2, torch.Generator().manual_seed(SEED))
    gpt2.eval()
    files = gpt2_files(cfg)
    with torch.no_grad():
        plain = export(gpt2, [torch.zeros(1, 3, dtype=torch.int64), torch.ones(1, 3, dtype=torch.int64)], "/tmp/export_fixtures.onnx",
                       ["input_ids", "attention_mask"], ["logits"],
                       {n: {0: "batch_size", 1: "sequence_length"} for n in ("input_ids", "attention_mask", "logits")})
        untie_head(plain, gpt2)
        rename_initializers(plain, gpt2)
        save(plain, folder("gpt2-plain", files), "model.onnx")

        optimum = export_gpt2(gpt2, past=False, positions="input")
        rename_initializers(optimum, gpt2)
        save(optimum, folder("optimum-gpt2", files), "model.onnx")

        with_past = export_gpt2(gpt2, past=True, positions="input")
        rename_initializers(with_past, gpt2)
        save(with_past, folder("optimum-gpt2-with-past", files), "model.onnx")

        with_past_legacy = export_gpt2(gpt2, past=True, positions="index")
        rename_initializers(with_past_legacy, gpt2)
        # the decoder without past also returns the cache (present.N.*) in a merged export
        no_past_cache = export_gpt2_no_past_with_present(gpt2)
        rename_initializers(no_past_cache, gpt2)
        merged = merge_legacy(no_past_cache, with_past_legacy)
        save(merged, folder("optimum-gpt2-merged", files), "decoder_model_merged.onnx")

        save(to_float16(with_past), folder("optimum-gpt2-fp16", dict(files, **{"config.json": dict(files["config.json"], torch_dtype="float16")})), "model.onnx")
        save(to_int8(optimum), folder("optimum-gpt2-int8", files), "model_quantized.onnx")
        save(to_int8(optimum, dequantized_twin=True), folder(os.path.join("twins", "gpt2-int8-dequantized"), files), "model.onnx")
        save(to_int4(optimum), folder("optimum-gpt2-int4", files), "model.onnx")
        save(with_past, folder("optimum-gpt2-external", files), "model.onnx", external="model.onnx_data")

        llama = Llama(LlamaConfig(), torch.Generator().manual_seed(SEED + 1))
        llama.eval()
        save(export_llama(llama, past=False), folder("optimum-llama", llama_files(llama.cfg)), "model.onnx")
        save(export_llama(llama, past=True), folder("optimum-llama-with-past", llama_files(llama.cfg)), "model.onnx")
        genai = folder("genai-llama", dict(llama_files(llama.cfg, with_config=False), **{"genai_config.json": genai_config(llama.cfg)}))
        save(genai_llama(llama), genai, "model.onnx", external="model.onnx.data")

    total = 0
    for root, _, names in sorted(os.walk(OUT)):
        for n in sorted(names):
            size = os.path.getsize(os.path.join(root, n))
            total += size
            print("%8d  %s" % (size, os.path.relpath(os.path.join(root, n), OUT)))
    print("%8d  total" % total)
    return 0


def export_gpt2_no_past_with_present(model):
    """optimum's decoder_model.onnx for a with-past export: no past inputs, present.N.* outputs, no position_ids."""
    cfg = model.cfg

    class NoPast(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.d = Gpt2Decoder(m, past=True, positions="index")

        def forward(self, input_ids, attention_mask):
            B = input_ids.shape[0]
            hd = cfg.d_model // cfg.n_head
            empty = [torch.zeros(B, cfg.n_head, 0, hd) for _ in range(2 * cfg.n_layer)]
            return self.d(input_ids, attention_mask, *empty)

    _, present_names = kv_names(cfg.n_layer)
    seq = {0: "batch_size", 1: "sequence_length"}
    axes = {"input_ids": seq, "attention_mask": seq, "logits": seq}
    axes.update({n: {0: "batch_size", 2: "sequence_length"} for n in present_names})
    ids = torch.randint(0, cfg.vocab_size, (2, 5), generator=torch.Generator().manual_seed(3))
    m = export(NoPast(model), [ids, torch.ones(2, 5, dtype=torch.int64)], "/tmp/export_fixtures.onnx",
               ["input_ids", "attention_mask"], ["logits"] + present_names, axes)
    untie_head(m, model)
    return m


if __name__ == "__main__":
    sys.exit(main())
