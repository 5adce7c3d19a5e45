"""The follow-up workbook filled at the zip level: its meaning against golden expectations, its bytes stable.

Before the openpyxl builder was removed, this file compared both workbooks, as openpyxl reads
them, for the 42 bundled examples and a contract of trapped texts: identical (commit « Classeur
de suivi : rempli au niveau du zip »). What they said then is kept here as golden expectations
(``tests/golden/classeur_suivi/``): ``commun.json`` for what every workbook shares, and
``exemples.json`` for what depends on the contract (identity row, header, lots' validation,
title). ``CLAUSE_KIT_REGENERER_GOLDEN=1`` rewrites them; read the diff before committing it.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from clause_kit.dossier.classeur_suivi import COLONNES, FEUILLE_SUIVI, IDENTITE, LIGNE_CLES, NOM_FICHIER
from clause_kit.dossier.construction import construire, ecrire
from clause_kit.suivi.lecture import lire_feuilles
from tests.semantique_classeur import semantique
from tests.suivi_commun import BONNES, CONTRAT, compter, importer
from tests.tableur import convertir, remplir

JOUR = datetime.date(2026, 11, 24)
RACINE = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "classeur_suivi"
EXEMPLES = sorted(p for p in (RACINE / "dossiers").rglob("*.yaml") if not p.name.startswith("_"))
REGENERER = bool(os.environ.get("CLAUSE_KIT_REGENERER_GOLDEN"))


def _nom(exemple: Path) -> str:
    return str(exemple.relative_to(RACINE / "dossiers").with_suffix(""))


def _piege(dossier: Path) -> Path:
    """Texts a spreadsheet or XML would misread: formulas, markup, quotes, spaces at the ends."""
    texte = CONTRAT.replace("reference: 2026-TX-077", 'reference: \'=HYPERLINK("http://x.invalid","o")\'')
    texte = texte.replace("commune: Cuges-les-Pins}", "commune: ' -1 < 2 & \"x\" '}")
    texte = texte.replace("objet: Extension du groupe scolaire", 'objet: "@A1 <b>&amp; \\" Extension"')
    chemin = dossier / "piege.yaml"
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def _separer(sens: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What every workbook shares, and what depends on the contract (taken out of the first)."""
    commun = copy.deepcopy(sens)
    suivi = commun[FEUILLE_SUIVI]
    propre: dict[str, Any] = {"titre": commun["proprietes"].pop("titre"), "cellules": {}}
    variables = [f"{chr(64 + n)}1" for n in range(1, 10)] + ["A3", "A4", "A5", "A6"]
    for reference in variables:
        cellule = suivi["cellules"][reference]
        propre["cellules"][reference] = [cellule.pop("valeur"), cellule.pop("type"), cellule.pop("citation")]
    (lots,) = [v for v in suivi["validations"] if v["sqref"].startswith("B")]
    propre["lots"] = [lots.pop("formula1"), lots.pop("error")]
    return commun, propre


def _ecrire_json(valeur: Any, retrait: str = "") -> str:
    """JSON with one line per cell, column, row or validation: a golden diff reads line by line."""
    if isinstance(valeur, dict) and any(isinstance(v, dict | list) for v in valeur.values()):
        interieur = retrait + " "
        lignes = [
            f"{interieur}{json.dumps(k, ensure_ascii=False)}: {_ecrire_json(v, interieur)}"
            for k, v in sorted(valeur.items())
        ]
        return "{\n" + ",\n".join(lignes) + f"\n{retrait}}}"
    if isinstance(valeur, list) and any(isinstance(v, dict) for v in valeur):
        interieur = retrait + " "
        return "[\n" + ",\n".join(interieur + _ecrire_json(v, interieur) for v in valeur) + f"\n{retrait}]"
    return json.dumps(valeur, ensure_ascii=False, sort_keys=True)


