"""The award block (``execution``): validated in the model, kept by the register, read by the penalty and the report."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from clause_kit.commun.erreurs import ErreursValidation
from clause_kit.marche.chargement import charger_detail
from clause_kit.suivi.registre import Registre
from tests.suivi_commun import bilan_json, etat, importer, ligne
from tests.tableur import remplir

#: Launched in November 2025 (SMIC 11,88 €), notified in January 2026 (SMIC 12,02 €); the penalty is
#: the default 1,5 SMIC « in force at notification ». Lot 1 owes 800 h, lot 2 267 h, February to November.
CONTRAT = """acheteur: {nom: Commune de Cuges-les-Pins, commune: Cuges-les-Pins, siret: "21130030300016"}
facilitateur: {nom: Référent clauses, telephone: 04 42 00 00 01}
marche:
  reference: 2026-TX-090
  objet: Extension du groupe scolaire
  type: travaux
  montant_ht: 900000
  procedure: adaptee
  date_lancement: 2025-11-03
  duree_mois: 10
  lieu_execution: {code: "13780", type: code_postal}
  lots:
    - {numero: 1, intitule: Gros œuvre, montant_ht: 600000}
    - {numero: 2, intitule: Menuiseries, montant_ht: 200000}
    - {numero: 3, intitule: Ascenseur, montant_ht: 100000, insertion: {heures: 0}}
insertion:
  article_14: {pourcentage: 8, cout_horaire: 30}
execution:
  debut: 2026-02-01
  notification: 2026-01-20
  titulaires:
    - {lot: 1, nom: Bâtisseurs du Garlaban, siret: "73282932000074"}
    - {lot: 2, nom: Menuiserie Huveaune, siret: "55208131766522"}
    - {lot: 3, nom: Bâtisseurs du Garlaban, siret: "73282932000074"}
  montant_ht: 880000
  offres_recues: 4
  forme_prix: forfaitaire
  types_prix: [definitif_revisable]
  avance: {attribuee: true, taux: 5}
  sous_traitance_declaree: false
  groupement: aucun
"""


@pytest.fixture
def marche(tmp_path: Path) -> Path:
    chemin = tmp_path / "extension.yaml"
    chemin.write_text(CONTRAT, encoding="utf-8")
    return chemin


def test_le_registre_garde_l_attribution_et_la_penalite_au_smic_de_notification(marche: Path, tmp_path: Path) -> None:
    base = tmp_path / "suivi.sqlite"
    assert importer(base, marche).exit_code == 0
    with Registre(base, creer=False) as registre:
        donnees = registre.donnees_marche("2026-TX-090")
    assert donnees is not None
    execution = donnees["execution"]
    assert execution["notification"] == "2026-01-20" and execution["offres_recues"] == 4
    assert execution["titulaires"][1] == {"lot": 2, "nom": "Menuiserie Huveaune", "siret": "55208131766522"}
    assert (execution["montant_ht"], execution["forme_prix"], execution["types_prix"]) == (
        "880000",
        "forfaitaire",
        ["definitif_revisable"],
    )
    assert execution["avance"] == {"attribuee": True, "taux": "5"} and execution["groupement"] == "aucun"
    assert donnees["acheteur_siret"] == "21130030300016"
    assert donnees["lieu_execution"] == {"code": "13780", "type": "code_postal"}
    # 1,5 × 12,02 € (SMIC on 20 January 2026), not 1,5 × 11,88 € (at launch, November 2025).
    assert donnees["penalite_par_heure"] == "18.03"
    # The state's penalty at the end of the contract, computed by hand: nothing done on 1 067 h due.
    lots = etat(base, "2026-12-15")["marches"][0]["lots"]
    assert [lot["penalite_au_rythme"] for lot in lots] == [
        float(min(Decimal(800) * Decimal("18.03"), Decimal(60000))),
        float(min(Decimal(267) * Decimal("18.03"), Decimal(20000))),
    ]


def test_entreprises_comptees_par_siret_des_titulaires(marche: Path, tmp_path: Path) -> None:
    # The holder of lot 1 types its name two ways and no SIRET on two sheets: still one company;
    # lot 2's holder is the second. Counted from the award block, by SIRET.
    from clause_kit.dossier.classeur_suivi import NOM_FICHIER
    from clause_kit.dossier.construction import construire

    vierge = construire(marche).fichiers[NOM_FICHIER]
    base = tmp_path / "suivi.sqlite"
    mars = remplir(vierge, [ligne("CUG-001", heures=10)], tmp_path / "mars.xlsx", titulaire="Batisseurs Garlaban")
    avril = remplir(
        vierge,
        [ligne("CUG-001", heures=10, mois=datetime.date(2026, 4, 1))],
        tmp_path / "avril.xlsx",
        titulaire="BÂTISSEURS DU GARLABAN SARL",
    )
    lot2 = remplir(vierge, [ligne("CUG-002", lot=2, heures=5)], tmp_path / "lot2.xlsx", titulaire="Menuiserie")
    assert importer(base, marche).exit_code == 0
    for fiche in (mars, avril, lot2):
        resultat = importer(base, fiche)
        assert resultat.exit_code == 0, resultat.output
    donnees = bilan_json("--base", str(base), "--annee", "2026")
    assert donnees["heures_realisees"] == 25
    assert donnees["entreprises"] == 2  # by the sheets' headers it would be 3


@pytest.mark.parametrize(
    ("remplacement", "message"),
    [
        ('siret: "73282932000074"}\n    - {lot: 2', 'siret: "73282932000075"}\n    - {lot: 2'),
        ("{lot: 3, nom:", "{lot: 4, nom:"),
        ('{code: "13780", type: code_postal}', '{code: "1378", type: code_postal}'),
        ("forme_prix: forfaitaire", "forme_prix: global"),
        ("notification: 2026-01-20", "notification: 2026-03-20"),
    ],
)
def test_un_bloc_d_attribution_faux_est_refuse(tmp_path: Path, remplacement: str, message: str) -> None:
    chemin = tmp_path / "faux.yaml"
    assert remplacement in CONTRAT
    chemin.write_text(CONTRAT.replace(remplacement, message), encoding="utf-8")
    with pytest.raises(ErreursValidation):
        charger_detail(chemin)


def test_un_bloc_d_attribution_juste_se_charge(marche: Path) -> None:
    detail = charger_detail(marche)
    execution = detail.consultation.execution
    assert execution is not None and execution.notification == datetime.date(2026, 1, 20)
    assert [t.siret for t in execution.titulaires or []] == ["73282932000074", "55208131766522", "73282932000074"]
