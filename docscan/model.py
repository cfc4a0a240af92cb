"""Model directories: the files, ``meta.json``, the model card, and safe loading.

A model is a directory (as in spaCy)::

    models/docscan-nl/
        meta.json        labels, thresholds, metrics, corpus hash, library versions
        MODEL_CARD.md    what it is for, how good it is, its limits
        model.npz        the linear models as plain NumPy arrays (no pickle)
        spacy/           or: spaCy pipelines written with nlp.to_disk()

Loading checks ``meta.json``, reads ``model.npz`` with
``allow_pickle=False`` (so loading can never run code from the model
directory), and warns when library versions differ from training.
"""
from __future__ import annotations

import json
import math
import os
import warnings
from dataclasses import dataclass, field

from .config import load_config, project_root
from .errors import ModelError
from .types import MATURITY_CLASSES, THEMES

META_VERSION = 1


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape a model (read from package metadata, no imports)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for dist in ("docscan", "scikit-learn", "spacy", "spacy-lookups-data", "numpy", "scipy"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "unknown"
    return out


def resolve(model: str | os.PathLike | None = None) -> str:
    """The directory of a model given by name, path or the configured default."""
    name = os.fspath(model) if model else load_config()["model"]["default"]
    candidates = [name] if os.path.isabs(name) or os.sep in name or name.startswith(".") else []
    candidates += [os.path.join(project_root(), "models", name), name]
    for c in candidates:
        if os.path.isfile(os.path.join(c, "meta.json")):
            return os.path.abspath(c)
    raise ModelError(
        f"model '{name}' not found (looked for {os.path.join(project_root(), 'models', name)}/meta.json); "
        "train one with 'docscan train' or pass --model DIR"
    )


def read_meta(path: str) -> dict:
    """The checked ``meta.json`` of a model directory; a damaged or foreign one is a :class:`ModelError`."""
    try:
        with open(os.path.join(path, "meta.json"), encoding="utf-8") as fh:
            meta = json.load(fh)
    except (OSError, ValueError) as exc:  # ValueError: invalid JSON or not UTF-8
        raise ModelError(f"{path}: meta.json is missing or unreadable ({exc}); retrain the model") from None
    if not isinstance(meta, dict):
        raise ModelError(f"{path}: meta.json is not a JSON object; retrain the model")
    missing = [k for k in ("name", "version", "backend", "labels", "thresholds", "library_versions") if k not in meta]
    if missing:
        raise ModelError(f"{path}: meta.json lacks {', '.join(missing)}; retrain the model")
    version = meta.get("meta_version", 0)
    if not _is_number(version):
        raise ModelError(f"{path}: meta.json has an invalid meta_version ({json.dumps(version)}); retrain the model")
    if version > META_VERSION:
        raise ModelError(f"{path}: written by a newer docscan (meta version {meta['meta_version']}); upgrade docscan")
    for key in ("labels", "thresholds", "library_versions"):
        if not isinstance(meta[key], dict):
            raise ModelError(f"{path}: meta.json field '{key}' is not an object; retrain the model")
    if list(meta["labels"].get("themes", [])) != list(THEMES) or list(meta["labels"].get("maturity", [])) != list(
        MATURITY_CLASSES
    ):
        raise ModelError(f"{path}: its labels do not match this docscan's codebook; retrain the model")
    check_thresholds(path, meta["thresholds"])
    return meta


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_thresholds(path: str, thresholds: dict) -> None:
    """Every theme needs a threshold, and every threshold (also ``stance``) must be a number from 0 to 1."""
    missing = [t for t in THEMES if t not in thresholds]
    if missing:
        raise ModelError(f"{path}: meta.json has no threshold for {', '.join(missing)}; retrain the model")
    for label, value in thresholds.items():
        if not _is_number(value) or not 0 <= value <= 1:
            raise ModelError(
                f"{path}: meta.json threshold '{label}' is {json.dumps(value)}, not a number from 0 to 1; retrain the model"
            )


def check_versions(meta: dict) -> list[str]:
    """Warnings for libraries whose version differs from the one the model was trained with."""
    out = []
    now = library_versions()
    for lib in ("scikit-learn", "spacy", "spacy-lookups-data", "numpy"):
        was = meta["library_versions"].get(lib)
        if isinstance(was, str) and was and now.get(lib) and was.split(".")[:2] != now[lib].split(".")[:2]:
            out.append(f"model trained with {lib} {was}, running {now[lib]}; retrain if predictions look wrong")
    return out


@dataclass
class ModelDir:
    path: str
    meta: dict
    warnings: list[str] = field(default_factory=list)


def open_model(model: str | os.PathLike | None = None) -> ModelDir:
    path = resolve(model)
    meta = read_meta(path)
    warns = check_versions(meta)
    for w in warns:
        warnings.warn(w, stacklevel=2)
    return ModelDir(path, meta, warns)
