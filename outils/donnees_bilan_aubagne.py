"""Régénère les marchés 2007-2008 du Pays d'Aubagne et leurs fiches de suivi remplies (données du bilan).

Usage : python outils/donnees_bilan_aubagne.py [--verifier]

La présentation d'Aubagne donne les éléments de son bilan 2007-2008 : une trentaine de marchés
de travaux et de services, 37 personnes positionnées (surtout des jeunes), 10 ETP d'heures
« article 14 » et 5 CDI, 9 ETP pour le marché des hauts de quai des déchetteries (articles 14 et
53), 19 ETP au total. Ce script écrit des données qui ont cette forme, et qui passent par le
chemin de tout le monde :

* les fichiers YAML des marchés (régime `cmp2006`, lancés de 2006 à 2008, avec leur bloc
  `execution`) dans `dossiers/aubagne/2007-2008/`, avec le `_commune.yaml` de l'acheteur d'alors
  (la Communauté d'agglomération ; certains marchés sont ceux de la Ville d'Aubagne), et le bloc
  `execution` du centre d'appel (`dossiers/aubagne/centre-appel.yaml`, marché de la présentation) ;
* pour chaque marché, le classeur `fiche-suivi.xlsx` réellement produit par `clause_kit`
  (`dossier.construire`), rempli comme une entreprise le remplit (une ligne par personne et par
  mois, libellés des listes déroulantes), une fiche par année, dans
  `dossiers/aubagne/2007-2008/suivi/` ; une fiche sur trois y est enregistrée en CSV par
  LibreOffice, comme une entreprise qui exporte sa feuille (séparateur « ; » en UTF-8, ou
  l'export par défaut : « , » en Windows-1252).

Les personnes ne sont que des codes (jamais un nom). Tout est déterministe : relancer le script
redonne les mêmes fichiers, à la date près des classeurs, que le script fixe. `clause-kit generer`
ne lit que des `.yaml` : les fiches du dossier `suivi/` ne sont jamais prises pour des marchés.
`--verifier` relit le tout avec `clause-kit bilan` et affiche les chiffres.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from clause_kit.bilan.periode import suite_mois  # noqa: E402
from clause_kit.commun.codes import codes  # noqa: E402
from clause_kit.dossier.classeur_suivi import (  # noqa: E402
    CELLULE_SIRET_TITULAIRE,
    CELLULE_TITULAIRE,
    COLONNES,
    FEUILLE_SUIVI,
    LIGNE_LIBELLES,
    NOM_FICHIER,
)
from clause_kit.dossier.construction import construire  # noqa: E402
from clause_kit.dossier.pdf import trouver_soffice  # noqa: E402

DOSSIER = RACINE / "dossiers" / "aubagne" / "2007-2008"
SUIVI = DOSSIER / "suivi"
CENTRE_APPEL = RACINE / "dossiers" / "aubagne" / "centre-appel.yaml"
JOUR = datetime.date(2009, 1, 15)  # date de génération fixée : les classeurs ne changent pas d'un passage à l'autre
#: Objectifs de la présentation, en heures (1 ETP = 1 607 h).
HEURES_ARTICLE_14 = Decimal(10 * 1607)
HEURES_DECHETTERIES = Decimal(9 * 1607)
FIN_DONNEES = "2008-12"

COMMUNE = """# Valeurs communes des marchés de 2007-2008, reproduits pour le bilan de ces années (produits par
# outils/donnees_bilan_aubagne.py). L'acheteur est celui d'alors : la Communauté d'agglomération du
# Pays d'Aubagne et de l'Étoile (la Métropole n'existait pas) ; les marchés de la Ville d'Aubagne le
# disent dans leur fichier. Régime du code des marchés publics de 2006 : chaque pièce porte la
# mention « Reproduction d'un dossier antérieur au 1er avril 2016 ».
acheteur:
  nom: Communauté d'agglomération du Pays d'Aubagne et de l'Étoile
  article: la
  commune: Aubagne
  adresse: Hôtel d'agglomération, 13400 Aubagne
  representant: Monsieur le Président
  categorie: collectivite
facilitateur:
  structure: Service clauses d'insertion de l'Agglomération du Pays d'Aubagne et de l'Étoile
  telephone: 04 42 00 00 00
insertion:
  regime: cmp2006
  penalite: {multiple_smic: 1.5}
