"""The one configuration the CLI and the API share (``defaults.toml``)."""
from __future__ import annotations

import copy
import functools
import os
from importlib import resources

import tomllib


@functools.lru_cache(maxsize=1)
def _defaults() -> dict:
    with resources.files("docscan").joinpath("defaults.toml").open("rb") as fh:
        return tomllib.load(fh)


def load_config(path: str | os.PathLike | None = None) -> dict:
    """Defaults, with the tables of ``path`` (a TOML file) merged over them."""
    cfg = copy.deepcopy(_defaults())
    if path:
        with open(path, "rb") as fh:
            user = tomllib.load(fh)
        for section, values in user.items():
            if isinstance(values, dict):
                cfg.setdefault(section, {}).update(values)
            else:
                cfg[section] = values
    return cfg


def project_root() -> str:
    """The directory holding ``models/`` and ``corpus/`` (the repository root)."""
    env = os.environ.get("DOCSCAN_HOME")
    if env:
        return env
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def settings_hash(cfg: dict) -> str:
    """SHA-256 of the settings that shape a document's results: every section but ``[model]``.

    ``docscan batch`` stores it with each document, so a stored result is
    reused only when it was made with the same rules (the model is checked
    by its own name and version).
    """
    import hashlib
    import json

    shaping = {k: v for k, v in cfg.items() if k != "model"}
    return hashlib.sha256(json.dumps(shaping, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()

