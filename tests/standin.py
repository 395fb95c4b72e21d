"""A local stand-in for arXiv: a real HTTP server on 127.0.0.1 speaking OAI-PMH and the Atom API.

It pages ListRecords with resumption tokens in the new server's style (the original
query plus skip=N), and can be told to answer 503 + Retry-After, an OAI error, a
malformed page, or to be slow.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, parse_qsl, quote, unquote, urlencode, urlparse

from tests import records as R


@dataclass
class Canned:
    status: int
    body: str | bytes
    headers: dict[str, str] = field(default_factory=dict)


class ArxivStandIn:
    def __init__(self, recs: list[R.Rec] | None = None, page_size: int = 3) -> None:
        self.records = list(recs or [])
        self.page_size = page_size
        self.queue: deque[Canned] = deque()  # answered before anything else, in order
        self.malformed_pages: set[int] = set()  # skip values whose page is cut short
        self.expired_tokens: set[str] = set()  # tokens answered with badResumptionToken
        self.delay = 0.0
        self.pdfs: dict[str, bytes] = {}  # arXiv id -> the PDF /pdf/{id} answers
        self.requests: list[tuple[float, str, dict[str, str]]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> ArxivStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- protocol -----------------------------------------------------------------
    def answer(self, path: str, params: dict[str, str]) -> Canned:
        self.requests.append((time.monotonic(), path, params))
        if self.delay:
            time.sleep(self.delay)
        if self.queue:
            return self.queue.popleft()
        if path.startswith("/oai"):
            return self._oai(params)
        if path.startswith("/api/query"):
            return self._api(params)
        if path.startswith("/pdf/") and path[5:] in self.pdfs:
            return Canned(200, self.pdfs[path[5:]], {"Content-Type": "application/pdf"})
        return Canned(404, "not found")

    def _oai(self, params: dict[str, str]) -> Canned:
        if params.get("verb") != "ListRecords":
            return Canned(200, R.oai_error("badVerb", "Illegal verb"))
        if "resumptionToken" in params:
            if params["resumptionToken"] in self.expired_tokens:
                return Canned(200, R.oai_error("badResumptionToken", "token expired"))
            query = dict(parse_qsl(unquote(params["resumptionToken"])))
            skip = int(query.pop("skip"))
        else:
            query, skip = dict(params), 0
        prefix = query.get("metadataPrefix", "")
        if prefix not in ("arXiv", "arXivRaw"):
            return Canned(200, R.oai_error("cannotDisseminateFormat", f"unknown {prefix}"))
        matching = [
            r
            for r in self.records
            if self._in_set(r, query.get("set"))
            and query.get("from", "0000") <= r.datestamp <= query.get("until", "9999")
        ]
        if not matching:
            return Canned(200, R.oai_error("noRecordsMatch", "no records match"))
        page = matching[skip : skip + self.page_size]
        more = skip + self.page_size < len(matching)
        token = quote(urlencode({**query, "skip": skip + self.page_size})) if more else None
        body = R.list_records_page(page, prefix, token)
        if skip in self.malformed_pages:
            self.malformed_pages.discard(skip)
            body = body[: len(body) // 2]
        return Canned(200, body)

    @staticmethod
    def _in_set(r: R.Rec, set_spec: str | None) -> bool:
        if not set_spec:
            return True
        parts = set_spec.split(":")
        cats = r.categories.split()
        if len(parts) == 3:
            return f"{parts[1]}.{parts[2]}" in cats
        return any(c.split(".")[0] == parts[-1] for c in cats)

    def _api(self, params: dict[str, str]) -> Canned:
        wanted = [i for i in params.get("id_list", "").split(",") if i]
        by_id = {r.id: r for r in self.records}
        entries = [R.atom_entry(by_id[i]) for i in wanted if i in by_id]
        return Canned(200, R.atom_feed(entries))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlparse(self.path)
                params = {k: v[-1] for k, v in parse_qs(url.query).items()}
                canned = stand_in.answer(url.path, params)
                body = canned.body
                data = body if isinstance(body, bytes) else body.encode()
                self.send_response(canned.status)
                if "Content-Type" not in canned.headers:
                    ctype = "text/xml" if data.startswith(b"<?xml") else "text/plain"
                    self.send_header("Content-Type", f"{ctype}; charset=utf-8")
                for k, v in canned.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
