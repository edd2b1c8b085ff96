"""CLIP's text tower over many prompts that begin alike, computing their common beginning once.

The vocabulary and every caption phrase reach CLIP's text tower through a few prompt templates
("a photo of {}.", ...), so every prompt of one template starts with the same tokens. The text
tower is causal: a token's states depend only on the tokens before it, so the states of a shared
beginning are the same in every prompt. They are computed once per template (keys and values of
every layer), and each prompt runs only its own tokens, attending to those keys and values first.
The result is CLIP's own, as :meth:`CLIPModel.get_text_features` gives it (tested equal to
float precision), at a fraction of the work: with CLIP's own tokenizer the templates' words
are about half of a short prompt's tokens (4 of 7 in "a photo of dog.", with its start and end).

Prompts are also grouped by length, so few padding tokens are computed: sorted by length and cut
into calls where the padding saved is worth another call (:func:`length_chunks`); prompts that share
nothing run in the same calls whatever their template. A model whose text tower
is not laid out as CLIP's (embeddings, encoder layers with ``self_attn`` and ``mlp``, final layer
norm, projection) is run whole, through ``get_text_features``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
# Set on a model whose text tower failed to run with shared beginnings: its prompts then run whole.
WHOLE_PROMPTS = "_imgtag_whole_prompts"


def common_prefix(rows: Sequence[Sequence[int]]) -> int:
    """How many leading token ids all ``rows`` share."""
    first = rows[0]
    n = min(len(r) for r in rows)
    for row in rows[1:]:
        k = 0
        while k < n and row[k] == first[k]:
            k += 1
        n = k
    return n


def end_index(ids: Sequence[int], eos_token_id: int) -> int:
    """Where CLIP reads a prompt's embedding, by its own rule: the first end-of-text token (the first
    token when there is none), or with the old configs (``eos_token_id`` 2) the largest id."""
    if eos_token_id == 2:
        return int(np.argmax(ids))
    return list(ids).index(eos_token_id) if eos_token_id in ids else 0


# What one more call of the text tower costs, in the time of one token row: its per-call work (a
# dozen layers' small operations, the gathering of the read tokens) and its less efficient products
# over fewer rows. Measured on a 2-core CPU with a CLIP ViT-B/32 text tower (AVX2 and native
# kernels): a call of one 8-, 16- or 32-token prompt took as long as its own tokens plus 19-45 token
# rows would in a call of ten. Padding costs what a real token costs: a call runs all its rows.
CALL_COST_TOKENS = 32


def length_chunks(lengths: Sequence[int], chunk: int, call_cost: int = CALL_COST_TOKENS) -> list[list[int]]:
    """Calls for prompts of the given token lengths: lists of indices, each at most ``chunk`` long,
    of similar lengths, so that the token rows run (each call pads its prompts to its longest) plus
    ``call_cost`` a call is least. Exact, by dynamic programming over the prompts sorted by length
    (a best split of sorted prompts is contiguous)."""
    chunk = max(1, int(chunk))
    order = sorted(range(len(lengths)), key=lambda k: lengths[k])
    n = len(order)
    best = [0] * (n + 1)  # best[j]: least cost of the first j sorted prompts
    cut = [0] * (n + 1)
    for j in range(1, n + 1):
        longest = lengths[order[j - 1]]
        best[j], cut[j] = min((best[i] + (j - i) * longest + call_cost, i) for i in range(max(0, j - chunk), j))
    calls: list[list[int]] = []
    j = n
    while j > 0:
        calls.append(order[cut[j] : j])
        j = cut[j]
    return calls[::-1]


def shares_layout(clip: Any) -> bool:
    """Whether ``clip``'s text tower is laid out as :func:`_suffix_features` expects."""
    text = getattr(clip, "text_model", None)
    try:
        layer = text.encoder.layers[0]  # type: ignore[union-attr]
        attention = layer.self_attn
        return all(
            hasattr(obj, name)
            for obj, names in (
                (text, ("embeddings", "final_layer_norm")),
                (text.embeddings, ("token_embedding", "position_embedding")),  # type: ignore[union-attr]
                (layer, ("layer_norm1", "layer_norm2", "mlp")),
                (attention, ("q_proj", "k_proj", "v_proj", "out_proj", "num_heads", "head_dim", "scale")),
                (clip, ("text_projection",)),
            )
            for name in names
        )
    except (AttributeError, IndexError, TypeError):
        return False


def text_features(
    clip: Any, ids: Sequence[Sequence[int]], groups: Sequence[int], device: str, chunk: int, pad_id: int
) -> FloatArray:
    """CLIP's projected text features (not normalised) of tokenized prompts ``ids``; prompts with the
    same ``groups`` value (their template) share their common beginning. Calls of at most ``chunk``
    prompts, of similar lengths."""

    dim = int(clip.config.projection_dim)
    out = np.empty((len(ids), dim), dtype=np.float32)
    if not ids:
        return out
    eos = getattr(clip.text_model, "eos_token_id", None)
    eos = int(eos if eos is not None else getattr(clip.config.text_config, "eos_token_id", 2))
    sharing = shares_layout(clip) and not getattr(clip, WHOLE_PROMPTS, False)
    whole: list[int] = []  # prompts of the templates that share nothing: run together
    for group in dict.fromkeys(groups):
        members = [i for i, g in enumerate(groups) if g == group]
        rows = [list(ids[i]) for i in members]
        # The shared beginning stops before any prompt's reading position, so that is its own token
        # (a tokenizer whose end token is not the model's makes CLIP read the first: then no sharing).
        shared = min(common_prefix(rows), *(end_index(r, eos) for r in rows)) if sharing else 0
        if not shared:
            whole.extend(members)
            continue
        try:
            out[members] = _group_features(clip, rows, shared, eos, device, chunk, pad_id)
        except Exception:
            # A text tower laid out as CLIP's that still does not run this way: CLIP's own call,
            # for this group and from now on for this model.
            log.warning("CLIP's text tower runs each prompt whole: sharing the templates' beginnings failed",
                        exc_info=True)
            setattr(clip, WHOLE_PROMPTS, True)
            sharing = False
            whole.extend(members)
    if whole:
        out[whole] = _group_features(clip, [list(ids[i]) for i in whole], 0, eos, device, chunk, pad_id)
    return out


