"""Time the text diff of ``comparer`` on two long texts: difflib's own matcher, then clause_kit's.

Usage: python3 outils/mesurer_diff.py [PARAGRAPHES] [--sans-difflib]

Two texts of PARAGRAPHES distinct paragraphs (50 000 by default), every other one changed in
the new version: difflib's worst case, where its longest-block search starts over on almost
the whole text after each one-line match. The figures are in clause_kit/revue/appariement.py.
"""

from __future__ import annotations

import difflib
import sys
import time
from pathlib import Path

from clause_kit.revue.difference import Paire, diff_unifie


def textes(nombre: int) -> tuple[list[str], list[str]]:
    ancien = [
        f"Article {i} : le titulaire réserve des heures d'insertion, alinéa {i * 7919 % 100_003}."
        for i in range(nombre)
    ]
    nouveau = [f"{ligne} Modifié." if i % 2 else ligne for i, ligne in enumerate(ancien)]
    return ancien, nouveau


def main() -> None:
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    nombre = int(arguments[0]) if arguments else 50_000
    ancien, nouveau = textes(nombre)
    paire = Paire("essai", Path("ancien.docx"), Path("nouveau.docx"), ancien, nouveau)
    debut = time.perf_counter()
    lignes = diff_unifie(paire)
    print(f"clause_kit ({nombre} paragraphes) : {time.perf_counter() - debut:.2f} s, {len(lignes)} lignes de diff")
    if "--sans-difflib" in sys.argv:
        return
    debut = time.perf_counter()
    attendu = list(difflib.unified_diff(ancien, nouveau, "ancien.docx", "nouveau.docx", lineterm=""))
    print(f"difflib.unified_diff : {time.perf_counter() - debut:.2f} s, {len(attendu)} lignes de diff")
    print("mêmes lignes :", attendu == lignes)


if __name__ == "__main__":
    main()
