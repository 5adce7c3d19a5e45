"""YAML → validated ``Consultation``: safe loading, line numbers, every problem at once.

Reading is defensive because the files are written by hand by non-programmers: size cap,
UTF-8 check, no YAML anchors/aliases (they serve no purpose here and enable "billion laughs"
bombs), duplicate keys refused (YAML would silently keep the last one), unknown keys
answered with the nearest valid key. Each problem is located by file, line and field path.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from clause_kit.commun.erreurs import ErreursValidation, Probleme
from clause_kit.commun.fichiers import LectureImpossible, lire_borne
from clause_kit.commun.formats import nombre_simple
from clause_kit.commun.parametres import charger_parametres
from clause_kit.marche.calcul import Chiffres, ErreurCalcul, calculer
from clause_kit.marche.communes import Origines, fusionner, trouver_defauts
from clause_kit.marche.modele import MESSAGE_NOMBRE, Chemin, Consultation, suggestion, verifier_coherence
from clause_kit.marche.regles import appliquer_regles
from clause_kit.marche.yaml_texte import ChargeurTexte, ProblemeYaml

__all__ = [
    "TAILLE_MAX",
    "Chargement",
    "Lecture",
    "Lignes",
    "charger",
    "charger_detail",
    "chemin_texte",
    "lire_avec_defauts",
    "lire_yaml",
    "message_fr",
]

#: A contract description is a few kilobytes; anything near this is not one.
TAILLE_MAX = 1_000_000

Lignes = dict[Chemin, int]


def lire_yaml(chemin: Path, *, vide_permis: bool = False) -> tuple[dict[str, Any], Lignes]:
    """Read one YAML mapping and the line of each key; raise ``ErreursValidation`` on unreadable input."""
    donnees, lignes, _ = _lire_document(chemin, vide_permis=vide_permis)
    return donnees, lignes


def _lire_document(chemin: Path, *, vide_permis: bool = False) -> tuple[dict[str, Any], Lignes, str]:
    """``lire_yaml`` and the SHA-256 of the bytes read."""
    nom = str(chemin)
    try:
        brut = _lire_octets(chemin)
        texte = _decoder(brut)
        noeud = _composer(texte)
    except ProblemeYaml as err:
        raise ErreursValidation([Probleme(nom, err.ligne, "", err.message)]) from err
    empreinte = hashlib.sha256(brut).hexdigest()
    if noeud is None and vide_permis:
        return {}, {(): 1}, empreinte
    if noeud is None:
        raise ErreursValidation([Probleme(nom, None, "", "fichier vide : une description de marché est attendue")])
    if not isinstance(noeud, MappingNode):
        raise ErreursValidation(
            [
                Probleme(
                    nom,
                    noeud.start_mark.line + 1,
                    "",
                    "le fichier doit contenir des clés (acheteur, marche, insertion), "
                    "pas une liste ni une valeur seule",
                )
            ]
        )
    lignes: Lignes = {(): 1}
    problemes: list[Probleme] = []
    for chemin_cle, ligne, message in _parcourir(noeud, ()):
        if message:
            problemes.append(Probleme(nom, ligne, chemin_texte(chemin_cle), message))
        else:
            lignes[chemin_cle] = ligne
    if problemes:
        raise ErreursValidation(problemes)
    try:
        donnees = ChargeurTexte("").construct_document(noeud)
    except (yaml.YAMLError, ValueError, TypeError) as err:
        marque = getattr(err, "problem_mark", None)
        ligne_yaml: int | None = marque.line + 1 if marque else None
        etiquette = re.search(r"tag '([^']+)'", str(err))
        detail = f"étiquette « {etiquette.group(1)} » non acceptée" if etiquette else str(getattr(err, "problem", err))
        raise ErreursValidation([Probleme(nom, ligne_yaml, "", f"valeur YAML non reconnue : {detail}")]) from err
    return donnees, lignes, empreinte


def _lire_octets(chemin: Path) -> bytes:
    try:
        return lire_borne(
            chemin,
            TAILLE_MAX,
            trop_gros=f"fichier trop volumineux (plus de {TAILLE_MAX // 1000} ko) pour une description de marché",
        )
    except LectureImpossible as err:
        raise ProblemeYaml(None, str(err)) from err


def _decoder(brut: bytes) -> str:
    try:
        texte = brut.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        ligne = brut[: err.start].count(b"\n") + 1
        raise ProblemeYaml(ligne, "le fichier n'est pas un texte UTF-8 (enregistrez-le en UTF-8)") from err
    if "\x00" in texte:
        raise ProblemeYaml(
            texte[: texte.index("\x00")].count("\n") + 1, "le fichier contient des octets binaires, pas du YAML"
        )
    return texte


def _composer(texte: str) -> Node | None:
    try:
        # The reader checks characters as soon as the loader is built: keep it inside the try.
        chargeur = ChargeurTexte(texte)
        try:
            return chargeur.get_single_node()  # type: ignore[no-any-return]
        finally:
            chargeur.dispose()
    except yaml.reader.ReaderError as err:
        raise ProblemeYaml(
            texte[: err.position].count("\n") + 1,
            f"caractère interdit dans un fichier YAML (code U+{err.character:04X})",
        ) from err
    except yaml.MarkedYAMLError as err:
        marque = err.problem_mark or err.context_mark
        raise ProblemeYaml(
            marque.line + 1 if marque else None, f"YAML mal formé : {_traduire_yaml(err.problem or str(err))}"
        ) from err
    except yaml.YAMLError as err:
        raise ProblemeYaml(None, f"YAML mal formé : {err}") from err


_YAML_FR = {
    "found character '\\t' that cannot start any token": "tabulation interdite (indenter avec des espaces)",
    "mapping values are not allowed here": (
        "« : » inattendu (mettez le texte entre guillemets ou vérifiez l'indentation)"
    ),
    "found unexpected end of stream": "fin de fichier inattendue (guillemet ou crochet non fermé ?)",
    "could not find expected ':'": "« : » attendu (clé sans valeur ou indentation incorrecte)",
    "expected <block end>, but found '-'": "tiret de liste mal indenté",
    "did not find expected key": "clé attendue (indentation incorrecte ?)",
    "found duplicate anchor": "ancre YAML en double",
    "expected <block end>, but found": (
        "indentation incohérente (clé décalée ?) ou apostrophe dans un texte entre apostrophes "
        "(mettez ce texte entre guillemets doubles)"
    ),
    "that cannot start any token": "caractère interdit en début de valeur (mettez le texte entre guillemets)",
    "found unknown escape character": (
        "séquence « \\ » inconnue dans un texte entre guillemets doubles (utilisez des apostrophes)"
    ),
    "expected ',' or ']'": "liste entre crochets mal fermée (virgule ou « ] » attendu)",
    "expected ',' or '}'": "bloc entre accolades mal fermé (virgule ou « } » attendu)",
    "but found another document": "plusieurs documents YAML (---) : un seul marché par fichier",
    "found incompatible YAML document": "version de YAML non prise en charge",
    "while scanning a quoted scalar": "guillemet non fermé",
    "found unexpected ':'": "« : » inattendu (mettez le texte entre guillemets)",
    "expected a comment or a line break": "texte inattendu après une valeur entre guillemets",
}


def _traduire_yaml(probleme: str) -> str:
    for anglais, francais in _YAML_FR.items():
        if anglais in probleme:
            return francais
    return f"structure non reconnue (détail technique : {probleme})"


def _parcourir(noeud: Node, chemin: Chemin) -> Iterator[tuple[Chemin, int, str]]:
    """Yield (path, line, "") for every key and list item, or (path, line, message) for a problem."""
    if isinstance(noeud, MappingNode):
        vues: set[str] = set()
        for cle, valeur in noeud.value:
            ligne = cle.start_mark.line + 1
            if not isinstance(cle, ScalarNode):
                yield chemin, ligne, "clé invalide (une clé est un mot, pas une liste)"
                continue
            if cle.value == "<<":
                yield chemin, ligne, "la fusion YAML (<<) n'est pas acceptée"
                continue
            enfant = (*chemin, cle.value)
            if cle.value in vues:
                yield enfant, ligne, f"clé « {cle.value} » en double"
            vues.add(cle.value)
            yield enfant, ligne, ""
            yield from _parcourir(valeur, enfant)
    elif isinstance(noeud, SequenceNode):
        for i, element in enumerate(noeud.value):
            enfant = (*chemin, i)
            yield enfant, element.start_mark.line + 1, ""
            yield from _parcourir(element, enfant)


def chemin_texte(chemin: Chemin) -> str:
    """Field path for messages: ``marche.lots[2].montant_ht`` (list items counted from 1)."""
    texte = ""
    for partie in chemin:
        texte += f"[{partie + 1}]" if isinstance(partie, int) else (f".{partie}" if texte else str(partie))
    return texte


def origine_de(origines: Origines, chemin: Chemin) -> tuple[str, int | None]:
    """File and line of a field, or of its nearest parent present (for a missing key)."""
    for n in range(len(chemin), -1, -1):
        if chemin[:n] in origines:
            return origines[chemin[:n]]
    return next(iter(origines.values()))[0], None


@dataclass
class Chargement:
    """A validated contract and where each of its values came from."""

    consultation: Consultation
    origines: Origines
    defauts: Path | None
    #: The figures, computed while checking (a contract whose hours cannot be computed is invalid).
    chiffres: Chiffres
    #: SHA-256 of the bytes actually read and checked (the manifest proves what made the dossier).
    sha256_source: str = ""
    sha256_defauts: str | None = None


@dataclass
class Lecture:
    """A contract file merged over its commune's defaults, before validation."""

    donnees: dict[str, Any]
    origines: Origines
    defauts: Path | None = None
    sha256_source: str = ""
    sha256_defauts: str | None = None
    #: Problems of the defaults file on its own, even where the contract overrides the value.
    problemes_defauts: list[Probleme] = field(default_factory=list)


