"""Uploaded scans of signed paper forms: PDF, JPEG or PNG, checked by their first bytes (not by the
name or the browser's content type), and size-limited by the PAPER_SCAN_MAX_BYTES setting."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SIGNATURES = {
    b"%PDF-": ("pdf", "application/pdf"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
}


def scan_kind(upload) -> tuple[str, str]:
    """(extension, content type) of an accepted scan; ValidationError with a Vietnamese reason otherwise."""
    limit = settings.PAPER_SCAN_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Tệp quá lớn (%(size)s MB); tối đa %(limit)s MB.")
            % {"size": f"{upload.size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, kind in SIGNATURES.items():
        if head.startswith(magic):
            return kind
    raise ValidationError(_("Chỉ nhận bản quét dạng PDF, JPEG hoặc PNG."), code="bad_type")


def scan_response(field_file):
    """The stored scan as a download with the content type its first bytes show (never the name's)."""
    from django.http import FileResponse

    _ext, content_type = scan_kind(field_file.open("rb"))
    return FileResponse(field_file.open("rb"), content_type=content_type)