def _golden(nom: str, valeur: Any) -> Any:
    """The golden value ``nom`` of ``exemples.json`` (or the whole of ``commun.json``), rewritten on demand."""
    if nom == "commun":
        chemin = GOLDEN / "commun.json"
        if REGENERER:
            GOLDEN.mkdir(parents=True, exist_ok=True)
            chemin.write_text(_ecrire_json(valeur) + "\n", "utf-8")
        return json.loads(chemin.read_text(encoding="utf-8"))
    chemin = GOLDEN / "exemples.json"
    tous = json.loads(chemin.read_text(encoding="utf-8")) if chemin.exists() else {}
    if REGENERER:
        tous[nom] = valeur
        chemin.write_text(_ecrire_json(tous) + "\n", "utf-8")
    return tous[nom]


def _json(valeur: Any) -> Any:
    """As JSON reads it back (tuples become lists)."""
    return json.loads(json.dumps(valeur, ensure_ascii=False))


@pytest.mark.parametrize("exemple", [*EXEMPLES, None], ids=lambda p: _nom(p) if p else "piege")
def test_le_classeur_dit_ce_qu_il_disait(exemple: Path | None, tmp_path: Path) -> None:
    construit = construire(exemple or _piege(tmp_path), aujourd_hui=JOUR)
    if NOM_FICHIER not in construit.fichiers:
        assert construit.chiffres.heures_total == 0 and construit.consultation.insertion.article_53 is None
        return
    commun, propre = (_json(partie) for partie in _separer(semantique(construit.fichiers[NOM_FICHIER])))
    assert commun == _golden("commun", commun)
    assert propre == _golden(_nom(exemple) if exemple else "piege", propre)


def test_le_piege_reste_du_texte(tmp_path: Path) -> None:
    """The trapped texts as typed, the formula-looking ones with the quote prefix.

    Read from the workbook built now, not from the golden file: the test holds while goldens are
    being regenerated too, and never skips.
    """
    construit = construire(_piege(tmp_path), aujourd_hui=JOUR)
    _, propre = (_json(partie) for partie in _separer(semantique(construit.fichiers[NOM_FICHIER])))
    cellules = propre["cellules"]
    assert cellules["C1"] == ['=HYPERLINK("http://x.invalid","o")', "s", True]
    assert cellules["G1"][0].strip() == '-1 < 2 & "x"' and cellules["G1"][1] == "s"
    assert cellules["A4"][0] == 'Marché n° =HYPERLINK("http://x.invalid","o") – @A1 <b>&amp; " Extension'
    assert cellules["A4"][2] is False  # « Marché n° » first: no formula


def test_memes_octets_pour_le_meme_marche(tmp_path: Path) -> None:
    """Byte-stable: no clock in the workbook, the same bytes in another process."""
    exemple = RACINE / "dossiers" / "la-penne-sur-huveaune" / "2026-tx-012-gymnase.yaml"
    premier = construire(exemple, aujourd_hui=JOUR).fichiers[NOM_FICHIER]
    assert construire(exemple, aujourd_hui=JOUR).fichiers[NOM_FICHIER] == premier
    script = (
        "import datetime, hashlib, sys; from pathlib import Path\n"
        "from clause_kit.dossier.construction import construire\n"
        "c = construire(Path(sys.argv[1]), aujourd_hui=datetime.date(2026, 11, 24))\n"
        "print(hashlib.sha256(c.fichiers['fiche-suivi.xlsx']).hexdigest())\n"
    )
    autre = subprocess.run(
        [sys.executable, "-c", script, str(exemple)], capture_output=True, text=True, check=True, cwd=RACINE
    )
    assert autre.stdout.strip() == hashlib.sha256(premier).hexdigest()