def lire_avec_defauts(chemin: Path, racine: Path | None = None) -> Lecture:
    """Read a contract file merged over its commune's ``_commune.yaml``, if there is one.

    ``racine`` is the folder named on the command line: the defaults are never looked for
    above it (see ``communes.trouver_defauts``).
    """
    donnees, lignes, empreinte = _lire_document(chemin)
    origines: Origines = {c: (str(chemin), ligne) for c, ligne in lignes.items()}
    defauts = trouver_defauts(chemin, racine)
    if defauts is None:
        return Lecture(donnees, origines, sha256_source=empreinte)
    donnees_defauts, lignes_defauts, empreinte_defauts = _lire_document(defauts, vide_permis=True)
    origines_defauts: Origines = {c: (str(defauts), ligne) for c, ligne in lignes_defauts.items()}
    fusion, origines = fusionner(donnees_defauts, origines_defauts, donnees, origines)
    return Lecture(
        fusion, origines, defauts, empreinte, empreinte_defauts, _problemes_seuls(donnees_defauts, origines_defauts)
    )


def _problemes_seuls(donnees: dict[str, Any], origines: Origines) -> list[Probleme]:
    """Problems of a defaults file checked alone (missing keys aside: the contracts give them).

    A wrong block in ``_commune.yaml`` (``insertion: [1, 2]``) is an error even when the
    contract at hand overrides it: the next contract of the commune would inherit it.
    """
    try:
        Consultation.model_validate(donnees)
    except ValidationError as err:
        return [_probleme_pydantic(origines, e) for e in err.errors(include_url=False) if e["type"] != "missing"]
    return []


