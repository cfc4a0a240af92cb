"""Generate test PDFs with fpdf2, line by line, so every line break is known.

Each builder returns the ground truth the tests compare against.
"""
from __future__ import annotations

import os

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

HEADER = "Informatiebeleidsplan 2026-2029 · Gemeente Proefdorp"


def _pdf():
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    pdf.set_auto_page_break(False)
    pdf.add_font("dv", "", DEJAVU)
    pdf.add_font("dv", "B", DEJAVU_BOLD)
    pdf.set_creation_date(__import__("datetime").datetime(2026, 1, 1, tzinfo=__import__("datetime").timezone.utc))
    return pdf


def _page(pdf, n, total, header=True):
    pdf.add_page()
    if header:
        pdf.set_font("dv", "", 8)
        pdf.text(56, 40, HEADER)
        pdf.text(270, 810, f"Pagina {n} van {total}")


def _lines(pdf, x, y, lines, size=10, pitch=13.0, style=""):
    pdf.set_font("dv", style, size)
    for ln in lines:
        pdf.text(x, y, ln)
        y += pitch
    return y


LONG_SENTENCES = [
    f"Zin {i} van de lange alinea beschrijft hoe de gemeente haar werkprocessen stap voor stap verbetert."
    for i in range(1, 31)
]


def layout_pdf(path: str) -> dict:
    """A 5-page plan exercising every layout rule of the extractor."""
    pdf = _pdf()
    total = 5
    # page 1: title page, no header/footer
    pdf.add_page()
    pdf.set_font("dv", "B", 24)
    pdf.text(80, 300, "Informatiebeleidsplan Proefdorp")
    pdf.set_font("dv", "", 12)
    pdf.text(80, 330, "Koers voor de digitale gemeente")

    # page 2: headings, hyphenation at line ends, ligatures, odd unicode, indented paragraphs
    _page(pdf, 2, total)
    _lines(pdf, 56, 90, ["1 Inleiding"], size=16, style="B")
    _lines(pdf, 56, 120, ["1.1 Aanleiding"], size=13, style="B")
    y = _lines(pdf, 56, 145, [
        "Het nieuwe informatie-",
        "beleidsplan beschrijft de koers. Vragen kunnen per e-",
        "mail worden gesteld aan de I&A-",
        "afdeling van de gemeente in Noord-",
        "Holland. De digitaliserings-",
        "strategie en het gegevens-",
        "management horen daar ook bij.",
    ])
    y = _lines(pdf, 56, y + 12, [
        "De \ufb01nanciële paragraaf en de co\u00f6rdinatie van ide\u00ebn zijn",
        "geïntegreerd; reële kosten staan in een bijlage.\u200b Het privé-",
        "gebruik van middelen is niet toegestaan.",
    ])
    # two paragraphs separated only by a first-line indent
    y = _lines(pdf, 56, y + 12, [
        "Eerste ingesprongen alinea over de dienstverlening aan inwoners",
        "en ondernemers van de gemeente.",
    ])
    y = _lines(pdf, 76, y, ["Tweede alinea begint met een inspringing en gaat"])
    y = _lines(pdf, 56, y, ["verder over de bedrijfsvoering."])
    # decomposed diaeresis (e + U+0308) must come out as one character
    _lines(pdf, 56, y + 12, ["Wij cre\u0065\u0308ren ruimte voor nieuwe ideeën."])

    # page 3: a two-column section with a narrow gutter, written row by row
    _page(pdf, 3, total)
    _lines(pdf, 56, 90, ["2 Visie"], size=16, style="B")
    _lines(pdf, 56, 115, ["2.1 Dienstverlening"], size=13, style="B")
    left = [
        "Links een: de gemeente kiest voor",
        "digitale dienstverlening die",
        "werkt voor iedereen, ook voor",
        "inwoners die minder digitaal",
        "vaardig zijn. Links twee: zij",
        "krijgen hulp in de bibliotheek.",
    ]
    right = [
        "Rechts een: de bedrijfsvoering",
        "wordt eenvoudiger doordat",
        "processen zaakgericht lopen.",
        "Rechts twee: medewerkers",
        "werken met één zaaksysteem",
        "en één archief.",
    ]
    pdf.set_font("dv", "", 10)
    y = 140
    for a, b in zip(left, right):
        pdf.text(56, y, a)
        pdf.text(56 + 235 + 6, y, b)  # a gutter of about 6 pt
        y += 13
    _lines(pdf, 56, y + 20, ["Onder de kolommen staat weer een alinea over de volle breedte van de pagina."])

    # page 4: a lead-in with bullets, and a ruled table
    _page(pdf, 4, total)
    _lines(pdf, 56, 90, ["3 Uitvoering"], size=16, style="B")
    y = _lines(pdf, 56, 120, ["In 2027 pakken wij de volgende projecten op:"])
    items = [
        "Project A: vervanging van het zaaksysteem.",
        "Project B: een nieuwe website met",
        "toegankelijke formulieren.",
        "Project C: opleiding in digitale vaardigheden.",
    ]
    pdf.set_font("dv", "", 10)
    pdf.text(66, y, "•")
    pdf.text(80, y, items[0])
    y += 13
    pdf.text(66, y, "•")
    pdf.text(80, y, items[1])
    y += 13
    pdf.text(80, y, items[2])
    y += 13
    pdf.text(66, y, "•")
    pdf.text(80, y, items[3])
    y += 30
    pdf.set_xy(56, y)
    pdf.set_font("dv", "", 9)
    rows = [("Project", "Kwartaal", "Eigenaar"), ("Zaaksysteem", "Q1 2027", "Teamleider I&A"),
            ("Website", "Q3 2027", "Communicatie"), ("Opleiding", "Q4 2027", "HRM")]
    with pdf.table(width=400, col_widths=(160, 120, 120), align="LEFT", first_row_as_headings=True) as table:
        for r in rows:
            row = table.row()
            for c in r:
                row.cell(c)
    _lines(pdf, 56, pdf.get_y() + 30, ["Na de tabel volgt gewone tekst over de planning."])

    # page 5: one long paragraph that must be split on sentence boundaries
    _page(pdf, 5, total)
    _lines(pdf, 56, 90, ["4 Lange alinea"], size=16, style="B")
    words = " ".join(LONG_SENTENCES).split()
    lines, cur = [], []
    for w in words:
        if len(" ".join(cur + [w])) > 85:
            lines.append(" ".join(cur))
            cur = []
        cur.append(w)
    lines.append(" ".join(cur))
    _lines(pdf, 56, 115, lines)
    pdf.output(path)
    return {
        "left": left,
        "right": right,
        "items": items,
        "table": rows,
        "long_sentences": LONG_SENTENCES,
    }