@pytest.mark.parametrize("exemple", EXEMPLES, ids=_nom)
def test_calamine_lit_l_identite_et_les_colonnes(exemple: Path, tmp_path: Path) -> None:
    """The importer's reader finds the identity and the columns in every bundled example's workbook."""
    construit = construire(exemple, aujourd_hui=JOUR)
    if NOM_FICHIER not in construit.fichiers:
        return
    chemin = tmp_path / NOM_FICHIER
    chemin.write_bytes(construit.fichiers[NOM_FICHIER])
    classeur = CalamineWorkbook.from_path(str(chemin))
    assert classeur.sheet_names == ["Suivi", "Listes", "Codes"]
    grille = classeur.get_sheet_by_name(FEUILLE_SUIVI).to_python(skip_empty_area=False)
    assert grille[0][0] == IDENTITE and [str(v) for v in grille[LIGNE_CLES - 1][: len(COLONNES)]] == [
        c.cle for c in COLONNES
    ]
    (feuille,) = lire_feuilles(chemin)
    assert feuille.identite["reference"] == construit.consultation.marche.reference
    assert feuille.identite["empreinte_source"] == construit.sha256_source
    assert feuille.lignes == []


def test_une_copie_remplie_s_importe_au_registre(tmp_path: Path) -> None:
    """End to end: the dossier's manifest registers the contract, the filled workbook its rows."""
    contrat = tmp_path / "contrat.yaml"
    contrat.write_text(CONTRAT, encoding="utf-8")
    dossier = ecrire(construire(contrat), tmp_path / "sortie")
    fiche = remplir((dossier / NOM_FICHIER).read_bytes(), BONNES, tmp_path / "fiche.xlsx", titulaire="BTP Sud")
    base = tmp_path / "suivi.sqlite"
    for chemin in (dossier, fiche):
        resultat = importer(base, chemin)
        assert resultat.exit_code == 0, resultat.output
    assert "3 ligne(s) importée(s)" in resultat.output
    assert compter(base, "lignes") == 3


@pytest.mark.lent
def test_libreoffice_garde_validations_noms_protection_et_lignes_cachees(tmp_path: Path) -> None:
    """Calc reads the workbook of an accord-cadre with lots and writes back what openpyxl saw."""
    exemple = RACINE / "dossiers" / "la-penne-sur-huveaune" / "2026-ac-041-proprete.yaml"
    source = tmp_path / NOM_FICHIER
    source.write_bytes(construire(exemple, aujourd_hui=JOUR).fichiers[NOM_FICHIER])
    avant = semantique(source.read_bytes())
    apres = semantique(convertir(source, "xlsx", tmp_path / "xlsx").read_bytes())
    assert apres["feuilles"] == avant["feuilles"] and apres["noms"].keys() == avant["noms"].keys()
    for nom in ("Suivi", "Listes", "Codes"):
        assert (
            apres[nom]["protection"]["sheet"] and apres[nom]["protection"]["sheet"] == avant[nom]["protection"]["sheet"]
        )
        valeurs = {k: c["valeur"] for k, c in avant[nom]["cellules"].items() if c["valeur"] is not None}
        assert {k: apres[nom]["cellules"][k]["valeur"] for k in valeurs} == valeurs
    suivi_avant, suivi_apres = avant["Suivi"], apres["Suivi"]
    assert {r for r, d in suivi_apres["rangees"].items() if d["cachee"]} == {"1", str(LIGNE_CLES)}
    # Calc writes each range back shortened to 1 000 rows and a name without « = », and headless it
    # drops the frozen pane: it did all three with the openpyxl workbook too.
    assert [(v["sqref"].split(":")[0], v["type"], v["formula1"].lstrip("=")) for v in suivi_apres["validations"]] == [
        (v["sqref"].split(":")[0], v["type"], v["formula1"].lstrip("=")) for v in suivi_avant["validations"]
    ]
    assert set(suivi_apres["commentaires"]) == set(suivi_avant["commentaires"])
    csv = convertir(source, "csv", tmp_path / "csv").read_bytes().decode("cp1252")
    assert IDENTITE in csv and "2026-AC-041" in csv.upper()
