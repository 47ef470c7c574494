"""Narrative Markdown → safe HTML: rendered by python-markdown, sanitised by nh3.

Content comes from many hands; whatever HTML it carries, only an allow-list of tags and
attributes survives (no script, event handlers, style, iframes or ``javascript:`` URLs).
"""
from __future__ import annotations

import markdown as _markdown
import nh3

_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "b", "i", "br", "hr",
         "blockquote", "table", "thead", "tbody", "tr", "th", "td", "a", "code", "pre", "sup", "sub"}
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope", "colspan", "rowspan"}, "td": {"colspan", "rowspan"}}


def render_markdown(text: str) -> str:
    """Render ``text`` and sanitise the result; headings shift down one level (the page has its h1)."""
    html = _markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer")
