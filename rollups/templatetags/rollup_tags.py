from django import template

from reviews.models import Grade, NotGradedReason, ReviewStatus

register = template.Library()


@register.filter
def grade_label(code: str) -> str:
    return Grade(code).label if code in Grade.values else ""


@register.filter
def reason_label(code: str) -> str:
    return NotGradedReason(code).label if code in NotGradedReason.values else ""


@register.filter
def review_status_label(code: str) -> str:
    return ReviewStatus(code).label if code in ReviewStatus.values else ""
