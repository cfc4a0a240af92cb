"""Extraction on generated PDFs (with known ground truth) and on real PDFs."""
from __future__ import annotations

import json
import os
import re

import pytest
from conftest import DUTCH, ROBUST, require_font, require_shared, require_tool

from docscan.errors import CorruptPDFError, EncryptedPDFError, InputFileError, NotAPDFError, NoTextError
from docscan.extract import extract
from docscan.extract.layout import running_lines
from docscan.extract.pages import PdfiumReader


def texts(doc, kind=None):
    return [p.text for p in doc.passages if kind is None or p.kind == kind]


def full_text(doc):
    return "\n".join(texts(doc))


# ------------------------------------------------------------ generated layout PDF


def test_running_headers_footers_and_page_numbers_are_removed(layout_doc):
    text = full_text(layout_doc)
    assert "Gemeente Proefdorp" not in text  # the running header
    assert "Pagina" not in text  # "Pagina N van 5" footers
    assert layout_doc.pages == 5


def test_running_lines_are_found_by_repetition_not_by_margin(layout_pdf):
    import pypdfium2 as pdfium

    reader = PdfiumReader(pdfium.PdfDocument(str(layout_pdf[0])))
    pages = [reader.read(i) for i in range(len(reader))]
    dropped = {pages[p - 1].segments[i].text for p, i in running_lines(pages)}
    assert any("Gemeente Proefdorp" in t for t in dropped)
    assert any(t.startswith("Pagina") for t in dropped)
    # the title page's big title sits in no repeated position and stays
    assert not any("Koers voor de digitale gemeente" in t for t in dropped)


def test_hyphenated_line_ends_are_rejoined_but_real_hyphens_stay(layout_doc):
    text = full_text(layout_doc)
    for joined in ("informatiebeleidsplan", "digitaliseringsstrategie", "gegevensmanagement"):
        assert joined in text
    for real in ("e-mail", "I&A-afdeling", "Noord-Holland"):
        assert real in text
    assert "informatie-" not in text and "informatie beleidsplan" not in text


def test_ligatures_diacritics_and_odd_unicode(layout_doc):
    text = full_text(layout_doc)
    assert "financiële" in text and "\ufb01" not in text
    assert "coördinatie" in text and "ideën" in text and "geïntegreerd" in text and "reële" in text
    assert "creëren" in text  # e + combining diaeresis composed into one character
    assert "\u200b" not in text and "\u0308" not in text


def test_two_columns_come_out_in_reading_order(layout_doc, layout_pdf):
    truth = layout_pdf[1]
    paras = texts(layout_doc)
    left = next(p for p in paras if p.startswith("Links een"))
    right = next(p for p in paras if p.startswith("Rechts een"))
    assert left == " ".join(truth["left"])
    assert right == " ".join(truth["right"])
    assert paras.index(left) < paras.index(right)
    after = next(p for p in paras if p.startswith("Onder de kolommen"))
    assert paras.index(right) < paras.index(after)


def test_list_items_keep_their_lead_in(layout_doc):
    items = [p for p in layout_doc.passages if p.kind == "list_item"]
    assert [p.text for p in items] == [
        "In 2027 pakken wij de volgende projecten op: Project A: vervanging van het zaaksysteem.",
        "In 2027 pakken wij de volgende projecten op: Project B: een nieuwe website met toegankelijke formulieren.",
        "In 2027 pakken wij de volgende projecten op: Project C: opleiding in digitale vaardigheden.",
    ]
    # the lead-in is not repeated as a paragraph of its own
    assert "In 2027 pakken wij de volgende projecten op:" not in texts(layout_doc, "paragraph")


def test_tables_are_marked_and_kept_out_of_running_text(layout_doc):
    tables = [p for p in layout_doc.passages if p.kind == "table"]
    assert len(tables) == 1
    assert tables[0].text.splitlines() == [
        "Project | Kwartaal | Eigenaar",
        "Zaaksysteem | Q1 2027 | Teamleider I&A",
        "Website | Q3 2027 | Communicatie",
        "Opleiding | Q4 2027 | HRM",
    ]
    for p in texts(layout_doc, "paragraph"):
        assert "Q1 2027" not in p and "Teamleider" not in p
    assert "Na de tabel volgt gewone tekst over de planning." in texts(layout_doc, "paragraph")


