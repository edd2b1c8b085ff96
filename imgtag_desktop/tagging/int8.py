"""Dynamic int8 for the captioner's Linear layers (CPU only), with a per-row scale so a photo's
results never depend on the other photos of its batch."""

from __future__ import annotations

import functools
from typing import Any


def int8_available() -> bool:
    """Whether this torch build multiplies int8 matrices on the CPU (``torch._int_mm``)."""
    import torch

    try:
        ones = torch.ones(32, 32, dtype=torch.int8)
        return bool(int(torch._int_mm(ones, ones)[0, 0]) == 32)
    except (AttributeError, RuntimeError, NotImplementedError):
        return False


def quantize_int8(model: Any) -> Any:
    """Every ``nn.Linear`` of ``model`` replaced, in place, by an int8 one (weights and inputs int8,
    products accumulated in int32; layer norms, embeddings, attention products and softmax stay
    float32). Each weight row (output channel) and each input row (one token of one photo) gets
    its own symmetric scale, so a photo's results never depend on the other photos of its batch
    (integer sums are exact in any order). Closer to float32 than torch's ``quantize_dynamic``, further
    than bfloat16; about 2.5x faster than float32 on the captioner with AVX512-VNNI (docs/tagging.md)."""
    import torch

    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, torch.nn.Linear):
                setattr(parent, name, int8_linear_class()(child))
    return model


@functools.cache
def int8_linear_class() -> Any:
    """The ``Int8Linear`` module class (defined on first use: it needs torch)."""
    import torch

    class Int8Linear(torch.nn.Module):
        """y = (q(x) @ q(W).T) * s_x * s_w + b, with q symmetric int8 per row (x) and per output channel (W)."""

        weight_t: torch.Tensor
        weight_scale: torch.Tensor
        bias: torch.Tensor

        def __init__(self, linear: torch.nn.Linear) -> None:
            super().__init__()
            weight = linear.weight.detach().float()
            scale = weight.abs().amax(dim=1).clamp_min(1e-12) / 127.0
            self.in_features, self.out_features = linear.in_features, linear.out_features
            self.register_buffer("weight_t", torch.round(weight / scale[:, None]).to(torch.int8).t().contiguous())
            self.register_buffer("weight_scale", scale)
            bias = linear.bias.detach().float() if linear.bias is not None else torch.zeros(self.out_features)
            self.register_buffer("bias", bias)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            rows = x.reshape(-1, self.in_features).float()
            scale = rows.abs().amax(dim=1, keepdim=True).clamp_min(1e-12) / 127.0
            q = torch.round(rows / scale).to(torch.int8)
            y = torch._int_mm(q, self.weight_t).float() * scale * self.weight_scale + self.bias
            return y.reshape(*x.shape[:-1], self.out_features)

    return Int8Linear
