"""``legday users``: the accounts of a coach's server (``legday serve --multi-user``).

These commands run as the database's owner, the server's administrator: they make and disable
users, grant and revoke coach links, and make and revoke personal API tokens.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from legday import config

from .common import DbOption, console, example, guarded, home, print_json

if TYPE_CHECKING:
    from legday.store.db import Database

USERS_EPILOG = example(
    "legday users add alice --role athlete",
    "legday users add coach-jo --role coach --club 'Harriers'",
    "legday users link alice coach-jo --edit",
    "legday users token create alice --name phone",
)
TOKEN_EPILOG = example(
    "legday users token create alice --name phone", "legday users token revoke alice 3"
)

#: Environment variable a script sets to give ``users add`` the new password without a prompt.
PASSWORD_ENV = config.PASSWORD.name

app = typer.Typer(
    help="Accounts of a coach's server: users, coach links and API tokens.",
    epilog=USERS_EPILOG,
    no_args_is_help=True,
)
tokens = typer.Typer(
    help="Personal API tokens (Authorization: Bearer …), stored hashed.",
    epilog=TOKEN_EPILOG,
    no_args_is_help=True,
)
app.add_typer(tokens, name="token")

Login = Annotated[str, typer.Argument(help="The user's login name.")]
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AthleteLogin = Annotated[str, typer.Argument(help="The athlete's login.")]
CoachLogin = Annotated[str, typer.Argument(help="The coach's login.")]


def _now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def _database(db_url: str | None) -> Iterator[Database]:
    from legday.store.db import open_database

    db = open_database(home().db_url(db_url))
    try:
        yield db
    finally:
        db.dispose()


def _stamp(moment: datetime) -> str:
    """A stored time with its UTC offset (SQLite gives it back without one; it was UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _password(login: str) -> str:
    given = os.environ.get(PASSWORD_ENV)
    if given:
        return given
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt(f"Password for {login}", hide_input=True, confirmation_prompt=True))


@app.command(name="add", epilog=example("legday users add alice --role athlete"))
@guarded
def add(
    login: Login,
    role: Annotated[str, typer.Option("--role", help="athlete, coach or club_admin.")] = "athlete",
    club: Annotated[
        str | None, typer.Option("--club", help="The club they belong to.", show_default=False)
    ] = None,
    db: DbOption = None,
) -> None:
    """Make a user. The password comes from $LEGDAY_PASSWORD, else one line of standard input,
    else a prompt. The first athlete made takes over the single-user history. No --json: it
    says in one line what it made (`legday users list --json` gives the accounts)."""
    from legday.accounts import Passwords, Role, add_user
    from legday.errors import AccountError

    try:
        chosen = Role(role)
    except ValueError:
        raise AccountError(
            f"unknown role {role!r}: use one of {', '.join(r.value for r in Role)}"
        ) from None
    password = _password(login)
    with _database(db) as database:
        user = add_user(
            database,
            login,
            password,
            chosen,
            passwords=Passwords(),
            clock=_now,
            club=club,
            profile=home().profile(),  # the single-user history's, should this athlete take it
        )
    console.print(f"Added {escape(user.login)} ({user.role.value})")


@app.command(name="list", epilog=example("legday users list", "legday users list --json"))
@guarded
def list_(json_out: JsonOut = False, db: DbOption = None) -> None:
    """List every user: role, club, athlete, and whether disabled."""
    from legday.accounts import list_users

    with _database(db) as database:
        users = list_users(database)
    if json_out:
        print_json([{**u, "created_at": _stamp(u["created_at"])} for u in users])
        return
    for u in users:
        off = " [red]disabled[/]" if u["disabled"] else ""
        club = f" · {escape(u['club'])}" if u["club"] else ""
        console.print(f"{escape(u['login'])}  {u['role']}{club}{off}")


@app.command(name="disable", epilog=example("legday users disable alice"))
@guarded
def disable(login: Login, db: DbOption = None) -> None:
    """Disable a user: their sessions end and their tokens stop working at once. No --json:
    it says in one line what it changed."""
    from legday.accounts import disable_user

    with _database(db) as database:
        disable_user(database, login, _now)
    console.print(f"Disabled {escape(login)}")


@app.command(name="link", epilog=example("legday users link alice coach-jo --edit"))
@guarded
def link(
    athlete: AthleteLogin,
    coach: CoachLogin,
    edit: Annotated[
        bool, typer.Option("--edit", help="Let the coach edit labels, notes and plans.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Let a coach see an athlete's data, on the athlete's behalf (read-only unless --edit).
    No --json: it says in one line what it changed."""
    from legday.accounts import link_coach

    with _database(db) as database:
        link_coach(database, athlete, coach, _now, can_edit=edit)
    console.print(f"{escape(coach)} now sees {escape(athlete)}" + (" (may edit)" if edit else ""))


@app.command(name="unlink", epilog=example("legday users unlink alice coach-jo"))
@guarded
def unlink(
    athlete: AthleteLogin,
    coach: CoachLogin,
    db: DbOption = None,
) -> None:
    """Revoke a coach's link to an athlete: from the next request on, they see nothing. No
    --json: it says in one line what it changed."""
    from legday.accounts import revoke_coach

    with _database(db) as database:
        revoke_coach(database, athlete, coach, _now)
    console.print(f"{escape(coach)} no longer sees {escape(athlete)}")


@tokens.command(name="create", epilog=example("legday users token create alice --name phone"))
@guarded
def token_create(
    login: Login,
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "api",
    json_out: JsonOut = False,
    db: DbOption = None,
) -> None:
    """Make a personal API token. It is printed once; only its hash is stored."""
    from legday.accounts import create_token

    with _database(db) as database:
        made, secret = create_token(database, login, name, _now)
    if json_out:
        print_json({"id": made.id, "name": made.name, "token": secret})
        return
    console.print(f"Token {made.id} ({escape(made.name)}) for {escape(login)}: {secret}")
    console.print("It is shown this once: keep it where you keep passwords.")


@tokens.command(name="list", epilog=example("legday users token list alice"))
@guarded
def token_list(login: Login, json_out: JsonOut = False, db: DbOption = None) -> None:
    """List a user's tokens (never the tokens themselves)."""
    from legday.accounts.store import list_tokens

    with _database(db) as database:
        found = list_tokens(database, login)
    if json_out:
        print_json(
            [
                {
                    "id": t.id,
                    "name": t.name,
                    "created_at": _stamp(t.created_at),
                    "revoked": t.revoked,
                }
                for t in found
            ]
        )
        return
    for t in found:
        state = " [red]revoked[/]" if t.revoked else ""
        console.print(f"{t.id}  {escape(t.name)}  {t.created_at:%Y-%m-%d}{state}")


@tokens.command(name="revoke", epilog=example("legday users token revoke alice 3"))
@guarded
def token_revoke(
    login: Login,
    token_id: Annotated[int, typer.Argument(help="The token's id, as `token list` shows it.")],
    db: DbOption = None,
) -> None:
    """Revoke a token: it stops working at once. No --json: it says in one line what it
    changed (`legday users token list --json` gives the tokens)."""
    from legday.accounts import revoke_token

    with _database(db) as database:
        revoke_token(database, login, token_id, _now)
    console.print(f"Revoked token {token_id} of {escape(login)}")
