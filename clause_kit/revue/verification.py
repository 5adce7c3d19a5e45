"""``modeles verifier``: every check a template must pass before anyone generates with it.

For each template of the set (commune, chosen set, standard, as ``couches`` resolves them):

1. it opens as a Word document, with no pending tracked change;
2. its tags are well formed, paragraph by paragraph (``balises``), and its blocks balanced;
3. Jinja reads it (the error located at its paragraph or table cell, with the text around);
4. every variable it uses exists in the context the generator provides (``VARIABLES.md``);
5. the renderer itself compiles it (``rendu.compiler``: whatever it refuses is reported, so
   this check never drifts from what ``generer`` does);
6. it renders with every example contract it applies to.

Also: every piece of ``pieces.yaml`` has a template, and a template that matches no piece
(a misspelt commune override would never be used) is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from clause_kit.commun.erreurs import ClauseKitError, ErreurModele, Probleme
from clause_kit.commun.horloge import aujourdhui
from clause_kit.commun.parametres import charger_parametres
from clause_kit.marche.chargement import charger_detail
from clause_kit.marche.modele import Consultation
from clause_kit.rendu.bac_a_sable import message_syntaxe
from clause_kit.rendu.contexte import construire_contexte
from clause_kit.rendu.couches import COMMUNE, STANDARD, Couches, ModeleResolu
from clause_kit.rendu.moteur import compiler, environnement, rendre
from clause_kit.rendu.pieces import Piece, lire_pieces, pieces_applicables
from clause_kit.revue.balises import Constat, Reparation, verifier_balises, verifier_blocs
from clause_kit.revue.paquet import qn
from clause_kit.revue.squelette import Squelette, extrait, squelettes
from clause_kit.revue.texte import INSERTION, SUPPRESSION, Document, lire
from clause_kit.revue.usages import usages
from clause_kit.revue.variables import Schema

__all__ = ["DocumentAVerifier", "Rapport", "modeles_du_jeu", "verifier_jeu", "verifier_modele"]

_MODIFICATIONS = tuple(qn(n) for n in ("w:ins", "w:del", "w:moveFrom", "w:moveTo"))


@dataclass
class Rapport:
    """What ``modeles verifier`` found: errors make the set unusable, warnings deserve a look."""

    erreurs: list[Probleme] = field(default_factory=list)
    avertissements: list[Probleme] = field(default_factory=list)
    modeles: list[ModeleResolu] = field(default_factory=list)
    exemples: list[Path] = field(default_factory=list)
    rendus: int = 0

    @property
    def sain(self) -> bool:
        """True when no error was found."""
        return not self.erreurs


@dataclass(frozen=True)
class DocumentAVerifier:
    """A template that is not a dossier piece (``documents`` of ``pieces.yaml``): its variables, its trial contexts."""

    code: str
    modele: str
    schema: Schema
    #: (name of the example, context) for the trial renders.
    contextes: list[tuple[str, dict[str, Any]]]


def verifier_modele(chemin: Path, schema: Schema, nom: str | None = None) -> list[Probleme]:
    """The problems of one template (every check except the trial renders)."""
    nom = nom or str(chemin)
    try:
        document = lire(chemin, chemin.name)
    except ClauseKitError as err:
        return [Probleme(nom, None, "", str(err))]
    problemes = [Probleme(nom, None, c.lieu, c.message) for c in _modifications(document)]
    syntaxe = False
    for squelette in squelettes(document):
        constats = verifier_balises(squelette)
        blocs, reparation = verifier_blocs(squelette)
        # Jinja reads the rest (unreadable tags left out, blocks balanced) so that unknown
        # variables are reported in the same run as the other errors.
        constats += blocs + _jinja(squelette, schema, {c.lieu for c in constats if c.syntaxe}, reparation, bool(blocs))
        syntaxe = syntaxe or any(c.grave for c in constats)
        ordre = {ligne.paragraphe.lieu: n for n, ligne in reversed(list(enumerate(squelette.lignes)))}
        constats.sort(key=lambda c: ordre.get(c.lieu, -1))  # in reading order, whatever check found them
        problemes += [Probleme(nom, None, c.lieu, c.message) for c in constats]
    if not syntaxe:
        try:
            compiler(chemin)
        except ErreurModele as err:  # what the renderer refuses and the checks above did not see
            indice = ""
            if "unexpected char '&'" in str(err):
                indice = " ; des guillemets ou apostrophes enregistrés en &quot; / &apos; (LibreOffice) ?"
            problemes.append(Probleme(nom, None, "", f"refusé par le générateur : {err}{indice}"))
    return problemes


def _modifications(document: Document) -> list[Constat]:
    """Pending tracked changes: the pieces would carry them (and Jinja reads deleted text)."""
    nombre, premier = 0, ""
    for partie in document.parties:
        racine = document.paquet.partie(partie.nom)
        if racine is not None:
            nombre += sum(1 for _ in racine.iter(*_MODIFICATIONS))
    if not nombre:
        return []
    for _, paragraphe in document.paragraphes():
        if paragraphe.marque_modifiee or any(s.marques & {INSERTION, SUPPRESSION} for s in paragraphe.segments):
            premier = paragraphe.lieu or "corps"
            break
    endroit = f" (la première : {premier})" if premier else ""
    return [
        Constat(
            "",
            f"{nombre} modification(s) suivie(s) en attente{endroit} : acceptez-les ou refusez-les dans Word "
            "(Révision > Accepter / Refuser) avant d'utiliser ce modèle",
        )
    ]


def _jinja(
    squelette: Squelette, schema: Schema, illisibles: set[str], reparation: Reparation, deja_signale: bool
) -> list[Constat]:
    """Jinja's own reading of the part (repaired as far as already reported), then the variables it uses."""
    source = squelette.source_reparee(illisibles, reparation.remplacements, reparation.fin)
    try:
        arbre = environnement().parse(source)
        environnement().compile(arbre)  # unknown filters and tests are found here
    except jinja2.TemplateSyntaxError as err:
        if illisibles or deja_signale:
            return []  # most likely a consequence of what is already reported
        ligne = squelette.a_la_ligne(err.lineno)
        lieu = ligne.paragraphe.lieu if ligne else squelette.partie.genre
        autour = f" : « {extrait(ligne.paragraphe.brut)} »" if ligne else ""
        # The same French message as the renderer's (one translation of Jinja's syntax errors).
        return [Constat(lieu, f"balise mal écrite, {message_syntaxe(err)}{autour}")]
    constats = []
    vus: set[tuple[str, str]] = set()
    for usage in usages(arbre):
        ligne = squelette.a_la_ligne(usage.ligne)
        lieu = ligne.paragraphe.lieu if ligne else squelette.partie.genre
        if schema.connu(usage.chemin) or (lieu, usage.ecrit) in vus:
            continue
        vus.add((lieu, usage.ecrit))
        proche = schema.suggestion(usage.chemin, usage.ecrit)
        conseil = f" ; vouliez-vous dire « {proche} » ?" if proche else " (voir modeles/VARIABLES.md)"
        constats.append(Constat(lieu, f"variable inconnue « {usage.ecrit} »{conseil}"))
    return constats


