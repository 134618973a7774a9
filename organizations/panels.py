"""Sections other apps add to the organisation, cell and member pages.

The providers are listed in `core.registry.panel_providers`. Each takes (request, obj) and returns
None (nothing to show) or (template_name, context); it must run a constant number of queries.
The page renders each panel in its own context with `{% render_panel panel %}`.
"""

from core.registry import Panel, panels

__all__ = ["Panel", "panels"]
