"""The user's own account on the multi-user server: who they are and whom they may see, and
for an athlete their coaches (invite, revoke: consent is theirs to give and take back) and who
looked at their data (the access log)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from legday.errors import ForbiddenError

from ..auth import Auth

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
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "account.html", {"page": "account", **_account(request)}
    )


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
