"""The disk cache of compiled templates: used when sound, ignored when damaged, unsafe or turned off."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clause_kit.rendu import cache as cache_modeles
from clause_kit.rendu import moteur as rendu
from clause_kit.rendu.moteur import compiler, rendre
from tests.test_rendu import CONTEXTE, modele, texte


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own, and the in-memory compilations forgotten."""
    dossier = tmp_path / "cache"
    monkeypatch.setenv(cache_modeles.ENV_CACHE, str(dossier))
    monkeypatch.setattr(rendu, "_cache", {})
    return dossier


def entrees(dossier: Path) -> list[Path]:
    return sorted(dossier.glob("*.bin")) if dossier.is_dir() else []


def recompiler(chemin: Path) -> str:
    """Compile as a new process would (nothing in memory), render, return the text."""
    rendu._cache.clear()
    return texte(rendre(compiler(chemin), CONTEXTE))


def test_ecrit_une_fois_puis_relu(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chemin = modele(tmp_path, "Objet : {{ marche.objet }}")
    attendu = recompiler(chemin)
    assert len(entrees(cache)) == 1
    assert (os.stat(cache).st_mode & 0o777) == 0o700  # code that will run: private to the user

    def interdit(*_: object) -> None:
        raise AssertionError("compiled again although cached")

    monkeypatch.setattr(rendu, "_compiler_parties", interdit)
    assert recompiler(chemin) == attendu
    assert "École «\u00a0Jean Moulin\u00a0» & cour <nord>" in attendu


def test_entree_abimee_recompilee(cache: Path, tmp_path: Path) -> None:
    chemin = modele(tmp_path, "Objet : {{ marche.objet }}")
    attendu = recompiler(chemin)
    (entree,) = entrees(cache)
    contenu = bytearray(entree.read_bytes())
    contenu[-5] ^= 0xFF
    entree.write_bytes(bytes(contenu))
    assert recompiler(chemin) == attendu
    entree.write_bytes(entree.read_bytes()[:40])  # truncated
    assert recompiler(chemin) == attendu


def test_modele_modifie_autre_entree(cache: Path, tmp_path: Path) -> None:
    chemin = modele(tmp_path, "Un {{ marche.reference }}")
    assert "Un 2026-TX-031" in recompiler(chemin)
    modele(tmp_path, "Deux {{ marche.reference }}", nom=chemin.name)
    assert "Deux 2026-TX-031" in recompiler(chemin)
    assert len(entrees(cache)) == 2


def test_dossier_que_d_autres_peuvent_ecrire_ignore(cache: Path, tmp_path: Path) -> None:
    cache.mkdir(mode=0o700)
    cache.chmod(0o777)
    chemin = modele(tmp_path, "Un {{ marche.reference }}")
    assert "Un 2026-TX-031" in recompiler(chemin)
    assert entrees(cache) == []


def test_desactive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache_modeles.ENV_CACHE, "aucun")
    monkeypatch.setattr(rendu, "_cache", {})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_modeles.dossier_cache() is None
    assert "Un 2026-TX-031" in recompiler(modele(tmp_path, "Un {{ marche.reference }}"))
    assert not (tmp_path / "xdg").exists()


def test_modele_fautif_jamais_mis_en_cache(cache: Path, tmp_path: Path) -> None:
    chemin = modele(tmp_path, "Un {{ marche.reference }")
    for _ in range(2):
        rendu._cache.clear()
        with pytest.raises(Exception, match="balise mal écrite"):
            compiler(chemin)
    assert entrees(cache) == []


def test_dossier_impossible_a_creer_ne_fait_pas_echouer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fichier = tmp_path / "un-fichier"
    fichier.write_text("", encoding="utf-8")
    monkeypatch.setenv(cache_modeles.ENV_CACHE, str(fichier / "cache"))
    monkeypatch.setattr(rendu, "_cache", {})
    assert "Un 2026-TX-031" in recompiler(modele(tmp_path, "Un {{ marche.reference }}"))


def test_dossier_de_l_utilisateur_jamais_nettoye(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """CLAUSE_KIT_CACHE naming a folder of the user's files: nothing deleted, nothing written."""
    cache.mkdir(mode=0o700)
    a_lui = [cache / f"mesure-{i:03}.bin" for i in range(250)]
    a_lui.append(cache / ("ab" * 32 + ".bin"))  # even a name of the cache's pattern, with other content
    for fichier in a_lui:
        fichier.write_bytes(b"donnees de l'utilisateur")
    monkeypatch.setattr(cache_modeles, "ENTREES_MAX", 2)
    for i in range(4):
        assert f"Modele {i} 2026-TX-031" in recompiler(modele(tmp_path, f"Modele {i} {{{{ marche.reference }}}}"))
    assert sorted(cache.iterdir()) == sorted(a_lui)
    assert not (cache / cache_modeles.MARQUE).exists()


def test_elagage_ne_supprime_que_ses_entrees(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recompiler(modele(tmp_path, "Un {{ marche.reference }}"))
    assert (cache / cache_modeles.MARQUE).is_file()
    etranger = cache / ("cd" * 32 + ".bin")
    etranger.write_bytes(b"pas une entree de clause_kit")
    os.utime(etranger, (0, 0))  # the oldest: the first pruned if it were taken for an entry
    monkeypatch.setattr(cache_modeles, "ENTREES_MAX", 2)
    for i in range(4):
        recompiler(modele(tmp_path, f"Modele {i} {{{{ marche.reference }}}}"))
    assert etranger.read_bytes() == b"pas une entree de clause_kit"
    assert len([e for e in entrees(cache) if e != etranger]) == 2


def test_ancien_cache_de_clause_kit_adopte(cache: Path, tmp_path: Path) -> None:
    chemin = modele(tmp_path, "Un {{ marche.reference }}")
    recompiler(chemin)
    (cache / cache_modeles.MARQUE).unlink()  # a cache written before the marker existed
    recompiler(modele(tmp_path, "Deux {{ marche.reference }}", nom="autre.docx"))
    assert (cache / cache_modeles.MARQUE).is_file() and len(entrees(cache)) == 2


def test_entrees_echangees_recompilees(cache: Path, tmp_path: Path) -> None:
    """Two entries swapped: each template keeps its own text, never the other's."""
    notice = modele(tmp_path, "Notice {{ marche.reference }}", nom="notice.docx")
    cctp = modele(tmp_path, "CCTP {{ marche.reference }}", nom="cctp.docx")
    recompiler(notice)
    (premiere,) = entrees(cache)
    recompiler(cctp)
    (seconde,) = [e for e in entrees(cache) if e != premiere]
    contenu = premiere.read_bytes()
    premiere.write_bytes(seconde.read_bytes())
    seconde.write_bytes(contenu)
    assert "CCTP 2026-TX-031" in recompiler(cctp) and "Notice" not in recompiler(cctp)
    assert "Notice 2026-TX-031" in recompiler(notice)


def test_faux_marqueur_ne_rend_pas_le_dossier_au_cache(cache: Path, tmp_path: Path) -> None:
    cache.mkdir(mode=0o700)
    (cache / cache_modeles.MARQUE).write_text("notes de l'utilisateur", encoding="utf-8")
    assert "Un 2026-TX-031" in recompiler(modele(tmp_path, "Un {{ marche.reference }}"))
    assert entrees(cache) == [] and sorted(p.name for p in cache.iterdir()) == [cache_modeles.MARQUE]
