"""The user's own account on the multi-user server: who they are and whom they may see, and
for an athlete their profile (heart rate, paces, days, equipment, units: what their sessions
are analysed and judged with), their coaches (invite, revoke: consent is theirs to give and
take back) and who looked at their data (the access log)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Body, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from legday.errors import ForbiddenError
from legday.model import PROFILE_KEYS, AthleteProfile

from ..auth import Auth

if TYPE_CHECKING:
    from legday.store.library import Library

__all__ = ["router"]

router = APIRouter()

CoachName = Annotated[str, Body(embed=True, max_length=80, description="The coach's login.")]


def _acting(request: Request) -> Any:
    auth: Auth = request.state.auth
    return request.app.state.libraries.get().db.acting_as(auth.user.id)


def _athlete(request: Request) -> str:
    """The acting user's login, when they are an athlete (only an athlete has coaches)."""
    auth: Auth = request.state.auth
    if auth.user.athlete_id is None:
        raise ForbiddenError(
            f"{auth.user.login} is a {auth.user.role.value}: only athletes have coaches"
        )
    return auth.user.login


def _own_library(request: Request) -> Library:
    """The acting athlete's own library, with their stored profile."""
    from legday.accounts.store import athlete_library

    _athlete(request)
    auth: Auth = request.state.auth
    what = f"{request.method} {request.url.path}"
    base = request.app.state.libraries.get()
    return athlete_library(base, auth.user, None, what, request.app.state.multi_user.clock)


def _set_profile(request: Request, changes: dict[str, Any]) -> AthleteProfile:
    """The athlete's profile with ``changes`` (key → value, as :meth:`AthleteProfile.to_dict`
    or a form's text gives it), validated and stored. :class:`ConfigError` (400) names a bad
    key or value, and nothing is stored."""
    lib = _own_library(request)
    lib.save_profile(AthleteProfile.from_dict({**lib.profile.to_dict(), **changes}))
    return lib.profile


def _profile_text(profile: AthleteProfile) -> dict[str, str]:
    """Each profile value as the form shows it and :meth:`AthleteProfile.with_value` reads it
    back (a pace as m:ss per km; a list comma-separated; unset as empty)."""
    text = {}
    for key, value in profile.to_dict().items():
        if isinstance(value, list):
            text[key] = ",".join(str(v) for v in value)
        elif value is None:
            text[key] = ""
        elif key == "threshold_pace_s_per_km":
            text[key] = f"{value // 60}:{value % 60:02d}"
        else:
            text[key] = str(value)
    return text


def _account(request: Request) -> dict[str, Any]:
    from legday.accounts.store import access_log, coaches_of, visible_athletes

    auth: Auth = request.state.auth
    db = _acting(request)
    own = auth.user.athlete_id
    return {
        "login": auth.user.login,
        "role": auth.user.role.value,
        "athletes": [
            {"name": v.name, "login": v.login, "right": v.access.right.name.lower()}
            for v in visible_athletes(db, auth.user)
        ],
        "coaches": [c.to_dict() for c in coaches_of(db, auth.user.login)] if own else [],
        "access": [e.to_dict() for e in access_log(db, own)] if own else [],
        "profile": _own_library(request).profile.to_dict() if own else None,
    }


@router.get("/api/account", tags=["api"], summary="Who I am, whom I see, my coaches, who looked")
def account_api(request: Request) -> Response:
    return JSONResponse(_account(request))


@router.get("/api/account/access", tags=["api"], summary="Who looked at my data, newest first")
def access_api(request: Request) -> Response:
    return JSONResponse({"access": _account(request)["access"]})


@router.post("/api/account/coaches", tags=["api"], summary="Let a coach see my data")
def invite_api(
    request: Request,
    coach: CoachName,
    can_edit: Annotated[bool, Body(embed=True, description="Edit labels, notes, plans.")] = False,
) -> Response:
    _invite(request, coach, can_edit)
    return JSONResponse({"coaches": _account(request)["coaches"]})


@router.post(
    "/api/account/coaches/{coach}/revoke", tags=["api"], summary="Stop a coach seeing my data"
)
def revoke_api(request: Request, coach: str) -> Response:
    _revoke(request, coach)
    return JSONResponse({"coaches": _account(request)["coaches"]})


@router.get("/api/account/profile", tags=["api"], summary="My athlete profile")
def profile_api(request: Request) -> Response:
    return JSONResponse({"profile": _own_library(request).profile.to_dict()})


@router.post(
    "/api/account/profile",
    tags=["api"],
    summary="Set values of my athlete profile (my sessions are judged with it)",
)
def set_profile_api(
    request: Request,
    changes: Annotated[
        dict[str, Any],
        Body(
            description='Profile keys and values, e.g. {"hr_max": 188, "lthr": 171}; '
            "null unsets. Keys: " + ", ".join(PROFILE_KEYS) + "."
        ),
    ],
) -> Response:
    return JSONResponse({"profile": _set_profile(request, changes).to_dict()})


def _invite(request: Request, coach: str, can_edit: bool) -> None:
    from legday.accounts.store import link_coach

    link_coach(
        _acting(request),
        _athlete(request),
        coach,
        request.app.state.multi_user.clock,
        can_edit=can_edit,
    )


def _revoke(request: Request, coach: str) -> None:
    from legday.accounts.store import revoke_coach

    revoke_coach(_acting(request), _athlete(request), coach, request.app.state.multi_user.clock)


@router.get("/account", response_class=HTMLResponse, include_in_schema=False)
def account_page(request: Request) -> Response:
    account = _account(request)
    shown = _profile_text(AthleteProfile.from_dict(account["profile"] or {}))
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "account.html", {"page": "account", "profile_text": shown, **account}
    )


@router.post("/account/profile", include_in_schema=False)
async def profile_form(request: Request) -> Response:
    form = await request.form()
    changes = {k: str(form[k]) for k in PROFILE_KEYS if isinstance(form.get(k), str)}
    await run_in_threadpool(_set_profile, request, changes)  # the database, off the event loop
    return RedirectResponse("/account#profile", status_code=303)


@router.post("/account/coaches", include_in_schema=False)
def invite_form(
    request: Request,
    coach: Annotated[str, Form(max_length=80)],
    can_edit: Annotated[str, Form()] = "",
) -> Response:
    _invite(request, coach.strip(), bool(can_edit))
    return RedirectResponse("/account", status_code=303)


@router.post("/account/coaches/{coach}/revoke", include_in_schema=False)
def revoke_form(request: Request, coach: str) -> Response:
    _revoke(request, coach)
    return RedirectResponse("/account", status_code=303)
