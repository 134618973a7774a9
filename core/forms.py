"""Form helpers shared by every app."""

from django.core.exceptions import ValidationError


def form_add_errors(form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: field errors next to their fields, the rest on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)
