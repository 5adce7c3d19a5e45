"""The figures of a consultation: insertion hours per lot, ETP, penalties, weights, options.

Arithmetic is on ``Decimal`` with explicit half-up rounding (the rounding a buyer does by
hand: 1 428,5 h → 1 429 h), never on floats. Every default taken from ``parametres.yaml`` is
recorded twice: in words in ``Chiffres.choix`` (what ``verifier`` shows) and by name in
``Chiffres.defauts`` (what ``generer --brouillon`` highlights in the pieces). The legal checks
that need these figures (thresholds, criteria, facilitator, plausibility) are in ``regles``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from clause_kit.commun.formats import cpv_valide, date_fr, nombre, nombre_simple
from clause_kit.commun.horloge import aujourdhui
from clause_kit.commun.parametres import Parametres
from clause_kit.marche.droit import ccag_du_marche, est_accord_cadre, libelle_procedure
from clause_kit.marche.modele import Article14, Chemin, Consultation, Lot, tout_reserve
from clause_kit.marche.seuils import Seuil, montant_du_seuil, procedure_par_defaut, seuil_europeen

__all__ = [
    "smic_au",
    "Chiffres",
    "ErreurCalcul",
    "HeuresLot",
    "Penalites",
    "Periode",
    "TrancheHeures",
    "arrondir_heures",
    "avec_clause",
    "calculer",
    "etp",
    "heures_formule",
    "repartir_prorata",
]

CENT = Decimal(100)


class ErreurCalcul(Exception):
    """Raised when the figures cannot be computed; ``chemin`` names the field at fault."""

    def __init__(self, chemin: Chemin, message: str) -> None:
        super().__init__(message)
        self.chemin, self.message = chemin, message


@dataclass(frozen=True)
class HeuresLot:
    """Insertion hours of one lot (or of the implicit lot of a contract without lots)."""

    numero: int | None
    intitule: str
    montant_ht: Decimal
    heures: int
    #: "formule", "fixe" (set by the buyer), "repartition" (share of a contract-wide figure) or "aucune".
    origine: str
    #: Unrounded result of the formula when its parameters are known (a check for fixed hours).
    heures_formule: Decimal | None = None
    pourcentage: Decimal | None = None
    taux_main_oeuvre: Decimal | None = None
    cout_horaire: Decimal | None = None
    #: For "repartition": (hours shared out, hours set for the contract, sum of the sharing lots' amounts).
    repartition: tuple[int, int, Decimal] | None = None
    #: Accord-cadre: hours owed per 1 000 € HT ordered (three decimals, half up); ``heures`` is then the
    #: estimate on ``montant_ht``, for information, and the minimum gives the hours guaranteed.
    heures_par_1000: Decimal | None = None
    montant_minimum_ht: Decimal | None = None
    montant_maximum_ht: Decimal | None = None
    heures_garanties: int | None = None
    heures_au_maximum: int | None = None


@dataclass(frozen=True)
class Periode:
    """One period of a renewable contract: the initial one (1) or a renewal; its hours, due if it is executed."""

    numero: int
    mois: int
    #: Its share of the hours, pro rata of the months (None for an accord-cadre: hours follow the orders).
    heures: int | None


@dataclass(frozen=True)
class TrancheHeures:
    """One tranche and its share of the hours, pro rata of its amount (due once affermie if optional)."""

    libelle: str
    nature: str
    montant_ht: Decimal
    heures: int


@dataclass(frozen=True)
class Critere:
    """An award criterion with its weight, as announced in the RC."""

    libelle: str
    ponderation: Decimal
    insertion: bool = False
    description: str = ""
    #: prix, qualite, environnement or autre (the environmental-criterion rule looks for environnement).
    nature: str = "autre"


@dataclass(frozen=True)
class Penalites:
    """The penalty rule of a contract, every value resolved (given or default)."""

    par_heure: Decimal
    #: Set when the amount per hour is a multiple of the SMIC.
    multiple_smic: Decimal | None
    smic_horaire: Decimal
    smic_date: datetime.date
    #: "notification" (the SMIC in force at notification) or "constat" (at the finding).
    smic_reference: str
    #: Cap of the insertion penalties, in % of the contract's or lot's amount HT.
    plafond_pourcentage: Decimal
    par_fiche_manquante: Decimal
    #: Per qualitative commitment of the fiche technique not kept after a formal notice, per month.
    par_engagement_qualitatif: Decimal = Decimal(0)


@dataclass
class Chiffres:
    """Every figure and choice the pieces need, computed once."""

    lots: list[HeuresLot]
    heures_total: int
    heures_par_etp: int
    etp_total: Decimal
    penalites: Penalites
    procedure: str
    publics: list[str]
    criteres: list[Critere]
    sous_criteres: list[Critere]
    #: ``ordinaire`` or an accord-cadre form (``marche.forme``).
    forme: str = "ordinaire"
    #: The amount the EU threshold and the procedure are judged on: the maximum of an accord-cadre.
    montant_seuil_ht: Decimal = Decimal(0)
    #: Accord-cadre: the rate per 1 000 € HT ordered when every lot with a clause has the same (else None).
    heures_par_1000: Decimal | None = None
    #: Accord-cadre: hours guaranteed by the minimum of orders (None without a minimum).
    heures_garanties: int | None = None
    #: Periods of a renewable contract (initial + renewals), empty without renewals.
    periodes: list[Periode] = field(default_factory=list)
    #: Tranches and their hours, empty for a contract without tranches.
    tranches: list[TrancheHeures] = field(default_factory=list)
    #: Whole duration in months, renewals included (None when the duration is not given).
    duree_totale_mois: int | None = None
    #: Article 53 with a sub-criterion scoring the hours: per lot (numero, labour hours, hours counted at most).
    plafond_heures_notees: list[tuple[int | None, int, int]] = field(default_factory=list)
    #: The percentage of the labour hours that cap the hours scored (``notation_heures``).
    plafond_heures_pourcentage: Decimal = Decimal(0)
    #: Launch of the consultation (given or today): decides the rules and thresholds applied.
    date_lancement: datetime.date = field(default_factory=datetime.date.today)
    #: Code of the CCAG the contract refers to (``travaux``, ``fcs``... or ``aucun``).
    ccag: str = "travaux"
    #: The EU threshold in force for this contract on its launch date (None when no period covers it).
    seuil: Seuil | None = None
    #: Full-time equivalents per year of the contract, when its duration is known.
    etp_par_an: Decimal | None = None
    #: The clause's options, resolved: globalisation, attestation_eligibilite, heures_formation.
    options: dict[str, bool] = field(default_factory=dict)
    conservation_annees: int = 2
    #: Human-readable French lines: each default or rule applied.
    choix: list[str] = field(default_factory=list)
    #: Names of the values taken from ``parametres.yaml`` that reach a piece (highlighted in a draft).
    defauts: set[str] = field(default_factory=set)
    #: Things the buyer should check before publishing (not errors: the dossier is still produced).
    avertissements: list[str] = field(default_factory=list)
    #: Legal choices the file leaves to a default: refused by ``generer`` unless ``--brouillon``.
    manques: list[tuple[Chemin, str]] = field(default_factory=list)

    @property
    def penalite_par_heure(self) -> Decimal:
        """Penalty per missing insertion hour (€)."""
        return self.penalites.par_heure


def avec_clause(consultation: Consultation, heures_total: int) -> bool:
    """Whether the contract has an insertion clause at all: hours to perform, or an award criterion.

    A reserved contract may have neither: only the avis and the RC then apply, with no follow-up.
    """
    return heures_total > 0 or consultation.insertion.article_53 is not None


def heures_formule(
    montant_ht: Decimal, taux_main_oeuvre: Decimal, pourcentage: Decimal, cout_horaire: Decimal
) -> Decimal:
    """Montant HT × taux de main-d'œuvre × pourcentage d'insertion ÷ coût horaire (percents as 0-100)."""
    return montant_ht * (taux_main_oeuvre / CENT) * (pourcentage / CENT) / cout_horaire


def arrondir_heures(heures: Decimal) -> int:
    """Round half up to the hour."""
    return int(heures.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def etp(heures: int, heures_par_etp: int) -> Decimal:
    """Full-time equivalents, two decimals, half up."""
    return (Decimal(heures) / Decimal(heures_par_etp)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def repartir_prorata(total: int, poids: list[Decimal]) -> list[int]:
    """Split whole hours pro rata of the weights, largest remainders first, so the parts sum to ``total``."""
    somme = sum(poids, Decimal(0))
    if not poids or somme == 0:
        return [0] * len(poids)
    exactes = [Decimal(total) * p / somme for p in poids]
    parts = [int(x.to_integral_value(rounding=ROUND_DOWN)) for x in exactes]
    reste = total - sum(parts)
    ordre = sorted(range(len(poids)), key=lambda i: (-(exactes[i] - parts[i]), i))
    for i in ordre[:reste]:
        parts[i] += 1
    return parts


def calculer(consultation: Consultation, parametres: Parametres, aujourd_hui: datetime.date | None = None) -> Chiffres:
    """Compute all figures of a consultation, applying and recording the defaults."""
    p = parametres.brut
    insertion, marche = consultation.insertion, consultation.marche
    choix: list[str] = []
    defauts: set[str] = set()
    jour = marche.date_lancement or aujourd_hui or aujourdhui()
    if marche.date_lancement is None:
        choix.append(f"date de lancement de la consultation : {date_fr(jour)} (aujourd'hui, valeur par défaut)")
    heures_par_etp = insertion.heures_par_etp or int(p["heures_par_etp"])
    if insertion.heures_par_etp is None:
        choix.append(f"1 ETP = {nombre(heures_par_etp)} heures (valeur par défaut, durée annuelle légale du travail)")
        defauts.add("heures_par_etp")
    lots = _heures_des_lots(consultation, p, choix, defauts)
    total = sum(lot.heures for lot in lots)
    if total == 0 and insertion.article_53 is None and not tout_reserve(marche):
        raise ErreurCalcul(
            ("insertion", "article_14") if insertion.article_14 is not None else ("insertion",),
            "la clause ne donne aucune heure d'insertion (0 heure) et il n'y a pas d'article_53 : "
            "le dossier ne comporterait aucune clause",
        )
    seuil = seuil_europeen(consultation, p, jour)
    montant_seuil = montant_du_seuil(consultation)
    procedure = marche.procedure or procedure_par_defaut(montant_seuil, seuil)
    manques: list[tuple[Chemin, str]] = []
    if marche.procedure is None:
        choix.append(f"procédure : {libelle_procedure(procedure)} (choisie d'après le seuil européen)")
        defauts.add("procedure")
        manques.append(
            (
                ("marche", "procedure"),
                f"procédure non indiquée (d'après le seuil européen : {procedure}) ; la procédure est un choix "
                "juridique de l'acheteur : indiquez-la dans le fichier",
            )
        )
    ccag = ccag_du_marche(marche.ccag, marche.type)
    if marche.ccag is None:
        choix.append(f"CCAG : {ccag} (celui des marchés de {marche.type}, valeur par défaut)")
    criteres, sous_criteres = _criteres(consultation, p, choix, defauts)
    if "sous_criteres" in defauts:
        manques.append(
            (
                ("insertion", "article_53", "sous_criteres"),
                "sous-critères non indiqués : ceux de la jurisprudence (CE, 25 mars 2013, n° 364950) seraient "
                "annoncés aux candidats avec des pondérations choisies par l'outil ; indiquez les vôtres "
                "(libelle, ponderation, description)",
            )
        )
    publics = list(insertion.publics or p["publics_defaut"])
    if insertion.publics is None:
        choix.append("publics éligibles : liste type (valeur par défaut)")
        defauts.add("publics")
    avertissements = []
    if marche.cpv and not cpv_valide(marche.cpv):
        avertissements.append(f"le chiffre de contrôle du code CPV {marche.cpv} ne correspond pas ; vérifiez le code")
    etp_total = etp(total, heures_par_etp)
    taux_1000, garanties = _accord_cadre(consultation, lots)
    periodes = _periodes(consultation, total)
    plafond_pourcentage = Decimal(str(p["notation_heures"]["plafond_pourcentage"]))
    duree_totale = sum(p.mois for p in periodes) if periodes else marche.duree_mois
    return Chiffres(
        periodes=periodes,
        tranches=_tranches(consultation, total),
        plafond_heures_notees=_plafond_heures_notees(consultation, p, plafond_pourcentage),
        plafond_heures_pourcentage=plafond_pourcentage,
        duree_totale_mois=duree_totale,
        lots=lots,
        forme=marche.forme,
        montant_seuil_ht=montant_seuil,
        heures_par_1000=taux_1000,
        heures_garanties=garanties,
        heures_total=total,
        heures_par_etp=heures_par_etp,
        etp_total=etp_total,
        penalites=_penalites(consultation, p, jour, choix, defauts),
        procedure=procedure,
        publics=publics,
        criteres=criteres,
        sous_criteres=sous_criteres,
        date_lancement=jour,
        ccag=ccag,
        seuil=seuil,
        etp_par_an=_etp_par_an(total, heures_par_etp, duree_totale),
        options=_options(consultation, p, choix, defauts),
        conservation_annees=_conservation(p, choix, defauts),
        choix=choix,
        defauts=defauts,
        avertissements=avertissements,
        manques=manques,
    )


def _plafond_heures_notees(
    consultation: Consultation, p: dict[str, Any], pourcentage: Decimal
) -> list[tuple[int | None, int, int]]:
    """The labour hours of each lot (amount × labour share ÷ hourly cost) and the share of them that is scored."""
    a53 = consultation.insertion.article_53
    if a53 is None or not any(sc.heures for sc in a53.sous_criteres or []):
        return []
    defauts = p["par_type"][consultation.marche.type]
    resultat = []
    for _, lot in _lots_effectifs(consultation):
        propre = _fusionner(consultation.insertion.article_14, lot.insertion)
        taux = propre.taux_main_oeuvre or Decimal(str(defauts["taux_main_oeuvre"]))
        cout = propre.cout_horaire or Decimal(str(defauts["cout_horaire"]))
        main_oeuvre = arrondir_heures(lot.montant_ht * taux / CENT / cout)
        numero = lot.numero if consultation.marche.lots else None
        resultat.append((numero, main_oeuvre, arrondir_heures(Decimal(main_oeuvre) * pourcentage / CENT)))
    return resultat


def _periodes(consultation: Consultation, total: int) -> list[Periode]:
    """Initial period and renewals, the hours shared pro rata of their months (the total stays exact)."""
    marche = consultation.marche
    if not marche.reconductions or marche.duree_mois is None:
        return []
    mois = [marche.duree_mois] + [marche.duree_reconduction_mois or marche.duree_mois] * marche.reconductions
    if est_accord_cadre(marche.forme):
        return [Periode(i, m, None) for i, m in enumerate(mois, start=1)]
    parts = repartir_prorata(total, [Decimal(m) for m in mois])
    return [Periode(i, m, h) for i, (m, h) in enumerate(zip(mois, parts, strict=True), start=1)]


def _tranches(consultation: Consultation, total: int) -> list[TrancheHeures]:
    """The tranches, the hours shared pro rata of their amounts (the total stays exact)."""
    tranches = consultation.marche.tranches or []
    parts = repartir_prorata(total, [t.montant_ht for t in tranches])
    return [TrancheHeures(t.libelle, t.nature, t.montant_ht, h) for t, h in zip(tranches, parts, strict=True)]


def _accord_cadre(consultation: Consultation, lots: list[HeuresLot]) -> tuple[Decimal | None, int | None]:
    """The contract-wide rate per 1 000 € HT ordered (when uniform) and the hours its minimum guarantees."""
    marche = consultation.marche
    if not est_accord_cadre(marche.forme):
        return None, None
    taux = {lot.heures_par_1000 for lot in lots if lot.heures_par_1000 is not None}
    uniforme = (
        next(iter(taux))
        if len(taux) == 1 and all(lot.heures_par_1000 is not None or lot.heures == 0 for lot in lots)
        else None
    )
    garanties = [lot.heures_garanties for lot in lots if lot.heures_garanties is not None]
    if garanties:
        return uniforme, sum(garanties)
    if uniforme is not None and marche.montant_minimum_ht is not None:
        return uniforme, _heures_sur(uniforme, marche.montant_minimum_ht)
    return uniforme, None


def _heures_sur(taux_1000: Decimal, montant_ht: Decimal) -> int:
    """Hours owed on an amount ordered at a rate per 1 000 € HT, rounded half up."""
    return arrondir_heures(taux_1000 * montant_ht / 1000)


def _etp_par_an(heures: int, heures_par_etp: int, duree_mois: int | None) -> Decimal | None:
    """Full-time jobs while the contract runs: its hours spread evenly over its months, rounded once."""
    if duree_mois is None:
        return None
    return (Decimal(heures) * 12 / (Decimal(heures_par_etp) * duree_mois)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def _conservation(p: dict[str, Any], choix: list[str], defauts: set[str]) -> int:
    annees = int(p["conservation_annees"])
    choix.append(f"conservation des données individuelles : {annees} ans après le dernier contrat (valeur par défaut)")
    defauts.add("conservation")
    return annees


_OPTIONS = {
    "globalisation": "globalisation des heures",
    "attestation_eligibilite": "attestation écrite d'éligibilité",
    "heures_formation": "heures de formation des contrats en alternance comptées",
}


def _options(consultation: Consultation, p: dict[str, Any], choix: list[str], defauts: set[str]) -> dict[str, bool]:
    options = {}
    for cle, libelle in _OPTIONS.items():
        valeur = getattr(consultation.insertion, cle)
        if valeur is None:
            valeur = bool(p["options"][cle])
            choix.append(f"{libelle} : {'oui' if valeur else 'non'} (valeur par défaut)")
            defauts.add(cle)
        options[cle] = valeur
    return options


def _lots_effectifs(consultation: Consultation) -> list[tuple[Chemin, Lot]]:
    marche = consultation.marche
    if marche.lots:
        return [(("marche", "lots", i), lot) for i, lot in enumerate(marche.lots)]
    implicite = Lot(numero=1, intitule=marche.objet, montant_ht=marche.montant_ht)
    return [(("marche",), implicite)]


def _heures_des_lots(
    consultation: Consultation, p: dict[str, Any], choix: list[str], defauts: set[str]
) -> list[HeuresLot]:
    insertion, marche = consultation.insertion, consultation.marche
    global14 = insertion.article_14
    article14_actif = global14 is not None or any(lot.insertion for lot in marche.lots or [])
    resultat: list[HeuresLot | None] = []
    a_repartir: list[tuple[int, Lot]] = []
    for position, (chemin, lot) in enumerate(_lots_effectifs(consultation)):
        numero = lot.numero if marche.lots else None
        if not article14_actif:
            resultat.append(HeuresLot(numero, lot.intitule, lot.montant_ht, 0, "aucune"))
            continue
        heures = _heures_d_un_lot(consultation, chemin, lot, p["par_type"][marche.type], choix, defauts)
        if heures is None:  # its share of the contract-wide hours, known once all lots are seen
            a_repartir.append((position, lot))
        resultat.append(heures)
    if a_repartir:
        _repartir(resultat, a_repartir, global14, choix)
    return [lot for lot in resultat if lot is not None]


def _heures_d_un_lot(
    consultation: Consultation,
    chemin: Chemin,
    lot: Lot,
    defauts_type: dict[str, Any],
    choix: list[str],
    defauts: set[str],
) -> HeuresLot | None:
    """The hours of one lot, or None when the lot takes a pro rata share of the contract's hours."""
    marche = consultation.marche
    numero = lot.numero if marche.lots else None
    propre = lot.insertion
    params = _fusionner(consultation.insertion.article_14, propre)
    if params.heures is None and params.pourcentage is None:
        return HeuresLot(numero, lot.intitule, lot.montant_ht, 0, "aucune")
    fixe_sur_le_lot = propre is not None and propre.heures is not None
    # A lot that gives its own formula parameters asks for its own formula: never ignore them.
    formule_du_lot = propre is not None and not fixe_sur_le_lot and propre.model_dump(exclude_none=True) != {}
    if formule_du_lot and params.pourcentage is None:
        raise ErreurCalcul(
            (*chemin, "insertion"),
            "ce lot donne ses propres paramètres sans pourcentage d'insertion : ajoutez pourcentage "
            "(heures calculées pour ce lot) ou heures",
        )
    taux = (
        params.taux_main_oeuvre
        if params.taux_main_oeuvre is not None
        else Decimal(str(defauts_type["taux_main_oeuvre"]))
    )
    cout = params.cout_horaire if params.cout_horaire is not None else Decimal(str(defauts_type["cout_horaire"]))
    brut = heures_formule(lot.montant_ht, taux, params.pourcentage, cout) if params.pourcentage is not None else None
    # The formula's inputs are shown only when the formula could be applied.
    commun: dict[str, Any] = {
        "heures_formule": brut,
        "pourcentage": params.pourcentage,
        "taux_main_oeuvre": taux if brut is not None else None,
        "cout_horaire": cout if brut is not None else None,
    }
    if brut is not None:
        _noter_defauts(params, marche.type, taux, cout, choix, defauts)
    if est_accord_cadre(marche.forme):
        return _heures_accord_cadre(consultation, chemin, lot, params, fixe_sur_le_lot, commun)
    if params.heures is not None and (fixe_sur_le_lot or not marche.lots):
        return HeuresLot(numero, lot.intitule, lot.montant_ht, params.heures, "fixe", **commun)
    if params.heures is not None and not formule_du_lot:
        return None
    assert brut is not None
    return HeuresLot(numero, lot.intitule, lot.montant_ht, arrondir_heures(brut), "formule", **commun)


