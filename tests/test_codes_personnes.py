"""Person codes: a name written as a code is refused, codes compare in NFKC capitals, cells never drive the terminal.

A facilitator gives codes of one run of letters and digits (``AUB-0042``, ``P-2026-0042``,
``CUG-001``): two name-like runs joined by ``-``, ``_`` or ``.`` (``DUPONT-JEAN-1``) are a name
and refuse the whole file, as a name with a space does. A code that NFKC changes (``ſ``,
full-width letters, ligatures) would silently become another person's: refused. A cell holding
ESC sequences, C1 controls or bidi overrides is quoted escaped.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from clause_kit.commun.affichage import affichable
from clause_kit.suivi.controle import MarcheConnu, code_nominatif, code_normalise, controler_ligne
from clause_kit.suivi.lecture import LigneBrute
from tests.suivi_commun import compter, importer, ligne
from tests.tableur import remplir

NOMS = [
    "DUPONT-JEAN-1",
    "MARTIN_SOPHIE_75",
    "dupont.jean",
    "Dupont-Jean-12",
    "DUPONT_LEA_3",
    "LEFEVRE-ÉLODIE-7",
    "AUB-MARTIN-0042",
    "martin-sophie",
    "ＤＵＰＯＮＴ-ＪＥＡＮ-１",  # full-width: a name still
]
#: Codes of the bundled examples, tests and documentation, and shapes a facilitator uses.
CODES = [
    "AUB-0042",
    "AUB-001",
    "CUG-001",
    "PAE-017",
    "EX-2008-01",
    "EX-001",
    "P-2026-0042",
    "P-000123",
    "AB12",
    "AD1",
    "PLIE-AUB-0042",
    "AUB-BTP-12",
    "CUG-PAE-01",
    "GEIQ_BTP_2026_04",
]


@pytest.mark.parametrize("valeur", NOMS)
def test_un_nom_ecrit_comme_un_code_est_nominatif(valeur: str) -> None:
    assert code_nominatif(valeur)


@pytest.mark.parametrize("valeur", CODES)
def test_un_code_pseudonyme_n_est_pas_nominatif(valeur: str) -> None:
    assert not code_nominatif(valeur)
    ligne_valide, anomalies = controler_ligne(LigneBrute(12, ligne(valeur), {}), "2026-TX-077", _MARCHES)
    assert anomalies == [] and ligne_valide is not None and ligne_valide.participant == valeur.upper()


_MARCHES = {
    "2026-TX-077": MarcheConnu(
        "2026-TX-077", {1: True, 2: True}, datetime.date(2026, 2, 1), datetime.date(2026, 11, 30)
    )
}


@pytest.mark.parametrize("valeur", ["ſUB-0042", "ＡＵＢ-0042", "AUB-００42", "ﬁB-0042", "AUB\u00a00042"])
def test_un_code_que_nfkc_change_est_refuse(valeur: str) -> None:
    ligne_valide, anomalies = controler_ligne(LigneBrute(12, ligne(valeur), {}), "2026-TX-077", _MARCHES)
    assert ligne_valide is None
    (anomalie,) = anomalies
    assert anomalie.cle == "participant" and "caractère de forme spéciale" in anomalie.message


def test_les_codes_se_comparent_en_nfkc_majuscules() -> None:
    assert code_normalise("aub-0042") == "AUB-0042"
    assert code_normalise("ſub-0042") == "SUB-0042"
    assert code_normalise("ＡＵＢ-００４２") == "AUB-0042"
    assert code_normalise("ﬃ-1") == "FFI-1"


def test_un_code_en_lettres_speciales_ne_rejoint_pas_celui_d_une_autre_personne(
    contrat: Path, vierge: bytes, tmp_path: Path
) -> None:
    # « ſUB-0042 » read in capitals would be « SUB-0042 »: the same person's hours counted twice on one month.
    base = tmp_path / "suivi.sqlite"
    fiche = remplir(vierge, [ligne("SUB-0042"), ligne("ſUB-0042", lot=2)], tmp_path / "fiche.xlsx")
    resultat = importer(base, contrat, fiche)
    assert resultat.exit_code == 1
    assert "Suivi!C13: Code de la personne (participant) : code de personne « ſUB-0042 »" in resultat.stderr
    assert compter(base, "lignes") == 1 and compter(base, "lignes", "participant = 'SUB-0042'") == 1


# --- terminal control characters ---------------------------------------------------------------

PIEGES = {
    "ESC": "\x1b[2J\x1b[31mrouge",
    "C1": "cdi\x9b31m",
    "bidi": "cdi\u202eidc",
    "isolat": "\u2066cdi\u2069",
    "BEL": "cdi\x07",
}


def test_affichable_echappe_ce_qui_piloterait_le_terminal() -> None:
    for piege in PIEGES.values():
        texte = affichable(piege)
        assert texte.isprintable(), texte
        assert affichable(texte) == texte  # escapes are printable: twice is once
    assert affichable("\x1b[31m") == "\\x1b[31m"
    assert affichable("a\u202eb") == "a\\u202eb"
    assert affichable("Référence « 2026 »") == "Référence « 2026 »"
    assert affichable("x" * 100) == "x" * 57 + "…"
    assert affichable("x" * 100, None) == "x" * 100


def test_une_cellule_piegee_n_est_jamais_recopiee_telle_quelle(contrat: Path, tmp_path: Path) -> None:
    entete = (
        "reference;lot;participant;publics;sexe;tranche_age;residence;modalite;siret_employeur;type_contrat;"
        "debut_contrat;fin_contrat;mois;heures;heures_formation;sortie;note\x1b[5m\x07\n"
    )
    lignes = [
        f"2026-TX-077;1;CUG-0{rang}1;rsa;f;moins_26;;embauche_directe;;{piege};2026-02-01;;2026-03;10;;;\n"
        for rang, piege in enumerate(PIEGES.values())
    ]
    lignes.append("2026-TX-077\x1b[8m;1;CUG-091;rsa;f;moins_26;;embauche_directe;;cdi;2026-02-01;;2026-03;10;;;\n")
    lignes.append("2026-TX-077;1;CUG\u202e-092;rsa;f;moins_26;;embauche_directe;;cdi;2026-02-01;;2026-03;10;;;\n")
    csv = tmp_path / "saisie.csv"
    csv.write_text(entete + "".join(lignes), encoding="utf-8")
    resultat = importer(tmp_path / "suivi.sqlite", contrat, csv)
    assert resultat.exit_code == 1
    sortie = resultat.stdout + resultat.stderr
    for interdit in ("\x1b", "\x9b", "\x07", "\u202e", "\u2066", "\u2069"):
        assert interdit not in sortie, repr(interdit)
    assert "code inconnu « \\x1b[2J\\x1b[31mrouge »" in resultat.stderr
    assert "« cdi\\u202eidc »" in resultat.stderr
    assert "colonne « note\\x1b[5m\\x07 »" in resultat.stderr
