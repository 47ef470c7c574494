"""``sitegen serve``: the preview site behind livereload, rebuilt on every saved change.

File events come from watchdog (inotify); livereload's own watcher polls, which at
provincial scale costs seconds per pass. The rebuild runs on the server's IO loop, then
livereload tells the open pages to reload.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado import ioloop
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .site import PreviewSite

log = logging.getLogger("sitegen.serve")
DEBOUNCE_SECONDS = 0.05


class ChangeWatcher(Watcher, FileSystemEventHandler):
    """A livereload ``Watcher`` fed by watchdog events: it knows exactly which files changed."""

    def __init__(self, site: PreviewSite):
        Watcher.__init__(self)
        self.site = site
        self.observer = Observer()
        self.pending: set[Path] = set()
        self.lock = threading.Lock()
        self.loop: ioloop.IOLoop | None = None
        self.callback = None

    def watch(self, path, func=None, delay=None, ignore=None):
        self.observer.schedule(self, str(path), recursive=True)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type in ("opened", "closed_no_write"):
            return
        with self.lock:
            self.pending.add(Path(str(event.src_path)))
            if getattr(event, "dest_path", ""):
                self.pending.add(Path(str(event.dest_path)))
        if self.loop is not None and self.callback is not None:
            self.loop.add_callback(self.loop.call_later, DEBOUNCE_SECONDS, self.callback)

    def start(self, callback) -> bool:
        self.loop = ioloop.IOLoop.current()
        self.callback = callback
        self.observer.start()
        return True  # event driven: no polling

    def examine(self):
        if self._changes:
            return self._changes.pop()
        with self.lock:
            changed, self.pending = self.pending, set()
        changed = {p for p in changed if not p.name.startswith(".") and not p.name.endswith("~")}
        if not changed:
            return None, None
        rebuild = self.site.changed(changed)
        log.info("rebuilt %d page(s) in %.3fs after %s", len(rebuild.written), rebuild.seconds, rebuild.reason)
        self.filepath = str(sorted(changed)[0])
        return self.filepath, None


def serve(site: PreviewSite, watched: list[Path], host: str, port: int) -> None:
    """Build, then serve ``site.output`` on host:port and rebuild on changes until interrupted."""
    started = time.perf_counter()
    rebuild = site.build_all()
    log.info("preview built: %d pages in %.2fs", len(rebuild.written), time.perf_counter() - started)
    watcher = ChangeWatcher(site)
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # reload after every rebuild, however close together
    server = Server(watcher=watcher)
    for path in watched:
        if path.exists():
            server.watch(path)
    server.serve(host=host, port=port, root=str(site.output), open_url_delay=None)