def _heures_accord_cadre(
    consultation: Consultation,
    chemin: Chemin,
    lot: Lot,
    params: Article14,
    fixe_sur_le_lot: bool,
    commun: dict[str, Any],
) -> HeuresLot:
    """An accord-cadre's hours: a rate per 1 000 € HT ordered; the estimate, the minimum and the maximum applied."""
    marche = consultation.marche
    numero = lot.numero if marche.lots else None
    minimum = lot.montant_minimum_ht if marche.lots else marche.montant_minimum_ht
    maximum = lot.montant_maximum_ht if marche.lots else marche.montant_maximum_ht
    if params.heures == 0:
        return HeuresLot(
            numero, lot.intitule, lot.montant_ht, 0, "fixe", montant_minimum_ht=minimum, montant_maximum_ht=maximum
        )
    if params.heures is not None:
        raise ErreurCalcul(
            (*chemin, "insertion", "heures") if fixe_sur_le_lot else ("insertion", "article_14", "heures"),
            "accord-cadre : le nombre d'heures ne peut pas être fixé d'avance, les commandes ne l'étant pas ; "
            "indiquez pourcentage (les heures sont dues par tranche de 1 000 € HT commandés, d'après la formule) "
            "et retirez heures (heures: 0 seulement pour un lot sans clause)",
        )
    assert params.pourcentage is not None and commun["taux_main_oeuvre"] is not None
    taux_1000 = heures_formule(
        Decimal(1000), commun["taux_main_oeuvre"], params.pourcentage, commun["cout_horaire"]
    ).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    return HeuresLot(
        numero,
        lot.intitule,
        lot.montant_ht,
        _heures_sur(taux_1000, lot.montant_ht),
        "formule",
        **commun,
        heures_par_1000=taux_1000,
        heures_garanties=_heures_sur(taux_1000, minimum) if minimum is not None else None,
        heures_au_maximum=_heures_sur(taux_1000, maximum) if maximum is not None else None,
        montant_minimum_ht=minimum,
        montant_maximum_ht=maximum,
    )


