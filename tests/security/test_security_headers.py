"""Every answer carries a strict Content-Security-Policy and the usual security headers;
no page of the site needs inline script or style to work."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "paperfeed" / "templates"


def test_headers_on_pages_api_and_static(filled: Engine, settings: Settings) -> None:
    with TestClient(create_app(settings, filled)) as client:
        for path in ["/papers", "/papers/2608.00001", "/api/daily_papers", "/static/app.css"]:
            headers = client.get(path).headers
            csp = headers["content-security-policy"]
            assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp, path
            assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
            assert headers["x-frame-options"] == "DENY"
        assert client.get("/nothing/here").headers["x-content-type-options"] == "nosniff"


def test_site_templates_have_no_inline_script_or_style() -> None:
    for template in TEMPLATES.rglob("*.html"):
        if "email" in template.parts:
            continue  # mail clients, not the site: inline style is what they read
        text = template.read_text()
        assert "<script>" not in text and " style=" not in text and "<style" not in text, template
        assert " onclick=" not in text and " onload=" not in text, template