def simple_pdf(path: str, paragraphs_per_page: list[list[str]], header: bool = True) -> None:
    """Pages of plain paragraphs (wrapped by fpdf2), with header and footer."""
    pdf = _pdf()
    total = len(paragraphs_per_page)
    for n, paras in enumerate(paragraphs_per_page, start=1):
        _page(pdf, n, total, header=header)
        pdf.set_font("dv", "", 10)
        pdf.set_xy(56, 80)
        for para in paras:
            pdf.multi_cell(480, 13, para)
            pdf.ln(8)
    pdf.output(path)


DUTCH_FILLER = (
    "De gemeente werkt aan een betrouwbare en toegankelijke dienstverlening voor inwoners en ondernemers. "
    "Medewerkers krijgen de ruimte om processen te verbeteren en gegevens zorgvuldig te beheren. "
    "Het college informeert de raad twee keer per jaar over de voortgang van de projecten."
)


def big_pdf(path: str, pages: int) -> None:
    """A long Dutch text PDF (for the 100- and 1000-page cases)."""
    pdf = _pdf()
    for n in range(1, pages + 1):
        _page(pdf, n, pages)
        pdf.set_font("dv", "B", 13)
        pdf.text(56, 80, f"Hoofdstuk {n}")
        pdf.set_font("dv", "", 10)
        pdf.set_xy(56, 95)
        for k in range(5):
            pdf.multi_cell(480, 13, f"Alinea {n}.{k}. " + DUTCH_FILLER)
            pdf.ln(8)
    pdf.output(path)


def image_only_pdf(path: str, text_lines: list[str]) -> None:
    """A 'scanned' page: text rendered into an image, no text layer."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(DEJAVU, 40)
    y = 200
    for line in text_lines:
        draw.text((160, y), line, font=font, fill=0)
        y += 70
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    pdf.add_page()
    tmp = path + ".png"
    img.save(tmp)
    pdf.image(tmp, x=0, y=0, w=595.28, h=841.89)
    pdf.output(path)
    os.unlink(tmp)
