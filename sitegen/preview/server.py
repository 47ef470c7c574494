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

from ..check.report import terminal_line
from .site import PreviewSite

log = logging.getLogger("sitegen.serve")
DEBOUNCE_SECONDS = 0.05
PORTAL_PAGES_DELAY = 0.5  # seconds after a reload: time for the browser to fetch its page first


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
        self.indexing = False
        self.index_again = False

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
        # livereload queues a "reload everything" for its first poll; with events there is no
        # first poll, and the queued reload would fire at the first save, before the rebuild.
        self._changes.clear()
        self.loop = ioloop.IOLoop.current()
        self.callback = callback
        self.observer.start()
        return True  # event driven: no polling

    def examine(self):
        with self.lock:
            changed, self.pending = self.pending, set()
        changed = {p for p in changed if not p.name.startswith(".") and not p.name.endswith("~")}
        if not changed:
            return None, None
        rebuild = self.site.changed(changed)
        log.info("rebuilt %d page(s) in %.3fs after %s", len(rebuild.written), rebuild.seconds, terminal_line(rebuild.reason))
        for errors in self.site.errors.values():  # the terminal shows what the overlay shows
            for error in errors:
                log.error("%s", terminal_line(str(error)))
        if rebuild.portal_pages_pending and self.loop is not None:
            # After livereload has told the pages to reload (this callback returns first), so
            # the reloaded page never waits for the portal-wide pages.
            self.loop.call_later(PORTAL_PAGES_DELAY, self._portal_pages)
        self.filepath = str(sorted(changed)[0])
        return self.filepath, None

    def _portal_pages(self) -> None:
        if self.pending:  # another change is on its way: it will write them
            return
        # On a worker thread, so the server keeps answering while they are written.
        future = self.loop.run_in_executor(None, self.site.write_portal_pages)
        future.add_done_callback(self._portal_pages_written)

    def _portal_pages_written(self, future) -> None:
        rebuild = future.result()
        log.info("portal pages: %d in %.3fs", len(rebuild.written), rebuild.seconds)
        self.loop.add_callback(self.index_search)

    def index_search(self) -> None:
        """Pagefind over the preview, one run at a time; changes during a run ask for one more."""
        if self.indexing:
            self.index_again = True
            return
        self.indexing, self.index_again = True, False
        future = self.loop.run_in_executor(None, self.site.index_search)
        future.add_done_callback(lambda f: self.loop.add_callback(self._indexed, f))

    def _indexed(self, future) -> None:
        self.indexing = False
        try:
            log.info("search index: %.2fs", future.result())
        except Exception as exc:  # the preview goes on without search
            log.warning("search index failed: %s", exc)
        if self.index_again:
            self.index_search()


def serve(site: PreviewSite, watched: list[Path], host: str, port: int) -> None:
    """Build, then serve ``site.output`` on host:port and rebuild on changes until interrupted."""
    started = time.perf_counter()
    rebuild = site.build_all()
    log.info("preview built: %d pages in %.2fs", len(rebuild.written), time.perf_counter() - started)
    watcher = ChangeWatcher(site)
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # reload after every rebuild, however close together
    server = Server(watcher=watcher)
    ioloop.IOLoop.current().add_callback(watcher.index_search)
    for path in watched:
        if path.exists():
            server.watch(path)
    server.serve(host=host, port=port, root=str(site.output), open_url_delay=None)
