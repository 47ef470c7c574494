"""Live preview for editors: incremental rebuilds, livereload, error overlay (``sitegen serve``)."""
