"""deploy/nginx/paperfeed.conf in front of two replicas (Debian's nginx, real processes):
pages through the proxy, static files from the package, a request id per answer; a replica
SIGKILLed costs no failed read; each replica's own index finds a paper written elsewhere."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

import paperfeed
from tests import records as R
from tests.web.conftest import PAPERS, THU, store

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "paperfeed.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
STATIC = Path(paperfeed.__file__).parent / "static"
PAGE = "/papers/date/2026-08-07"

pytestmark = [
    pytest.mark.fleet,
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed"),
]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def nginx_conf(tmp: Path, listen: int, replicas: list[int]) -> Path:
    """The shipped site file with this test's ports and paths, inside a main file that a
    user without root can run."""
    site = CONF.read_text()
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in replicas)
    site = re.sub(r"(    server 127\.0\.0\.1:800\d[^\n]*\n)+", servers, site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    site = site.replace("/opt/paperfeed/src/paperfeed/static/", f"{STATIC}/")
    main = tmp / "nginx.conf"
    main.write_text(
        f"pid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\nhttp {{\n"
        f"  include /etc/nginx/mime.types;\n  access_log {tmp}/access.log;\n"
        + "".join(
            f"  {k}_temp_path {tmp}/{k};\n"
            for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + site
        + "}\n"
    )
    return main


def start_nginx(tmp: Path, replicas: list[int]) -> tuple[subprocess.Popen[bytes], str]:
    """Debian's nginx with the shipped site file in front of these replica ports; its URL."""
    tmp.mkdir(parents=True, exist_ok=True)
    listen = _port()
    proc = subprocess.Popen(
        [NGINX, "-c", str(nginx_conf(tmp, listen, replicas)), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc, f"http://127.0.0.1:{listen}"


@pytest.fixture
def fleet(engine: Engine, db_url: str, tmp_path: Path) -> Iterator[dict[str, object]]:
    store(engine, PAPERS)
    ports = [_port(), _port()]
    replicas = []
    for i, port in enumerate(ports):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFEED_")}
        env.update(
            PAPERFEED_DATA_DIR=str(tmp_path / f"host{i}"),  # each its own indexes
            PAPERFEED_DATABASE_URL=db_url,
            PAPERFEED_SEMANTIC_SEARCH="false",
            PAPERFEED_SECRET_KEY="k" * 40,
            PAPERFEED_TRUSTED_PROXIES="127.0.0.1",
        )
        replicas.append(
            subprocess.Popen(
                [sys.executable, "-m", "paperfeed", "serve", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
    proxy, base = start_nginx(tmp_path, ports)
    try:
        for port in ports:
            _wait(f"http://127.0.0.1:{port}/healthz")
        _wait(f"{base}/healthz")
        yield {"base": base, "ports": ports, "replicas": replicas}
    finally:
        proxy.terminate()
        proxy.wait(10)
        for r in replicas:
            if r.poll() is None:
                os.killpg(r.pid, signal.SIGKILL)
            r.wait(10)


def test_pages_static_files_and_request_ids_through_nginx(fleet: dict[str, object]) -> None:
    base = str(fleet["base"])
    with httpx.Client(base_url=base) as client:
        page = client.get(PAGE)
        assert page.status_code == 200 and "Friday paper" in page.text
        assert re.fullmatch(r"[0-9a-f]{32}", page.headers["x-request-id"])  # nginx's id
        css = client.get("/static/app.css")
        assert css.status_code == 200
        assert css.headers["server"].startswith("nginx")
        assert css.content == (STATIC / "app.css").read_bytes()
        assert "max-age=604800" in css.headers["cache-control"]
        assert client.get("/readyz").json()["ready"] is True


def test_a_killed_replica_costs_no_failed_read(fleet: dict[str, object]) -> None:
    replicas = fleet["replicas"]
    assert isinstance(replicas, list)
    os.killpg(replicas[0].pid, signal.SIGKILL)
    replicas[0].wait(10)
    with httpx.Client(base_url=str(fleet["base"])) as client:
        answers = [client.get(PAGE).status_code for _ in range(30)]
    assert answers == [200] * 30


def test_each_replica_finds_a_paper_written_elsewhere(
    fleet: dict[str, object], engine: Engine
) -> None:
    new = R.Rec(id="2608.00077", title="Zeppelin timetables", versions=[THU], categories="cs.DS")
    store(engine, [new])  # as a worker's harvest would
    ports = fleet["ports"]
    assert isinstance(ports, list)
    deadline = time.monotonic() + 30
    found: dict[int, bool] = {}
    while time.monotonic() < deadline and not all(found.get(p) for p in ports):
        for port in ports:  # no search asks: each replica's follower indexes it
            status = httpx.get(f"http://127.0.0.1:{port}/healthz/search").json()
            if status["keyword_documents"] == len(PAPERS) + 1:
                found[port] = True
        time.sleep(0.5)
    assert all(found.get(p) for p in ports), found
    for port in ports:
        hits = httpx.get(f"http://127.0.0.1:{port}/api/papers/search", params={"q": "zeppelin"})
        assert [h["paper"]["id"] for h in hits.json()] == ["2608.00077"]
