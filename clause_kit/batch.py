"""Batch generation: many contract files, grouped by commune, in parallel processes.

Each worker process takes a packet of contract files, builds their dossiers in memory,
writes them to temporary folders, converts all their pieces to PDF in one LibreOffice
batch when asked, then puts each dossier in place. A contract that fails is reported with
its file and reason and leaves nothing behind; the others go on. Workers return small
summaries only, so memory stays flat however many contracts there are.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from clause_kit.chargement import TAILLE_MAX, lire_avec_defauts
from clause_kit.communes import NOM_DEFAUTS, trouver_defauts
from clause_kit.dossier import DossierEnCours, abandonner, construire, finaliser, preparer
from clause_kit.erreurs import ClauseKitError, ErreurSortie, ErreursValidation, raison_systeme
from clause_kit.formats import slug

__all__ = [
    "Options",
    "Resultat",
    "collecter",
    "ecrire_rapport",
    "generer_tout",
    "preparer_sortie",
    "reperer_doublons",
    "selectionner_communes",
    "traiter_paquet",
]

EXTENSIONS = {".yaml", ".yml"}


@dataclass(frozen=True)
class Options:
    """What to produce for each contract."""

    sortie: Path
    force: bool = False
    modeles: Path | None = None
    pdf: bool = False
    archive: bool = False


@dataclass
class Resultat:
    """The outcome of one contract file, as shown in the summary table and the batch report."""

    fichier: str
    commune: str = ""
    reference: str = ""
    statut: str = "erreur"  # "erreur", "en cours" while being written, then "généré"
    heures: int | None = None
    pieces: int = 0
    dossier: str = ""
    message: str = ""
    duree_s: float = 0.0


def collecter(chemins: Sequence[Path]) -> tuple[list[Path], list[Resultat]]:
    """Contract files given directly or found below folders; plus a result for each path that is missing.

    Folders are searched recursively for ``*.yaml``/``*.yml``, sorted, skipping hidden entries
    and files starting with ``_`` (commune defaults).
    """
    fichiers: list[Path] = []
    absents: list[Resultat] = []
    for chemin in chemins:
        if chemin.is_dir():
            fichiers += sorted(p for p in chemin.rglob("*") if _est_contrat(p, chemin))
        elif chemin.is_file() or chemin.suffix in EXTENSIONS:
            fichiers.append(chemin)
        else:
            absents.append(Resultat(str(chemin), message=f"{chemin} : ni fichier ni dossier"))
    vus: set[Path] = set()
    uniques = []
    for f in fichiers:
        if f.resolve() not in vus:
            vus.add(f.resolve())
            uniques.append(f)
    return uniques, absents


def _est_contrat(chemin: Path, racine: Path) -> bool:
    relatif = chemin.relative_to(racine).parts
    return (
        chemin.suffix in EXTENSIONS
        and chemin.is_file()
        and chemin.name != NOM_DEFAUTS
        and not chemin.name.startswith("_")
        and not any(partie.startswith(".") for partie in relatif)
    )


def selectionner_communes(fichiers: list[Path], communes: Sequence[str]) -> list[Path]:
    """Keep the contracts whose buyer's commune (or, for an unreadable file, folder) is selected."""
    if not communes:
        return fichiers
    voulues = {slug(c) for c in communes}
    garder = []
    for fichier in fichiers:
        try:
            donnees, _, _ = lire_avec_defauts(fichier)
            commune = (
                str(donnees.get("acheteur", {}).get("commune", "")) if isinstance(donnees.get("acheteur"), dict) else ""
            )
            cle = slug(commune) if commune.strip() else slug(fichier.parent.name)
        except (ClauseKitError, ValueError):
            cle = _slug_ou_vide(fichier.parent.name)
        if cle in voulues:
            garder.append(fichier)
    return garder


def reperer_doublons(fichiers: list[Path]) -> tuple[list[Path], list[Resultat]]:
    """Set aside the files that would write the same ``<commune>/<reference>`` as an earlier one.

    Run before the workers start: two processes must never race for one output folder.
    Unreadable files are kept; their worker reports what is wrong with them.
    """
    premiers: dict[tuple[str, str], Path] = {}
    gardes, doublons = [], []
    communes_par_dossier: dict[Path, str | None] = {}
    for fichier in fichiers:
        cle = _cible(fichier, communes_par_dossier)
        if cle is not None and cle in premiers:
            message = (
                f"{fichier} : même dossier de sortie {cle[0]}/{cle[1]} que {premiers[cle]} "
                "(commune et référence identiques) ; non généré"
            )
            doublons.append(Resultat(str(fichier), message=message))
            continue
        if cle is not None:
            premiers[cle] = fichier
        gardes.append(fichier)
    return gardes, doublons


