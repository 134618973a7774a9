"""{% quarters_of member year as q %}: the four quarters for the leader's annual review and print."""

from django import template

from ..messages import ROMAN
from ..models import QUARTERS
from ..selectors import evaluations_of, leader_position

register = template.Library()


@register.simple_tag
def quarters_of(member, year):
    evaluations = evaluations_of(member, year)
    if not evaluations and leader_position(member) is None:
        return []
    return [{"q": q, "roman": ROMAN[q], "e": evaluations.get(q)} for q in QUARTERS]
