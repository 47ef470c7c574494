"""sitegen: a static site generator for budget disclosure portals (预决算公开平台)."""
__version__ = "0.1.0"