def modeles_du_jeu(
    couches: Couches, documents: tuple[str, ...] = ()
) -> tuple[list[tuple[Piece, ModeleResolu | None]], list[ModeleResolu]]:
    """(each piece with its resolved template or None, templates that match no piece) of a set of layers.

    ``documents``: the templates of other documents (the annual report), which are not orphans
    outside a commune's layer (a commune replaces pieces only).
    """
    pieces = lire_pieces(couches.dossier_pieces)
    resolus: list[tuple[Piece, ModeleResolu | None]] = []
    for piece in pieces:
        try:
            resolus.append((piece, couches.resoudre(piece.modele)))
        except ClauseKitError:
            resolus.append((piece, None))
    utilises = {piece.modele for piece in pieces}
    orphelins = []
    for couche in couches.couches:
        for chemin in sorted(couche.dossier.glob("*.docx")):
            if chemin.name in documents and couche.nom != COMMUNE:
                continue
            if chemin.name not in utilises and not chemin.name.startswith(("~$", ".")):  # ~$: Word's lock file
                orphelins.append(ModeleResolu(chemin.name, chemin, couche.nom))
    return resolus, orphelins


def verifier_jeu(
    couches: Couches, schema: Schema, exemples: list[Path], documents: list[DocumentAVerifier] | None = None
) -> Rapport:
    """Check every template of a set of layers, then render each with every example contract it applies to.

    ``documents``: the other documents' templates, each checked with its own variables and examples.
    """
    rapport = Rapport(exemples=exemples)
    documents = documents or []
    try:
        resolus, orphelins = modeles_du_jeu(couches, tuple(d.modele for d in documents))
    except ClauseKitError as err:
        rapport.erreurs.append(Probleme(str(couches.dossier_pieces / "pieces.yaml"), None, "", str(err)))
        return rapport
    for piece, resolu in resolus:
        if resolu is None:
            dossiers = ", ".join(str(c.dossier) for c in couches.couches)
            message = f"pièce « {piece.code} » sans modèle : {piece.modele} introuvable (cherché dans : {dossiers})"
            rapport.erreurs.append(Probleme(str(couches.dossier_pieces / "pieces.yaml"), None, "", message))
    for orphelin in orphelins:
        if orphelin.couche != STANDARD:
            message = "ne remplace aucune pièce de pieces.yaml : ce modèle ne sera jamais utilisé (nom différent ?)"
            rapport.avertissements.append(Probleme(str(orphelin.chemin), None, "", message))
    a_verifier = {r.chemin: r for _, r in resolus if r is not None}
    a_verifier.update({o.chemin: o for o in orphelins})
    sains = []
    for chemin, resolu in a_verifier.items():
        rapport.modeles.append(resolu)
        problemes = verifier_modele(chemin, schema)
        rapport.erreurs += problemes
        if not problemes:
            sains.append(chemin)
    pieces = {r.chemin: p for p, r in resolus if r is not None}
    _essayer(rapport, sains, pieces, exemples)
    for document in documents:
        _verifier_document(rapport, couches, document)
    return rapport