def _repartir(
    resultat: list[HeuresLot | None], a_repartir: list[tuple[int, Lot]], global14: Article14 | None, choix: list[str]
) -> None:
    """Share the contract-wide hours, less the lots that set their own, pro rata of the lot amounts."""
    assert global14 is not None and global14.heures is not None
    deja = sum(lot.heures for lot in resultat if lot is not None)
    reste = global14.heures - deja
    if reste < 0:
        raise ErreurCalcul(
            ("insertion", "article_14", "heures"),
            f"les heures fixées lot par lot ({deja}) dépassent les heures du marché ({global14.heures})",
        )
    montants = [lot.montant_ht for _, lot in a_repartir]
    parts = repartir_prorata(reste, montants)
    detail = (reste, global14.heures, sum(montants, Decimal(0)))
    for (position, lot), heures in zip(a_repartir, parts, strict=True):
        resultat[position] = HeuresLot(
            lot.numero, lot.intitule, lot.montant_ht, heures, "repartition", repartition=detail
        )
    choix.append(f"{reste} heures fixées pour le marché, réparties entre les lots au prorata de leur montant")


def _fusionner(global14: Article14 | None, propre: Article14 | None) -> Article14:
    """The lot's own article 14 fields override the contract's, field by field."""
    base = global14.model_dump() if global14 is not None else {}
    if propre is not None:
        base.update({k: v for k, v in propre.model_dump().items() if v is not None})
    return Article14(**base)


