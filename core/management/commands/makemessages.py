"""`makemessages` that never lets gettext guess: msgmerge runs with --no-fuzzy-matching.

A fuzzy guess ("Có biểu hiện" → "27 manifestations of degradation") looks like a translation to
anyone reading the .po file; new msgids must stay empty until the glossaries give their English.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