def test_paragraphs_split_by_indentation(layout_doc):
    paras = texts(layout_doc, "paragraph")
    assert "Eerste ingesprongen alinea over de dienstverlening aan inwoners en ondernemers van de gemeente." in paras
    assert "Tweede alinea begint met een inspringing en gaat verder over de bedrijfsvoering." in paras


def test_long_paragraphs_are_split_on_sentence_boundaries(layout_doc, layout_pdf):
    sentences = layout_pdf[1]["long_sentences"]
    chunks = [p for p in texts(layout_doc, "paragraph") if p.startswith("Zin ")]
    assert len(chunks) >= 3
    assert all(len(c.split()) <= 150 for c in chunks)
    assert " ".join(chunks) == " ".join(sentences)  # nothing lost, nothing cut mid-sentence
    assert all(c.endswith("verbetert.") for c in chunks)


def test_headings_and_heading_paths(layout_doc):
    by_text = {p.text: p for p in layout_doc.passages}
    assert by_text["1 Inleiding"].kind == "heading"
    assert by_text["1.1 Aanleiding"].heading == ("Informatiebeleidsplan Proefdorp", "Koers voor de digitale gemeente", "1 Inleiding") \
        or by_text["1.1 Aanleiding"].heading[-1] == "1 Inleiding"
    left = next(p for p in layout_doc.passages if p.text.startswith("Links een"))
    assert left.heading[-2:] == ("2 Visie", "2.1 Dienstverlening")
    assert left.page == 3


def test_passage_json_has_the_documented_fields(layout_doc):
    row = layout_doc.passages[5].to_dict()
    assert set(row) == {"id", "page", "heading", "kind", "text", "bbox"}
    assert row["kind"] in {"paragraph", "list_item", "table", "heading"}
    json.dumps(row)
    ids = [p.id for p in layout_doc.passages]
    assert len(ids) == len(set(ids))


# ------------------------------------------------------------ real PDFs


def test_real_dutch_council_document():
    path = require_shared(DUTCH / "denhelder-besluitenlijst-raadsvergadering-29-juni-2015.pdf")
    doc = extract(path)
    text = full_text(doc)
    assert doc.pages == 4
    assert "Besluitenlijst raadsvergadering 29 juni 2015" in text
    assert "antwoord op de navolgende vragen" in text  # words split into pieces by the PDF are whole again
    assert len(doc.passages) > 40
    assert all(p.text.strip() for p in doc.passages)


def test_three_column_government_print_reads_column_by_column():
    path = require_shared(ROBUST / "federal-register-2020-17221.pdf")
    doc = extract(path)
    paras = texts(doc, "paragraph")
    first = next(p for p in paras if p.startswith("This section of the FEDERAL REGISTER"))
    assert "purpose of these notices is to give interested persons an opportunity to participate" in first
    # the running header "Federal Register / Vol. 85, No. 152 / ..." of pages 2-15 is gone
    assert sum("Federal Register / Vol. 85" in p for p in texts(doc)) <= 1


@pytest.mark.parametrize(
    "name, error",
    [
        ("empty.pdf", NotAPDFError),
        ("password-example.pdf", EncryptedPDFError),
        ("encrypted-file.pdf", EncryptedPDFError),
        ("r6-user-password.pdf", EncryptedPDFError),
    ],
)
def test_bad_real_pdfs_raise_typed_errors(name, error):
    with pytest.raises(error):
        extract(require_shared(ROBUST / name))


@pytest.mark.parametrize(
    "name, password",
    [("password-example.pdf", "test"), ("encrypted-file.pdf", "test"), ("r6-user-password.pdf", "asdfzxcv")],
)
def test_encrypted_pdfs_open_with_their_password(name, password):
    doc = extract(require_shared(ROBUST / name), password=password)
    assert doc.passages