def _noter_defauts(
    params: Article14, type_marche: str, taux: Decimal, cout: Decimal, choix: list[str], defauts: set[str]
) -> None:
    if params.taux_main_oeuvre is None:
        defauts.add("taux_main_oeuvre")
        ligne = f"taux de main-d'œuvre : {nombre_simple(taux)} % (valeur par défaut pour un marché de {type_marche})"
        if ligne not in choix:
            choix.append(ligne)
    if params.cout_horaire is None:
        defauts.add("cout_horaire")
        ligne = f"coût horaire moyen : {nombre_simple(cout)} € (valeur par défaut pour un marché de {type_marche})"
        if ligne not in choix:
            choix.append(ligne)


def _penalites(
    consultation: Consultation, p: dict[str, Any], jour: datetime.date, choix: list[str], defauts: set[str]
) -> Penalites:
    donnee = consultation.insertion.penalite
    defaut = p["penalite"]

    def valeur(cle: str, libelle: str) -> Any:
        propre = getattr(donnee, cle) if donnee is not None else None
        if propre is not None:
            return propre
        affiche = str(defaut[cle]) if cle == "smic" else nombre_simple(Decimal(str(defaut[cle]))) + _UNITES[cle]
        choix.append(f"pénalité, {libelle} : {affiche} (valeur par défaut)")
        defauts.add(f"penalite.{cle}")
        return defaut[cle]

    smic_date, smic = _smic(p, jour)
    fixe = donnee.montant_par_heure if donnee is not None else None
    multiple = None
    if fixe is None:
        multiple = Decimal(str(valeur("multiple_smic", "par heure non réalisée, en multiple du SMIC horaire")))
        par_heure = (multiple * smic).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    else:
        par_heure = fixe
    return Penalites(
        par_heure=par_heure,
        multiple_smic=multiple,
        smic_horaire=smic,
        smic_date=smic_date,
        smic_reference=str(valeur("smic", "SMIC retenu")) if multiple is not None else "notification",
        plafond_pourcentage=Decimal(str(valeur("plafond_pourcentage", "plafond du montant HT"))),
        par_fiche_manquante=Decimal(str(valeur("par_fiche_manquante", "par fiche de suivi manquante"))),
        # Only a contract with article 53 has qualitative commitments: no default line otherwise.
        par_engagement_qualitatif=Decimal(
            str(
                valeur("par_engagement_qualitatif", "par engagement qualitatif non tenu, par mois")
                if consultation.insertion.article_53 is not None
                else defaut["par_engagement_qualitatif"]
            )
        ),
    )


