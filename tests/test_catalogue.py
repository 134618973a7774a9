"""The English catalogue is exactly what the glossaries say: no gettext guess, nothing empty, no
English text shared by two different Vietnamese msgids unless listed as deliberate."""

import json
from collections import defaultdict
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "en"
PO = LOCALE / "LC_MESSAGES" / "django.po"


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def _english(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_no_fuzzy_or_obsolete_entry():
    po = _catalogue()
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []


def test_no_empty_msgstr():
    empty = [e.msgid for e in _catalogue() if not e.obsolete and not all(_english(e))]
    assert empty == []


def test_two_msgids_share_an_english_text_only_when_deliberate():
    deliberate = {k: set(v) for k, v in json.loads((LOCALE / "same_english.json").read_text("utf-8")).items()}
    deliberate.pop("_comment")
    by_english: dict[str, set[str]] = defaultdict(set)
    for entry in _catalogue():
        by_english[_english(entry)[-1]].add(entry.msgid)
    shared = {
        english: sorted(msgids)
        for english, msgids in by_english.items()
        if len(msgids) > 1 and not msgids <= deliberate.get(english, set())
    }
    assert shared == {}


def test_catalogue_equals_the_glossaries():
    glossary: dict = {}
    for path in sorted(LOCALE.glob("glossary*.json")):
        for msgid, english in json.loads(path.read_text("utf-8")).items():
            assert glossary.get(msgid, english) == english, f"{msgid!r} has two English texts ({path.name})"
            glossary[msgid] = english
    for entry in _catalogue():
        expected = glossary[entry.msgid]
        assert _english(entry) == (expected if isinstance(expected, list) else [expected] * len(_english(entry)))


def test_known_wrong_guesses_are_gone():
    english = {e.msgid: _english(e)[0] for e in _catalogue()}
    assert english["Có biểu hiện"] != "27 manifestations of degradation"
    assert english["Tự xếp loại"] == "Self-proposed grade"
    assert english["Xếp loại đảng viên"] == "Members' grades"
