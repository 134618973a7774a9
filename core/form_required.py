"""Fields required to submit but not to save a draft.

The member sees the required mark (label asterisk, `required` attribute, hence `aria-required`) from the
first visit, not only after a refused submission; a draft still saves with those fields empty.
"""

from __future__ import annotations


class SubmitRequiredMixin:
    """Mark `submit_required` fields (plus any added to it in __init__) required; enforce them only
    when `self.submitting` is true."""

    submit_required: tuple[str, ...] = ()
    submitting: bool = False

    def full_clean(self):
        if self.submitting:
            return super().full_clean()
        relaxed = [f for name in self.submit_required if (f := self.fields.get(name)) is not None and f.required]
        for field in relaxed:
            field.required = False
        try:
            return super().full_clean()
        finally:
            for field in relaxed:
                field.required = True
