"""Fill empty msgstr entries of a .po file from a JSON glossary {msgid: msgstr}.

Usage: python scripts/po_fill.py locale/en/LC_MESSAGES/django.po locale/en/glossary*.json
Keeps existing translations; reports msgids still untranslated.
"""

import json
import re
import sys
from pathlib import Path

ENTRY = re.compile(r'(msgid ((?:"(?:[^"\\]|\\.)*"\s*)+))(msgstr ((?:"(?:[^"\\]|\\.)*"\s*)+))', re.S)


def unquote(block: str) -> str:
    return "".join(json.loads(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', block))


def main(po_path: str, *glossary_paths: str) -> None:
    glossary: dict[str, str] = {}
    for path in glossary_paths:
        glossary.update(json.loads(Path(path).read_text(encoding="utf-8")))
    text = Path(po_path).read_text(encoding="utf-8")
    missing = []

    def fill(m: re.Match) -> str:
        msgid, msgstr = unquote(m.group(2)), unquote(m.group(4))
        if not msgid or msgstr:
            return m.group(0)
        if msgid not in glossary:
            missing.append(msgid)
            return m.group(0)
        trailing = m.group(4)[len(m.group(4).rstrip()) :]
        return f"{m.group(1)}msgstr {json.dumps(glossary[msgid], ensure_ascii=False)}{trailing}"

    text = ENTRY.sub(fill, text)
    text = text.replace("#, fuzzy\n", "")
    Path(po_path).write_text(text, encoding="utf-8")
    for msgid in missing:
        print("untranslated:", msgid)


if __name__ == "__main__":
    main(*sys.argv[1:])
