"""The report's data: read the register once, compute the indicators, the tables and the forward view.

The result is the JSON for the facilitator's own use (exact counts, said in ``donnees``); the
published files (spreadsheet, Word, PDF) are made from it with small cells hidden (``secret``).

Memory stays flat however large the register (issue 22): the rows come from SQLite person by
person and are counted a batch of whole people at a time (``indicateurs.Compteur``); each
person's path goes to a file as soon as it is known (``flux.Flux``). What the report holds
grows with the contracts and the codes, never with the rows or the people.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

from clause_kit.bilan.agregats import ajouter, cle_periode, incomplet
from clause_kit.bilan.flux import Flux
from clause_kit.bilan.indicateurs import Compteur, HeuresAgregees, Ligne, heures, marches_de_la_periode
from clause_kit.bilan.periode import Periode, periode_mois
from clause_kit.bilan.prevision import Prevision
from clause_kit.bilan.secret import seuil_secret
from clause_kit.bilan.tableaux import heures_de_la_periode, parcours, rangee_marche
from clause_kit.commun.codes import normaliser
from clause_kit.commun.erreurs import ErreurDonnees
from clause_kit.commun.parametres import charger_parametres
from clause_kit.suivi.etat import etats_marches
from clause_kit.suivi.registre import Registre

__all__ = ["INDICATEURS_PRECEDENTS", "LIGNES_PAR_LOT", "diviseur_etp", "etablir_bilan"]

#: Rows counted at a time (whole people: a batch ends with a person's last row).
LIGNES_PAR_LOT = 500

#: The headline figures repeated for the previous period.
INDICATEURS_PRECEDENTS = (
    "marches",
    "donneurs_ordre",
    "entreprises",
    "personnes",
    "contrats_travail",
    "heures_realisees",
    "etp",
    "cdi",
)


def diviseur_etp() -> int:
    """Hours per full-time equivalent of the reports (``parametres.yaml``, 1 607)."""
    return int(charger_parametres().brut["bilan"]["diviseur_etp"])


def _choisir_donneur(marches: list[dict[str, Any]], donneur: str) -> str:
    """The buyer's name as registered, from a name typed in any case, with or without accents.

    The name exactly as registered comes first: « Saint Zacharie » and « SAINT-ZACHARIE » are two
    buyers that only the exact name tells apart (each gets its own report).
    """
    noms = sorted({m["acheteur"] for m in marches})
    cherche = normaliser(donneur)
    trouves = (
        [n for n in noms if n == donneur]
        or [n for n in noms if normaliser(n) == cherche]
        or [n for n in noms if cherche in normaliser(n)]
    )
    if len(trouves) != 1:
        raison = "inconnu" if not trouves else f"ambigu ({', '.join(trouves)})"
        raise ErreurDonnees(
            f"donneur d'ordre « {donneur} » {raison} ; donneurs d'ordre du registre : {', '.join(noms)}"
        )
    return trouves[0]


class Lecture(NamedTuple):
    """What the register holds for a period besides its rows: purged hours, hours per month."""

    agregees: list[HeuresAgregees]
    mensuelles: list[tuple[str, int]]


class _Mois(NamedTuple):
    """Hours per buyer and month, of the rows in force and of purged people, over every month."""

    declarees: list[tuple[str, str, int]]
    agregees: list[HeuresAgregees]

    def bornes(self) -> tuple[str | None, str | None]:
        """The first and last month the register has rows or aggregates for."""
        mois = [m for _, m, _ in self.declarees] + [a.mois for a in self.agregees]
        return (min(mois), max(mois)) if mois else (None, None)

    def lecture(self, periode: Periode, acheteur: str | None) -> Lecture:
        """The period's part, for one buyer or all."""
        dans = periode.premier, periode.dernier

        def retenu(nom: str, mois: str) -> bool:
            return dans[0] <= mois <= dans[1] and acheteur in (None, nom)

        return Lecture(
            [a for a in self.agregees if retenu(a.acheteur, a.mois)],
            [(mois, h) for nom, mois, h in self.declarees if retenu(nom, mois)],
        )


