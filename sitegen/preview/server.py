"""``sitegen serve``: the preview site behind livereload, rebuilt on every saved change.

File events come from watchdog (inotify); livereload's own watcher polls, which at
provincial scale costs seconds per pass. Only the site's inputs count (``PreviewSite.is_input``):
a log file or an editor's scratch file beside them would otherwise rebuild the preview, whose
log line would change the log file again, forever. The rebuild runs on the server's IO loop,
then livereload tells the open pages to reload.

The preview answers only under its own name: a request whose ``Host`` header is not the
address it serves gets 421, and the livereload websocket refuses any other ``Origin``. A page
of another site whose name was re-bound to 127.0.0.1 (DNS rebinding) would otherwise read the
preview and its reloads.
"""
from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.server import LiveScriptInjector
from livereload.watcher import Watcher
from tornado import ioloop, web
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
        changed = {p for p in changed if self.site.is_input(p)}
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


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def own_hosts(host: str, port: int) -> frozenset[str]:
    """The ``Host`` header values naming the preview at host:port (lower case): the address
    itself, every loopback name when it is a loopback address, and this machine's names when
    it is the wildcard address (``--expose --host 0.0.0.0``)."""
    names = {host}
    if host in LOOPBACK:
        names.update(LOOPBACK)
    elif host in ("0.0.0.0", "::"):
        names.update(LOOPBACK)
        names.update({socket.gethostname(), socket.getfqdn()})
    hosts = set()
    for name in names:
        try:
            name = f"[{name}]" if ipaddress.ip_address(name).version == 6 else name
        except ValueError:
            pass
        hosts.add(f"{name}:{port}".lower())
        if port == 80:
            hosts.add(name.lower())
    return frozenset(hosts)


class OwnHost:
    """A handler that answers only requests naming the preview in their ``Host`` header."""

    def initialize(self, hosts: frozenset[str], **kwargs) -> None:
        self.hosts = hosts
        super().initialize(**kwargs)

    def prepare(self):
        if self.request.headers.get("Host", "").lower() not in self.hosts:
            raise web.HTTPError(421, "the preview answers only to its own address")
        return super().prepare()


class OwnLiveReload(OwnHost, LiveReloadHandler):
    def check_origin(self, origin: str) -> bool:
        parts = urlsplit(origin)
        return parts.scheme == "http" and parts.netloc.lower() in self.hosts


class OwnLiveReloadJS(OwnHost, LiveReloadJSHandler):
    pass


class OwnStatic(OwnHost, StaticFileHandler):
    pass


class PreviewServer(Server):
    """livereload's server with its handlers held to the preview's own address, and its
    script loaded from the preview (no inline script, so the pages' CSP allows none)."""

    def __init__(self, watcher: Watcher, hosts: frozenset[str]):
        super().__init__(watcher=watcher)
        self.hosts = hosts

    def application(self, port, host, liveport=None, debug=None, live_css=True):
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css

        class Script(LiveScriptInjector):
            script = f'<script src="/livereload.js?port={port}" defer></script>'.encode()

        own = {"hosts": self.hosts}
        app = web.Application([
            (r"/livereload", OwnLiveReload, own),
            (r"/livereload.js", OwnLiveReloadJS, own),
            (r"/(.*)", OwnStatic, {**own, "path": self.root, "default_filename": "index.html"}),
        ], transforms=[Script])
        app.listen(port, address=host)


def serve(site: PreviewSite, watched: list[Path], host: str, port: int) -> None:
    """Build, then serve ``site.output`` on host:port and rebuild on changes until interrupted."""
    started = time.perf_counter()
    rebuild = site.build_all()
    log.info("preview built: %d pages in %.2fs", len(rebuild.written), time.perf_counter() - started)
    watcher = ChangeWatcher(site)
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # reload after every rebuild, however close together
    server = PreviewServer(watcher, own_hosts(host, port))
    ioloop.IOLoop.current().add_callback(watcher.index_search)
    for path in watched:
        if path.exists():
            server.watch(path)
    server.serve(host=host, port=port, root=str(site.output), open_url_delay=None)
