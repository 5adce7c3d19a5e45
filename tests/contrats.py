"""Contract files for tests: the smallest description that ``generer`` accepts, to vary one thing at a time.

A generable contract names a procedure and a reachable facilitator (legal choices ``generer``
never leaves to a default) and a launch date, so that the rules applied do not depend on the
day the tests run.
"""

from __future__ import annotations

FACILITATEUR = "facilitateur: {structure: PLIE du Pays, telephone: 04 42 00 00 00}\n"
LANCEMENT = "2026-10-01"


def contrat(
    reference: str = "T-1",
    commune: str = "Cassis",
    objet: str = "Travaux",
    montant: int = 300000,
    *,
    type_: str = "travaux",
    insertion: str = "  article_14: {pourcentage: 7}\n",
    marche: str = "",
    facilitateur: str = FACILITATEUR,
) -> str:
    """YAML text of a valid contract; ``marche`` adds lines under ``marche:`` (indented by two spaces)."""
    return (
        f"acheteur: {{nom: Commune de {commune}, commune: {commune}}}\n"
        f"{facilitateur}"
        "marche:\n"
        f"  reference: {reference}\n"
        f"  objet: '{objet}'\n"
        f"  type: {type_}\n"
        f"  montant_ht: {montant}\n"
        "  procedure: adaptee\n"
        f"  date_lancement: {LANCEMENT}\n"
        f"{marche}"
        "insertion:\n"
        f"{insertion}"
    )


#: Award criteria other than insertion that sum to 85 with an environmental one (insertion: 15).
CRITERES_85 = (
    "  criteres:\n"
    "    - {libelle: Prix, ponderation: 60, nature: prix}\n"
    "    - {libelle: Valeur technique, ponderation: 15, nature: qualite}\n"
    "    - {libelle: Performances environnementales, ponderation: 10, nature: environnement}\n"
)


#: Insertion as an award criterion weighted 15, with the buyer's own sub-criteria (never defaults).
A53 = (
    "  article_53:\n    ponderation: 15\n    sous_criteres:\n"
    "      - {libelle: Accueil et intégration, ponderation: 8}\n"
    "      - {libelle: Tutorat, ponderation: 7}\n"
)
#: The same alone, without article 14: the hours offered need a floor.
A53_SEUL = A53.replace("ponderation: 15\n", "ponderation: 15\n    heures_minimum: 200\n", 1)