class _Purges(NamedTuple):
    """The counts the purges kept for the period and the previous one (None when none), and whether some lack."""

    periode: dict[str, Any] | None
    precedente: dict[str, Any] | None
    incomplet: bool

    @classmethod
    def lire(cls, registre: Registre, periode: Periode, precedente: Periode, portee: str) -> _Purges:
        if not registre.a_des_agregats_bilan():
            return cls(None, None, False)
        cle, cle_avant = cle_periode(periode), cle_periode(precedente)
        return cls(
            registre.agregat_bilan(cle, portee) if cle else None,
            registre.agregat_bilan(cle_avant, portee) if cle_avant else None,
            cle is None,
        )

    @staticmethod
    def completer(compteur: Compteur, comptes: dict[str, Any] | None, diviseur: int) -> dict[str, Any]:
        """The indicators of the rows in force, plus the people purged since."""
        indicateurs = compteur.indicateurs()
        if comptes is not None:
            ajouter(indicateurs, comptes, compteur.titulaires, diviseur)
        return indicateurs


def _par_personnes(lignes: Iterable[tuple[Any, ...]], acheteur: str | None) -> Iterator[list[Ligne]]:
    """The register's rows (given person by person) in batches of whole people, of one buyer or all."""
    lot: list[Ligne] = []
    for brute in lignes:
        ligne = Ligne._make(brute)
        if acheteur is not None and ligne.acheteur != acheteur:
            continue
        if len(lot) >= LIGNES_PAR_LOT and ligne.participant != lot[-1].participant:
            yield lot
            lot = []
        lot.append(ligne)
    if lot:
        yield lot


def _compter(
    base: Path, periode: Periode, acheteur: str | None, compteur: Compteur, chemins: Flux | None = None
) -> Compteur:
    """Count the period's rows, on a connection of their own (the caller reads the rest meanwhile).

    With ``chemins``, each person's path is appended to it, in the order of the codes.
    """
    with Registre(base, lecture=True) as registre:
        registre.lire_en_flux()
        for lot in _par_personnes(registre.lignes_bilan(periode.premier, periode.dernier), acheteur):
            compteur.ajouter(lot)
            if chemins is not None:
                chemins.etendre(parcours([ligne for ligne in lot if ligne.heures_c > 0]))
    return compteur


#: How many times a report is made again when the register changed while it was read.
ESSAIS_STABLES = 3


def etablir_bilan(
    base: Path, periode: Periode | None = None, *, donneur_ordre: str | None = None, diviseur: int | None = None
) -> dict[str, Any]:
    """The report of a period (everything the register holds when None), for one buyer or all.

    ``detail_marches`` and ``parcours`` are ``Flux``: a row per contract and people's paths, read
    from a temporary file as they are iterated. The report reads the register on several
    connections (the rows are counted beside the rest), each its own snapshot: when an import
    commits meanwhile (the journal's position moves), it is made again, so that it never mixes
    two states of the register.
    """
    for _ in range(ESSAIS_STABLES):
        avant = _position(base)
        bilan = _etablir(base, periode, donneur_ordre=donneur_ordre, diviseur=diviseur)
        if _position(base) == avant:
            return bilan
    raise ErreurDonnees(
        f"{base} : le registre a changé pendant chacun des {ESSAIS_STABLES} essais du bilan (imports en cours ?) ; "
        "relancez la commande quand ils sont finis"
    )


def _position(base: Path) -> int:
    with Registre(base, lecture=True) as registre:
        return registre.position_journal()


