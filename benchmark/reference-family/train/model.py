"""GPT-2-style decoder used for the reference checkpoint family.

Pre-LayerNorm blocks, learned token and position embeddings, hand-written
causal self-attention, GELU MLP (4x), final LayerNorm and an output
projection tied to the token embedding (no bias).

Position ids are derived from the attention mask (cumsum(mask) - 1, clamped
at 0) so that both right and left padding work, and keys whose mask is 0 are
masked out in attention. Masks are applied with masked_fill on float32
tensors and the attention scale is a multiplication by a float32 constant;
both keep the traced ONNX graph purely float32.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

NEG_INF = -1e9  # finite, so a fully masked row (a left-pad query) stays finite


class Config:
    def __init__(self, d_model, n_layer, n_head, vocab_size=4096, n_positions=1024):
        assert d_model % n_head == 0
        self.d_model = d_model
        self.n_layer = n_layer
        self.n_head = n_head
        self.vocab_size = vocab_size
        self.n_positions = n_positions

    def to_dict(self):
        return dict(d_model=self.d_model, n_layer=self.n_layer, n_head=self.n_head,
                    vocab_size=self.vocab_size, n_positions=self.n_positions)


class SelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.n_head = cfg.n_head
        self.head_dim = cfg.d_model // cfg.n_head
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)
        self.register_buffer("scale", torch.tensor(1.0 / math.sqrt(self.head_dim), dtype=torch.float32),
                             persistent=False)

    def forward(self, x, blocked):
        # x: [B, T, C]; blocked: bool [B or 1, 1, T, T], True where attention is NOT allowed
        B, T, C = x.shape
        qkv = self.qkv(x).view(B, T, 3, self.n_head, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]  # [B, H, T, hd]
        q = q * self.scale
        att = torch.matmul(q, k.transpose(-2, -1))  # [B, H, T, T] float32
        att = att.masked_fill(blocked, NEG_INF)
        att = torch.softmax(att, dim=-1)
        y = torch.matmul(att, v)  # [B, H, T, hd]
        y = y.transpose(1, 2).reshape(B, T, C)
        return self.proj(y)


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.attn = SelfAttention(cfg)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.fc = nn.Linear(cfg.d_model, 4 * cfg.d_model)
        self.fc_proj = nn.Linear(4 * cfg.d_model, cfg.d_model)

    def forward(self, x, blocked):
        x = x + self.attn(self.ln1(x), blocked)
        x = x + self.fc_proj(F.gelu(self.fc(self.ln2(x))))
        return x


class GPT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.wpe = nn.Embedding(cfg.n_positions, cfg.d_model)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layer)])
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.apply(self._init)
        # GPT-2 style scaled init of the residual output projections
        for name, p in self.named_parameters():
            if name.endswith("attn.proj.weight") or name.endswith("fc_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    def forward(self, input_ids, attention_mask=None):
        """input_ids: int64 [B, T]; attention_mask: int64 [B, T] (1 = real token) or None
        (None = no padding, the training path). Returns float32 logits [B, T, V]."""
        B, T = input_ids.shape
        ar = torch.arange(T, device=input_ids.device)
        causal_blocked = ar.unsqueeze(0) > ar.unsqueeze(1)  # [T, T], key j > query i
        if attention_mask is None:
            pos = ar.unsqueeze(0)
            blocked = causal_blocked.view(1, 1, T, T)
        else:
            pos = (torch.cumsum(attention_mask, dim=-1) - 1).clamp(min=0)
            key_blocked = (attention_mask == 0).view(B, 1, 1, T)
            blocked = causal_blocked.view(1, 1, T, T) | key_blocked
        x = self.wte(input_ids) + self.wpe(pos)
        for blk in self.blocks:
            x = blk(x, blocked)
        x = self.ln_f(x)
        return torch.matmul(x, self.wte.weight.t())  # tied output projection, no bias


def count_params(model):
    total = sum(p.numel() for p in model.parameters())
    emb = model.wte.weight.numel() + model.wpe.weight.numel()
    return total, total - emb


# The family. Names come from the non-embedding parameter count.
SIZES = [
    # (d_model, n_layer, n_head, peak_lr)
    (32, 1, 1, 3.0e-3),
    (48, 2, 2, 2.75e-3),
    (64, 3, 2, 2.5e-3),
    (96, 3, 3, 2.0e-3),
    (128, 4, 4, 1.75e-3),
]


def checkpoint_name(non_embedding):
    return "ref-%dk" % round(non_embedding / 1000.0)


def family():
    out = []
    for d, L, H, lr in SIZES:
        cfg = Config(d, L, H)
        m = GPT(cfg)
        _, ne = count_params(m)
        out.append(dict(name=checkpoint_name(ne), cfg=cfg, lr=lr))
    return out