def charger_detail(
    chemin: Path,
    racine: Path | None = None,
    *,
    strict: bool = False,
    aujourd_hui: datetime.date | None = None,
) -> Chargement:
    """Read, merge, validate and check one contract file; raise ``ErreursValidation`` listing every problem.

    ``racine``: no ``_commune.yaml`` is looked for above it. ``strict`` (what ``generer`` asks
    for, unless ``--brouillon``) also refuses the legal choices left to a default (procedure,
    facilitator's contact, sub-criteria); otherwise they become warnings. ``aujourd_hui`` stands
    for the launch date when the file gives none.
    """
    lecture = lire_avec_defauts(chemin, racine)
    origines = lecture.origines
    try:
        consultation = Consultation.model_validate(lecture.donnees)
    except ValidationError as err:
        problemes = [_probleme_pydantic(origines, e) for e in err.errors(include_url=False)]
        raise ErreursValidation(_trier([*problemes, *lecture.problemes_defauts])) from err
    if lecture.problemes_defauts:
        raise ErreursValidation(_trier(lecture.problemes_defauts))
    parametres = charger_parametres()
    incoherences = verifier_coherence(consultation, parametres.codes_publics)
    chiffres = None
    if not incoherences:
        try:
            chiffres = calculer(consultation, parametres, aujourd_hui)
        except ErreurCalcul as err:
            incoherences = [(err.chemin, err.message)]
    if chiffres is not None:
        incoherences += appliquer_regles(consultation, chiffres, parametres.brut)
        if strict:
            incoherences += chiffres.manques
        else:
            chiffres.avertissements += [f"pour generer (sauf --brouillon) : {m}" for _, m in chiffres.manques]
    if incoherences or chiffres is None:
        raise ErreursValidation(_trier([_probleme(origines, c, m) for c, m in incoherences]))
    return Chargement(consultation, origines, lecture.defauts, chiffres, lecture.sha256_source, lecture.sha256_defauts)


