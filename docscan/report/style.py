"""The report's colour palette and the WCAG contrast arithmetic that checks it.

Every colour in the HTML report comes from :data:`PALETTE`; the pairs in
:data:`TEXT_PAIRS` are the foreground/background combinations used for text
(WCAG 2.x asks for at least 4.5:1) and :data:`GRAPHIC_PAIRS` those used for
chart marks against the page (at least 3:1, WCAG 1.4.11).
"""
from __future__ import annotations

PALETTE: dict[str, str] = {
    "text": "#1f2933",
    "muted": "#4a5663",
    "bg": "#ffffff",
    "panel": "#f3f5f7",
    "border": "#c9d1d9",
    "rule": "#e3e8ed",
    "accent": "#1d4e89",
    "accent_bg": "#e8eff8",
    "on_dark": "#ffffff",
    "mark": "#fbe49b",
    # verdicts: badge text on badge background, and the bar colour in charts
    "present_fg": "#1d5631",
    "present_bg": "#e1f1e5",
    "present_bar": "#2f7d4d",
    "weak_fg": "#76470a",
    "weak_bg": "#fcefd4",
    "weak_bar": "#a8690f",
    "missing_fg": "#8a1f1f",
    "missing_bg": "#fbe4e4",
    "missing_bar": "#b93a32",
    "uncertain_fg": "#4a5663",
    "uncertain_bg": "#eceff3",
    # maturity levels (white labels sit inside the segments)
    "m10": "#5f6b78",
    "m20": "#2d6aa6",
    "m30": "#173e6b",
    # document map
    "cell_empty": "#eef1f4",
    "cell_hit": "#1d4e89",
    "band": "#eef1f4",
}

# (foreground, background, where it is used) - text, needs >= 4.5:1
TEXT_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("text", "bg", "body text"),
    ("text", "panel", "text on panels and table headers"),
    ("text", "accent_bg", "table of contents"),
    ("muted", "bg", "secondary text"),
    ("muted", "panel", "secondary text on panels"),
    ("accent", "bg", "links, headings"),
    ("accent", "accent_bg", "table of contents links"),
    ("accent", "panel", "links on panels"),
    ("text", "mark", "highlighted indicator terms"),
    ("present_fg", "present_bg", "badge: aanwezig"),
    ("weak_fg", "weak_bg", "badge: zwak"),
    ("missing_fg", "missing_bg", "badge: ontbreekt"),
    ("uncertain_fg", "uncertain_bg", "badge: onzeker"),
    ("present_fg", "bg", "verdict text in charts"),
    ("weak_fg", "bg", "verdict text in charts"),
    ("missing_fg", "bg", "verdict text in charts"),
    ("on_dark", "m10", "percentage inside maturity segment 1.0"),
    ("on_dark", "m20", "percentage inside maturity segment 2.0"),
    ("on_dark", "m30", "percentage inside maturity segment 3.0"),
    ("on_dark", "accent", "skip link"),
)

# (mark, background, where it is used) - graphics, needs >= 3:1
GRAPHIC_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("present_bar", "bg", "summary bar: aanwezig"),
    ("weak_bar", "bg", "summary bar: zwak"),
    ("missing_bar", "bg", "summary bar: ontbreekt"),
    ("m10", "bg", "maturity 1.0"),
    ("m20", "bg", "maturity 2.0"),
    ("m30", "bg", "maturity 3.0"),
    ("cell_hit", "cell_empty", "document map: evidence cell"),
    ("cell_hit", "bg", "document map: evidence cell"),
    ("accent", "bg", "focus outline"),
    ("muted", "band", "boundary line in the uncertainty band"),
)


def _channel(c: float) -> float:
    c /= 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of ``#rrggbb``."""
    h = hex_colour.lstrip("#")
    if len(h) != 6:
        raise ValueError(f"expected #rrggbb, got {hex_colour!r}")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG contrast ratio between two ``#rrggbb`` colours (1 to 21)."""
    a, b = relative_luminance(fg), relative_luminance(bg)
    hi, lo = max(a, b), min(a, b)
    return (hi + 0.05) / (lo + 0.05)
