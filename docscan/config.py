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


# settings whose value is one of a few words
CHOICES = {("extract", "ocr"): ("auto", "always", "never")}


def load_config(path: str | os.PathLike | None = None) -> dict:
    """Defaults, with the tables of ``path`` (a TOML file) merged over them.

    The file may only name settings that ``defaults.toml`` has, with a value
    of the same type: a misspelt key would otherwise be ignored without a
    word. Raises :class:`~docscan.errors.ConfigError` naming the problem.
    """
    cfg = copy.deepcopy(_defaults())
    if not path:
        return cfg
    from .errors import ConfigError, InputFileError

    path = os.fspath(path)
    try:
        with open(path, "rb") as fh:
            user = tomllib.load(fh)
    except FileNotFoundError:
        raise InputFileError(f"{path}: config file not found; check the path") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the config file ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    for section, values in user.items():
        if section not in cfg:
            raise ConfigError(f"{path}: unknown table [{section}]; the tables are {', '.join(f'[{s}]' for s in cfg)}")
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: '{section}' must be a table: write [{section}] and its settings below it")
        for key, value in values.items():
            cfg[section][key] = _checked(path, section, key, value, cfg[section])
    ex = cfg["extract"]
    if ex["target_words"] > ex["max_words"]:
        raise ConfigError(f"{path}: [extract] target_words ({ex['target_words']}) must not exceed max_words ({ex['max_words']})")
    return cfg


def _checked(path: str, section: str, key: str, value, defaults: dict):
    """``value`` if it suits the setting ``[section] key`` (same type as its default, in range)."""
    from .errors import ConfigError

    if key not in defaults:
        raise ConfigError(f"{path}: unknown setting '{key}' in [{section}]; the settings there are {', '.join(defaults)}")
    default = defaults[key]
    where = f"{path}: [{section}] {key}"
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a text in quotes, not {value!r}")
        choices = CHOICES.get((section, key))
        if choices and value not in choices:
            raise ConfigError(f"{where} must be one of {', '.join(choices)}, not {value!r}")
        return value
    number = (int,) if isinstance(default, int) else (int, float)
    if isinstance(value, bool) or not isinstance(value, number):
        kind = "a whole number" if number == (int,) else "a number"
        raise ConfigError(f"{where} must be {kind}, not {value!r}")
    if value < 0 or (isinstance(default, float) and default <= 1 and value > 1):
        raise ConfigError(f"{where} is out of range: {value!r}")
    if isinstance(default, int) and default > 0 and value == 0 and key.startswith(("max_", "target_")):
        raise ConfigError(f"{where} must be at least 1")
    return value


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

