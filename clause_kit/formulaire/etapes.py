"""The pages of the form in the officer's order, and where each message goes.

The steps claim parts of the field tree by path; the deepest claim wins, so a key added to
the model shows on the step of its block with nothing to declare here. Each message of the
loader goes beside the field its path names, or beside the nearest block shown, or at the
top of the page when it concerns the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clause_kit.commun.erreurs import Probleme
from clause_kit.formulaire.champs import Champ, chemin_de_champ, trouver_cible
from clause_kit.marche.modele import SOMME_DES_LOTS, Chemin

__all__ = ["ETAPES", "Etape", "Placement", "etape_de", "libelle_de", "placer", "repartir"]


@dataclass(frozen=True)
class Etape:
    """One page of the form: its anchor, its title and the parts of the tree it shows."""

    ancre: str
    titre: str
    chemins: tuple[Chemin, ...]


ETAPES = (
    Etape("acheteur", "Acheteur", (("acheteur",),)),
    Etape("marche", "Marché", (("marche",),)),
    Etape("lots", "Lots", (("marche", "lots"),)),
    Etape("clause", "Clause d'exécution", (("insertion",),)),
    Etape("criteres", "Critères d'attribution", (("marche", "criteres"), ("insertion", "article_53"))),
    Etape("facilitateur", "Facilitateur", (("facilitateur",),)),
)


def _etape_de(chemin: Chemin) -> str | None:
    """The step that claims ``chemin`` most precisely (the deepest claim above or at it)."""
    meilleure, profondeur = None, -1
    for etape in ETAPES:
        for c in etape.chemins:
            if chemin[: len(c)] == c and len(c) > profondeur:
                meilleure, profondeur = etape.ancre, len(c)
    return meilleure


def repartir(racine: Champ) -> list[tuple[Etape, list[Champ], set[Chemin]]]:
    """For each step: the fields it shows, and the paths below them that other steps show instead."""
    pages: list[tuple[Etape, list[Champ], set[Chemin]]] = []
    for etape in ETAPES:
        champs = [c for c in _noeuds(racine) if c.chemin in etape.chemins]
        exclus = {c.chemin for c in _noeuds(racine) if _etape_de(c.chemin) not in (etape.ancre, None)}
        pages.append((etape, champs, exclus))
    # A top-level key no step claims (added to the model later) still gets shown: on the last step.
    orphelins = [c for c in racine.enfants if _etape_de(c.chemin) is None]
    if orphelins:
        pages[-1][1].extend(orphelins)
    return pages


def _noeuds(champ: Champ) -> list[Champ]:
    resultat = []
    for enfant in champ.enfants:
        resultat.append(enfant)
        resultat += _noeuds(enfant)
    return resultat


@dataclass
class Placement:
    """Messages by field id, and the list of all of them (those about the whole file have no id)."""

    par_champ: dict[str, list[str]] = field(default_factory=dict)
    #: (field path as the loader writes it, message, id of the field or "") in the loader's order.
    liste: list[tuple[str, str, str]] = field(default_factory=list)
    #: For each message of ``liste``: the field's name in the officer's words (« Lots › Lot n° 2 ›
    #: Montant HT »), and the title of the step that shows it ("" for the whole file).
    noms: list[tuple[str, str]] = field(default_factory=list)


def libelle_de(racine: Champ, cible: Champ) -> str:
    """The French name of a field: its blocks' titles then its own, never a YAML key."""
    titres, courant = [], racine
    for partie in cible.chemin:
        suivant = next((e for e in courant.enfants if e.chemin[-1] == partie), None)
        if suivant is None:
            break
        if isinstance(partie, int):
            titres.append(f"{suivant.titre} n° {partie + 1}")
        elif suivant.titre != partie:  # a block without a French title: its step names it
            titres.append(suivant.titre)
        courant = suivant
    return " › ".join(titres)


def etape_de(chemin: Chemin) -> Etape | None:
    """The step that shows the field at ``chemin``."""
    ancre = _etape_de(chemin)
    return next((e for e in ETAPES if e.ancre == ancre), None)


#: The loader names the contract's amount when the lots do not add up to it; the officer is typing the
#: lots: the message goes beside them too, and the summary links to them.
_SOMME_DES_LOTS = (SOMME_DES_LOTS, ("marche", "montant_ht"), ("marche", "lots"))


def placer(racine: Champ, problemes: list[Probleme]) -> Placement:
    """Put each problem beside its field (its exact message), or among the messages about the whole file."""
    placement = Placement()
    debut, montant, lots = _SOMME_DES_LOTS
    champ_lots = trouver_cible(racine, lots)
    for probleme in problemes:
        cible = trouver_cible(racine, chemin_de_champ(probleme.champ)) if probleme.champ else None
        if (
            cible is not None
            and cible.chemin == montant
            and probleme.message.startswith(debut)
            and champ_lots is not None
            and champ_lots.chemin == lots
        ):
            placement.par_champ.setdefault(cible.ident, []).append(probleme.message)
            cible = champ_lots
        if cible is not None:
            placement.par_champ.setdefault(cible.ident, []).append(probleme.message)
            etape = etape_de(cible.chemin)
            placement.noms.append((libelle_de(racine, cible), etape.titre if etape is not None else ""))
        else:
            placement.noms.append(("", ""))
        placement.liste.append((probleme.champ, probleme.message, cible.ident if cible is not None else ""))
    return placement
