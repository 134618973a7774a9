"""The English catalogue is complete and compiled (the UI is Vietnamese first, English second)."""

import re
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_english_entry_is_translated():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # skip the header
    empty = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""\n(?!")', e + "\n", re.M) and "#~" not in e]
    assert empty == []


def test_compiled_catalogue_is_used():
    with translation.override("en"):
        assert translation.gettext("Đăng xuất") == "Log out"
        assert translation.gettext("Hoàn thành xuất sắc nhiệm vụ") == "Excellently completed duties"
