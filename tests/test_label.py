"""docscan label: ranking, answers, undo, skip, resume and dedup (library), and the real CLI in a pseudo-terminal."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, require_font

from docscan import cli, corpus
from docscan.errors import CorpusError
from docscan.label import LabelSession, rank, uncertainty
from docscan.label_tui import DEFINITIONS, HELP_LINE, definition, render, run
from docscan.types import MATURITY_CLASSES, THEMES, Prediction

BIN = ROOT / ".venv" / "bin" / "docscan"


# ------------------------------------------------------------ helpers


class FakeClassifier:
    """Deterministic probabilities per text (anything unknown: no theme, no stance, fully sure)."""

    meta = {"name": "fake", "version": "1"}
    warnings: list = []

    def __init__(self, probs: dict[str, tuple[dict, dict]]):
        self.probs = probs

    def predict(self, texts, ids, explain=False):
        out = []
        for text, pid in zip(texts, ids):
            th, mat = self.probs.get(text, ({}, {"none": 1.0}))
            themes = {t: float(th.get(t, 0.0)) for t in THEMES}
            m = {c: float(mat.get(c, 0.0)) for c in MATURITY_CLASSES}
            level = max(("1.0", "2.0", "3.0"), key=m.get)
            out.append(Prediction(pid, themes, tuple(t for t in THEMES if themes[t] >= 0.5), m, level if m[level] >= 0.5 else None))
        return out


def lines(path) -> list[dict]:
    p = Path(path)
    return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()] if p.exists() else []


A = "De gemeente vervangt in 2027 het zaaksysteem en rapporteert de kosten in de begroting."
B = "Wij bouwen samen met inwoners en partners aan een digitale koers voor de hele organisatie."
C = "Medewerkers krijgen een training digitale vaardigheden zodat iedereen mee kan met de nieuwe werkwijze."
Z = "Het college informeert de raad twee keer per jaar over de voortgang van het plan."
IN_CORPUS = "Informatieadviseurs werken in de teams van de vakafdelingen en delen hun kennis."
IN_HELDOUT = "Een proeftuin van een half jaar onderzoekt hoe het team schulden eerder ziet."

PROBS = {
    A: ({}, {"none": 1.0}),  # sure: 0 bits
    B: ({"strategie": 0.5, "delen": 0.5}, {"1.0": 0.25, "2.0": 0.25, "3.0": 0.25, "none": 0.25}),  # 4 bits
    C: ({"draagvlak": 0.7}, {"2.0": 0.6, "none": 0.4}),  # about 1.85 bits
}


@pytest.fixture
def setup(tmp_path):
    """A passages JSONL (headings, fragments, duplicates, texts already in the corpus) and a temporary corpus folder."""
    root = tmp_path / "corpus"
    (root / "heldout").mkdir(parents=True)
    (root / "base.jsonl").write_text(json.dumps(
        {"id": "b-1", "text": IN_CORPUS.upper() + "  ", "themes": ["delen"], "maturity": None, "source": "test"}) + "\n")
    (root / "heldout" / "h.jsonl").write_text(json.dumps(
        {"id": "h-1", "text": IN_HELDOUT, "themes": ["experimenteren"], "maturity": None, "source": "test"}) + "\n")
    rows = [
        {"id": "p1", "page": 1, "heading": [], "kind": "heading", "text": "1 Inleiding en aanleiding"},
        {"id": "p2", "page": 1, "heading": ["1 Inleiding"], "kind": "paragraph", "text": A},
        {"id": "p3", "page": 1, "heading": ["1 Inleiding"], "kind": "paragraph", "text": "2025-2028"},
        {"id": "p4", "page": 2, "heading": ["2 Visie"], "kind": "paragraph", "text": IN_CORPUS + "."},
        {"id": "p5", "page": 2, "heading": ["2 Visie"], "kind": "list_item", "text": B},
        {"id": "p6", "page": 3, "heading": ["2 Visie"], "kind": "paragraph", "text": C},
        {"id": "p7", "page": 3, "heading": ["3 Uitvoering"], "kind": "paragraph", "text": IN_HELDOUT},
        {"id": "p8", "page": 4, "heading": ["3 Uitvoering"], "kind": "paragraph", "text": Z},
        {"id": "p9", "page": 5, "heading": ["Bijlage"], "kind": "paragraph", "text": "  " + Z.lower()},
    ]
    src = tmp_path / "plan.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return src, root / "labelled" / "plan.jsonl", root


def session(setup, **kw) -> LabelSession:
    src, corpus_file, _ = setup
    return LabelSession(src, corpus_file, classifier=FakeClassifier(PROBS), user="tester", **kw)


def queue_ids(s: LabelSession) -> list[str]:
    return [it.passage.id for it in s.queue]


# ------------------------------------------------------------ ranking


def test_uncertainty_in_bits():
    def pred(themes, mat):
        return Prediction("x", dict.fromkeys(THEMES, themes), (), dict(zip(MATURITY_CLASSES, mat)), None)

    assert uncertainty(pred(0.5, [0.25] * 4)) == pytest.approx(8.0)
    assert uncertainty(pred(0.0, [0, 0, 0, 1.0])) == pytest.approx(0.0, abs=1e-6)
    assert uncertainty(pred(0.9, [0, 0, 0, 1.0])) < uncertainty(pred(0.6, [0, 0, 0, 1.0]))
    preds = FakeClassifier(PROBS).predict([A, B, C, Z], ["a", "b", "c", "z"])
    assert rank(preds) == [1, 2, 0, 3]  # B (4 bits), C (1.85), then A and Z tied at 0: input order


def test_offers_new_passages_most_informative_first_with_the_model_preselected(setup):
    with session(setup) as s:
        # p1 heading, p3 fragment, p4 in the corpus (other case, trailing dot), p7 in heldout, p9 repeats p8
        assert queue_ids(s) == ["p5", "p6", "p2", "p8"]
        assert s.total == 9 and s.already_done == 3
        assert s.current.themes == {"strategie", "delen"} and s.current.maturity is None
        assert s.queue[1].themes == {"draagvlak"} and s.queue[1].maturity == "2.0"
        assert [round(it.uncertainty, 2) for it in s.queue] == [4.0, 1.85, 0.0, 0.0]


# ------------------------------------------------------------ answers, undo, skip


def test_accept_skip_undo_and_the_files_on_disk(setup):
    _src, corpus_file, root = setup
    pending = Path(str(corpus_file) + ".pending")
    skipped = Path(str(corpus_file) + ".skipped")
    s = session(setup)
    s.toggle("delen")
    s.set_maturity("2.0")
    ans = s.accept()
    # the answer is on disk at once (pending sidecar); the corpus gets it when it can no longer be undone
    assert json.loads(pending.read_text())["record"] == ans.record
    assert lines(corpus_file) == []
    assert s.current.passage.id == "p6"

    s.skip()
    assert lines(corpus_file) == [ans.record]  # committed by the next answer
    row = ans.record
    assert row["themes"] == ["strategie"] and row["maturity"] == "2.0" and row["source"] == "labelled:plan.jsonl"
    assert set(row["meta"]) == {"document", "page", "heading", "passage", "labelled_by", "labelled_at", "model_suggestion"}
    assert row["meta"]["labelled_by"] == "tester" and row["meta"]["page"] == 2 and row["meta"]["passage"] == "p5"
    assert row["meta"]["model_suggestion"]["predicted_themes"] == ["strategie", "delen"]
    assert row["id"] == "plan-" + corpus.text_hash(B)[:12]

    back = s.undo()  # takes back the skip of p6: nothing was written for it
    assert back.passage.id == "p6" and s.current is back and back.themes == {"draagvlak"}
    assert not pending.exists() and lines(skipped) == [] and s.undo() is None
    s.set_maturity(None)
    s.toggle(5)  # experimenteren
    s.accept()
    assert len(lines(corpus_file)) == 1
    s.close()
    assert [r["meta"]["passage"] for r in lines(corpus_file)] == ["p5", "p6"]
    assert lines(corpus_file)[1]["themes"] == ["draagvlak", "experimenteren"] and lines(corpus_file)[1]["maturity"] is None
    assert not pending.exists()
    _, problems = corpus.validate(str(root))
    assert problems == []


def test_undo_of_an_accept_restores_the_answered_labels(setup):
    with session(setup) as s:
        s.toggle("strategie")
        s.set_maturity("3.0")
        s.accept()
        s.cycle_maturity()  # on p6: 2.0 -> 3.0
        item = s.undo()
        assert item.passage.id == "p5" and item.themes == {"delen"} and item.maturity == "3.0"
        assert queue_ids(s) == ["p5", "p6", "p2", "p8"] and s.queue[1].maturity == "3.0"  # p6 keeps its edit
        assert s.accepted == 0


def test_resume_skips_everything_answered_or_skipped(setup):
    _src, corpus_file, _ = setup
    with session(setup) as s:
        s.accept()  # p5
        s.skip()  # p6
    with session(setup) as s:
        assert queue_ids(s) == ["p2", "p8"]
        s.skip()  # p2
    assert [r["passage"] for r in lines(str(corpus_file) + ".skipped")] == ["p6", "p2"]
    with session(setup) as s:
        assert queue_ids(s) == ["p8"]
        s.accept()
        assert s.current is None and s.remaining == 0
    with session(setup) as s:
        assert queue_ids(s) == [] and s.pending is None
    assert [r["meta"]["passage"] for r in lines(corpus_file)] == ["p5", "p8"]


def test_a_crash_keeps_the_pending_answer_and_the_next_session_restores_it(setup):
    _src, corpus_file, root = setup
    s = session(setup)
    s.accept()  # p5 -> committed by the next answer
    s.toggle("realisatie")
    s.accept()  # p6 -> pending
    s.abandon()  # kill -9: no close, no commit
    assert [r["meta"]["passage"] for r in lines(corpus_file)] == ["p5"]
    with session(setup) as s2:
        assert s2.restored and s2.pending.item.passage.id == "p6"
        assert queue_ids(s2) == ["p2", "p8"]
        item = s2.undo()  # still undoable after the crash
        assert item.passage.id == "p6" and item.themes == {"draagvlak", "realisatie"}
        s2.accept()
    assert [r["meta"]["passage"] for r in lines(corpus_file)] == ["p5", "p6"]
    assert corpus.validate(str(root))[1] == []


def test_a_pending_answer_that_was_already_committed_is_not_written_twice(setup):
    _src, corpus_file, _ = setup
    pending = Path(str(corpus_file) + ".pending")
    s = session(setup)
    s.accept()
    saved = pending.read_text()
    s.skip()  # commits p5 ...
    s.abandon()
    pending.write_text(saved)  # ... as if the crash came before the sidecar was replaced
    with session(setup) as s2:
        assert s2.pending is None and not pending.exists()
        assert queue_ids(s2) == ["p6", "p2", "p8"]
    assert len(lines(corpus_file)) == 1


def test_one_session_per_corpus_file_and_no_append_after_a_torn_line(setup):
    _src, corpus_file, _ = setup
    s = session(setup)
    with pytest.raises(CorpusError, match="another 'docscan label' session is writing to this file"):
        session(setup)
    s.accept()
    s.close()
    with open(corpus_file, "a") as fh:
        fh.write('{"id": "half')
    with pytest.raises(CorpusError, match=r"plan\.jsonl:2: the last line is incomplete"):
        session(setup)


def test_bad_passages_file_names_the_line(tmp_path):
    f = tmp_path / "p.jsonl"
    f.write_text('{"id": "a", "text": "Een tekst van de gemeente."}\n{"id": "b"}\n')
    with pytest.raises(CorpusError, match=r"p\.jsonl:2: each line needs a string field 'text'"):
        LabelSession(f, tmp_path / "c.jsonl", classifier=FakeClassifier({}))
    assert not (tmp_path / "c.jsonl.skipped").exists()  # nothing created for a bad input


# ------------------------------------------------------------ the screen and the key loop


def test_render_and_definitions(setup):
    with session(setup) as s:
        screen = render(s, width=100)
        assert HELP_LINE in screen and "passage p5 · page 2 · 2 Visie" in screen and "4 to go" in screen
        assert "[x] 1 s strategie" in screen and "[ ] 4 v draagvlak" in screen and "(*) 0 none" in screen
    assert definition("draagvlak", path="/nonexistent") == DEFINITIONS["draagvlak"]
    cb = ROOT.parent / "shared" / "codebook.md"
    if cb.exists():
        text = definition("leiderschap", path=str(cb))
        assert text.startswith("leiderschap - Digitaal leiderschap:") and "\n- Indicators:" in text


def test_key_loop_with_scripted_keys(setup):
    _src, corpus_file, _ = setup
    screens: list[str] = []
    keys = iter(["2", "1", "\r", "9", "k", "u", "?", "4", "v", "8a", "\x1b[A", "q"])
    with session(setup) as s:
        run(s, getchar=lambda: next(keys), echo=screens.append)
    assert "[x] 2 l leiderschap" in screens[1] and "[ ] 1 s strategie" in screens[2]
    assert "last answer: accepted p5: leiderschap, delen; maturity none (u undo)" in screens[3]
    assert "last answer: skipped p6" in screens[5] and "Undone: p6 is back." in screens[6]
    assert "Definition of which label?" in screens[7]
    assert "Draagvlak" in screens[8]
    assert "last answer: accepted p6: no theme; maturity 2.0" in screens[10]  # "v" toggled draagvlak off, "8a" typed ahead
    rows = lines(corpus_file)
    assert [(r["meta"]["passage"], r["themes"], r["maturity"]) for r in rows] == [
        ("p5", ["leiderschap", "delen"], None), ("p6", [], "2.0")]


def test_label_needs_a_terminal(setup):
    src, corpus_file, _ = setup
    r = CliRunner().invoke(cli.main, ["label", str(src), "--corpus", str(corpus_file)])
    assert r.exit_code == 2 and "interactive" in r.output


# ------------------------------------------------------------ the real CLI in a pseudo-terminal

PARAGRAPHS = [
    [
        "De gemeente wil in 2030 een organisatie zijn waarin dienstverlening, bedrijfsvoering en informatievoorziening "
        "één koers volgen, vastgelegd in een digitale agenda voor de hele organisatie.",
        "De gemeentesecretaris is de bestuurlijke aanjager van de digitale verandering en spreekt leidinggevenden aan op "
        "hun eigen rol daarin.",
        "Informatieadviseurs schuiven aan bij de teams van de vakafdelingen, zodat kennis over data en techniek en kennis "
        "van het werk samenkomen.",
    ],
    [
        "Medewerkers volgen een leerlijn digitale vaardigheden en inwoners die moeite hebben met online zaken kunnen "
        "terecht bij het digitaal informatiepunt in de bibliotheek.",
        "In een proeftuin onderzoekt een klein multidisciplinair team een half jaar hoe signalen van schulden eerder "
        "kunnen worden opgevangen.",
        "De begroting voor 2027 bevat een post van 120.000 euro voor de vervanging van de telefooncentrale in het gemeentehuis.",
    ],
    [
        "Samen met woningcorporaties, zorgaanbieders en bewonersinitiatieven werkt de gemeente in een regionaal netwerk "
        "aan de energietransitie in de wijken.",
        "De voortgang van alle projecten uit dit plan wordt twee keer per jaar gerapporteerd aan het college, met "
        "indicatoren per project en een eigenaar per mijlpaal.",
    ],
]
SEEN = PARAGRAPHS[1][2]  # already labelled in the corpus: never offered


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    from docscan.train import train

    out = tmp_path_factory.mktemp("label-model") / "small"
    train(str(ROOT / "corpus"), str(out), families=("sklearn",), folds=3, limit=300, heldout="")
    return out


@pytest.fixture
def pty_setup(tmp_path):
    require_font()
    import pdfgen

    pytest.importorskip("pexpect")
    pdf = tmp_path / "plan.pdf"
    pdfgen.simple_pdf(str(pdf), PARAGRAPHS)
    root = tmp_path / "corpus"
    root.mkdir()
    shutil.copy(ROOT / "corpus" / "begrotingen.jsonl", root / "begrotingen.jsonl")
    (root / "seen.jsonl").write_text(json.dumps(
        {"id": "seen-1", "text": SEEN, "themes": [], "maturity": None, "source": "test"}, ensure_ascii=False) + "\n")
    return pdf, root, root / "labelled" / "plan.jsonl"


class Screen:
    """The labeller in a pseudo-terminal; ``key()`` presses a key and returns the redrawn screen."""

    def __init__(self, pdf, corpus_file, model, cwd):
        import pexpect

        env = dict(os.environ, TERM="xterm", DOCSCAN_USER="pty-tester")
        cmd = f"{BIN} label {pdf} --corpus {corpus_file} --model {model}"
        self.child = pexpect.spawn(cmd, env=env, cwd=str(cwd), encoding="utf-8", dimensions=(60, 120), timeout=90)
        self.text = self._screen()

    def _screen(self) -> str:
        self.child.expect_exact("q quit")
        self.text = self.child.before
        return self.text

    def key(self, k: str) -> str:
        self.child.send(k)
        return self._screen()

    @property
    def passage(self) -> str:
        return re.findall(r"passage (p\d+) ·", self.text)[-1]

    @property
    def to_go(self) -> int:
        return int(re.findall(r"(\d+) to go", self.text)[-1])

    def mark(self, theme: str) -> str:
        return re.findall(r"\[([x ])\] \d \w " + theme, self.text)[-1]


def test_label_in_a_pseudo_terminal_survives_kill_9_and_resumes(pty_setup, small_model, tmp_path):
    import pexpect

    pdf, root, corpus_file = pty_setup
    pending = Path(str(corpus_file) + ".pending")
    skipped = Path(str(corpus_file) + ".skipped")
    texts = [t for page in PARAGRAPHS for t in page]

    ui = Screen(pdf, corpus_file, small_model, tmp_path)
    assert ui.to_go == len(texts) - 1  # the passage already in the corpus is not offered
    first = ui.passage
    was = ui.mark("strategie")
    ui.key("1")
    assert ui.mark("strategie") != was
    assert "(*) 8 2.0" in ui.key("8")
    ui.key("\r")
    second = ui.passage
    assert second != first and f"last answer: accepted {first}" in ui.text
    answer1 = json.loads(pending.read_text())["record"]  # on disk at once
    assert answer1["maturity"] == "2.0" and ("strategie" in answer1["themes"]) == (was == " ")
    assert lines(corpus_file) == []

    ui.key("k")  # skip the second: the first answer is now final
    assert lines(corpus_file) == [answer1]
    third = ui.passage
    ui.key("a")
    assert [r["passage"] for r in lines(skipped)] == [second]
    assert json.loads(pending.read_text())["record"]["meta"]["passage"] == third

    ui.child.kill(signal.SIGKILL)
    ui.child.expect(pexpect.EOF)
    ui.child.close()
    assert ui.child.signalstatus == signal.SIGKILL
    assert lines(corpus_file) == [answer1]  # nothing written before is lost ...
    assert corpus.validate(str(root))[1] == []  # ... and the corpus folder is valid
    assert SEEN not in {r["text"] for r in lines(corpus_file)}

    ui = Screen(pdf, corpus_file, small_model, tmp_path)  # resume
    assert "Restored the last answer" in ui.text and f"last answer: accepted {third}" in ui.text
    assert ui.to_go == len(texts) - 1 - 3 and ui.passage not in (first, second, third)
    ui.key("u")
    assert ui.passage == third and ui.to_go == len(texts) - 1 - 2
    ui.key("k")
    fourth = ui.passage
    ui.key("0")
    ui.key("\r")
    ui.child.send("q")
    ui.child.expect_exact("1 accepted, 1 skipped")
    ui.child.expect(pexpect.EOF)
    ui.child.close()
    assert ui.child.exitstatus == 0
    assert [r["meta"]["passage"] for r in lines(corpus_file)] == [first, fourth]
    assert lines(corpus_file)[1]["maturity"] is None
    assert [r["passage"] for r in lines(skipped)] == [second, third]
    assert not pending.exists()

    ui = Screen(pdf, corpus_file, small_model, tmp_path)  # once more: Ctrl-C commits the pending answer
    assert ui.to_go == len(texts) - 1 - 4
    fifth = ui.passage
    ui.key("\r")
    ui.child.send("\x03")
    ui.child.expect_exact("interrupted; work already written is kept")
    ui.child.expect(pexpect.EOF)
    ui.child.close()
    assert ui.child.exitstatus == 130
    assert [r["meta"]["passage"] for r in lines(corpus_file)] == [first, fourth, fifth]
    r = CliRunner().invoke(cli.main, ["corpus", "validate", str(root)])
    assert r.exit_code == 0, r.output
    assert not (ROOT / "corpus" / "labelled" / "plan.jsonl").exists()


def test_real_model_ranks_by_uncertainty(pty_setup, small_model):
    pdf, _root, corpus_file = pty_setup
    with LabelSession(pdf, corpus_file, model=str(small_model), user="t") as s:
        scores = [it.uncertainty for it in s.queue]
        assert len(scores) == 7 and scores == sorted(scores, reverse=True)
        top = s.current
        assert top.themes == set(top.prediction.predicted_themes) and top.maturity == top.prediction.predicted_maturity