def _group_features(
    clip: Any, rows: list[list[int]], shared: int, eos: int, device: str, chunk: int, pad_id: int
) -> FloatArray:
    """Features of one template's prompts, their first ``shared`` tokens computed once (0: whole)."""
    import torch

    out = np.empty((len(rows), int(clip.config.projection_dim)), dtype=np.float32)
    with torch.inference_mode():
        past = _prefix_states(clip, rows[0][:shared], device) if shared else None
        for chosen in length_chunks([len(r) - shared for r in rows], chunk):
            tails = [rows[k][shared:] for k in chosen]
            if past is None:
                feats = _whole_features(clip, tails, device, pad_id)
            else:
                reads = [end_index(rows[k], eos) - shared for k in chosen]
                feats = _suffix_features(clip, past, shared, tails, reads, device, pad_id)
            out[chosen] = feats.float().cpu().numpy()
    return out


def _padded(rows: list[list[int]], pad_id: int, device: str) -> tuple[torch.Tensor, torch.Tensor]:
    import torch

    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
        mask[i, : len(row)] = 1
    return ids.to(device), mask.to(device)


def _whole_features(clip: Any, rows: list[list[int]], device: str, pad_id: int) -> torch.Tensor:
    """The model's own ``get_text_features`` over whole prompts."""
    ids, mask = _padded(rows, pad_id, device)
    feats = clip.get_text_features(input_ids=ids, attention_mask=mask)
    return getattr(feats, "pooler_output", feats)  # type: ignore[no-any-return]


def _heads(attention: Any, x: torch.Tensor, proj: Any) -> torch.Tensor:
    """(batch, tokens, width) through ``proj``, as (batch, heads, tokens, head width)."""
    b, t, _ = x.shape
    return proj(x).view(b, t, int(attention.num_heads), int(attention.head_dim)).transpose(1, 2)  # type: ignore[no-any-return]


def _prefix_states(clip: Any, prefix: list[int], device: str) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Each layer's keys and values over the shared beginning (causal, positions from 0)."""
    import torch

    _hidden, states = _layers(clip, torch.tensor([prefix], dtype=torch.long, device=device), None)
    return states


def _suffix_features(
    clip: Any, past: list[tuple[torch.Tensor, torch.Tensor]], shared: int, rows: list[list[int]], reads: list[int],
    device: str, pad_id: int,
) -> torch.Tensor:
    """Features of prompts given as their own tokens after ``shared`` common ones whose per-layer keys
    and values are ``past``; ``reads``: where each prompt's embedding is read, in its own tokens."""
    import torch

    ids, _ = _padded(rows, pad_id, device)
    hidden, _states = _layers(clip, ids, past)
    read = hidden[torch.arange(ids.shape[0], device=device), torch.tensor(reads, device=device)]
    return clip.text_projection(clip.text_model.final_layer_norm(read))  # type: ignore[no-any-return]


def _layers(
    clip: Any, ids: torch.Tensor, past: list[tuple[torch.Tensor, torch.Tensor]] | None
) -> tuple[torch.Tensor, list[tuple[torch.Tensor, torch.Tensor]]]:
    """The text tower's layers over tokens ``ids`` (batch x tokens) that follow the ``past`` tokens
    (each layer's keys and values, shared by the batch; None: nothing before): the last hidden
    states, and each layer's keys and values of these tokens."""
    import torch

    text = clip.text_model
    b, t = ids.shape
    start = 0 if past is None else int(past[0][0].shape[2])
    positions = torch.arange(start, start + t, device=ids.device)[None]
    hidden = text.embeddings.token_embedding(ids) + text.embeddings.position_embedding(positions)
    # Causal: a token sees the earlier tokens and itself (padding comes after a prompt's reading
    # position, so no read token sees it).
    allowed = torch.ones((t, start + t), dtype=torch.bool, device=ids.device).tril(diagonal=start)
    states = []
    for i, layer in enumerate(text.encoder.layers):
        attention = layer.self_attn
        x = layer.layer_norm1(hidden)
        q, k, v = (_heads(attention, x, p) for p in (attention.q_proj, attention.k_proj, attention.v_proj))
        states.append((k, v))
        if past is not None:
            k = torch.cat([past[i][0].expand(b, -1, -1, -1), k], dim=2)
            v = torch.cat([past[i][1].expand(b, -1, -1, -1), v], dim=2)
        mixed = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=allowed, scale=attention.scale)
        hidden = hidden + attention.out_proj(mixed.transpose(1, 2).reshape(hidden.shape))
        hidden = hidden + layer.mlp(layer.layer_norm2(hidden))
    return hidden, states
