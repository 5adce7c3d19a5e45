"""What keeps the local server the officer's own: Host check, cross-site refusal, CSRF token, sizes, paths.

The server listens on 127.0.0.1 only, but a web page open in the same browser could still
reach it: by DNS rebinding (its own name resolving to 127.0.0.1; refused by the Host check)
or by posting a form across sites (refused by the Origin / Sec-Fetch-Site check and by the
token every form carries). Request bodies are capped before they are read, and a path sent
by the browser is only used once resolved inside DOSSIER.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from clause_kit.commun.erreurs import ClauseKitError
from clause_kit.marche.chargement import TAILLE_MAX

__all__ = ["CORPS_MAX", "ErreurChemin", "Garde", "nouveau_jeton", "resoudre_dans", "jeton_valide"]

#: Largest request body: a contract file (1 MB) and the envelope of its upload, or a form of 500 lots.
CORPS_MAX = 2 * TAILLE_MAX

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Sent with every page: nothing but this server's own scripts, styles and forms.
ENTETES_SECURITE = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    # same-origin, not no-referrer: with no-referrer, Chromium sends « Origin: null » on its own form posts.
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


class ErreurChemin(ClauseKitError):
    """Raised when a path sent by the browser does not lead to a contract file inside DOSSIER."""


def nouveau_jeton() -> str:
    """A fresh CSRF token (one per server: the page that carries it is only served to this machine)."""
    return secrets.token_urlsafe(32)


def jeton_valide(recu: object, attendu: str) -> bool:
    """Whether a posted token is the server's (compared in constant time)."""
    return isinstance(recu, str) and hmac.compare_digest(recu.encode(), attendu.encode())


def resoudre_dans(dossier: Path, relatif: str) -> Path:
    """``relatif`` resolved inside ``dossier`` (links followed); raise ``ErreurChemin`` if it leads outside."""
    racine = dossier.resolve()
    if not relatif or "\x00" in relatif or Path(relatif).is_absolute():
        raise ErreurChemin(f"chemin refusé : « {relatif} » (un chemin relatif au dossier {dossier} est attendu)")
    chemin = (racine / relatif).resolve()
    if racine != chemin and racine not in chemin.parents:
        raise ErreurChemin(f"chemin refusé : « {relatif} » sort du dossier {dossier}")
    return chemin


class Garde:
    """ASGI middleware: refuses foreign Host headers, cross-site writes and oversized bodies."""

    def __init__(self, application: Asgi, hotes: set[str], origines: set[str], corps_max: int = CORPS_MAX) -> None:
        self.application, self.hotes, self.origines, self.corps_max = application, hotes, origines, corps_max

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request, read its body up to the limit, then pass it on with the security headers."""
        if scope["type"] != "http":
            await self.application(scope, receive, send)
            return
        entetes = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refus = self._refus(scope["method"], entetes)
        if refus is not None:
            await _repondre(send, *refus)
            return
        # The body is read here, whole, before the application sees it: past the limit the
        # answer is a clean 413, whatever the body claimed to be (chunked or not).
        corps, fini = bytearray(), scope["method"] in ("GET", "HEAD")
        while not fini:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            corps += message.get("body", b"")
            fini = not message.get("more_body", False)
            if len(corps) > self.corps_max:
                await _repondre(send, 413, _message_taille(self.corps_max))
                return
        rendu = False

        async def recevoir() -> Message:
            nonlocal rendu
            if rendu:
                return await receive()
            rendu = True
            return {"type": "http.request", "body": bytes(corps), "more_body": False}

        async def envoyer(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *ENTETES_SECURITE]
            await send(message)

        await self.application(scope, recevoir, envoyer)

    def _refus(self, methode: str, entetes: dict[str, str]) -> tuple[int, str] | None:
        if entetes.get("host", "") not in self.hotes:
            return 421, (
                f"requête refusée : l'adresse « {entetes.get('host', '')} » n'est pas celle du formulaire "
                f"({' ou '.join(sorted(self.hotes))})"
            )
        if methode in ("GET", "HEAD"):
            return None
        origine = entetes.get("origin")
        if (origine is not None and origine not in self.origines) or entetes.get("sec-fetch-site") == "cross-site":
            return 403, "requête refusée : envoyée depuis un autre site que le formulaire"
        longueur = entetes.get("content-length", "0")
        if not (longueur.isascii() and longueur.isdigit()) or int(longueur) > self.corps_max:
            return 413, _message_taille(self.corps_max)
        return None


def _message_taille(limite: int) -> str:
    return f"requête refusée : plus de {limite // 1_000_000} Mo (un fichier de marché fait au plus 1 Mo)"


async def _repondre(send: Send, statut: int, texte: str) -> None:
    corps = texte.encode("utf-8")
    entetes = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(corps)).encode())]
    await send({"type": "http.response.start", "status": statut, "headers": entetes + ENTETES_SECURITE})
    await send({"type": "http.response.body", "body": corps})
