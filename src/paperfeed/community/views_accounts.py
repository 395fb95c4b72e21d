"""Account pages: sign up, verify, log in and out, password reset, settings, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from paperfeed.community import accounts, api_tokens
from paperfeed.community.accounts import Account, AccountError, now_utc
from paperfeed.email.message import Message
from paperfeed.web.auth import COOKIE, required_account, set_session_cookie
from paperfeed.web.csrf import check_csrf
from paperfeed.web.deps import read_transaction
from paperfeed.web.ratelimit import client_ip

router = APIRouter(include_in_schema=False)
Csrf = Depends(check_csrf)
Text = Annotated[str, Form(max_length=2000)]
Secret = Annotated[str, Form(max_length=2000)]


def _page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    return request.app.state.templates.TemplateResponse(
        request, template, {"page_title": context.pop("title", None), **context}, status_code=status
    )


def _limit(request: Request, *extra: str) -> None:
    request.app.state.rate_limits.hit("auth", f"ip:{client_ip(request)}", *extra)


def _send_after_commit(request: Request, messages: list[Message]) -> None:
    request.app.state.outbox.send(messages)


@router.get("/signup")
def signup_form(request: Request) -> Response:
    return _page(request, "auth/signup.html", title="Sign up")


@router.post("/signup", dependencies=[Csrf])
def signup(request: Request, email: Text, password: Secret, display_name: Text = "") -> Response:
    _limit(request)
    settings = request.app.state.settings
    try:
        with request.app.state.engine.begin() as conn:
            messages = accounts.signup(
                conn,
                email=email,
                password=password,
                display_name=display_name,
                base_url=settings.base_url,
                now=now_utc(),
            )
    except AccountError as exc:
        return _page(
            request,
            "auth/signup.html",
            400,
            title="Sign up",
            error=str(exc),
            email=email,
            display_name=display_name,
        )
    _send_after_commit(request, messages)
    return _page(
        request,
        "auth/check_email.html",
        title="Check your email",
        what="a link to confirm your address",
    )


@router.get("/verify")
def verify(request: Request, token: str = "") -> Response:
    with request.app.state.engine.begin() as conn:
        user_id = accounts.verify_email(conn, token[:200], now_utc()) if token else None
    if user_id is None:
        return _page(
            request,
            "auth/message.html",
            400,
            title="Link not valid",
            message="This confirmation link is unknown, used or expired. Log in and "
            "ask for a new one from your account page.",
        )
    return _page(
        request,
        "auth/message.html",
        title="Email confirmed",
        message="Your address is confirmed: you can submit, upvote and comment.",
        link=("/login", "Log in"),
    )


@router.get("/login")
def login_form(request: Request, next: str = "/papers") -> Response:
    return _page(request, "auth/login.html", title="Log in", next=_safe_next(next))


@router.post("/login", dependencies=[Csrf])
def login(request: Request, email: Text, password: Secret, next: Text = "/papers") -> Response:
    _limit(request)
    limits = request.app.state.rate_limits
    attempt = f"{client_ip(request)}|{email.strip().lower()[:320]}"
    limits.check("login-failure", attempt)
    with request.app.state.engine.begin() as conn:
        account = accounts.authenticate(conn, email, password)
        raw = accounts.start_session(conn, account.id, now_utc()) if account else None
    if raw is None:
        limits.count("login-failure", attempt)
        return _page(
            request,
            "auth/login.html",
            400,
            title="Log in",
            email=email,
            error="Wrong email or password.",
            next=_safe_next(next),
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, raw, request.app.state.settings.secure_cookies)
    return response


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request) -> Response:
    raw = request.cookies.get(COOKIE)
    if raw:
        with request.app.state.engine.begin() as conn:
            accounts.end_session(conn, raw)
    response = RedirectResponse("/papers", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/password/forgot")
def forgot_form(request: Request) -> Response:
    return _page(request, "auth/forgot.html", title="Reset your password")


@router.post("/password/forgot", dependencies=[Csrf])
def forgot(request: Request, email: Text) -> Response:
    _limit(request, f"email:{email.strip().lower()[:320]}")
    settings = request.app.state.settings
    with request.app.state.engine.begin() as conn:
        messages = accounts.request_reset(conn, email, settings.base_url, now_utc())
    _send_after_commit(request, messages)
    return _page(
        request,
        "auth/check_email.html",
        title="Check your email",
        what="a link to choose a new password, if an account uses that address",
    )


@router.get("/password/reset")
def reset_form(request: Request, token: str = "") -> Response:
    return _page(request, "auth/reset.html", title="Choose a new password", token=token[:200])


@router.post("/password/reset", dependencies=[Csrf])
def reset(request: Request, token: Text, password: Secret) -> Response:
    _limit(request)
    try:
        with request.app.state.engine.begin() as conn:
            accounts.reset_password(conn, token, password, now_utc())
    except AccountError as exc:
        return _page(
            request,
            "auth/reset.html",
            400,
            title="Choose a new password",
            token=token,
            error=str(exc),
        )
    return _page(
        request,
        "auth/message.html",
        title="Password changed",
        message="Your password is changed and every old session is logged out.",
        link=("/login", "Log in"),
    )


Me = Annotated[Account, Depends(required_account)]


@router.get("/account")
def account_page(request: Request, me: Me) -> Response:
    return _account_page(request, me)


def _account_page(request: Request, me: Account, status: int = 200, **extra: Any) -> Response:
    with read_transaction(request) as conn:
        tokens = api_tokens.list_tokens(conn, me)
    return _page(
        request, "auth/account.html", status, title="Your account", me=me, tokens=tokens, **extra
    )


@router.post("/account/tokens", dependencies=[Csrf])
def token_create(request: Request, me: Me, name: Text = "") -> Response:
    _limit(request, f"user:{me.id}")
    try:
        with request.app.state.engine.begin() as conn:
            raw = api_tokens.create_token(conn, me, name, now_utc())
    except AccountError as exc:
        return _account_page(request, me, 400, error=str(exc))
    return _account_page(request, me, new_token=raw)


@router.post("/account/tokens/{token_id}/revoke", dependencies=[Csrf])
def token_revoke(request: Request, me: Me, token_id: int) -> Response:
    with request.app.state.engine.begin() as conn:
        api_tokens.revoke_token(conn, me, token_id, now_utc())
    return RedirectResponse("/account#tokens", status_code=303)


@router.post("/account", dependencies=[Csrf])
def account_update(request: Request, me: Me, display_name: Text) -> Response:
    try:
        with request.app.state.engine.begin() as conn:
            accounts.change_settings(conn, me, display_name=display_name)
    except AccountError as exc:
        return _account_page(request, me, 400, error=str(exc))
    return RedirectResponse("/account?saved=1", status_code=303)


@router.post("/account/password", dependencies=[Csrf])
def account_password(
    request: Request, me: Me, current_password: Secret, new_password: Secret
) -> Response:
    _limit(request, f"user:{me.id}")
    try:
        with request.app.state.engine.begin() as conn:
            accounts.change_password(
                conn,
                me,
                current_password,
                new_password,
                now=now_utc(),
                keep_session=request.cookies.get(COOKIE),
            )
    except AccountError as exc:
        return _account_page(request, me, 400, error=str(exc))
    return RedirectResponse("/account?saved=1", status_code=303)


@router.post("/account/verify-email", dependencies=[Csrf])
def resend_verification(request: Request, me: Me) -> Response:
    _limit(request, f"user:{me.id}")
    if not me.verified:
        with request.app.state.engine.begin() as conn:
            message = accounts.verification_email(
                conn, me.id, me.email, request.app.state.settings.base_url, now_utc()
            )
        _send_after_commit(request, [message])
    return _page(
        request,
        "auth/check_email.html",
        title="Check your email",
        what="a new link to confirm your address",
    )


@router.post("/account/delete", dependencies=[Csrf])
def account_delete(request: Request, me: Me, confirm: Text = "") -> Response:
    if confirm.strip().lower() != me.email:
        return _account_page(
            request, me, 400, error="Type your email address to confirm deleting the account."
        )
    with request.app.state.engine.begin() as conn:
        accounts.delete_account(conn, me)
    response = _page(
        request,
        "auth/message.html",
        title="Account deleted",
        message="Your account, sessions and votes are deleted. Your comments stay, "
        "shown as by a deleted account.",
    )
    response.delete_cookie(COOKIE)
    return response


def _safe_next(target: str) -> str:
    """Only same-site paths: no open redirect through ?next=."""
    return target if target.startswith("/") and not target.startswith("//") else "/papers"