"""
VILLE = """acheteur:
  nom: Ville d'Aubagne
  adresse: Hôtel de ville, 13400 Aubagne
  representant: Monsieur le Maire
"""


@dataclass(frozen=True)
class Marche:
    """Un marché de 2007-2008 : référence, objet, type, acheteur (A : l'Agglomération, V : la Ville), dates."""

    reference: str
    objet: str
    type: str
    acheteur: str
    lancement: str
    debut: str
    fin: str
    montant: int


# Une trentaine de marchés de travaux et de services (avec le centre d'appel, déjà dans dossiers/aubagne/).
MARCHES = [
    Marche(
        "2007-SV-DECH",
        "Gestion des hauts de quai des déchetteries communautaires",
        "services",
        "A",
        "2006-09-18",
        "2007-01-01",
        "2009-12-31",
        2400000,
    ),
    Marche(
        "2007-TX-FDM",
        "Aménagement du domaine de La Font de Mai",
        "travaux",
        "A",
        "2006-11-06",
        "2007-03-01",
        "2008-02-29",
        650000,
    ),
    Marche(
        "2007-TX-01",
        "Réhabilitation du gymnase du Charrel",
        "travaux",
        "V",
        "2006-10-02",
        "2007-02-01",
        "2007-11-30",
        820000,
    ),
    Marche(
        "2007-TX-02",
        "Réfection de la voirie du centre ancien",
        "travaux",
        "V",
        "2006-12-04",
        "2007-03-01",
        "2007-10-31",
        540000,
    ),
    Marche(
        "2007-TX-03",
        "Construction de la crèche des Passons",
        "travaux",
        "V",
        "2007-01-08",
        "2007-05-01",
        "2008-06-30",
        1300000,
    ),
    Marche(
        "2007-TX-04",
        "Extension de la zone d'activités des Paluds, voiries et réseaux",
        "travaux",
        "A",
        "2007-01-15",
        "2007-04-01",
        "2008-03-31",
        1900000,
    ),
    Marche(
        "2007-TX-05",
        "Rénovation de l'école élémentaire du Pin Vert",
        "travaux",
        "V",
        "2007-02-05",
        "2007-06-01",
        "2007-12-31",
        610000,
    ),
    Marche(
        "2007-TX-06",
        "Aménagement des berges de l'Huveaune",
        "travaux",
        "A",
        "2007-03-05",
        "2007-07-01",
        "2008-04-30",
        720000,
    ),
    Marche(
        "2007-TX-07",
        "Réhabilitation de logements du centre ancien",
        "travaux",
        "V",
        "2007-04-02",
        "2007-09-01",
        "2008-08-31",
        1150000,
    ),
    Marche(
        "2007-TX-08",
        "Création d'une piste cyclable entre Aubagne et Gémenos",
        "travaux",
        "A",
        "2007-05-07",
        "2007-10-01",
        "2008-05-31",
        880000,
    ),
    Marche(
        "2007-TX-09",
        "Mise en accessibilité de l'hôtel de ville",
        "travaux",
        "V",
        "2007-06-04",
        "2007-10-01",
        "2008-03-31",
        390000,
    ),
    Marche(
        "2008-TX-10",
        "Construction du centre technique communautaire",
        "travaux",
        "A",
        "2007-09-03",
        "2008-01-01",
        "2009-06-30",
        2600000,
    ),
    Marche(
        "2008-TX-11",
        "Réfection des réseaux d'eau pluviale",
        "travaux",
        "A",
        "2007-10-01",
        "2008-02-01",
        "2008-10-31",
        560000,
    ),
    Marche(
        "2008-TX-12",
        "Rénovation du gymnase Serge Mésonès",
        "travaux",
        "V",
        "2007-11-05",
        "2008-03-01",
        "2008-12-31",
        700000,
    ),
    Marche(
        "2008-TX-13",
        "Aménagement du parc urbain des Défensions",
        "travaux",
        "A",
        "2008-01-07",
        "2008-04-01",
        "2009-03-31",
        950000,
    ),
    Marche(
        "2008-TX-14",
        "Restructuration de la médiathèque",
        "travaux",
        "A",
        "2008-02-04",
        "2008-06-01",
        "2009-05-31",
        1250000,
    ),
    Marche(
        "2008-TX-15",
        "Réfection des façades de l'école maternelle Jean Jaurès",
        "travaux",
        "V",
        "2008-03-03",
        "2008-06-01",
        "2008-10-31",
        280000,
    ),
    Marche(
        "2007-SV-16",
        "Nettoyage des locaux communautaires",
        "services",
        "A",
        "2006-10-16",
        "2007-01-01",
        "2008-12-31",
        600000,
    ),
    Marche(
        "2007-SV-17",
        "Entretien des espaces verts des zones d'activités",
        "services",
        "A",
        "2006-11-13",
        "2007-02-01",
        "2009-01-31",
        480000,
    ),
    Marche(
        "2007-SV-18",
        "Entretien des espaces verts communaux",
        "services",
        "V",
        "2006-12-11",
        "2007-03-01",
        "2008-12-31",
        520000,
    ),
    Marche("2007-SV-19", "Collecte des encombrants", "services", "A", "2007-01-22", "2007-04-01", "2009-03-31", 750000),
    Marche(
        "2007-SV-20", "Nettoyage des marchés forains", "services", "V", "2007-02-19", "2007-05-01", "2008-10-31", 260000
    ),
    Marche(
        "2007-SV-21",
        "Restauration scolaire, service et plonge",
        "services",
        "V",
        "2007-04-16",
        "2007-09-01",
        "2009-07-31",
        900000,
    ),
    Marche(
        "2007-SV-22",
        "Entretien de la signalisation horizontale",
        "services",
        "A",
        "2007-05-14",
        "2007-07-01",
        "2008-06-30",
        310000,
    ),
    Marche(
        "2007-SV-23",
        "Gardiennage des équipements sportifs",
        "services",
        "V",
        "2007-06-11",
        "2007-09-01",
        "2008-08-31",
        420000,
    ),
    Marche(
        "2007-SV-24",
        "Propreté des abords des écoles",
        "services",
        "V",
        "2007-07-09",
        "2007-10-01",
        "2008-09-30",
        230000,
    ),
    Marche(
        "2008-SV-25",
        "Entretien des bâtiments communautaires, second œuvre",
        "services",
        "A",
        "2007-09-17",
        "2008-01-01",
        "2009-12-31",
        640000,
    ),
    Marche(
        "2008-SV-26",
        "Tri et valorisation des déchets verts",
        "services",
        "A",
        "2007-11-19",
        "2008-02-01",
        "2009-01-31",
        380000,
    ),
    Marche(
        "2008-SV-27", "Portage de repas à domicile", "services", "V", "2008-01-14", "2008-04-01", "2009-03-31", 290000
    ),
]
#: Le centre d'appel de la présentation (dossiers/aubagne/centre-appel.yaml) : son exécution.
CENTRE = Marche(
    "2007-SV-CA",
    "Gestion du centre d'appel des services municipaux",
    "services",
    "V",
    "2007-09-03",
    "2007-11-01",
    "2010-10-31",
    480000,
)

# Qui emploie : le titulaire (embauche directe), une ETTI ou une AI (mise à disposition), une
# entreprise d'insertion (sous-traitance). SIRET fictifs, clé de Luhn juste.
_SIREN_ETTI = "412345678"
_SIREN_EI = "498765432"


def luhn_complet(debut: str) -> str:
    """Le chiffre qui rend ``debut`` valide pour la clé de Luhn."""
    for chiffre in "0123456789":
        total = 0
        for rang, c in enumerate(reversed(debut + chiffre)):
            n = int(c) * (2 if rang % 2 else 1)
            total += n - 9 if n > 9 else n
        if total % 10 == 0:
            return debut + chiffre
    raise AssertionError(debut)


def siret(siren: str, etablissement: int) -> str:
    """Un SIRET fictif valide."""
    return luhn_complet(f"{siren}{etablissement:04d}")


@dataclass
class Contrat:
    """Un contrat de travail : une personne, un marché, des mois, des heures par mois, une sortie."""

    participant: str
    marche: Marche
    type_contrat: str
    modalite: str
    debut: str
    fin: str | None
    mois: list[str]
    heures: list[Decimal] = field(default_factory=list)
    sortie: str | None = None
    publics: str = "jeune"
    sexe: str = "m"
    age: str = "moins_26"
    residence: str | None = None
    employeur: str | None = None


def dernier_jour(mois: str) -> str:
    """Le dernier jour du mois, ISO."""
    annee, numero = int(mois[:4]), int(mois[5:])
    suivant = datetime.date(annee + numero // 12, numero % 12 + 1, 1)
    return (suivant - datetime.timedelta(days=1)).isoformat()


# Les personnes : 37 codes ; 26 ont moins de 26 ans (« essentiellement des jeunes »).
PERSONNES = [f"PAE-{n:03d}" for n in range(1, 38)]
_PUBLICS = ["jeune;cap_bep", "jeune", "rsa", "jeune;qpv", "deld", "jeune;ase", "detld", "th", "jeune;cap_bep", "senior"]


def profil(numero: int) -> dict[str, str | None]:
    """Sexe, tranche d'âge, publics et résidence de la personne ``numero`` (1 à 37)."""
    jeune = numero % 10 not in (3, 5, 7) and numero not in (10, 20, 30)
    publics = _PUBLICS[numero % len(_PUBLICS)]
    if jeune and "jeune" not in publics:
        publics = "jeune;" + publics
    if not jeune:
        publics = publics.replace("jeune;", "").replace("jeune", "deld") or "deld"
    age = "moins_26" if jeune else ("50_plus" if "senior" in publics else "26_49")
    residence = "qpv" if "qpv" in publics else None
    return {
        "publics": publics.replace(";qpv", "").replace("qpv", "deld"),
        "sexe": "f" if numero % 3 == 0 else "m",
        "age": age,
        "residence": residence,
    }


def _contrat(personne: int, marche: Marche, premier: str, dernier: str, **details: object) -> Contrat:
    mois = suite_mois(premier, dernier)
    contrat = Contrat(
        participant=PERSONNES[personne - 1],
        marche=marche,
        type_contrat=str(details.pop("type_contrat", "cdd")),
        modalite=str(details.pop("modalite", "embauche_directe")),
        debut=f"{premier}-{int(details.pop('jour', 1)):02d}",
        fin=None if details.get("type_contrat_cdi") else dernier_jour(dernier),
        mois=mois,
    )
    for cle, valeur in {**profil(personne), **details}.items():
        if cle != "type_contrat_cdi":
            setattr(contrat, cle, valeur)
    if contrat.modalite == "mise_a_disposition":
        contrat.employeur = siret(_SIREN_ETTI, 11)
    elif contrat.modalite == "sous_traitance_cotraitance":
        contrat.employeur = siret(_SIREN_EI, 21)
    return contrat


def plan() -> list[Contrat]:
    """Les contrats de travail des 37 personnes sur les marchés de 2007-2008."""
    dech = MARCHES[0]
    contrats = [
        # Hauts de quai des déchetteries : neuf personnes, agents de quai à temps plein ou presque.
        _contrat(
            1,
            dech,
            "2007-01",
            "2008-06",
            modalite="mise_a_disposition",
            type_contrat="interim",
            sortie="emploi_durable",
        ),
        _contrat(2, dech, "2007-01", FIN_DONNEES),
        _contrat(3, dech, "2007-01", "2007-12", sortie="emploi_transition"),
        _contrat(4, dech, "2007-03", FIN_DONNEES, modalite="mise_a_disposition", type_contrat="interim"),
        _contrat(5, dech, "2007-06", "2008-05", type_contrat="professionnalisation", sortie="sortie_positive"),
        _contrat(6, dech, "2007-09", FIN_DONNEES),
        _contrat(7, dech, "2008-01", FIN_DONNEES, modalite="mise_a_disposition", type_contrat="interim"),
        _contrat(8, dech, "2008-01", FIN_DONNEES),
        _contrat(9, dech, "2008-06", FIN_DONNEES, type_contrat="professionnalisation"),
    ]
    # Article 14 : une personne par marché, puis des parcours d'un marché à l'autre.
    autres = [*MARCHES[1:], CENTRE]
    types = ["cdd", "interim", "cddi", "cdd", "professionnalisation", "cdd", "interim", "apprentissage"]
    modalites = {"interim": "mise_a_disposition", "cddi": "sous_traitance_cotraitance"}
    sorties = ["emploi_transition", "sortie_positive", "autre", "emploi_transition", "emploi_durable"]
    for rang, marche in enumerate(autres):
        personne = 10 + rang  # PAE-010 à PAE-038 : les 28 premiers
        personne = personne if personne <= 37 else 37
        premier, dernier = marche.debut[:7], min(marche.fin[:7], FIN_DONNEES)
        mois = suite_mois(premier, dernier)
        fin = mois[min(len(mois) - 1, 5 + rang % 6)]
        type_contrat = types[rang % len(types)]
        contrats.append(
            _contrat(
                personne,
                marche,
                premier,
                fin,
                type_contrat=type_contrat,
                modalite=modalites.get(type_contrat, "embauche_directe"),
                sortie=sorties[rang % len(sorties)] if fin < FIN_DONNEES else None,
            )
        )
    contrats += _parcours(autres)
    return contrats


def _parcours(autres: list[Marche]) -> list[Contrat]:
    """Des personnes qui passent d'un marché à un autre ; cinq y sont embauchées en CDI."""
    par_reference = {m.reference: m for m in autres}
    suites = [
        # (personne, marché suivant, premier mois, dernier mois, type, sortie)
        (11, "2007-TX-07", "2007-12", "2008-08", "cdi", None),
        (12, "2008-TX-10", "2008-01", FIN_DONNEES, "cdi", None),
        (14, "2008-TX-13", "2008-04", FIN_DONNEES, "cdi", None),
        (16, "2008-SV-25", "2008-01", FIN_DONNEES, "cdi", None),
        (19, "2008-SV-26", "2008-02", FIN_DONNEES, "cdi", None),
        (13, "2008-TX-11", "2008-02", "2008-10", "cdd", "emploi_transition"),
        (15, "2008-TX-14", "2008-06", FIN_DONNEES, "interim", None),
        (17, "2008-TX-12", "2008-03", "2008-12", "cdd", "emploi_durable"),
        (21, "2008-SV-27", "2008-04", FIN_DONNEES, "cdd", None),
        (3, "2008-TX-15", "2008-06", "2008-10", "cdd", "emploi_transition"),
        (24, "2007-SV-21", "2008-09", FIN_DONNEES, "apprentissage", None),
    ]
    contrats = []
    for personne, reference, premier, dernier, type_contrat, sortie in suites:
        marche = par_reference[reference]
        contrats.append(
            _contrat(
                personne,
                marche,
                premier,
                dernier,
                type_contrat=type_contrat,
                sortie=sortie,
                modalite="mise_a_disposition" if type_contrat == "interim" else "embauche_directe",
                jour=2,
                type_contrat_cdi=type_contrat == "cdi",
            )
        )
    return contrats


def heures_mensuelles(contrats: list[Contrat]) -> None:
    """Des heures par mois (temps plein aux déchetteries, temps partiels ailleurs), ramenées aux objectifs."""
    for n, contrat in enumerate(contrats):
        base = Decimal(150) if contrat.marche is MARCHES[0] else Decimal(60 + 15 * (n % 5))
        contrat.heures = [base - Decimal(10 * ((n + i) % 3)) for i in range(len(contrat.mois))]
    for objectif, groupe in (
        (HEURES_DECHETTERIES, [c for c in contrats if c.marche is MARCHES[0]]),
        (HEURES_ARTICLE_14, [c for c in contrats if c.marche is not MARCHES[0]]),
    ):
        total = sum(sum(c.heures) for c in groupe)
        facteur = objectif / total
        for contrat in groupe:
            contrat.heures = [
                (h * facteur * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2 for h in contrat.heures
            ]
            assert max(contrat.heures) <= 200, (contrat.participant, max(contrat.heures))


def heures_dues(marche: Marche, contrats: list[Contrat]) -> int:
    """Heures dues : celles réalisées en 2007-2008, plus ce qui reste à faire après, moins un écart par marché."""
    faites = sum(sum(c.heures) for c in contrats if c.marche is marche)
    mois_total = len(suite_mois(marche.debut[:7], marche.fin[:7]))
    mois_faits = len(suite_mois(marche.debut[:7], min(marche.fin[:7], FIN_DONNEES)))
    ecart = Decimal(100 + 3 * (sum(map(ord, marche.reference)) % 7)) / 100  # 100 % à 118 % de ce qui est fait
    return int((faites * mois_total / mois_faits * ecart).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yaml_marche(marche: Marche, heures: int) -> str:
    """Le fichier YAML d'un marché de 2007-2008."""
    entete = f"# {marche.objet} ({marche.reference}) : marché de 2007-2008 reproduit pour le bilan de ces années.\n"
    entete += "# Produit par outils/donnees_bilan_aubagne.py (fiches de suivi remplies dans suivi/).\n"
    lignes = [entete.rstrip("\n")]
    if marche.acheteur == "V":
        lignes.append(VILLE.rstrip("\n"))
    procedure = (
        "adaptee" if marche.montant < (5_270_000 if marche.type == "travaux" else 210_000) else "appel_offres_ouvert"
    )
    lignes += [
        "marche:",
        f"  reference: {marche.reference}",
        f"  objet: {marche.objet}",
        f"  type: {marche.type}",
        f"  montant_ht: {marche.montant}",
        f"  procedure: {procedure}",
        f"  date_lancement: {marche.lancement}",
    ]
    if marche is MARCHES[0]:
        lignes += [
            "  criteres:",
            "    - {libelle: Prix des prestations, ponderation: 50, nature: prix}",
            "    - {libelle: Valeur technique, ponderation: 30, nature: qualite}",
        ]
    lignes += ["insertion:", f"  article_14: {{heures: {heures}}}"]
    if marche is MARCHES[0]:
        lignes += [
            "  article_53:",
            "    ponderation: 20",
            "    sous_criteres:",
            "      - {libelle: Accueil et intégration des personnes en insertion sur les quais, ponderation: 7}",
            "      - {libelle: Tuteur désigné et sa formation, ponderation: 6}",
            "      - {libelle: Progression et formation qualifiante des personnes, ponderation: 7}",
        ]
    lignes.append(f"execution: {{debut: {marche.debut}, fin: {marche.fin}}}")
    return "\n".join(lignes) + "\n"


def ecrire_marches(contrats: list[Contrat]) -> dict[str, Path]:
    """Les fichiers YAML (et l'exécution du centre d'appel) ; renvoie le fichier de chaque référence."""
    DOSSIER.mkdir(parents=True, exist_ok=True)
    (DOSSIER / "_commune.yaml").write_text(COMMUNE, encoding="utf-8")
    fichiers = {}
    for marche in MARCHES:
        chemin = DOSSIER / f"{marche.reference.lower()}.yaml"
        chemin.write_text(yaml_marche(marche, heures_dues(marche, contrats)), encoding="utf-8")
        fichiers[marche.reference] = chemin
    texte = CENTRE_APPEL.read_text(encoding="utf-8")
    execution = f"execution: {{debut: {CENTRE.debut}, fin: {CENTRE.fin}}}\n"
    if "execution:" not in texte:
        CENTRE_APPEL.write_text(texte.rstrip("\n") + "\n" + execution, encoding="utf-8")
    fichiers[CENTRE.reference] = CENTRE_APPEL
    return fichiers


_LIBELLES = {
    liste: {c.cle: c.libelle for c in codes(liste)}
    for liste in ("sexes", "tranches_age", "modalites", "types_contrat", "sorties", "residences")
}


def _valeurs(contrat: Contrat, rang: int) -> dict[str, object]:
    """Une ligne de fiche, telle qu'une entreprise la tape (libellés des listes, dates)."""
    mois = contrat.mois[rang]
    dernier = rang == len(contrat.mois) - 1
    valeurs: dict[str, object] = {
        "participant": contrat.participant,
        "publics": contrat.publics,
        "sexe": _LIBELLES["sexes"][contrat.sexe],
        "tranche_age": _LIBELLES["tranches_age"][contrat.age],
        "modalite": _LIBELLES["modalites"][contrat.modalite],
        "type_contrat": _LIBELLES["types_contrat"][contrat.type_contrat],
        "debut_contrat": datetime.date.fromisoformat(contrat.debut),
        "mois": datetime.date(int(mois[:4]), int(mois[5:]), 1),
        "heures": float(contrat.heures[rang]),
    }
    if contrat.fin:
        valeurs["fin_contrat"] = datetime.date.fromisoformat(contrat.fin)
    if contrat.residence:
        valeurs["residence"] = _LIBELLES["residences"][contrat.residence]
    if contrat.employeur:
        valeurs["siret_employeur"] = contrat.employeur
    if dernier and contrat.sortie:
        valeurs["sortie"] = _LIBELLES["sorties"][contrat.sortie]
    return valeurs


def ecrire_fiches(contrats: list[Contrat], fichiers: dict[str, Path]) -> None:
    """Une fiche par marché et par année, dans le classeur produit par clause_kit ; une sur trois en CSV."""
    if SUIVI.exists():
        shutil.rmtree(SUIVI)
    SUIVI.mkdir(parents=True)
    a_convertir: list[tuple[Path, str]] = []
    for numero, (reference, chemin) in enumerate(sorted(fichiers.items())):
        vierge = construire(chemin, aujourd_hui=JOUR).fichiers[NOM_FICHIER]
        for annee in ("2007", "2008"):
            lignes = [
                _valeurs(c, i)
                for c in contrats
                if c.marche.reference == reference
                for i, mois in enumerate(c.mois)
                if mois.startswith(annee)
            ]
            if not lignes:
                continue
            sortie = SUIVI / f"{reference.lower()}-{annee}.xlsx"
            remplir(vierge, lignes, sortie, numero)
            if (numero + int(annee)) % 3 == 0:
                a_convertir.append((sortie, "csv:Text - txt - csv (StarCalc):59,34,76,1" if numero % 2 else "csv"))
    convertir_en_csv(a_convertir)


def remplir(vierge: bytes, lignes: list[dict[str, object]], sortie: Path, numero: int) -> None:
    """Saisit les lignes dans la zone de saisie du classeur vierge, et le titulaire dans l'en-tête."""
    classeur = openpyxl.load_workbook(io.BytesIO(vierge))
    feuille = classeur[FEUILLE_SUIVI]
    colonnes = {c.cle: i for i, c in enumerate(COLONNES, start=1)}
    for rang, ligne in enumerate(
        sorted(lignes, key=lambda x: (str(x["mois"]), str(x["participant"]))), start=LIGNE_LIBELLES + 1
    ):
        for cle, valeur in ligne.items():
            feuille.cell(rang, colonnes[cle], valeur)
    feuille.cell(*CELLULE_TITULAIRE, f"Entreprise titulaire n° {numero + 1}")
    feuille.cell(*CELLULE_SIRET_TITULAIRE, siret("3" + f"{numero + 1:02d}" + "456789"[:6], 12))
    date = datetime.datetime(2009, 1, 15)
    classeur.properties.created = classeur.properties.modified = date
    classeur.save(sortie)


def convertir_en_csv(fichiers: list[tuple[Path, str]]) -> None:
    """Enregistre ces classeurs en CSV avec LibreOffice, comme une entreprise qui exporte sa feuille."""
    for filtre in sorted({f for _, f in fichiers}):
        sources = [s for s, f in fichiers if f == filtre]
        with tempfile.TemporaryDirectory() as travail:
            profil = Path(travail) / "profil"
            commande = [
                trouver_soffice(),
                "--headless",
                "--norestore",
                f"-env:UserInstallation={profil.as_uri()}",
                "--convert-to",
                filtre,
                "--outdir",
                str(SUIVI),
                *map(str, sources),
            ]
            subprocess.run(commande, check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": travail})
        for source in sources:
            assert source.with_suffix(".csv").is_file(), source
            source.unlink()


def verifier() -> None:
    """Les chiffres du bilan relus par clause-kit bilan, comme dans le test."""
    sortie = subprocess.run(
        [sys.executable, "-m", "clause_kit", "bilan", str(RACINE / "dossiers" / "aubagne"), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=RACINE,
    )
    print(sortie.stderr, file=sys.stderr)
    bilan = json.loads(sortie.stdout)
    articles = {a["code"]: a for a in bilan["par_article"]}
    jeunes = next(r for r in bilan["par_tranche_age"] if r["code"] == "moins_26")["personnes"]
    print(
        f"marchés {bilan['marches']}, personnes {bilan['personnes']} (dont {jeunes} jeunes), "
        f"ETP {bilan['etp']} (article 14 seul {articles['14']['etp']}, 14 + 53 {articles['14_53']['etp']}), "
        f"CDI {bilan['cdi']}, contrats de travail {bilan['contrats_travail']}"
    )


def main(arguments: list[str]) -> int:
    contrats = plan()
    heures_mensuelles(contrats)
    fichiers = ecrire_marches(contrats)
    ecrire_fiches(contrats, fichiers)
    print(
        f"{len(fichiers)} marchés, {len({c.participant for c in contrats})} personnes, {len(contrats)} contrats "
        f"de travail, {len(list(SUIVI.iterdir()))} fiches dans {SUIVI.relative_to(RACINE)}"
    )
    if "--verifier" in arguments:
        verifier()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
