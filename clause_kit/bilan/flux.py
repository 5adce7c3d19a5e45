"""Long lists of the report kept on disk: people's paths, read again as often as an output needs them.

A register of 100 000 rows holds about 9 000 people: their paths, built in memory, made the
report's memory grow with the register (issue 22). Each path is encoded to its JSON line as
soon as the rows of its person are read, and appended to an anonymous temporary file; the
JSON, the internal workbook and the timeline read the lines back one at a time. The JSON of a
report is written the same way, piece by piece (``morceaux_json``), never as one string.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["Flux", "morceaux_json"]

#: Bytes read from the file at a time.
_BLOC = 1 << 16


class Flux:
    """A list of JSON values in an anonymous temporary file: appended once, then read as often as needed.

    Iterating gives the values again (``json.loads`` of each line); ``lignes_json`` gives the
    encoded lines themselves, as ``json.dumps(..., ensure_ascii=False)`` wrote them. Two readers
    may go through it at once: each reads at its own offset.
    """

    def __init__(self, valeurs: Iterable[Any] = ()) -> None:
        self._fichier = tempfile.TemporaryFile(prefix="clause_kit-bilan-")  # noqa: SIM115 - lives with the object
        self._nombre = 0
        self.etendre(valeurs)

    def ajouter(self, valeur: Any) -> None:
        """Append one value."""
        self._fichier.write(json.dumps(valeur, ensure_ascii=False).encode("utf-8") + b"\n")
        self._nombre += 1

    def etendre(self, valeurs: Iterable[Any]) -> None:
        """Append values in order."""
        for valeur in valeurs:
            self.ajouter(valeur)

    def lignes_json(self) -> Iterator[str]:
        """Each value as its JSON text, in order."""
        self._fichier.flush()
        descripteur, position, reste = self._fichier.fileno(), 0, b""
        while bloc := os.pread(descripteur, _BLOC, position):
            position += len(bloc)
            *lignes, reste = (reste + bloc).split(b"\n")
            for ligne in lignes:
                yield ligne.decode("utf-8")

    def __iter__(self) -> Iterator[Any]:
        return (json.loads(ligne) for ligne in self.lignes_json())

    def __len__(self) -> int:
        return self._nombre

    def __bool__(self) -> bool:
        return self._nombre > 0

    def __eq__(self, autre: object) -> bool:
        if isinstance(autre, Flux | list):
            return list(self) == list(autre)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Flux({self._nombre} valeurs)"

    def fermer(self) -> None:
        """Delete the file now rather than when the object goes."""
        self._fichier.close()


def morceaux_json(donnees: dict[str, Any]) -> Iterator[str]:
    """The JSON a person can read and diff, piece by piece: a key per line, an element of a list per line.

    ``indent=2`` on everything took 0.7 s on a register of 3 000 contracts (json's indenting
    encoder is pure Python); here each element is encoded by the C encoder in one line, and a
    ``Flux`` is copied line by line from its file.
    """
    yield "{\n"
    for rang, (cle, valeur) in enumerate(donnees.items()):
        yield (",\n  " if rang else "  ") + f"{json.dumps(cle)}: "
        if isinstance(valeur, Flux):
            elements: Iterable[str] = valeur.lignes_json()
        elif isinstance(valeur, list):
            elements = (json.dumps(e, ensure_ascii=False) for e in valeur)
        else:
            yield json.dumps(valeur, ensure_ascii=False)
            continue
        premier = True
        for element in elements:
            yield f"{'[' if premier else ','}\n    {element}"
            premier = False
        yield "[]" if premier else "\n  ]"
    yield "\n}"
