"""Where the three models come from: resolution, status, download, and the errors that say what to do.

A model *spec* is a local folder or a Hugging Face hub id. Hub ids are only ever read
from the local Hugging Face cache (``local_files_only``); the one network use in the
program is :func:`download_models`, run when the person asks for it. Weights must be
safetensors: a folder holding only pickled ``.bin`` weights is refused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..core.settings import Settings

__all__ = [
    "ROLES",
    "ModelStatus",
    "ModelUnavailable",
    "ResolvedModel",
    "Role",
    "download_models",
    "models_status",
    "resolve_model",
    "role_spec",
    "settings_with_model",
]

Role = Literal["captioner", "keywords", "visual", "multilingual"]
ROLES: tuple[Role, ...] = ("captioner", "keywords", "visual")
# Used only when configured (an empty setting means none): see tagging/multilingual.py.
OPTIONAL_ROLES: tuple[Role, ...] = ("multilingual",)
ROLE_FIELDS: dict[Role, str] = {"captioner": "captioner", "keywords": "keyword_model", "visual": "visual_model",
                                "multilingual": "multilingual_text_model"}
ROLE_TITLES: dict[Role, str] = {
    "captioner": "captioner (BLIP)",
    "keywords": "keyword embedder (sentence-transformers)",
    "visual": "visual scorer (CLIP)",
    "multilingual": "multilingual text encoder (sentence-transformers, in CLIP's space)",
}


def active_roles(settings: Settings) -> tuple[Role, ...]:
    """The three tagging roles, plus each optional role that is configured."""
    return ROLES + tuple(r for r in OPTIONAL_ROLES if role_spec(settings, r).strip())
_WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json")


class ModelUnavailable(Exception):
    """A model is missing or cannot be loaded. The message says exactly what to do."""

    def __init__(self, message: str, role: Role | None = None) -> None:
        super().__init__(message)
        self.role = role


def fix_hint(role: Role) -> str:
    return (
        f"Run 'imgtag models download' to fetch it, or point imgtag at a folder that holds it with "
        f"'imgtag models use {role} FOLDER' (or choose it in the Models section of the settings dialog)."
    )


@dataclass(frozen=True)
class ResolvedModel:
    """A model found on disk: its folder and a version string that changes when its files change."""

    role: Role
    spec: str
    path: Path
    version: str
    source: Literal["folder", "hub-cache"]


@dataclass(frozen=True)
class ModelStatus:
    """One row of ``imgtag models status`` and of the settings dialog's model list."""

    role: Role
    spec: str
    source: str  # folder | hub-cache | missing
    path: str | None
    size_bytes: int
    version: str | None
    usable: bool
    problem: str | None

    def to_json(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def role_spec(settings: Settings, role: Role) -> str:
    return str(getattr(settings, ROLE_FIELDS[role]))


def settings_with_model(settings: Settings, role: Role, spec: str) -> Settings:
    """A copy of the settings using ``spec`` (a folder or hub id) for ``role``."""
    if role not in ROLES + OPTIONAL_ROLES:
        raise ValueError(f"unknown model role {role!r}; use one of {', '.join(ROLES + OPTIONAL_ROLES)}")
    folder = Path(spec).expanduser()
    # Absolute, but as given: a link the person points at stays the link (repointing it later works).
    value = os.path.abspath(folder) if folder.is_dir() else spec
    changed = dataclasses.replace(settings)
    setattr(changed, ROLE_FIELDS[role], value)
    return changed


def looks_like_path(spec: str) -> bool:
    """Hub ids are 'name' or 'org/name'; anything else is taken as a folder path."""
    return spec.startswith(("/", ".", "~")) or spec.count("/") > 1 or "\\" in spec


def _folder_version(path: Path) -> str:
    """A short content version of a model folder: config files' bytes plus weight sizes and times."""
    h = hashlib.blake2b(digest_size=6)
    for item in sorted(path.iterdir()):
        if item.suffix == ".json" and item.is_file() and item.stat().st_size < 4_000_000:
            h.update(item.name.encode())
            h.update(item.read_bytes())
        elif item.suffix == ".safetensors":
            st = item.stat()
            h.update(f"{item.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def _check_weights(role: Role, spec: str, path: Path) -> None:
    if not path.is_dir():
        raise ModelUnavailable(f"The {ROLE_TITLES[role]} folder {path} does not exist. {fix_hint(role)}", role)
    if not any((path / name).is_file() for name in _WEIGHT_FILES):
        if any(path.glob("*.bin")) or any(path.glob("*.pt")):
            raise ModelUnavailable(
                f"The {ROLE_TITLES[role]} at {path} only has pickled weights (.bin); imgtag loads safetensors "
                f"only, for safety. {fix_hint(role)}",
                role,
            )
        raise ModelUnavailable(
            f"The {ROLE_TITLES[role]} folder {path} holds no model weights (model.safetensors). {fix_hint(role)}",
            role,
        )
    if not (path / "config.json").is_file():
        raise ModelUnavailable(f"The {ROLE_TITLES[role]} folder {path} has no config.json. {fix_hint(role)}", role)
    problem = role_mismatch(role, path)
    if problem:
        raise ModelUnavailable(f"{problem} {fix_hint(role)}", role)


# What each role's folder must hold, read from config.json (a BLIP captioner, a CLIP model) or
# from the sentence-transformers files (the keyword model): a CLIP folder given as the captioner
# is refused here, with a clear reason, instead of failing later inside transformers.
ROLE_MODEL_TYPES: dict[Role, tuple[str, ...]] = {"captioner": ("blip",), "visual": ("clip",)}
_ST_FILES = ("modules.json", "config_sentence_transformers.json", "sentence_bert_config.json")


def role_mismatch(role: Role, path: Path) -> str | None:
    """Why the model folder ``path`` cannot serve ``role`` (None when it can). Reads only small config files."""
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"The {ROLE_TITLES[role]} folder {path} has a config.json that cannot be read ({exc})."
    model_type = str(config.get("model_type", "")).lower() if isinstance(config, dict) else ""
    archs = [str(a) for a in config.get("architectures") or []] if isinstance(config, dict) else []
    what = f"{model_type or 'unknown'} model" + (f" ({', '.join(archs)})" if archs else "")
    if role not in ROLE_MODEL_TYPES:  # the keyword model and the multilingual text encoder
        if any((path / name).is_file() for name in _ST_FILES):
            return None
        return (f"The {ROLE_TITLES[role]} folder {path} is not a sentence-transformers model (no modules.json); "
                f"it holds a {what}.")
    wanted = ROLE_MODEL_TYPES[role]
    if model_type in wanted:
        if role == "captioner" and archs and not any("Generation" in a for a in archs):
            return (f"The {ROLE_TITLES[role]} folder {path} holds a BLIP model that does not write captions "
                    f"({', '.join(archs)}); a captioner is BlipForConditionalGeneration.")
        return None
    return f"The {ROLE_TITLES[role]} folder {path} holds a {what}, not a {wanted[0].upper()} model."


def resolve_model(role: Role, spec: str) -> ResolvedModel:
    """Find a model on disk (never downloads). Raises :class:`ModelUnavailable`."""
    folder = Path(spec).expanduser()
    if folder.is_dir() or looks_like_path(spec):
        _check_weights(role, spec, folder)
        real = folder.resolve()
        return ResolvedModel(role, spec, real, f"{real.name}-{_folder_version(real)}", "folder")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        snapshot = Path(snapshot_download(spec, local_files_only=True))
    except (LocalEntryNotFoundError, FileNotFoundError, OSError, ValueError) as exc:
        raise ModelUnavailable(
            f"The {ROLE_TITLES[role]} '{spec}' is not in the Hugging Face cache on this computer. {fix_hint(role)}",
            role,
        ) from exc
    _check_weights(role, spec, snapshot)
    return ResolvedModel(role, spec, snapshot, f"{spec}@{snapshot.name[:12]}", "hub-cache")


def human_size(n: int) -> str:
    """A model's size for people: ``266.0 kB``, ``1.2 GB`` ("-" when unknown)."""
    if not n:
        return "-"
    for unit, factor in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}"
    return f"{n} B"


def _size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path, followlinks=True):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