def test_wrong_password_is_reported_as_wrong():
    with pytest.raises(EncryptedPDFError, match="password is wrong"):
        extract(require_shared(ROBUST / "encrypted-file.pdf"), password="qwerty")


def test_empty_user_password_opens_silently():
    doc = extract(require_shared(ROBUST / "r2-empty-password.pdf"))
    assert "pdf encryption test" in full_text(doc)
    assert doc.warnings == ()


def test_missing_file_and_folder_and_non_pdf(tmp_path):
    with pytest.raises(InputFileError, match="not found"):
        extract(tmp_path / "nope.pdf")
    with pytest.raises(InputFileError, match="folder"):
        extract(tmp_path)
    txt = tmp_path / "plan.pdf"
    txt.write_text("Dit is geen PDF maar platte tekst.")
    with pytest.raises(NotAPDFError, match="not a PDF"):
        extract(txt)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file(tmp_path):
    f = tmp_path / "locked.pdf"
    f.write_bytes(b"%PDF-1.4\n")
    f.chmod(0)
    with pytest.raises(InputFileError, match="cannot be read"):
        extract(f)


def test_truncated_and_garbage_pdfs(tmp_path, layout_pdf):
    data = layout_pdf[0].read_bytes()
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    with pytest.raises((CorruptPDFError, NoTextError)):
        extract(garbage)
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(data[: len(data) // 2])
    try:
        doc = extract(truncated)  # PDFium (or the ghostscript repair) may recover part of it
        assert doc.passages
    except (CorruptPDFError, NoTextError) as exc:
        assert "damaged" in str(exc) or "no text" in str(exc)


def test_damaged_pdf_is_repaired_with_ghostscript(tmp_path, layout_pdf):
    require_tool("gs", "ghostscript")
    from docscan.extract.pdf import repair_with_ghostscript

    fixed = repair_with_ghostscript(str(layout_pdf[0]))
    assert fixed and os.path.getsize(fixed) > 0
    try:
        assert "Links een" in full_text(extract(fixed))
    finally:
        os.unlink(fixed)


def test_malformed_real_pdf_is_read():
    path = require_shared(ROBUST / "malformed-from-issue-932.pdf")
    doc = extract(path, ocr="never")
    assert doc.pages == 1


def test_scanned_pdf_without_ocr_gives_an_actionable_error(tmp_path):
    require_font()
    import pdfgen

    scan = tmp_path / "scan.pdf"
    pdfgen.image_only_pdf(str(scan), ["Gemeente Proefdorp", "De digitale strategie"])
    with pytest.raises(NoTextError, match=r"scanned.*(--ocr|tesseract)"):
        extract(scan, ocr="never")


def test_scanned_pdf_is_read_with_dutch_ocr(tmp_path):
    require_font()
    require_tool("tesseract", "tesseract-ocr tesseract-ocr-nld")
    from docscan.extract.ocr import tesseract_status

    exe, problem = tesseract_status()
    from conftest import require

    require(exe is not None, f"Tesseract with Dutch data ({problem})")
    import pdfgen

    scan = tmp_path / "scan.pdf"
    pdfgen.image_only_pdf(str(scan), ["De gemeente Proefdorp werkt aan een", "digitale strategie voor alle inwoners."])
    doc = extract(scan, ocr="auto")
    assert doc.ocr_pages == (1,)
    text = full_text(doc).lower()
    assert "digitale strategie" in text and "proefdorp" in text


def test_real_image_only_pdf_with_ocr():
    require_tool("tesseract", "tesseract-ocr tesseract-ocr-nld")
    path = require_shared(ROBUST / "jpeg.pdf")
    doc = extract(path, ocr="auto")
    assert doc.ocr_pages == (1,)


def test_scanned_pages_with_an_ocr_layer_are_not_ocred_again():
    path = require_shared(ROBUST / "Seige_of_Vicksburg_Sample_OCR.pdf")
    doc = extract(path, ocr="auto")
    assert doc.ocr_pages == ()
    assert "VICKSBURG" in full_text(doc).upper()


@pytest.mark.parametrize("name", ["issue-297-example.pdf", "side-by-side-subfig.pdf", "nics-background-checks-2015-11-rotated.pdf",
                                  "la-precinct-bulletin-2014-p1.pdf", "issue-71-duplicate-chars.pdf", "scotus-transcript-p1.pdf",
                                  "crazyones.pdf", "issue-33-lorem-ipsum.pdf", "multilang.pdf", "imagemagick-images.pdf"])
def test_odd_real_pdfs_never_crash(name):
    path = require_shared(ROBUST / name)
    try:
        doc = extract(path, ocr="never")
    except NoTextError:
        return
    assert all(p.text for p in doc.passages)
    assert not any(re.search(r"\(cid:\d+\)", p.text) for p in doc.passages)


def test_thousand_page_pdf_streams_with_progress_and_bounded_memory(tmp_path):
    require_font()
    import tracemalloc

    import pdfgen

    path = tmp_path / "big1000.pdf"
    pdfgen.big_pdf(str(path), 1000)
    calls = []
    tracemalloc.start()
    doc = extract(path, progress=lambda done, total: calls.append((done, total)))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert doc.pages == 1000
    assert calls[0] == (1, 1000) and calls[-1] == (1000, 1000) and len(calls) == 1000
    assert sum(p.kind == "heading" for p in doc.passages) == 1000
    # memory grows with the text (about 1.4 MB here), not with PDF objects per page
    assert peak < 150 * 1024 * 1024
    assert "Pagina" not in full_text(doc)


def test_table_of_contents_is_skipped_but_line_numbered_text_is_kept(example_pdf):
    doc = extract(example_pdf)
    assert not any("1.1 Aanleiding 1.2" in p.text for p in doc.passages)  # the contents list of pp. 2-3
    assert any(p.text.startswith("Uitgave: gemeente Veenendrecht") for p in doc.passages)  # colofon above it stays
    assert not any(p.heading and p.heading[-1] == "Inhoud" for p in doc.passages)
    transcript = extract(require_shared(ROBUST / "scotus-transcript-p1.pdf"))
    assert "IN THE SUPREME COURT OF THE UNITED STATES" in full_text(transcript)


def test_unnumbered_chapters_sit_beside_numbered_ones_and_a_title_keeps_its_years(tmp_path):
    """A cover title, "Voorwoord" and "Bijlage 1" in the chapter style: each a chapter, not nested under the cover
    or under the last subsection; the year span on the title's second line stays part of the title."""
    import pdfgen
    from conftest import require_font

    require_font()
    pdf = pdfgen._pdf()
    body = [f"Zin {i} over het werk van de gemeente en haar inwoners in deze paragraaf." for i in range(1, 5)]
    pdf.add_page()
    pdfgen._lines(pdf, 80, 300, ["Informatiebeleidsplan", "2025-2028"], size=28, pitch=34, style="B")
    pdfgen._lines(pdf, 80, 400, ["Gemeente Proefdorp"], size=20, style="B")
    pages = [
        [("Voorwoord", 16), *body],
        [("1 Inleiding", 16), ("1.1 Aanleiding", 12), *body, ("1.2 Doel", 12), *body],
        [("Bijlage 1 Begrippen", 16), *body],
    ]
    for content in pages:
        pdf.add_page()
        y = 80
        for item in content:
            text, size = item if isinstance(item, tuple) else (item, 10)
            y = pdfgen._lines(pdf, 56, y, [text], size=size, pitch=size * 1.4, style="B" if size > 10 else "") + 6
    path = tmp_path / "plan.pdf"
    pdf.output(str(path))
    doc = extract(path)
    heads = {p.text: p.heading for p in doc.passages if p.kind == "heading"}
    assert "Informatiebeleidsplan 2025-2028" in heads  # one heading, years included
    assert heads["Voorwoord"] == () and heads["1 Inleiding"] == () and heads["Bijlage 1 Begrippen"] == ()
    assert heads["1.2 Doel"] == ("1 Inleiding",)
    last = [p for p in doc.passages if p.kind == "paragraph"][-1]
    assert last.heading == ("Bijlage 1 Begrippen",)
