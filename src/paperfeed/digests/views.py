"""Digest pages: subscribe, confirm, manage (by signed link, no log-in), unsubscribe (one
click, RFC 8058), the account's shortcut, and the admin's view of deliveries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from paperfeed.community.accounts import Account
from paperfeed.digests import delivery, service
from paperfeed.digests.models import Subscription
from paperfeed.digests.schedule import zone
from paperfeed.digests.tokens import BadToken, make_token, read_token
from paperfeed.web.auth import required_account
from paperfeed.web.csrf import check_csrf
from paperfeed.web.deps import read_transaction
from paperfeed.web.ratelimit import client_ip

router = APIRouter(include_in_schema=False)
Csrf = Depends(check_csrf)
Text = Annotated[str, Form(max_length=5000)]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _now() -> datetime:
    return datetime.now(UTC)


def _page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    return request.app.state.templates.TemplateResponse(
        request,
        template,
        {"page_title": context.pop("title", "Email digest"), **context},
        status_code=status,
    )


def _message(request: Request, title: str, text: str, status: int = 200) -> Response:
    return _page(request, "digests/message.html", status, title=title, text=text)


def _read(request: Request, purpose: str, token: str) -> tuple[int, str]:
    return read_token(request.app.state.settings, purpose, token[:500])


@router.post("/digests/subscribe", dependencies=[Csrf])
def subscribe(request: Request, email: Text) -> Response:
    request.app.state.rate_limits.hit("auth", f"ip:{client_ip(request)}")
    settings = request.app.state.settings
    try:
        with Session(request.app.state.engine) as session, session.begin():
            _sub, messages = service.subscribe(session, settings, email, _now())
    except service.DigestError as exc:
        return _message(request, "Email digest", str(exc), 400)
    request.app.state.outbox.send(messages)  # after the commit
    return _message(
        request,
        "Check your email",
        "We sent a link to confirm the digest. Nothing is sent until you follow it.",
    )


@router.get("/digests/confirm")
def confirm(request: Request, token: str = "") -> Response:
    try:
        sub_id, email = _read(request, "confirm", token)
    except BadToken as exc:
        return _message(request, "Email digest", str(exc), 400)
    with Session(request.app.state.engine) as session, session.begin():
        sub = service.confirm(session, sub_id, email, _now())
    if sub is None:
        return _message(request, "Email digest", "This subscription no longer exists.", 404)
    manage = make_token(request.app.state.settings, "manage", sub_id, email)
    return RedirectResponse(f"/digests/manage?token={manage}&confirmed=1", status_code=303)


@router.get("/digests/manage")
def manage_form(request: Request, token: str = "") -> Response:
    try:
        sub_id, email = _read(request, "manage", token)
    except BadToken as exc:
        return _message(request, "Email digest", str(exc), 400)
    with Session(request.app.state.engine) as session:
        sub = service.find(session, sub_id, email)
        if sub is None:
            return _message(request, "Email digest", "This subscription no longer exists.", 404)
        return _manage_page(request, sub, token)


def _manage_page(
    request: Request, sub: Subscription, token: str, error: service.DigestError | None = None
) -> Response:
    settings = request.app.state.settings
    return _page(
        request,
        "digests/manage.html",
        400 if error else 200,
        title="Your email digest",
        sub=sub,
        token=token,
        error=str(error) if error else None,
        error_field=error.field if error else None,
        weekdays=WEEKDAYS,
        zones=service.zone_names(),
        local_time=datetime.now(zone(sub.timezone)).strftime("%H:%M %Z"),
        unsubscribe=make_token(settings, "unsubscribe", sub.id, sub.email),
    )


def _int(value: str, default: int) -> int:
    try:
        return int(value)
    except ValueError:
        return default


@router.post("/digests/manage", dependencies=[Csrf])
def manage(
    request: Request,
    token: Text = "",
    frequency: Text = "daily",
    weekday: Text = "0",
    hour: Text = "8",
    timezone: Text = "UTC",
    max_papers: Text = "10",
    trending: Text = "",
    categories: Text = "",
    keywords: Text = "",
    authors: Text = "",
    skip_empty: Text = "",
) -> Response:
    try:
        sub_id, email = _read(request, "manage", token)
    except BadToken as exc:
        return _message(request, "Email digest", str(exc), 400)
    prefs = service.Preferences(
        frequency=frequency,
        weekday=_int(weekday, -1),
        hour=_int(hour, -1),
        timezone=timezone.strip(),
        max_papers=_int(max_papers, 0),
        trending=bool(trending),
        categories=categories,
        keywords=keywords,
        authors=authors,
        skip_empty=bool(skip_empty),
    )
    with Session(request.app.state.engine) as session:
        sub = service.find(session, sub_id, email)
        if sub is None:
            return _message(request, "Email digest", "This subscription no longer exists.", 404)
        try:
            service.update(sub, prefs)
        except service.DigestError as exc:
            session.rollback()
            for key, value in vars(prefs).items():  # show what was typed, with the error
                setattr(sub, key, value)
            return _manage_page(request, sub, token, exc)
        session.commit()
    return RedirectResponse(f"/digests/manage?token={token}&saved=1", status_code=303)


@router.get("/digests/unsubscribe")
def unsubscribe_form(request: Request, token: str = "") -> Response:
    try:
        _read(request, "unsubscribe", token)
    except BadToken as exc:
        return _message(request, "Unsubscribe", str(exc), 400)
    return _page(request, "digests/unsubscribe.html", title="Unsubscribe", token=token)


@router.post("/digests/unsubscribe")
def unsubscribe(request: Request, token: str = "") -> Response:
    """One click (RFC 8058): mail clients POST `List-Unsubscribe=One-Click` to this URL,
    without cookies; the signed token is the authority, so no CSRF token is asked for."""
    try:
        sub_id, email = _read(request, "unsubscribe", token)
    except BadToken as exc:
        return _message(request, "Unsubscribe", str(exc), 400)
    with Session(request.app.state.engine) as session, session.begin():
        service.unsubscribe(session, sub_id, email, _now())
    return _message(
        request, "Unsubscribed", f"{email} will get no more digests. Sorry to see you go."
    )


@router.get("/account/digest")
def account_digest(
    request: Request, account: Annotated[Account, Depends(required_account)]
) -> Response:
    """From account settings: the account's digest page when it has one; otherwise the
    choice of daily or weekly, which only its POST turns into a subscription."""
    settings = request.app.state.settings
    with read_transaction(request) as conn, Session(bind=conn) as session:
        sub = service.subscription_of(session, account.email)
        found = (sub.id, sub.email) if sub is not None and sub.unsubscribed_at is None else None
    if found is not None:
        manage = make_token(settings, "manage", *found)
        return RedirectResponse(f"/digests/manage?token={manage}", status_code=303)
    return _page(request, "digests/start.html", title="Your email digest", email=account.email)


@router.post("/account/digest", dependencies=[Csrf])
def account_digest_subscribe(
    request: Request,
    account: Annotated[Account, Depends(required_account)],
    frequency: Annotated[str, Form(pattern="^(daily|weekly)$")] = "daily",
) -> Response:
    """Subscribe the account (confirmed at once when its address is), then its digest page."""
    settings = request.app.state.settings
    with Session(request.app.state.engine) as session, session.begin():
        sub, messages = service.subscribe(
            session,
            settings,
            account.email,
            _now(),
            user_id=account.id,
            confirmed=account.verified,
        )
        sub.frequency = frequency
        sub_id, email = sub.id, sub.email
    if messages:
        request.app.state.outbox.send(messages)
        return _message(
            request, "Check your email", "Confirm your address first: we sent you a link."
        )
    manage = make_token(settings, "manage", sub_id, email)
    return RedirectResponse(f"/digests/manage?token={manage}&confirmed=1", status_code=303)


@router.get("/admin/digests")
def admin(request: Request, account: Annotated[Account, Depends(required_account)]) -> Response:
    if account.role != "admin":
        raise HTTPException(403, "Only administrators can see this page.")
    engine = request.app.state.engine
    with Session(engine) as session:
        suspended = session.scalars(
            select(Subscription).where(Subscription.suspended_at.is_not(None))
        ).all()
        active = session.scalar(
            select(delivery.func.count()).select_from(Subscription).where(*delivery.active())
        )
    return _page(
        request,
        "digests/admin.html",
        title="Digests",
        counts=delivery.status_counts(engine),
        recent=delivery.recent(engine),
        suspended=suspended,
        active=active,
    )
