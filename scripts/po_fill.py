"""Fill the English catalogue from the JSON glossaries {Vietnamese msgid: English msgstr}.

Usage: python scripts/po_fill.py locale/en/LC_MESSAGES/django.po locale/en/glossary*.json

The glossaries are the single source of the English text: every entry takes its msgstr from them,
replacing whatever gettext guessed. Fuzzy guesses are never accepted (extraction runs with
--no-fuzzy-matching; any fuzzy entry left is cleared). Plural entries take a glossary value that is
a list [singular, plural]. Msgids missing from the glossaries are reported and left empty, so the
catalogue test fails until someone writes their English.
"""

import json
import sys
from pathlib import Path

import polib


def load_glossary(paths: list[str]) -> dict[str, str | list[str]]:
    glossary: dict[str, str | list[str]] = {}
    for path in paths:
        glossary.update(json.loads(Path(path).read_text(encoding="utf-8")))
    return glossary


def fill(po: polib.POFile, glossary: dict) -> list[str]:
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        english = glossary.get(entry.msgid)
        if english is None:
            missing.append(entry.msgid)
            if entry.msgid_plural:
                entry.msgstr_plural = {0: "", 1: ""}
            else:
                entry.msgstr = ""
            continue
        if entry.msgid_plural:
            singular, plural = english if isinstance(english, list) else (english, english)
            entry.msgstr_plural = {0: singular, 1: plural}
        else:
            entry.msgstr = english
    # Obsolete entries are fuzzy history; the glossaries keep the text.
    for entry in po.obsolete_entries():
        po.remove(entry)
    return missing


def main(po_path: str, *glossary_paths: str) -> int:
    po = polib.pofile(po_path, wrapwidth=0)
    missing = fill(po, load_glossary(list(glossary_paths)))
    po.save(po_path)
    for msgid in missing:
        print("untranslated:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
