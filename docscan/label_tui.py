"""The terminal screen of ``docscan label``: one passage at a time, single keys.

Plain terminal output (works over SSH, no full-screen library): the screen is
cleared and redrawn after every key, keys are read with ``click.getchar()``.
All state and all file writes live in :class:`docscan.label.LabelSession`.

Keys (also on the help line at the bottom of every screen)::

    1-6 or s l d v e r   toggle strategie, leiderschap, delen, draagvlak (v), experimenteren, realisatie
    7 8 9 0              maturity 1.0 / 2.0 / 3.0 / none      m  cycle maturity
    Enter or a           accept (the answer is saved; it stays undoable until the next answer)
    k                    skip (not offered again)             u  undo the last answer
    ?                    definition of a label (then press its key)   q  quit (Ctrl-C too)
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import textwrap
from collections.abc import Callable

import click

from .label import Item, LabelSession
from .types import THEMES

THEME_KEYS = {**{str(i + 1): t for i, t in enumerate(THEMES)}, "s": "strategie", "l": "leiderschap", "d": "delen",
              "v": "draagvlak", "e": "experimenteren", "r": "realisatie"}
MATURITY_KEYS = {"7": "1.0", "8": "2.0", "9": "3.0", "0": None}
LETTER = {t: k for k, t in THEME_KEYS.items() if not k.isdigit()}
HELP_LINE = "1-6/sldver theme · 7 8 9 0 or m maturity · Enter/a accept · k skip · u undo · ? definition · q quit"

# Short definitions in our own words, used when the codebook file is not at hand.
DEFINITIONS = {
    "strategie": "Digitale strategie: the passage sets or asks for one organisation-wide digital course "
    "(vision, ambition, long-term goals) covering service delivery, operations and information management "
    "together. Not: a list of systems, a budget line, one project.",
    "leiderschap": "Digitaal leiderschap: a named driver at executive or political level (director, "
    "gemeentesecretaris, alderman, CIO/CDO) carries the digital change and motivates people; ownership in "
    "the line. Not: a formal governance layer or council approval.",
    "delen": "Delen van kennis en informatie: knowledge flows between I&A staff and the business departments "
    "or between generations, e.g. multidisciplinary teams, information advisers in teams, learning from each "
    "other. Not: open data or cooperation between governments.",
    "draagvlak": "Draagvlak: taking staff and residents along with digital means: change management, "
    "communication about the change, digital skills training, digital inclusion and accessibility, culture "
    "and adoption. Not: security awareness training alone.",
    "experimenteren": "Experimenteren: small concrete pilots or experiments around one societal question, "
    "room and budget to try things, bringing in outside expertise. Needs no digital subject.",
    "realisatie": "Realisatie: the plan arranges its own execution: projects, planning, owners, budget, "
    "KPIs, monitoring and progress reports for the information/digital agenda. Not: general dashboards.",
    "1.0": "Maturity 1.0 (zenden): the municipality decides and informs; residents receive; one-way, "
    "hierarchical, fixed procedures. Digital but unchanged relation counts here (website, nieuwsbrief, Woo).",
    "2.0": "Maturity 2.0 (gesprek): two-way traffic and cooperation with residents: dialogue, participation, "
    "feedback, customer journeys, 'de inwoner centraal'; internally teams beyond the hierarchy.",
    "3.0": "Maturity 3.0 (netwerk): the municipality is one partner in a network of residents, businesses and "
    "chain partners around a societal task; it facilitates, residents own solutions; open data as a shared "
    "resource; network organisation.",
    "none": "No maturity: the passage takes no stance on the relation between municipality, residents and "
    "partners (budgets, procedures, ICT management, privacy). Most passages of a real plan.",
}


def codebook_path() -> str | None:
    """The codebook markdown, when this checkout has it ($DOCSCAN_CODEBOOK or ../shared/codebook.md)."""
    from .config import project_root

    for p in (os.environ.get("DOCSCAN_CODEBOOK"), os.path.join(project_root(), "..", "shared", "codebook.md")):
        if p and os.path.isfile(p):
            return p
    return None


def definition(label: str, path: str | None = None) -> str:
    """The codebook section of a label (from the codebook file when present), else the short built-in text."""
    path = path if path is not None else codebook_path()
    if path and label != "none":
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except OSError:
            text = ""
        m = re.search(r"^###\s+`" + re.escape(label) + r"`[^\n]*\n(.*?)(?=^#{1,3}\s|\Z)", text, re.S | re.M)
        if m:
            title = re.match(r"^###\s+(.*)$", text[m.start() : m.end()].splitlines()[0]).group(1)
            lines: list[str] = []  # re-flow the paragraphs, one line per bullet
            for raw in m.group(1).strip().splitlines():
                raw = raw.strip()
                if not raw:
                    continue
                if raw.startswith("- ") or not lines:
                    lines.append(raw)
                else:
                    lines[-1] += " " + raw
            return "\n".join([title + ":"] + lines).replace("`", "")
    return DEFINITIONS[label]


# ---------------------------------------------------------------- drawing


def _bar(p: float, width: int = 10) -> str:
    n = round(max(0.0, min(1.0, p)) * width)
    return "#" * n + "." * (width - n)


def _answer_text(session: LabelSession) -> str:
    ans = session.pending
    if ans is None:
        return ""
    pid = ans.item.passage.id
    if ans.action == "skip":
        what = f"skipped {pid}"
    else:
        labels = ", ".join(ans.record["themes"]) or "no theme"
        what = f"accepted {pid}: {labels}; maturity {ans.record['maturity'] or 'none'}"
    return f"last answer: {what} (u undo)"


def render(session: LabelSession, message: str = "", width: int | None = None) -> str:
    """The whole screen as text (tested directly; the loop only prints it)."""
    width = width or min(shutil.get_terminal_size((100, 30)).columns, 110)
    rule = "-" * width
    out = [
        click.style(f"docscan label · {session.document} -> {session.corpus}", bold=True),
        f"model {session.model_name} · {session.accepted} accepted, {session.skipped} skipped this session"
        f" · {session.remaining} to go",
    ]
    item: Item | None = session.current
    if item is None:
        out += [rule, f"All passages of {session.document} are answered or already in the corpus.", rule]
    else:
        p = item.passage
        where = " > ".join(p.heading) or "(no heading)"
        out.append(f"passage {p.id} · page {p.page} · {where} · uncertainty {item.uncertainty:.2f} bits")
        out.append(rule)
        for para in p.text.splitlines() or [""]:
            out += textwrap.wrap(para, width - 2, initial_indent="  ", subsequent_indent="  ") or [""]
        out.append(rule)
        pr = item.prediction
        out.append("themes            model")
        for i, t in enumerate(THEMES, start=1):
            mark = "x" if t in item.themes else " "
            out.append(f"  [{mark}] {i} {LETTER[t]} {t:<15} {_bar(pr.themes.get(t, 0.0))} {pr.themes.get(t, 0.0):4.2f}")
        mat = []
        for key, level in MATURITY_KEYS.items():
            name = level or "none"
            mark = "*" if item.maturity == level else " "
            mat.append(f"({mark}) {key} {name} {pr.maturity.get(name, 0.0):4.2f}")
        out.append("maturity  " + "   ".join(mat))
    out.append(_answer_text(session))
    for line in message.splitlines():
        out += textwrap.wrap(line, width, subsequent_indent="  " if line.startswith("- ") else "") or [""]
    out.append(rule)
    out.append(click.style(HELP_LINE if item is not None else "u undo · q quit", reverse=True))
    return "\n".join(out)


# ---------------------------------------------------------------- the loop


def _split_keys(raw: str) -> list[str]:
    """``getchar`` may return several keys typed ahead; escape sequences (arrows) are ignored."""
    if raw.startswith("\x1b"):
        return []
    return list(raw)


def run(session: LabelSession, getchar: Callable[[], str] | None = None, echo: Callable[[str], None] | None = None) -> None:
    """Label until the trainer quits. The caller closes the session (``finally: session.close()``)."""
    getchar = getchar or click.getchar
    echo = echo or (lambda s: (click.clear(), click.echo(s)))
    message = "; ".join(session.warnings)
    if session.restored:
        message = (message + " " if message else "") + "Restored the last answer of the interrupted session."
    asking = False

    def stop(signum, frame):  # a closed SSH connection or kill: end like Ctrl-C (the pending answer is committed)
        raise KeyboardInterrupt

    old = {s: signal.signal(s, stop) for s in (signal.SIGHUP, signal.SIGTERM)}
    try:
        while True:
            echo(render(session, message))
            message = ""
            try:
                raw = getchar()
            except EOFError:
                return
            for key in _split_keys(raw):
                item = session.current
                if asking:
                    asking = False
                    label = THEME_KEYS.get(key) or (MATURITY_KEYS[key] or "none" if key in MATURITY_KEYS else None)
                    message = definition(label) if label else ""
                    continue
                if key == "q":
                    return
                if key == "u":
                    back = session.undo()
                    message = f"Undone: {back.passage.id} is back." if back else "Nothing to undo."
                elif key == "?":
                    asking = True
                    message = "Definition of which label? Press 1-6 (or s l d v e r) for a theme, 7 8 9 0 for maturity."
                elif item is None:
                    message = "No passages left: u undo, q quit."
                elif key in THEME_KEYS:
                    session.toggle(THEME_KEYS[key])
                elif key in MATURITY_KEYS:
                    session.set_maturity(MATURITY_KEYS[key])
                elif key == "m":
                    session.cycle_maturity()
                elif key in ("\r", "\n", "a"):
                    session.accept()
                elif key == "k":
                    session.skip()
                elif key.isprintable() and key.strip():
                    message = f"Unknown key {key!r}."
    finally:
        for s, h in old.items():
            signal.signal(s, h)

