"""Which files a batch takes: folders walked, hidden and defaults files skipped, communes, duplicates."""

from __future__ import annotations

from pathlib import Path

from clause_kit.rapport import Resultat, tableau_resume
from clause_kit.selection import collecter, reperer_doublons, selectionner_communes


def ecrire(chemin: Path, texte: str) -> Path:
    chemin.parent.mkdir(parents=True, exist_ok=True)
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def marche(reference: str, commune: str | None = None) -> str:
    acheteur = f"acheteur: {{nom: X, commune: {commune}}}\n" if commune else "acheteur: {nom: X}\n"
    return acheteur + f"marche: {{reference: {reference}}}\n"


def test_collecter_parcourt_les_dossiers_et_ignore_defauts_et_caches(tmp_path: Path) -> None:
    ecrire(tmp_path / "a" / "m1.yaml", marche("M1", "A"))
    ecrire(tmp_path / "a" / "sous" / "m2.yml", marche("M2", "A"))
    ecrire(tmp_path / "a" / "_commune.yaml", "acheteur: {commune: A}\n")
    ecrire(tmp_path / "a" / ".cache" / "m3.yaml", marche("M3", "A"))
    ecrire(tmp_path / "a" / "notes.txt", "pas un marché")
    fichiers, absents = collecter([tmp_path / "a", tmp_path / "a" / "m1.yaml", tmp_path / "absent"])
    assert [f.name for f in fichiers] == ["m1.yaml", "m2.yml"]  # m1 given twice, taken once
    assert len(absents) == 1 and "absent : ni fichier ni dossier" in absents[0].message


def test_selection_par_commune_avec_valeurs_communes(tmp_path: Path) -> None:
    ecrire(tmp_path / "gemenos" / "_commune.yaml", "acheteur: {commune: Gémenos}\n")
    herite = ecrire(tmp_path / "gemenos" / "m1.yaml", marche("M1"))
    autre = ecrire(tmp_path / "cassis" / "m2.yaml", marche("M2", "Cassis"))
    illisible = ecrire(tmp_path / "gemenos" / "casse.yaml", "marche: [\n")
    assert selectionner_communes([herite, autre, illisible], ["GEMENOS"]) == [herite, illisible]
    assert selectionner_communes([herite, autre], []) == [herite, autre]


def test_doublons_ecartes_apres_le_premier(tmp_path: Path) -> None:
    premier = ecrire(tmp_path / "a" / "m1.yaml", marche("2026/TX 1", "Cassis"))
    second = ecrire(tmp_path / "b" / "m2.yaml", marche("2026-tx-1", "cassis"))
    autre = ecrire(tmp_path / "b" / "m3.yaml", marche("2026-tx-2", "cassis"))
    gardes, doublons = reperer_doublons([premier, second, autre])
    assert gardes == [premier, autre]
    assert doublons[0].fichier == str(second) and "cassis/2026-tx-1" in doublons[0].message


def test_tableau_resume_trie_et_compte() -> None:
    resultats = [
        Resultat("b.yaml", "Cassis", "B-1", "généré", 1429, 8, avertissements=["pourcentage au-delà de 20 %"]),
        Resultat("a.yaml", "Auriol", "A-1", "généré", 80, 7),
        Resultat("x.yaml", message="x.yaml:1: erreur"),
    ]
    lignes = tableau_resume(resultats).splitlines()
    assert lignes[0].split() == ["commune", "référence", "statut", "heures", "pièces", "avertissements"]
    assert lignes[2].split()[0] == "?" and "x.yaml" in lignes[2]
    assert lignes[3].startswith("Auriol") and lignes[4].startswith("Cassis")
    assert "1\u202f429" in lignes[4] and lignes[4].split()[-1] == "1"
    assert lignes[-2] == "2 dossier(s) généré(s), 1 en erreur"
    assert lignes[-1].startswith("Avertissements : voir le rapport")