# libyaml's C loader reads a file ten times faster than our checking loader: this pre-pass runs
# in the main process before any worker starts, so its cost is not shared between cores.
_CHARGEUR_RAPIDE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _cible(fichier: Path, communes_par_dossier: dict[Path, str | None]) -> tuple[str, str] | None:
    """``(commune, reference)`` slugs of a contract, read quickly; None when not readable as such."""
    try:
        if fichier.stat().st_size > TAILLE_MAX:
            return None
        donnees = yaml.load(fichier.read_text(encoding="utf-8-sig"), Loader=_CHARGEUR_RAPIDE)  # noqa: S506
        acheteur, marche = donnees.get("acheteur") or {}, donnees["marche"]
        if fichier.parent not in communes_par_dossier:
            communes_par_dossier[fichier.parent] = _commune_par_defaut(fichier)
        commune = acheteur.get("commune") or communes_par_dossier[fichier.parent]
        return slug(str(commune)), slug(str(marche["reference"]))
    except Exception:  # noqa: BLE001 - any problem is reported by the worker that builds this file
        return None


def _commune_par_defaut(fichier: Path) -> str | None:
    defauts = trouver_defauts(fichier)
    if defauts is None:
        return None
    donnees = yaml.load(defauts.read_text(encoding="utf-8-sig"), Loader=_CHARGEUR_RAPIDE)  # noqa: S506
    return str(donnees["acheteur"]["commune"])


def _slug_ou_vide(texte: str) -> str:
    try:
        return slug(texte)
    except ValueError:
        return ""


