"""Which files a batch takes: folders walked, hidden and defaults files skipped, communes, duplicates."""

from __future__ import annotations

from pathlib import Path

from clause_kit.lot.compte_rendu import Resultat, tableau_resume
from clause_kit.lot.selection import collecter, identifier, reperer_doublons, selectionner_communes


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


def bombe(reference_en_alias: bool = True) -> str:
    """Nine aliases a level: expanded, the reference would be a list of 9**8 strings (hundreds of MB)."""
    lignes = ['a0: &a0 ["xxxxxxxx"]'] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    fin = "acheteur: {nom: X, commune: *a8}\n" if not reference_en_alias else "marche: {reference: *a8}\n"
    return "\n".join(lignes) + "\n" + fin


def test_prelecture_sans_expansion_d_alias(tmp_path: Path) -> None:
    import tracemalloc

    fichier = ecrire(tmp_path / "a" / "bombe.yaml", bombe())
    defauts = ecrire(tmp_path / "b" / "_commune.yaml", bombe(reference_en_alias=False))
    herite = ecrire(tmp_path / "b" / "m.yaml", marche("M1"))
    tracemalloc.start()
    try:
        assert identifier(fichier) is None
        assert identifier(herite, racines=[tmp_path / "b"]) is None
        _, pic = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert pic < 5_000_000, f"{pic} octets"
    assert defauts.is_file()


def test_prelecture_bornee_et_fichiers_ordinaires_seulement(tmp_path: Path) -> None:
    import os

    dossier = tmp_path / "a"
    ecrire(dossier / "bon.yaml", marche("M1", "A"))
    (dossier / "zero.yaml").symlink_to("/dev/zero")
    (dossier / "casse.YML").symlink_to(dossier / "absent.yaml")
    os.mkfifo(dossier / "tube.yaml")
    ecrire(dossier / "MAJUSCULES.YAML", marche("M2", "A"))
    fichiers, refuses = collecter([dossier])
    assert [f.name for f in fichiers] == ["MAJUSCULES.YAML", "bon.yaml"]
    messages = {Path(r.fichier).name: r.message for r in refuses}
    assert "lien symbolique cassé" in messages["casse.YML"]
    assert "pas un fichier ordinaire" in messages["zero.yaml"] and "pas un fichier ordinaire" in messages["tube.yaml"]
    # Given directly, they reach the pre-scan, which reads at most the limit and never waits on a FIFO.
    assert identifier(dossier / "zero.yaml") is None and identifier(dossier / "tube.yaml") is None
    gros = ecrire(dossier / "gros.yaml", marche("M3", "A") + "# " + "x" * 1_100_000 + "\n")
    assert identifier(gros) is None