def charger(chemin: Path) -> Consultation:
    """Read, validate and check one contract file; raise ``ErreursValidation``."""
    return charger_detail(chemin).consultation


def _trier(problemes: list[Probleme]) -> list[Probleme]:
    """Sorted by file, line and field, each once (a defaults problem may be found alone and merged)."""
    return sorted(dict.fromkeys(problemes), key=lambda p: (p.fichier, p.ligne or 0, p.champ))


def _probleme(origines: Origines, chemin: Chemin, message: str) -> Probleme:
    fichier, ligne = origine_de(origines, chemin)
    return Probleme(fichier, ligne, chemin_texte(chemin), message)


def _probleme_pydantic(origines: Origines, erreur: Any) -> Probleme:
    chemin: Chemin = tuple(erreur["loc"])
    return _probleme(origines, chemin, message_fr(erreur, chemin))


def message_fr(
    erreur: Any, chemin: Chemin, racine: type[BaseModel] = Consultation, messages: dict[str, str] | None = None
) -> str:
    """French message for one pydantic error (pydantic's own messages are English).

    ``chemin`` is the field's path from the model ``racine`` (which names the valid keys of an
    unknown one); ``messages`` replaces some of the YAML-worded messages (a JSON file has no « - »).
    """
    genre, ctx = erreur["type"], erreur.get("ctx", {})
    if genre == "extra_forbidden":
        return _cle_inconnue(chemin, racine)
    if genre in ("value_error", "assertion_error"):
        return str(ctx.get("error", erreur["msg"]))
    if genre == "literal_error":
        if not isinstance(erreur.get("input"), str):
            return "texte attendu : " + ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return _valeur_inconnue(erreur.get("input"), str(ctx.get("expected", "")))
    if genre == "string_unicode":
        return _texte_non_unicode(erreur.get("input"))
    modele = (messages or {}).get(genre) or _MESSAGES.get(genre)
    if modele is None:  # a check pydantic adds one day: still French, with its code for the support
        return f"valeur refusée (contrôle « {genre} »)"
    return modele.format(**{k: _fr(v) for k, v in ctx.items()})