def models_status(settings: Settings) -> list[ModelStatus]:
    """What each role uses, where it was found, its size and version, and whether it is usable."""
    rows: list[ModelStatus] = []
    for role in active_roles(settings):
        spec = role_spec(settings, role)
        try:
            found = resolve_model(role, spec)
        except ModelUnavailable as exc:
            folder = Path(spec).expanduser()
            rows.append(
                ModelStatus(
                    role, spec, "missing", str(folder) if folder.exists() else None, 0, None, False, str(exc)
                )
            )
            continue
        size = _size(found.path)
        rows.append(ModelStatus(role, spec, found.source, str(found.path), size, found.version, True, None))
    return rows


# Files worth fetching for a model: configs, tokenizers and safetensors weights (never pickles).
DOWNLOAD_PATTERNS = [
    "*.json",
    "*.safetensors",
    "*.txt",
    "*.model",
    "tokenizer*",
    "vocab*",
    "merges*",
    "modules.json",
    "1_Pooling/*",
    "2_Normalize/*",
    "2_Dense/*.json",
    "2_Dense/*.safetensors",
    "README.md",
]


def download_models(
    settings: Settings, roles: tuple[Role, ...] | None = None, *, log: Callable[[str], None] = print
) -> list[ResolvedModel]:
    """Fetch the hub models of ``roles`` into the Hugging Face cache (the only network use).

    Roles set to a local folder are skipped. tqdm progress bars come from huggingface_hub.
    """
    flags = (os.environ.get("HF_HUB_OFFLINE", ""), os.environ.get("TRANSFORMERS_OFFLINE", ""))
    if any(f.lower() in ("1", "true", "yes", "on") for f in flags):
        raise ModelUnavailable(
            "Downloads are turned off (HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE is set). Unset it to download, "
            "or copy the model folders to this computer and run 'imgtag models use ROLE FOLDER'."
        )
    from huggingface_hub import snapshot_download

    done: list[ResolvedModel] = []
    for role in roles if roles is not None else active_roles(settings):
        spec = role_spec(settings, role)
        if Path(spec).expanduser().is_dir():
            log(f"{role}: uses the folder {spec}; nothing to download")
            done.append(resolve_model(role, spec))
            continue
        log(f"{role}: downloading {spec} ...")
        try:
            snapshot_download(spec, allow_patterns=DOWNLOAD_PATTERNS)
        except Exception as exc:
            raise ModelUnavailable(
                f"Downloading {spec} failed ({exc}). Check the network connection and try "
                "'imgtag models download' again, or copy the model folder here and use "
                f"'imgtag models use {role} FOLDER'.",
                role,
            ) from exc
        done.append(resolve_model(role, spec))
    return done
