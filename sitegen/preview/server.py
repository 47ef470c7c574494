"""``sitegen serve``: a thin server over the ``Builder``, rebuilt on every saved change.

The preview is the build: the same ``Builder`` (same cache, same workers, same search shards)
writes every output ``sitegen build`` writes (pages, 404, sitemap, feed, data package, archive,
search index) into a folder of the preview's own, which is served as it is. What makes it a
preview is added to each HTML response as it is served (as MkDocs' livereload does): two
scripts before ``</head>`` — livereload's client and ``preview.js``, which shows the banner
(build time, findings) and the overlay of content errors from ``/__preview__/status.json``.
No published page carries them, and the files on disk are byte for byte a build's.

A save that brings a content error the served output did not have publishes nothing
(``Builder.keep_last_good``): the last good pages stay and the overlay names the file, line
and column until the file is fixed.

File events come from watchdog (inotify); livereload's own watcher polls, which at provincial
scale costs seconds per pass. Only the site's inputs count (``Builder.is_input``): a log file or
an editor's scratch file beside them would otherwise rebuild the preview, whose log line would
change the log file again, forever. The rebuild runs on the server's IO loop, then livereload
tells the open pages to reload.

The preview answers only under its own name: a request whose ``Host`` header is not the
address it serves gets 421, and the livereload websocket refuses any other ``Origin``. A page
of another site whose name was re-bound to 127.0.0.1 (DNS rebinding) would otherwise read the
preview and its reloads.
"""
from __future__ import annotations

import ipaddress
import json
import logging
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.server import LiveScriptInjector
from livereload.watcher import Watcher
from tornado import ioloop, web
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ..builder import Builder, BuildResult
from ..check.report import terminal_line
from ..content import ContentErrors
from ..content.errors import ContentError
from ..render.views import error_views

log = logging.getLogger("sitegen.serve")
DEBOUNCE_SECONDS = 0.05
INDEX_DELAY = 0.5  # seconds after a reload: time for the browser to fetch its page first
PREVIEW_JS = Path(__file__).with_name("preview.js")
STATUS_URL = "/__preview__/status.json"
SCRIPT_URL = "/__preview__/preview.js"


class Preview:
    """The builder as the preview runs it: every build's outcome kept as the status the
    banner and the overlay show (``status``), content and template errors included rather
    than raised."""

    def __init__(self, builder: Builder):
        self.builder = builder
        self.lock = threading.Lock()
        self.status: dict = {"built_at": "", "seconds": 0, "reason": "", "pages_written": 0, "findings": {}, "errors": []}

    def rebuild(self, changed: set[Path] | None = None) -> BuildResult | None:
        """Build (everything stale; ``changed`` only names why); ``None`` when nothing could be
        built (``site.yaml`` or a template is broken: the status lists the errors). After a
        change the search index is carried over as it was, for ``index`` to bring up to date
        once the pages have reloaded."""
        started = time.perf_counter()
        reason = ", ".join(sorted(p.name for p in changed)) if changed else "full build"
        result = None
        with self.lock:
            try:
                result = self.builder.rebuild(changed, index=False) if changed else self.builder.build_all()
                errors = result.content_errors
            except ContentErrors as exc:
                errors = exc.errors
            except jinja2.TemplateError as exc:
                file = Path(getattr(exc, "filename", None) or self.builder.content / "site.yaml")
                errors = [ContentError(file, getattr(exc, "lineno", None) or 1, 1, f"theme template error: {exc.message or exc}")]
            published = self.builder.published
            self.status = {
                "built_at": time.strftime("%H:%M:%S"),
                "seconds": round(time.perf_counter() - started, 3),
                "reason": reason,
                "pages_written": len(result.rendered) if result is not None and result.published else 0,
                "findings": published.findings if published is not None else {},
                "errors": [vars(e) for e in error_views(errors, self.builder.content)],
            }
        return result

    def index(self) -> float:
        """Build again with the search index (nothing is re-rendered: the cache holds every
        page) and publish it; seconds taken. The banner keeps the status of the last change."""
        started = time.perf_counter()
        with self.lock:
            if self.builder.published is not None and self.builder.published.index is None:
                # Nothing changed since that build (a change on its way asks for its own
                # rebuild first): no unit folder is read again.
                self.builder.rebuild([])
        return time.perf_counter() - started


