"""The annual report's indicators: pure functions over the register's rows, national definitions.

Definitions (DOMAINE, national insertion data):

* heures réalisées: hours worked by eligible people on the contracts, in the period (formation
  hours only where the contract counts them), hours of people purged since included;
* participants (``personnes``): distinct people with at least one hour in the period;
* contrats de travail: distinct work contracts (a person, a contract start, on one marché) with
  at least one hour in the period;
* marchés: contracts with a clause that have hours in the period or are executed during it;
  donneurs d'ordre: their buyers; entreprises: the distinct holders of the lots with hours (the
  SIRET of the contract's award block; else the sheet's SIRET, else its name, else one per lot);
* ETP: hours ÷ the divisor (1 607 by default, printed everywhere);
* sorties: the exit written on the last row of each work contract of the period, over every
  work contract that ended in it (``non_renseignee``: ended without a declared exit); the first
  three kinds together are the « sorties dynamiques »; CDI: work contracts of type CDI or CDI
  inclusion;
* ETP annualised (``etp_annualise``, a period that is not twelve months): the ETP of the
  period brought to a year (× 12 ÷ its months), to compare with a yearly report.

Splits: hours always go to the value of their row (every split of hours adds up to the total).
People and work contracts follow one of three rules (``Regle``), chosen for what a reader of
each row expects:

* ``premiere`` (sex, age band, residence): what describes the person; a person counts once,
  under their first row of the period (sex, age band at entry), a work contract under its
  first row: people and contracts add up to the totals;
* ``contrats`` (modality, contract type): what describes a work contract; a row's people are
  those who held at least one work contract of that kind in the period (« 5 CDI » are the
  people who held a CDI, not those whose first contract was one), a work contract counts under
  its first row: contracts add up, people do not (a person in CDD then in CDI is in both rows);
* ``union`` (publics, buyers, articles): a person and a contract count under every value of
  their rows (a person may be in several publics, or work for two buyers).

The splits whose people do not add up say so: « une personne peut relever de plusieurs ».
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter
from typing import Any, Literal, NamedTuple

from clause_kit.bilan.periode import Periode
from clause_kit.commun.codes import codes

__all__ = [
    "ARTICLES",
    "HeuresAgregees",
    "Ligne",
    "Regle",
    "Attribution",
    "Compteur",
    "article_du_marche",
    "attributions",
    "calculer_indicateurs",
    "etp",
    "heures",
    "marches_de_la_periode",
    "regrouper",
    "titulaires",
]

_CENT = Decimal(100)

#: The article splits: an execution condition alone, coupled with an award criterion, a criterion alone.
ARTICLES = {
    "14": "Article 14 seul (condition d'exécution)",
    "14_53": "Articles 14 et 53 couplés",
    "53": "Article 53 seul (critère d'attribution)",
}


class Ligne(NamedTuple):
    """Rows in force of the register (``Registre.lignes_bilan``): a person, a lot, a work contract.

    The register sums the months of a work contract that say the same of the person: ``mois``
    is then the first of them, ``dernier_mois`` the last, ``fin_contrat`` the end the last one
    gives, ``sortie`` the latest exit declared and ``mois_sortie`` its month. A row of one month
    (``dernier_mois`` None) is the same thing for one month.
    """

    acheteur: str
    reference: str
    lot: int
    participant: str
    sexe: str
    tranche_age: str
    residence: str | None
    modalite: str
    siret_employeur: str | None
    siret_titulaire: str | None
    titulaire: str | None
    type_contrat: str
    debut_contrat: str
    fin_contrat: str | None
    mois: str
    heures_c: int
    sortie: str | None
    publics: str | None
    dernier_mois: str | None = None
    mois_sortie: str | None = None

    @property
    def jusqu_a(self) -> str:
        """The last month of the row."""
        return self.dernier_mois or self.mois

    @property
    def contrat(self) -> tuple[str, str, str]:
        """The work contract: marché, person, contract start."""
        return _CONTRAT(self)  # type: ignore[no-any-return]


#: (reference, participant, debut_contrat) of a row, read in C: the splits ask for it 100 000 times.
_CONTRAT = itemgetter(1, 3, 12)


class HeuresAgregees(NamedTuple):
    """Hours of purged people kept by lot and month (no person behind them any more)."""

    acheteur: str
    reference: str
    lot: int
    mois: str
    heures_c: int


def heures(centiemes: int) -> int | float:
    """Hundredths of hours as a JSON number: whole when they are, else two decimals.

    ``centiemes / 100`` is the double nearest to the exact quotient, as ``float(Decimal(...) / 100)``
    was, without a Decimal for each of the report's tens of thousands of figures.
    """
    return centiemes // 100 if centiemes % 100 == 0 else centiemes / 100


def etp(centiemes: int, diviseur: int) -> float:
    """Full-time equivalents, two decimals."""
    return float((Decimal(centiemes) / _CENT / diviseur).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def article_du_marche(marche: dict[str, Any]) -> str:
    """``14``, ``14_53`` or ``53``: which tools of the seed the contract uses."""
    if marche["article_14"]:
        return "14_53" if marche["article_53"] else "14"
    return "53"


def _execute_pendant(marche: dict[str, Any], periode: Periode) -> bool:
    debut, fin = marche.get("debut"), marche.get("fin")
    if not debut:
        return False
    return debut <= periode.au.isoformat() and (fin is None or fin >= periode.du.isoformat())


def marches_de_la_periode(
    marches: Sequence[dict[str, Any]], references_avec_heures: set[str], periode: Periode
) -> list[dict[str, Any]]:
    """Contracts with a clause that have hours in the period or whose execution overlaps it."""
    return [
        m
        for m in marches
        if m["reference"] in references_avec_heures
        or (any(lot["clause"] for lot in m["lots"]) and _execute_pendant(m, periode))
    ]


def _premieres(lignes: Iterable[Ligne], cle: Callable[[Ligne], Any]) -> dict[Any, Ligne]:
    """The earliest row (month, then contract start) of each key."""
    premieres: dict[Any, Ligne] = {}
    for ligne in lignes:
        k = cle(ligne)
        connue = premieres.get(k)
        if connue is None or (ligne.mois, ligne.debut_contrat) < (connue.mois, connue.debut_contrat):
            premieres[k] = ligne
    return premieres


def _sorties_declarees(lignes: Iterable[Ligne]) -> dict[tuple[str, str, str], str]:
    """The latest exit declared on each work contract."""
    dernieres: dict[tuple[str, str, str], tuple[str, str]] = {}
    for ligne in lignes:
        if ligne.sortie:
            mois = ligne.mois_sortie or ligne.jusqu_a
            connue = dernieres.get(ligne.contrat)
            if connue is None or mois >= connue[0]:
                dernieres[ligne.contrat] = (mois, ligne.sortie)
    return {contrat: sortie for contrat, (_, sortie) in dernieres.items()}


class _Cumul:
    """People, work contracts and hours under one value of a split."""

    __slots__ = ("contrats", "heures_c", "personnes")

    def __init__(self) -> None:
        self.personnes: set[str] = set()
        self.contrats: set[tuple[str, str, str]] = set()
        self.heures_c = 0


def regrouper(lignes: Iterable[Ligne]) -> list[Ligne]:
    """Rows that differ only by month (a work contract's months) as one: hours summed, first month kept.

    Every split but the exits and the months reads only what these rows share, so it runs over
    a tenth of the rows: a person works about ten months on a contract.
    """
    groupes: dict[tuple[Any, ...], list[Any]] = {}
    for ligne in lignes:
        cle = (*ligne[:13], ligne.publics)  # all but the end of contract, month, hours and exit
        groupe = groupes.get(cle)
        if groupe is None:
            groupes[cle] = [ligne, ligne.heures_c]
        else:
            groupe[1] += ligne.heures_c
            if ligne.mois < groupe[0].mois:
                groupe[0] = ligne
    return [premiere._replace(heures_c=centiemes) for premiere, centiemes in groupes.values()]


class Premieres(NamedTuple):
    """The first row of each person and of each work contract: where they are counted in additive splits."""

    personnes: list[Ligne]
    contrats: list[Ligne]

    @classmethod
    def de(cls, lignes: Sequence[Ligne]) -> Premieres:
        """Found once for all the splits."""
        return cls(
            list(_premieres(lignes, lambda x: x.participant).values()),
            list(_premieres(lignes, lambda x: x.contrat).values()),
        )


def _cumul(cumuls: dict[str, _Cumul], valeur: str) -> _Cumul:
    cumul = cumuls.get(valeur)
    if cumul is None:
        cumul = cumuls[valeur] = _Cumul()
    return cumul


#: How a split counts people and work contracts (see the module's docstring).
Regle = Literal["premiere", "contrats", "union"]


def repartir(
    lignes: Sequence[Ligne],
    valeurs: Callable[[Ligne], Iterable[str]],
    *,
    regle: Regle = "union",
    premieres: Premieres | None = None,
) -> dict[str, _Cumul]:
    """Hours, people and work contracts per value, people and contracts counted by ``regle``."""
    cumuls: dict[str, _Cumul] = {}
    union = regle == "union"
    for ligne in lignes:
        for valeur in valeurs(ligne):
            cumul = cumuls.get(valeur) or _cumul(cumuls, valeur)
            cumul.heures_c += ligne.heures_c
            if union:
                cumul.personnes.add(ligne.participant)
                cumul.contrats.add(_CONTRAT(ligne))
    if regle != "union":
        _compter_premieres(cumuls, valeurs, regle, premieres or Premieres.de(lignes))
    return cumuls


def _compter_premieres(
    cumuls: dict[str, _Cumul], valeurs: Callable[[Ligne], Iterable[str]], regle: Regle, premieres: Premieres
) -> None:
    """Work contracts under their first row; people under theirs (``premiere``) or under their contracts'."""
    if regle == "premiere":
        for ligne in premieres.personnes:
            for valeur in valeurs(ligne):
                _cumul(cumuls, valeur).personnes.add(ligne.participant)
    for ligne in premieres.contrats:
        for valeur in valeurs(ligne):
            cumul = cumuls.get(valeur) or _cumul(cumuls, valeur)
            cumul.contrats.add(_CONTRAT(ligne))
            if regle == "contrats":  # the person held a work contract of this kind
                cumul.personnes.add(ligne.participant)


def _fins(lignes: Iterable[Ligne]) -> dict[tuple[str, str, str], str | None]:
    """The end of each work contract, as its latest row says it."""
    fins: dict[tuple[str, str, str], tuple[str, str | None]] = {}
    for ligne in lignes:
        connue = fins.get(ligne.contrat)
        if connue is None or ligne.jusqu_a >= connue[0]:
            fins[ligne.contrat] = (ligne.jusqu_a, ligne.fin_contrat)
    return {contrat: fin for contrat, (_, fin) in fins.items()}


#: (reference, lot) → holder's SIRET, from the award blocks (lot None: the contract without lots).
Attribution = dict[tuple[str, int | None], str]


def attributions(marches: Iterable[dict[str, Any]]) -> Attribution:
    """The holders the contracts' award blocks name, by contract and lot."""
    return {
        (m["reference"], t.get("lot")): t["siret"] for m in marches for t in m.get("titulaires") or [] if t.get("siret")
    }


def _titulaire(attribution: Attribution, reference: str, lot: int) -> str | None:
    return attribution.get((reference, lot)) or attribution.get((reference, None))


def titulaires(lignes: Iterable[Ligne], attribution: Attribution | None = None) -> set[str]:
    """Holders of the lots of the rows: the award block's SIRET; else the sheet's SIRET, else its name; else the lot.

    The award block says who holds a lot; a sheet's header is typed by the company and
    differs from one month to the next (a name spelt two ways made 7 companies of 6).
    """
    attribution = attribution or {}
    return {
        _titulaire(attribution, ligne.reference, ligne.lot)
        or ligne.siret_titulaire
        or (ligne.titulaire or "").strip().lower()
        or f"lot:{ligne.reference}:{ligne.lot}"
        for ligne in lignes
    }


#: Counts under one value of a split, summed batch by batch: [people, work contracts, hundredths of hours].
Compte = list[int]


def _rangee_comptee(cle: str, libelle: str, compte: Compte | None, diviseur: int) -> dict[str, Any]:
    personnes, contrats, centiemes = compte or (0, 0, 0)
    return {
        "code": cle,
        "libelle": libelle,
        "personnes": personnes,
        "contrats_travail": contrats,
        "heures_realisees": heures(centiemes),
        "etp": etp(centiemes, diviseur),
    }


def _publics(ligne: Ligne) -> Iterable[str]:
    return (ligne.publics or "").split(";") if ligne.publics else ("",)


#: The splits over codes: (key of the indicators, list of codes, values of a row, rule).
_REPARTITIONS: tuple[tuple[str, str, Callable[[Ligne], Iterable[str]], Regle], ...] = (
    ("par_public", "publics", _publics, "union"),
    # Sex, age band, residence describe the person: one row per person. Modality and contract
    # type describe a work contract: a row's people are those who held one of that kind.
    ("par_sexe", "sexes", lambda x: (x.sexe,), "premiere"),
    ("par_tranche_age", "tranches_age", lambda x: (x.tranche_age,), "premiere"),
    ("par_residence", "residences", lambda x: (x.residence or "",), "premiere"),
    ("par_modalite", "modalites", lambda x: (x.modalite,), "contrats"),
    ("par_type_contrat", "types_contrat", lambda x: (x.type_contrat,), "contrats"),
)


class Compteur:
    """The indicators of a period, counted batch by batch over the rows of whole people.

    Every count of the report (people, work contracts, per value of each split, exits) is of
    things that belong to one person: given each person's rows in a single batch, the counts of
    two batches add up. The report thus reads a register of any size holding one batch of rows
    and integers per value (codes, buyers, contracts), never a set of people.
    """

    def __init__(
        self,
        marches: Sequence[dict[str, Any]],
        agregees: Sequence[HeuresAgregees],
        periode: Periode,
        diviseur: int,
        mensuelles: Sequence[tuple[str, int]] | None = None,
    ) -> None:
        self._marches, self._agregees, self._periode, self._diviseur = marches, agregees, periode, diviseur
        self._mensuelles = mensuelles
        self._attribution = attributions(marches)
        self._articles = {m["reference"]: article_du_marche(m) for m in marches}
        self._du, self._au = periode.du.isoformat(), periode.au.isoformat()
        self._cumuls: dict[str, dict[str, Compte]] = {cle: {} for cle, *_ in _REPARTITIONS}
        self._cumuls |= {"par_donneur_ordre": {}, "par_article": {}, "par_marche": {}}
        self._sorties = dict.fromkeys((c.cle for c in codes("sorties")), 0)
        self._non_renseignee = self.personnes = self.contrats = self.cdi = self.heures_c = 0
        self._mois_lignes: dict[str, int] = {}
        #: Holders of the lots with hours (``titulaires``), contracts with hours, hours per (contract, lot).
        self.titulaires: set[str] = set()
        self.references: set[str] = set()
        self.par_lot: dict[tuple[str, int], int] = {}

    def ajouter(self, lignes: Iterable[Ligne]) -> Compteur:
        """Count rows holding every row of each of their people (rows of a person never come in two batches)."""
        actives = [ligne for ligne in lignes if ligne.heures_c > 0]
        if self._mensuelles is None:
            if any(ligne.dernier_mois and ligne.dernier_mois != ligne.mois for ligne in actives):
                raise ValueError("lignes regroupées sur plusieurs mois : donner les heures par mois")
            for ligne in actives:
                self._mois_lignes[ligne.mois] = self._mois_lignes.get(ligne.mois, 0) + ligne.heures_c
        groupes = regrouper(actives)
        premieres = Premieres.de(groupes)
        for cle, _, valeurs, regle in _REPARTITIONS:
            self._cumuler(cle, repartir(groupes, valeurs, regle=regle, premieres=premieres))
        self._cumuler("par_donneur_ordre", repartir(groupes, lambda x: (x.acheteur,)))
        self._cumuler("par_article", repartir(groupes, lambda x: (self._articles.get(x.reference, "14"),)))
        self._cumuler("par_marche", repartir(groupes, lambda x: (x.reference,)))
        types = {ligne.contrat: ligne.type_contrat for ligne in groupes}
        self.personnes += len(premieres.personnes)
        self.contrats += len(types)
        self.cdi += sum(1 for t in types.values() if t in ("cdi", "cdi_inclusion"))
        for ligne in groupes:
            self.heures_c += ligne.heures_c
            du_lot = (ligne.reference, ligne.lot)
            self.par_lot[du_lot] = self.par_lot.get(du_lot, 0) + ligne.heures_c
        self.references |= {ligne.reference for ligne in groupes}
        self.titulaires |= titulaires(groupes, self._attribution)
        declarees = _sorties_declarees(actives)
        for sortie in declarees.values():
            self._sorties[sortie] = self._sorties.get(sortie, 0) + 1
        self._non_renseignee += sum(
            1
            for contrat, fin in _fins(actives).items()
            if fin and self._du <= fin <= self._au and contrat not in declarees
        )
        return self

    def _cumuler(self, cle: str, cumuls: dict[str, _Cumul]) -> None:
        siens = self._cumuls[cle]
        for valeur, cumul in cumuls.items():
            compte = siens.get(valeur)
            if compte is None:
                compte = siens[valeur] = [0, 0, 0]
            compte[0] += len(cumul.personnes)
            compte[1] += len(cumul.contrats)
            compte[2] += cumul.heures_c

    def _avec_agregees(self, cle: str, valeur: Callable[[HeuresAgregees], str]) -> dict[str, Compte]:
        """A split's counts with the hours of purged people added (no person behind them)."""
        cumuls = {k: list(v) for k, v in self._cumuls[cle].items()}
        for agregee in self._agregees:
            cumuls.setdefault(valeur(agregee), [0, 0, 0])[2] += agregee.heures_c
        return cumuls

    def _sorties_comptees(self) -> dict[str, Any]:
        """Exits over every work contract that ended in the period: declared ones, and those without a situation.

        ``total`` counts the work contracts that ended (their end in the period, or an exit declared);
        ``non_renseignee`` those of them whose exit nobody declared; the rate is over the total.
        """
        comptes = {**self._sorties, "non_renseignee": self._non_renseignee}
        dynamiques = sum(comptes[c.cle] for c in codes("sorties") if c.dynamique)
        total = sum(comptes.values())
        return {
            **comptes,
            "dynamiques": dynamiques,
            "total": total,
            "taux_dynamiques": round(dynamiques * 100 / total, 1) if total else None,
        }

    def _repartition_codes(self, cle: str, liste: str) -> list[dict[str, Any]]:
        """One row per code of a shared list (in its order), then « non renseigné » when some rows have none."""
        cumuls = self._cumuls[cle]
        rangees = [_rangee_comptee(c.cle, c.libelle, cumuls.get(c.cle), self._diviseur) for c in codes(liste)]
        if "" in cumuls:
            rangees.append(_rangee_comptee("", "Non renseigné", cumuls[""], self._diviseur))
        return rangees

    def _par_donneur(self, retenus: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        cumuls = self._avec_agregees("par_donneur_ordre", lambda a: a.acheteur)
        marches_par_nom: dict[str, int] = {}
        for marche in retenus:
            marches_par_nom[marche["acheteur"]] = marches_par_nom.get(marche["acheteur"], 0) + 1
        rangees = []
        for nom in sorted(set(marches_par_nom) | set(cumuls)):
            rangee = _rangee_comptee(nom, nom, cumuls.get(nom), self._diviseur)
            rangee["nom"] = rangee.pop("code")
            del rangee["libelle"]
            rangee["marches"] = marches_par_nom.get(nom, 0)
            rangees.append(rangee)
        return rangees

    def _par_article(self, retenus: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        cumuls = self._avec_agregees("par_article", lambda a: self._articles.get(a.reference, "14"))
        rangees = []
        for code, libelle in ARTICLES.items():
            rangee = _rangee_comptee(code, libelle, cumuls.get(code), self._diviseur)
            rangee["marches"] = sum(1 for m in retenus if self._articles[m["reference"]] == code)
            rangees.append(rangee)
        return rangees

    def _par_marche(self, retenus: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """People, work contracts and hours of the period per contract.

        The published contract table hides the period's hours of a contract that fewer than 5
        people worked on (they are theirs).
        """
        cumuls = self._avec_agregees("par_marche", lambda a: a.reference)
        return [
            _rangee_comptee(m["reference"], m["objet"], cumuls.get(m["reference"]), self._diviseur) for m in retenus
        ]

    def _par_mois(self) -> list[dict[str, Any]]:
        """Hours per month: from ``mensuelles`` (month, hours) when the rows were summed over months, else the rows'."""
        par_mois = dict.fromkeys(self._periode.mois(), 0)
        mensuelles = self._mensuelles if self._mensuelles is not None else list(self._mois_lignes.items())
        for mois, centiemes in [*mensuelles, *((a.mois, a.heures_c) for a in self._agregees)]:
            if mois in par_mois:
                par_mois[mois] += centiemes
        return [{"mois": mois, "heures_realisees": heures(h)} for mois, h in par_mois.items()]

    def entreprises(self) -> int:
        """Distinct holders of the lots with hours in the period (purged people's lots too, when the award says who)."""
        purgees = {_titulaire(self._attribution, a.reference, a.lot) for a in self._agregees if a.heures_c > 0}
        return len(self.titulaires | {t for t in purgees if t})

    def indicateurs(self) -> dict[str, Any]:
        """Every indicator of the rows counted so far, exact counts (the JSON for internal use)."""
        avec_heures = self.references | {a.reference for a in self._agregees if a.heures_c > 0}
        retenus = marches_de_la_periode(self._marches, avec_heures, self._periode)
        total_c = self.heures_c + sum(a.heures_c for a in self._agregees)
        diviseur, periode = self._diviseur, self._periode
        return {
            "marches": len(retenus),
            "donneurs_ordre": len({m["acheteur"] for m in retenus}),
            "entreprises": self.entreprises(),
            "personnes": self.personnes,
            "contrats_travail": self.contrats,
            "heures_realisees": heures(total_c),
            "etp": etp(total_c, diviseur),
            **(
                {"etp_annualise": etp(total_c * 12 // periode.nombre_mois, diviseur)}
                if periode.nombre_mois != 12
                else {}
            ),
            "diviseur_etp": diviseur,
            "cdi": self.cdi,
            "sorties": self._sorties_comptees(),
            "par_donneur_ordre": self._par_donneur(retenus),
            "par_article": self._par_article(retenus),
            "par_marche": self._par_marche(retenus),
            **{cle: self._repartition_codes(cle, liste) for cle, liste, *_ in _REPARTITIONS},
            "par_mois": self._par_mois(),
        }


def calculer_indicateurs(
    lignes: Sequence[Ligne],
    agregees: Sequence[HeuresAgregees],
    marches: Sequence[dict[str, Any]],
    periode: Periode,
    diviseur: int,
    mensuelles: Sequence[tuple[str, int]] | None = None,
) -> dict[str, Any]:
    """Every indicator of the period, exact counts (the JSON for internal use).

    ``lignes`` may be monthly rows or rows summed over months by the register; with the latter,
    ``mensuelles`` gives the hours of each month, (month, hundredths) for the months of the period.
    """
    return Compteur(marches, agregees, periode, diviseur, mensuelles).ajouter(lignes).indicateurs()