def _texte_non_unicode(valeur: Any) -> str:
    """The message for a text holding a lone surrogate (U+DC80 alone: what a damaged copy-paste or encoding leaves)."""
    texte = valeur if isinstance(valeur, str) else ""
    position = next((i for i, c in enumerate(texte) if "\ud800" <= c <= "\udfff"), None)
    caractere = "un caractère"
    if position is not None:
        avant = texte[max(0, position - 20) : position].encode("utf-8", "replace").decode("utf-8")
        caractere = f"le caractère {position + 1} (U+{ord(texte[position]):04X}" + (
            f", après « {avant} »)" if avant else ")"
        )
    return (
        f"texte invalide : {caractere} n'existe pas en Unicode (reste d'un copier-coller ou d'un encodage "
        "abîmé) ; retapez ce texte"
    )


def _fr(valeur: Any) -> str:
    """A bound of a pydantic message written the French way (other values unchanged)."""
    try:
        return nombre_simple(Decimal(str(valeur)))
    except (InvalidOperation, ValueError):
        return str(valeur)


_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "string_type": "texte attendu",
    "string_too_short": "ne doit pas être vide",
    "string_too_long": "texte trop long (au plus {max_length} caractères)",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu (pas de décimales)",
    "int_parsing_size": "nombre démesuré (des milliers de chiffres)",
    "decimal_type": "nombre attendu",
    "decimal_parsing": MESSAGE_NOMBRE,
    "decimal_max_places": "au plus {decimal_places} décimales",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than": "doit être inférieur à {lt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "bool_type": "oui/non attendu (true ou false)",
    "bool_parsing": "oui/non attendu (true ou false)",
    "date_type": "date attendue au format AAAA-MM-JJ",
    "date_parsing": "date attendue au format AAAA-MM-JJ",
    "date_from_datetime_parsing": "date attendue au format AAAA-MM-JJ",
    "list_type": "liste attendue (éléments précédés de « - »)",
    "model_type": "bloc de clés attendu (ex. « cle: valeur » sur les lignes suivantes, indentées)",
    "dict_type": "bloc de clés attendu",
    "too_short": "au moins {min_length} élément(s) attendu(s)",
    "too_long": "au plus {max_length} éléments",
    "finite_number": "nombre fini attendu",
}


def _valeur_inconnue(valeur: Any, attendues: str) -> str:
    """Message for a value outside a fixed list, with the nearest allowed value."""
    possibles = re.findall(r"'([^']*)'", attendues)
    conseil = suggestion(str(valeur), possibles)
    return f"valeur non reconnue « {valeur} »{conseil} (valeurs possibles : {', '.join(possibles)})"


def _cle_inconnue(chemin: Chemin, racine: type[BaseModel] = Consultation) -> str:
    cle = str(chemin[-1])
    valides = _cles_valides(chemin[:-1], racine)
    conseil = suggestion(cle, valides)
    # « Délai (semaines): 10 » typed as a key: a label, which belongs in libelle, quoted if it holds « : ».
    guillemets = (
        " ; si c'est un libellé, écrivez-le comme valeur de libelle, entre guillemets s'il contient « : » "
        "(libelle: 'Délai (semaines : 2 à 4)')"
        if cle.endswith(")")
        else ""
    )
    return f"clé inconnue « {cle} »{conseil or ' ; clés possibles : ' + ', '.join(valides)}{guillemets}"


def _cles_valides(chemin_parent: Chemin, racine: type[BaseModel] = Consultation) -> list[str]:
    """Field names of the model found at this path, walking the model classes from ``racine``."""
    modele: type[BaseModel] = racine
    for partie in chemin_parent:
        if isinstance(partie, int):
            continue
        info = modele.model_fields.get(str(partie))
        if info is None:
            return []
        sous = _modele_de(info.annotation)
        if sous is None:
            return []
        modele = sous
    return list(modele.model_fields)


def _modele_de(annotation: Any) -> type[BaseModel] | None:
    """The BaseModel inside ``X``, ``X | None`` or ``list[X] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        trouve = _modele_de(argument)
        if trouve is not None:
            return trouve
    return None