class ChangeWatcher(Watcher, FileSystemEventHandler):
    """A livereload ``Watcher`` fed by watchdog events: it knows exactly which files changed."""

    def __init__(self, preview: Preview):
        Watcher.__init__(self)
        self.preview = preview
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
        changed = {p for p in changed if self.preview.builder.is_input(p)}
        if not changed:
            return None, None
        try:
            result = self.preview.rebuild(changed)
        except Exception as exc:  # a full disk, a dead worker: the preview goes on serving the last output
            log.error("rebuild failed: %s: %s", type(exc).__name__, exc)
            return None, None
        status = self.preview.status
        log.info("rebuilt %d page(s) in %.3fs after %s%s", status["pages_written"], status["seconds"], terminal_line(status["reason"]),
                 "" if result is None or result.published else "; the last good output kept")
        for error in status["errors"]:  # the terminal shows what the overlay shows
            log.error("%s", terminal_line(f"{error['location']}: {error['message']}"))
        if self.loop is not None:
            # After livereload has told the pages to reload (this callback returns first), so
            # the reloaded page never waits for the search index.
            self.loop.call_later(INDEX_DELAY, self.index_search)
        self.filepath = str(sorted(changed)[0])
        return self.filepath, None

    def index_search(self) -> None:
        """The search index on a worker thread, one run at a time; changes during a run ask for one more."""
        if self.pending:  # another change is on its way: it will ask again
            return
        if self.indexing:
            self.index_again = True
            return
        self.indexing, self.index_again = True, False
        future = self.loop.run_in_executor(None, self.preview.index)
        future.add_done_callback(lambda f: self.loop.add_callback(self._indexed, f))

    def _indexed(self, future) -> None:
        self.indexing = False
        try:
            log.info("search index: %.2fs", future.result())
        except Exception as exc:  # the preview goes on with the previous index
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


def injected(port: int) -> bytes:
    """What the preview adds before ``</head>`` of every HTML page it serves."""
    return (f'<script src="/livereload.js?port={port}" defer></script>'
            f'<script src="{SCRIPT_URL}" defer></script>').encode()


class OutputHandler(OwnHost, StaticFileHandler):
    """The output folder, nothing outside it; a missing page gets the build's 404 page, as a
    web server configured for the portal would serve it."""

    def write_error(self, status_code: int, **kwargs) -> None:
        page = Path(self.root) / "404.html"
        if status_code == 404 and page.is_file():
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(page.read_bytes())
        else:
            super().write_error(status_code, **kwargs)


class StatusHandler(OwnHost, web.RequestHandler):
    def initialize(self, preview: Preview, **kwargs) -> None:
        self.preview = preview
        super().initialize(**kwargs)

    def get(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(self.preview.status, ensure_ascii=False))


class ScriptHandler(OwnHost, web.RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.finish(PREVIEW_JS.read_bytes())


class PreviewServer(Server):
    """livereload's server with its handlers held to the preview's own address, its scripts
    loaded from the preview (no inline script, so the pages' CSP allows none) and added to the
    HTML it serves, plus the preview's status."""

    def __init__(self, watcher: Watcher, preview: Preview, hosts: frozenset[str]):
        super().__init__(watcher=watcher)
        self.preview = preview
        self.hosts = hosts

    def application(self, port, host, liveport=None, debug=None, live_css=True):
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css

        class Scripts(LiveScriptInjector):
            script = injected(port)

        own = {"hosts": self.hosts}
        app = web.Application([
            (r"/livereload", OwnLiveReload, own),
            (r"/livereload.js", OwnLiveReloadJS, own),
            (STATUS_URL, StatusHandler, {**own, "preview": self.preview}),
            (SCRIPT_URL, ScriptHandler, own),
            (r"/(.*)", OutputHandler, {**own, "path": self.root, "default_filename": "index.html"}),
        ], transforms=[Scripts])
        app.listen(port, address=host)


def serve(preview: Preview, watched: list[Path], host: str, port: int) -> None:
    """Build, then serve the builder's output on host:port and rebuild on changes until interrupted."""
    preview.rebuild()
    log.info("preview built in %.2fs: %d page(s) rendered", preview.status["seconds"], preview.status["pages_written"])
    watcher = ChangeWatcher(preview)
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # reload after every rebuild, however close together
    server = PreviewServer(watcher, preview, own_hosts(host, port))
    for path in watched:
        if path.exists():
            server.watch(path)
    server.serve(host=host, port=port, root=str(preview.builder.output), open_url_delay=None)