_UNITES = {
    "multiple_smic": "",
    "plafond_pourcentage": " %",
    "par_fiche_manquante": " €",
    "par_engagement_qualitatif": " €",
}


def _smic(p: dict[str, Any], jour: datetime.date) -> tuple[datetime.date, Decimal]:
    """The hourly SMIC in force on ``jour`` (the latest revaluation on or before it; else the earliest known)."""
    valeurs = sorted((_une_date(v["au"]), Decimal(str(v["montant"]))) for v in p["smic_horaire"])
    en_vigueur = [v for v in valeurs if v[0] <= jour]
    return en_vigueur[-1] if en_vigueur else valeurs[0]


def smic_au(jour: datetime.date) -> Decimal:
    """The hourly SMIC in force on ``jour``, from ``parametres.yaml`` (the rule of ``_smic``)."""
    from clause_kit.commun.parametres import charger_parametres

    return _smic(charger_parametres().brut, jour)[1]


def _une_date(valeur: Any) -> datetime.date:
    return valeur if isinstance(valeur, datetime.date) else datetime.date.fromisoformat(str(valeur))


def _criteres(
    consultation: Consultation, p: dict[str, Any], choix: list[str], defauts: set[str]
) -> tuple[list[Critere], list[Critere]]:
    """All award criteria as announced, insertion last; never invented (``regles`` requires them)."""
    a53 = consultation.insertion.article_53
    autres = [Critere(c.libelle, c.ponderation, nature=c.nature) for c in consultation.marche.criteres or []]
    if a53 is None:
        return autres, []
    libelle_insertion = "Performances en matière d'insertion professionnelle des publics en difficulté"
    criteres = [*autres, Critere(libelle_insertion, a53.ponderation, insertion=True, nature="qualite")]
    if a53.sous_criteres:
        sous = [Critere(sc.libelle, sc.ponderation, description=sc.description or "") for sc in a53.sous_criteres]
    else:
        modeles = p["sous_criteres"]
        poids = _parts_egales(a53.ponderation, len(modeles))
        sous = [
            Critere(m["libelle"], w, description=m.get("description", "")) for m, w in zip(modeles, poids, strict=True)
        ]
        choix.append(
            "sous-critères d'insertion : ceux de la jurisprudence CE 25 mars 2013 n° 364950, "
            "à parts égales (valeurs par défaut)"
        )
        defauts.add("sous_criteres")
    return criteres, sous


def _parts_egales(total: Decimal, n: int) -> list[Decimal]:
    """Split a weight into n parts, whole percents when the weight is whole (10 → 4, 3, 3), else hundredths."""
    unite = Decimal(1) if total == total.to_integral_value() else Decimal("0.01")
    parts = repartir_prorata(int(total / unite), [Decimal(1)] * n)
    return [Decimal(part) * unite for part in parts]