def _paquets(fichiers: list[Path], jobs: int, pdf: bool) -> list[list[Path]]:
    """Split the work: big enough packets for LibreOffice to pay off, enough of them to keep every core busy."""
    if not fichiers:
        return []
    plafond = 20 if pdf else 8
    # A multiple of ``jobs`` packets of near-equal sizes (they differ by one at most), so that
    # every process finishes at about the same time.
    nombre = jobs * max(1, -(-len(fichiers) // (jobs * plafond)))
    nombre = min(nombre, len(fichiers))
    taille, reste = divmod(len(fichiers), nombre)
    paquets, debut = [], 0
    for i in range(nombre):
        fin = debut + taille + (1 if i < reste else 0)
        paquets.append(fichiers[debut:fin])
        debut = fin
    return paquets


def traiter_paquet(fichiers: list[Path], options: Options) -> list[Resultat]:
    """Build, write (and convert) the dossiers of a packet of contract files; never raises for a user error."""
    resultats: list[Resultat] = []
    en_cours: list[tuple[DossierEnCours, Resultat]] = []
    try:
        for fichier in fichiers:
            resultat, dossier = _preparer_un(fichier, options)
            resultats.append(resultat)
            if dossier is not None:
                en_cours.append((dossier, resultat))
        if options.pdf:
            _produire_pdf(en_cours)
        for dossier, resultat in en_cours:
            if resultat.statut != "en cours":
                continue
            debut = time.perf_counter()
            try:
                cible = finaliser(dossier, archive=options.archive)
            except ClauseKitError as err:
                resultat.statut, resultat.message = "erreur", _message(fichier_de(resultat), err)
                continue
            resultat.statut, resultat.dossier = "généré", str(cible)
            resultat.duree_s += time.perf_counter() - debut
    finally:
        # Interrupted or crashed: no temporary folder may stay behind.
        for dossier, _ in en_cours:
            if dossier.temporaire.exists():
                abandonner(dossier)
    return resultats


def _preparer_un(fichier: Path, options: Options) -> tuple[Resultat, DossierEnCours | None]:
    resultat = Resultat(str(fichier))
    debut = time.perf_counter()
    try:
        construit = construire(fichier, modeles=options.modeles)
        resultat.commune = construit.consultation.acheteur.commune
        resultat.reference = construit.consultation.marche.reference
        resultat.heures = construit.chiffres.heures_total
        resultat.pieces = len(construit.pieces)
        dossier = preparer(construit, options.sortie, force=options.force)
    except ClauseKitError as err:
        resultat.message = _message(fichier, err)
        return resultat, None
    except Exception as err:  # noqa: BLE001 - a bug on one contract must not sink the whole batch
        resultat.message = f"{fichier} : erreur inattendue de clause_kit ({type(err).__name__} : {err}) ; à signaler"
        return resultat, None
    finally:
        resultat.duree_s = time.perf_counter() - debut
    resultat.statut = "en cours"
    return resultat, dossier


def _produire_pdf(en_cours: list[tuple[DossierEnCours, Resultat]]) -> None:
    from clause_kit.pdf_dossier import produire_pdf

    for position, erreur in produire_pdf([d for d, _ in en_cours]).items():
        dossier, resultat = en_cours[position]
        resultat.statut, resultat.message = "erreur", _message(fichier_de(resultat), erreur)
        abandonner(dossier)


def fichier_de(resultat: Resultat) -> Path:
    """The contract file a result is about."""
    return Path(resultat.fichier)


def _message(fichier: Path, err: ClauseKitError) -> str:
    """Validation problems already start with the file name; other errors get it in front."""
    return str(err) if isinstance(err, ErreursValidation) else f"{fichier} : {err}"


def generer_tout(
    fichiers: list[Path],
    options: Options,
    *,
    jobs: int = 1,
    suivi: Callable[[list[Resultat]], None] | None = None,
) -> list[Resultat]:
    """Generate every dossier, ``jobs`` processes at a time; results in input order."""
    paquets = _paquets(fichiers, jobs, options.pdf)
    par_paquet: dict[int, list[Resultat]] = {}
    for numero, resultats in _executer(paquets, options, jobs):
        par_paquet[numero] = resultats
        if suivi is not None:
            suivi(resultats)
    return [r for numero in sorted(par_paquet) for r in par_paquet[numero]]


def _executer(paquets: list[list[Path]], options: Options, jobs: int) -> Iterator[tuple[int, list[Resultat]]]:
    if jobs <= 1 or len(paquets) <= 1:
        for numero, paquet in enumerate(paquets):
            yield numero, traiter_paquet(paquet, options)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures: dict[Future[list[Resultat]], int] = {
            pool.submit(traiter_paquet, paquet, options): numero for numero, paquet in enumerate(paquets)
        }
        try:
            restants = set(futures)
            while restants:
                faits, restants = wait(restants, return_when=FIRST_COMPLETED)
                for future in faits:
                    yield futures[future], future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def ecrire_rapport(resultats: list[Resultat], sortie: Path) -> tuple[Path, Path]:
    """Write ``rapport-generation.json`` and ``.csv`` beside the dossiers (atomically)."""
    preparer_sortie(sortie)
    lignes = [asdict(r) | {"duree_s": round(r.duree_s, 3)} for r in resultats]
    json_ = sortie / "rapport-generation.json"
    csv_ = sortie / "rapport-generation.csv"
    resume = {
        "generes": sum(r.statut == "généré" for r in resultats),
        "erreurs": sum(r.statut != "généré" for r in resultats),
        "heures_insertion": sum(r.heures or 0 for r in resultats if r.statut == "généré"),
    }
    _ecrire_atomique(json_, json.dumps({"resume": resume, "marches": lignes}, ensure_ascii=False, indent=2) + "\n")
    tampon = io.StringIO()
    ecrivain = csv.DictWriter(tampon, fieldnames=list(lignes[0]) if lignes else list(Resultat.__dataclass_fields__))
    ecrivain.writeheader()
    ecrivain.writerows(lignes)
    _ecrire_atomique(csv_, tampon.getvalue())
    return json_, csv_


def preparer_sortie(sortie: Path) -> None:
    """Create the output folder, or say in French why it cannot be."""
    if sortie.exists() and not sortie.is_dir():
        raise ErreurSortie(f"{sortie} est un fichier : indiquez un dossier de sortie")
    try:
        sortie.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ErreurSortie(f"impossible de créer le dossier de sortie {sortie} ({raison_systeme(err)})") from err


def _ecrire_atomique(chemin: Path, texte: str) -> None:
    temporaire = chemin.with_name(f".{chemin.name}.{os.getpid()}.tmp")
    try:
        temporaire.write_text(texte, encoding="utf-8")
        os.replace(temporaire, chemin)
    except OSError as err:
        temporaire.unlink(missing_ok=True)
        raise ErreurSortie(f"impossible d'écrire {chemin} ({raison_systeme(err)})") from err
