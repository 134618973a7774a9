"""Extension points: other apps add sections to the organisation, cell and member pages.

An app registers a callable in its AppConfig.ready():

    from organizations import panels
    panels.CELL_PANELS.append(my_panel)

Each callable takes (request, obj) and returns None (nothing to show) or a tuple
(template_name, context). Panels must run a constant number of queries.
"""

from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[Any, Any], tuple[str, dict] | None]

ORGANIZATION_PANELS: list[Panel] = []
CELL_PANELS: list[Panel] = []
MEMBER_PANELS: list[Panel] = []


def render_panels(panels: list[Panel], request, obj) -> list[SafeString]:
    rendered = []
    for panel in panels:
        result = panel(request, obj)
        if result is None:
            continue
        template_name, context = result
        rendered.append(mark_safe(render_to_string(template_name, context, request=request)))  # noqa: S308
    return rendered
