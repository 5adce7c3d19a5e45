"""Reading the form's pages as a browser without JavaScript would: the pairs it posts, the messages it shows."""

from __future__ import annotations

from html.parser import HTMLParser


class _Lecteur(HTMLParser):
    """Collects the controls of ``<form id="formulaire">`` (outside ``<template>``) and the texts by id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paires: list[tuple[str, str]] = []
        self.textes: dict[str, str] = {}
        self._dans_formulaire = False
        self._modele = 0
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option: list[str] | None = None
        self._pile: list[tuple[str, str | None]] = []

    def handle_starttag(self, balise: str, attributs: list[tuple[str, str | None]]) -> None:
        a = dict(attributs)
        if balise not in ("input", "br", "meta", "link"):
            self._pile.append((balise, a.get("id")))
        if balise == "form" and a.get("id") == "formulaire":
            self._dans_formulaire = True
        if balise == "template":
            self._modele += 1
        if not self._dans_formulaire or self._modele or "disabled" in a:
            return
        if balise == "input" and a.get("name") and a.get("type") != "file":
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.paires.append((str(a["name"]), str(a.get("value") or "")))
        elif balise == "select" and a.get("name"):
            self._select = (str(a["name"]), [])
        elif balise == "option" and self._select is not None:
            self._select[1].append((str(a.get("value") or ""), "selected" in a))

    def handle_endtag(self, balise: str) -> None:
        if balise == "template":
            self._modele -= 1
        if balise == "form":
            self._dans_formulaire = False
        if balise == "select" and self._select is not None:
            nom, options = self._select
            choisies = [v for v, s in options if s] or [options[0][0]]
            self.paires.append((nom, choisies[0]))
            self._select = None
        while self._pile:
            ouverte, _ = self._pile.pop()
            if ouverte == balise:
                break

    def handle_data(self, texte: str) -> None:
        for _, ident in self._pile:
            if ident:
                self.textes[ident] = self.textes.get(ident, "") + texte


def lire_page(html: str) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The (name, value) pairs the form would post, and the text inside each element with an id."""
    lecteur = _Lecteur()
    lecteur.feed(html)
    return lecteur.paires, lecteur.textes
