"""Reading content: YAML with locations, validation into the model, errors that teach."""
from .errors import ContentError, ContentErrors
from .loader import load_portal

__all__ = ["ContentError", "ContentErrors", "load_portal"]