def _essayer(rapport: Rapport, chemins: list[Path], pieces: dict[Path, Piece], exemples: list[Path]) -> None:
    """Trial renders: every sound template with every example contract it applies to."""
    contextes: list[tuple[Path, Consultation, int, dict[str, Any]]] = []
    parametres = charger_parametres()
    for exemple in exemples:
        try:
            detail = charger_detail(exemple)
        except ClauseKitError as err:
            rapport.avertissements.append(Probleme(str(exemple), None, "", f"marché d'exemple ignoré : {err}"))
            continue
        contexte = construire_contexte(detail.consultation, detail.chiffres, parametres, aujourdhui())
        contextes.append((exemple, detail.consultation, detail.chiffres.heures_total, contexte))
    for chemin in chemins:
        echecs: dict[str, list[str]] = {}
        for exemple, consultation, heures, contexte in contextes:
            piece = pieces.get(chemin)
            if piece is not None and not pieces_applicables([piece], consultation, heures):
                continue
            rapport.rendus += 1
            try:
                rendre(compiler(chemin), contexte)
            except ClauseKitError as err:
                echecs.setdefault(str(err).removeprefix(f"modèle {chemin.name} : "), []).append(exemple.name)
        for message, noms in echecs.items():
            avec = ", ".join(noms[:3]) + (f" et {len(noms) - 3} autre(s)" if len(noms) > 3 else "")
            rapport.erreurs.append(Probleme(str(chemin), None, "rendu d'essai", f"{message} (avec {avec})"))


def _verifier_document(rapport: Rapport, couches: Couches, document: DocumentAVerifier) -> None:
    """A document's template, from the chosen set or the standard one: checks, then its trial renders."""
    sans_commune = Couches(tuple(c for c in couches.couches if c.nom != COMMUNE))
    try:
        resolu = sans_commune.resoudre(document.modele)
    except ClauseKitError as err:
        rapport.erreurs.append(
            Probleme(str(couches.dossier_pieces / "pieces.yaml"), None, "", f"document « {document.code} » : {err}")
        )
        return
    rapport.modeles.append(resolu)
    problemes = verifier_modele(resolu.chemin, document.schema)
    rapport.erreurs += problemes
    if problemes:
        return
    for nom, contexte in document.contextes:
        rapport.rendus += 1
        try:
            rendre(compiler(resolu.chemin), contexte)
        except ClauseKitError as err:
            message = str(err).removeprefix(f"modèle {resolu.chemin.name} : ")
            rapport.erreurs.append(Probleme(str(resolu.chemin), None, "rendu d'essai", f"{message} (avec le {nom})"))
