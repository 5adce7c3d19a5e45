"""Comparing two versions of a document or of a template folder, on the reader's text.

Two .docx are compared through ``texte`` (what a reader sees), two folders template by
template (paired by file name; templates added or removed are listed). For templates, the
variables each version reads are compared too: a variable added is one the data must now
provide. The unified diff (``diff -u``) is what a terminal, a mail or a review shows; on a
terminal the words that changed inside a line are highlighted.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from clause_kit.commun.erreurs import ErreurDocument
from clause_kit.revue.appariement import Appariement
from clause_kit.revue.texte import lignes, lire
from clause_kit.revue.usages import variables_du_document

__all__ = [
    "Paire",
    "ajouts_et_retraits",
    "comparer",
    "diff_unifie",
    "documents_du_dossier",
    "mots_modifies",
    "paire_de",
    "rapport_texte",
]

_MOTS = re.compile(r"\s+|\w+|[^\w\s]")
#: Added lines a removed line is compared with, to show its changed words on a terminal.
_CANDIDATS = 8
_ROUGE, _VERT, _CYAN, _GRAS, _INVERSE, _FIN = "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[1m", "\x1b[7m", "\x1b[0m"


@dataclass
class Paire:
    """Two versions of one document (either may be missing when a template was added or removed)."""

    nom: str
    ancien: Path | None
    nouveau: Path | None
    lignes_ancien: list[str] = field(default_factory=list)
    lignes_nouveau: list[str] = field(default_factory=list)
    variables_ancien: set[str] = field(default_factory=set)
    variables_nouveau: set[str] = field(default_factory=set)

    @property
    def identique(self) -> bool:
        """Same text, or both absent."""
        return self.ancien is not None and self.nouveau is not None and self.lignes_ancien == self.lignes_nouveau

    @property
    def variables_retirees(self) -> list[str]:
        """Variables the old version read and the new one no longer does."""
        return sorted(self.variables_ancien - self.variables_nouveau)

    @property
    def variables_ajoutees(self) -> list[str]:
        """Variables the new version reads: the data must now provide them."""
        return sorted(self.variables_nouveau - self.variables_ancien)


def documents_du_dossier(dossier: Path) -> dict[str, Path]:
    """The .docx of a folder by name (Word's ``~$`` lock files and hidden files left out)."""
    return {p.name: p for p in sorted(dossier.glob("*.docx")) if p.is_file() and not p.name.startswith(("~$", "."))}


def comparer(ancien: Path, nouveau: Path) -> list[Paire]:
    """Compare two .docx files, or two folders of templates paired by name; raise ``ErreurDocument``."""
    if ancien.is_dir() and nouveau.is_dir():
        gauche, droite = documents_du_dossier(ancien), documents_du_dossier(nouveau)
        return [paire_de(nom, gauche.get(nom), droite.get(nom)) for nom in sorted(gauche.keys() | droite.keys())]
    for chemin in (ancien, nouveau):
        if not chemin.exists():
            raise ErreurDocument(f"{chemin} : fichier introuvable")
    if ancien.is_dir() or nouveau.is_dir():
        raise ErreurDocument("comparez deux fichiers .docx ou deux dossiers de modèles, pas un fichier et un dossier")
    return [
        paire_de(nouveau.name if nouveau.name == ancien.name else f"{ancien.name} → {nouveau.name}", ancien, nouveau)
    ]


def paire_de(nom: str, ancien: Path | None, nouveau: Path | None) -> Paire:
    """Read both versions (either may be None: added or removed) into a ``Paire``."""
    paire = Paire(nom, ancien, nouveau)
    if ancien is not None:
        document = lire(ancien, str(ancien))
        paire.lignes_ancien, paire.variables_ancien = lignes(document), variables_du_document(document)
    if nouveau is not None:
        document = lire(nouveau, str(nouveau))
        paire.lignes_nouveau, paire.variables_nouveau = lignes(document), variables_du_document(document)
    return paire


def diff_unifie(paire: Paire, contexte: int = 3) -> list[str]:
    """The unified diff of the two texts (``---``/``+++`` headers, ``@@`` hunks, ``-``/``+`` lines).

    As ``difflib.unified_diff`` writes it, over ``Appariement``: near-linear on long texts (50 000
    paragraphs, every other one changed: 173 s of CPU with difflib's own matcher, 0.6 s here).
    """
    a, b = paire.lignes_ancien, paire.lignes_nouveau
    sortie: list[str] = []
    for groupe in Appariement(None, a, b).get_grouped_opcodes(contexte):
        if not sortie:
            sortie.append(f"--- {paire.ancien if paire.ancien else '/dev/null'}")
            sortie.append(f"+++ {paire.nouveau if paire.nouveau else '/dev/null'}")
        premier, dernier = groupe[0], groupe[-1]
        sortie.append(f"@@ -{_etendue(premier[1], dernier[2])} +{_etendue(premier[3], dernier[4])} @@")
        for code, i1, i2, j1, j2 in groupe:
            if code == "equal":
                sortie += [" " + ligne for ligne in a[i1:i2]]
                continue
            sortie += ["-" + ligne for ligne in a[i1:i2]]
            sortie += ["+" + ligne for ligne in b[j1:j2]]
    return sortie


def _etendue(debut: int, fin: int) -> str:
    """A hunk's range as diff -u writes it: ``3`` for one line, ``3,4`` for four, ``2,0`` for none after line 2."""
    longueur = fin - debut
    if longueur == 1:
        return str(debut + 1)
    return f"{debut + 1 if longueur else debut},{longueur}"


def mots_modifies(avant: str, apres: str) -> list[tuple[str, str]]:
    """Word-level operations turning ``avant`` into ``apres``: ("=", text), ("-", text), ("+", text)."""
    a, b = _MOTS.findall(avant), _MOTS.findall(apres)
    operations: list[tuple[str, str]] = []
    for code, i1, i2, j1, j2 in Appariement(None, a, b, autojunk=False).get_opcodes():
        if code == "equal":
            operations.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            operations.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            operations.append(("+", "".join(b[j1:j2])))
    return operations


def _colorer(diff: list[str]) -> Iterator[str]:
    """Colour a unified diff; in a removed/added pair of lines, the changed words stand out."""
    i = 0
    while i < len(diff):
        ligne = diff[i]
        if ligne.startswith(("---", "+++")):
            yield f"{_GRAS}{ligne}{_FIN}"
        elif ligne.startswith("@@"):
            yield f"{_CYAN}{ligne}{_FIN}"
        elif ligne.startswith("-"):
            moins = [ligne]
            while i + 1 < len(diff) and diff[i + 1].startswith("-"):
                i += 1
                moins.append(diff[i])
            plus = []
            while i + 1 < len(diff) and diff[i + 1].startswith("+"):
                i += 1
                plus.append(diff[i])
            yield from _paires_colorees(moins, plus)
        elif ligne.startswith("+"):
            yield f"{_VERT}{ligne}{_FIN}"
        else:
            yield ligne
        i += 1


def _paires_colorees(moins: list[str], plus: list[str]) -> Iterator[str]:
    """Removed lines then added lines; a removed line and the added line most like it show their changed words."""
    paires: dict[int, int] = {}
    suivant = 0
    for i, avant in enumerate(moins):
        # A few candidates ahead only, cheap bound first: thousands of changed lines stay linear.
        rapports = []
        for j, apres in enumerate(plus[suivant : suivant + _CANDIDATS], start=suivant):
            comparaison = difflib.SequenceMatcher(None, avant[1:], apres[1:], autojunk=False)
            if comparaison.real_quick_ratio() >= 0.5 and comparaison.quick_ratio() >= 0.5:
                rapports.append((comparaison.ratio(), j))
        meilleur = max(rapports, default=(0.0, -1))
        if meilleur[0] >= 0.5:  # paired in order, so that the output still reads top to bottom
            paires[i], suivant = meilleur[1], meilleur[1] + 1
    inverses = {j: i for i, j in paires.items()}
    for i, avant in enumerate(moins):
        if i in paires:
            operations = mots_modifies(avant[1:], plus[paires[i]][1:])
            yield _ROUGE + "-" + "".join(_mot(o, t, "+", _ROUGE) for o, t in operations) + _FIN
        else:
            yield f"{_ROUGE}{avant}{_FIN}"
    for j, apres in enumerate(plus):
        if j in inverses:
            operations = mots_modifies(moins[inverses[j]][1:], apres[1:])
            yield _VERT + "+" + "".join(_mot(o, t, "-", _VERT) for o, t in operations) + _FIN
        else:
            yield f"{_VERT}{apres}{_FIN}"


def _mot(operation: str, texte: str, ignorer: str, couleur: str) -> str:
    if operation == ignorer:
        return ""
    return f"{_INVERSE}{texte}{_FIN}{couleur}" if operation != "=" else texte


def ajouts_et_retraits(paires: list[Paire]) -> list[str]:
    """« Modèles retirés : … » and « Modèles ajoutés : … » lines, when templates exist on one side only."""
    lignes = []
    for libelle, noms in (
        ("retirés", [p.nom for p in paires if p.nouveau is None]),
        ("ajoutés", [p.nom for p in paires if p.ancien is None]),
    ):
        if noms:
            lignes.append(f"Modèles {libelle} : {', '.join(noms)}")
    return lignes


def rapport_texte(paires: list[Paire], *, couleur: bool = False) -> str:
    """Everything ``comparer --format texte`` prints: added/removed templates, diffs, variables."""
    sortie = ajouts_et_retraits(paires)
    for paire in paires:
        if paire.identique:
            continue
        diff = diff_unifie(paire)
        sortie += list(_colorer(diff)) if couleur else diff
        if paire.variables_retirees:
            sortie.append(f"Variables retirées ({paire.nom}) : {', '.join(paire.variables_retirees)}")
        if paire.variables_ajoutees:
            sortie.append(f"Variables ajoutées ({paire.nom}) : {', '.join(paire.variables_ajoutees)}")
    return "".join(ligne + "\n" for ligne in sortie)
