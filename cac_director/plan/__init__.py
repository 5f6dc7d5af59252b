"""The change report: what a preview will do to each Director object, field by field (docs/plan.md)."""

from cac_director.errors import UnreadableNote
from cac_director.plan.changes import FieldChange, ObjectChange, render_text, report

__all__ = ["FieldChange", "ObjectChange", "UnreadableNote", "render_text", "report"]
