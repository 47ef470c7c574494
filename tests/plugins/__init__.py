"""Plugins used by the tests; each is what a site's own plugin module would look like."""