def _etablir(base: Path, periode: Periode | None, *, donneur_ordre: str | None, diviseur: int | None) -> dict[str, Any]:
    diviseur = diviseur or diviseur_etp()
    with Registre(base, lecture=True) as registre, ThreadPoolExecutor(max_workers=1) as fond:
        registre.lire_en_flux()
        # Every month at once: the same scan of the index gives the register's bounds, the
        # period's months and whether a previous period has hours.
        tous = _Mois(
            registre.heures_par_mois_bilan("0000-01", "9999-12"),
            [HeuresAgregees._make(r) for r in registre.heures_agregees_bilan("0000-01", "9999-12")],
        )
        premier, dernier = tous.bornes()
        if periode is None:
            if premier is None or dernier is None:
                raise ErreurDonnees(f"{base} : aucune heure déclarée dans le registre ; importez d'abord des fiches")
            periode = periode_mois(premier, dernier)
        precedente = periode.precedente()
        marches = registre.marches_bilan()
        acheteur = _choisir_donneur(marches, donneur_ordre) if donneur_ordre else None
        if acheteur is not None:
            marches = [m for m in marches if m["acheteur"] == acheteur]
        lecture = tous.lecture(periode, acheteur)
        chemins = Flux()
        # The period's rows are the longest read (SQLite sums 100 000 months in about a second,
        # without the GIL): they are counted on a second connection while this one reads the rest.
        a_compter = fond.submit(
            _compter,
            base,
            periode,
            acheteur,
            Compteur(marches, lecture.agregees, periode, diviseur, lecture.mensuelles),
            chemins,
        )
        # Everything as of the end of the period: months imported since do not change a past report.
        types_declares = registre.heures_par_type_contrat(periode.au.isoformat(), periode.dernier)
        # Each contract's state goes to a file as it comes: read back beside the contracts below.
        etats = Flux(etats_marches(base, periode.au + datetime.timedelta(days=1), periode.dernier))
        purges = _Purges.lire(registre, periode, precedente, acheteur or "")
        formation = [
            (c, comptees)
            for nom, c, comptees in registre.heures_formation_bilan(periode.premier, periode.dernier)
            if acheteur in (None, nom)
        ]
        avant = None
        if premier and premier <= precedente.dernier:
            anciennes = tous.lecture(precedente, acheteur)
            avant = _compter(
                base,
                precedente,
                acheteur,
                Compteur(marches, anciennes.agregees, precedente, diviseur, anciennes.mensuelles),
            )
        compteur = a_compter.result()
    agregees = lecture.agregees
    bilan: dict[str, Any] = {
        "periode": {"du": periode.du.isoformat(), "au": periode.au.isoformat(), "libelle": periode.libelle},
        "donneur_ordre": acheteur,
        "donnees": "exactes, pour l'usage interne du facilitateur : les effectifs de moins de "
        f"{seuil_secret()} personnes ne sont masqués que dans les documents publiés (Word, PDF, classeur)",
        "seuil_secret": seuil_secret(),
        **purges.completer(compteur, purges.periode, diviseur),
    }
    # Training hours apart from hours worked: all those declared, and those the contracts count as insertion.
    bilan["heures_formation"] = heures(sum(c for c, _ in formation))
    bilan["heures_formation_comptees"] = heures(sum(c for _, c in formation))
    if purges.incomplet and agregees:
        bilan["personnes_purgees"] = incomplet(periode)
    if avant is not None:
        avant_bilan = purges.completer(avant, purges.precedente, diviseur)
        bilan["precedente"] = {
            "du": precedente.du.isoformat(),
            "au": precedente.au.isoformat(),
            "libelle": precedente.libelle,
            **{cle: avant_bilan[cle] for cle in INDICATEURS_PRECEDENTS},
        }
    else:
        bilan["precedente"] = None
    retenus = marches_de_la_periode(marches, compteur.references | {a.reference for a in agregees}, periode)
    references = {m["reference"] for m in retenus}
    periode_c = heures_de_la_periode(compteur.par_lot, agregees)
    prevision = Prevision(types_declares, periode)
    # A row per contract, on disk as the paths are: the states of 3 000 contracts are never all in memory.
    detail = Flux()
    for marche, courant in _apparier(marches, etats):
        prevision.ajouter(marche, courant)
        if courant is not None and marche["reference"] in references:
            detail.ajouter(rangee_marche(marche, courant, periode_c))
    etats.fermer()
    bilan["detail_marches"] = detail
    bilan["parcours"] = chemins
    bilan["prevision"] = prevision.resultat()
    return bilan


def _apparier(
    marches: Iterable[dict[str, Any]], etats: Iterable[dict[str, Any]]
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Each contract with its state (None without one: an award criterion alone), in one pass over both.

    Both come by buyer's name then reference (``Registre.marches_bilan``, ``suivi.etat.etats_marches``),
    so the states are read once, in step with the contracts, and never held all at once.
    """
    suite = iter(etats)
    courant = next(suite, None)
    for marche in marches:
        cle = (marche["acheteur"], marche["reference"])
        while courant is not None and (courant["acheteur"], courant["reference"]) < cle:
            courant = next(suite, None)
        trouve = courant is not None and courant["reference"] == marche["reference"]
        yield marche, courant if trouve else None
