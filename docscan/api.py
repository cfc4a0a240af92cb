"""The library API: one plain function per CLI command.

Each function returns data and prints nothing; errors are raised as
:mod:`docscan.errors` types. :mod:`docscan.cli` only parses options, calls one
of these and prints the result.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Callable

from .config import load_config
from .types import Document

Progress = Callable[[int, int], None]


def extract_document(
    path: str | os.PathLike,
    *,
    password: str | None = None,
    ocr: str | None = None,
    config: dict | None = None,
    progress: Progress | None = None,
    check_language: bool = True,
) -> Document:
    """Extract the passages of a PDF and check that it is Dutch.

    A document that is not Dutch gets a warning in ``Document.warnings``
    (the models are trained on Dutch), not an error.
    """
    from . import extract as _extract

    cfg = (config or load_config())["extract"]
    doc = _extract.extract(
        path,
        password=password,
        ocr=ocr or cfg["ocr"],
        max_words=int(cfg["max_words"]),
        target_words=int(cfg["target_words"]),
        progress=progress,
    )
    if not check_language:
        return doc
    from . import nlp

    lang, warning = nlp.language_warning(p.text for p in doc.passages if p.kind != "heading")
    warnings = doc.warnings + ((warning,) if warning else ())
    return dataclasses.replace(doc, language=lang or None, warnings=warnings)


def passages_to_rows(doc: Document) -> list[dict]:
    return [p.to_dict() for p in doc.passages]
