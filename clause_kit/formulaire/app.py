"""The Starlette application of the form: routes only, each calling the core like ``cli.py`` does.

Stateless: every page carries the whole contract in its fields, every action posts them all.
Pages are rendered on the server (Jinja2, autoescaped); a few lines of JavaScript add the
steps, the list rows and the live check, and the form still works without them.
"""

from __future__ import annotations

import asyncio
import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from clause_kit.commun.erreurs import ClauseKitError, ErreursValidation, Probleme
from clause_kit.commun.formats import slug
from clause_kit.commun.journal import signaler
from clause_kit.formulaire import depot
from clause_kit.formulaire.apercu import fichier_isole, verifier_donnees
from clause_kit.formulaire.champs import arbre, texte_de, valeur_a
from clause_kit.formulaire.dispositif import METIERS, metier_du_cpv, recommander
from clause_kit.formulaire.etapes import placer, repartir
from clause_kit.formulaire.generation import generer_archive, libreoffice_present
from clause_kit.formulaire.panneau import panneau
from clause_kit.formulaire.saisie import lire_saisie, montant_saisi
from clause_kit.formulaire.schema import schema_json
from clause_kit.formulaire.securite import CORPS_MAX, Garde, jeton_valide, nouveau_jeton
from clause_kit.formulaire.yaml_sortie import ecrire_yaml, fusion_communes
from clause_kit.marche.chargement import TAILLE_MAX, charger_detail, lire_avec_defauts, lire_yaml

__all__ = ["creer_application"]

_ICI = Path(__file__).parent


@dataclass
class _Etat:
    """What the routes share: DOSSIER, the CSRF token, the templates, the generation lock."""

    dossier: Path
    jeton: str
    pages: Jinja2Templates
    aujourd_hui: datetime.date | None = None
    verrou: asyncio.Lock = field(default_factory=asyncio.Lock)


def creer_application(dossier: Path, port: int, *, aujourd_hui: datetime.date | None = None) -> Garde:
    """The form's web application for DOSSIER, to be served on 127.0.0.1:``port`` only."""
    environnement = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_ICI / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )
    etat = _Etat(dossier, nouveau_jeton(), Jinja2Templates(env=environnement), aujourd_hui)
    routes = [
        Route("/", _avec(etat, accueil)),
        Route("/nouveau", _avec(etat, nouveau), methods=["POST"]),
        Route("/ouvrir", _avec(etat, ouvrir)),
        Route("/televerser", _avec(etat, televerser), methods=["POST"]),
        Route("/formulaire", _avec(etat, reafficher), methods=["POST"]),
        Route("/commune", _avec(etat, reprendre_commune), methods=["POST"]),
        Route("/apercu", _avec(etat, apercu), methods=["POST"]),
        Route("/yaml", _avec(etat, telecharger_yaml), methods=["POST"]),
        Route("/enregistrer", _avec(etat, enregistrer), methods=["POST"]),
        Route("/generer", _avec(etat, generer), methods=["POST"]),
        Route("/schema.json", _avec(etat, schema)),
        Mount("/static", StaticFiles(directory=_ICI / "static"), name="static"),
    ]
    application = Starlette(routes=routes, exception_handlers={HTTPException: _refus, Exception: _inattendue})
    hotes = {f"127.0.0.1:{port}", f"localhost:{port}"}
    return Garde(application, hotes, {f"http://{h}" for h in hotes}, CORPS_MAX)


def _avec(etat: _Etat, route: Any) -> Any:
    async def point_d_entree(request: Request) -> Response:
        return await route(request, etat)  # type: ignore[no-any-return]

    point_d_entree.__name__ = route.__name__
    return point_d_entree


async def _refus(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return PlainTextResponse(exc.detail, status_code=exc.status_code)


async def _inattendue(request: Request, exc: Exception) -> Response:
    texte = signaler(exc, f"{request.method} {request.url.path}")
    return PlainTextResponse(texte, status_code=500)


async def _formulaire(request: Request, etat: _Etat) -> FormData:
    """The posted form, once its CSRF token is checked."""
    formulaire = await request.form(max_files=1, max_fields=20_000, max_part_size=CORPS_MAX)
    if not jeton_valide(formulaire.get("_jeton"), etat.jeton):
        raise HTTPException(403, "requête refusée : jeton de formulaire absent ou périmé (rechargez la page)")
    return formulaire


def _paires(formulaire: FormData) -> list[tuple[str, str]]:
    return [(k, v) for k, v in formulaire.multi_items() if isinstance(v, str)]


# --- first screen --------------------------------------------------------------------


async def accueil(request: Request, etat: _Etat, message: str = "", statut: int = 200) -> Response:
    """« Quel dispositif ? », the contracts of DOSSIER to open, and the upload of a file."""
    question = dict(request.query_params)
    conseil, erreur = None, ""
    if question.get("type") in ("travaux", "services", "fournitures"):
        conseil, erreur = _conseiller(question)
    return etat.pages.TemplateResponse(
        request,
        "accueil.html",
        {
            "jeton": etat.jeton,
            "question": question,
            "conseil": conseil,
            "erreur_question": erreur,
            "metiers": [(cle, m.libelle) for cle, m in METIERS.items()],
            "fichiers": depot.fichiers(etat.dossier),
            "dossier": str(etat.dossier),
            "message": message,
            "taille_max": TAILLE_MAX // 1000,
        },
        status_code=statut,
    )


def _conseiller(question: dict[str, str]) -> tuple[Any, str]:
    montant_ht = montant_saisi(question.get("montant", ""))
    if montant_ht is None:
        return None, "montant HT attendu en euros, au plus deux décimales (ex. 1 250 000,50)"
    metier = question.get("metier") or metier_du_cpv(question.get("cpv", "")) or "autre"
    duree = question.get("duree", "").strip()
    mois = int(duree) if duree.isascii() and duree.isdigit() and 0 < len(duree) <= 3 and int(duree) > 0 else None
    return recommander(question["type"], montant_ht, metier, duree_mois=mois), ""


async def nouveau(request: Request, etat: _Etat) -> Response:
    """A new contract, started from the first screen's answers and the tools chosen."""
    formulaire = await _formulaire(request, etat)
    marche: dict[str, Any] = {}
    for cle, nom in (("type", "type"), ("montant_ht", "montant"), ("cpv", "cpv"), ("duree_mois", "duree")):
        valeur = str(formulaire.get(nom) or "").strip()
        if valeur:
            marche[cle] = valeur
    choix = str(formulaire.get("choix") or "article_14")
    insertion: dict[str, Any] = {}
    if choix in ("article_14", "les_deux"):
        insertion["article_14"] = {}
    if choix in ("article_53", "les_deux"):
        insertion["article_53"] = {}
    donnees = lire_saisie(_aplatir({"marche": marche, "insertion": insertion}))
    return _page(request, etat, donnees, montrer_erreurs=False)


def _aplatir(donnees: dict[str, Any], prefixe: str = "") -> list[tuple[str, str]]:
    """Nested data → the (name, value) pairs a page would post (blocks marked present)."""
    paires: list[tuple[str, str]] = []
    for cle, valeur in donnees.items():
        nom = f"{prefixe}{cle}"
        if isinstance(valeur, dict):
            paires.append((f"@{nom}", "1"))
            paires += _aplatir(valeur, nom + ".")
        else:
            paires.append((nom, str(valeur)))
    return paires


# --- opening ---------------------------------------------------------------------------


async def ouvrir(request: Request, etat: _Etat) -> Response:
    """Edit a contract file of DOSSIER: its values (with its commune's) and the command line's messages."""
    relatif = request.query_params.get("fichier", "")
    try:
        chemin = depot.fichier_a_ouvrir(etat.dossier, relatif)
        donnees = lire_avec_defauts(chemin, etat.dossier).donnees
    except ClauseKitError as err:
        return await accueil(request, etat, str(err), 422)
    return _page(request, etat, donnees, problemes=_problemes(chemin), ouvert=relatif)


def _problemes(chemin: Path, nom: str | None = None) -> list[Probleme]:
    """The problems ``verifier`` reports for a file (named ``nom`` in messages, when given)."""
    try:
        charger_detail(chemin)
    except ErreursValidation as err:
        if nom is None:
            return err.problemes
        return [Probleme(p.fichier.replace(str(chemin), nom), p.ligne, p.champ, p.message) for p in err.problemes]
    return []


async def televerser(request: Request, etat: _Etat) -> Response:
    """Edit a YAML file sent from the officer's computer; a bad or hostile one gets the loader's message."""
    formulaire = await _formulaire(request, etat)
    envoi = formulaire.get("fichier")
    if not isinstance(envoi, UploadFile):
        return await accueil(request, etat, "aucun fichier choisi", 422)
    nom = Path(envoi.filename or "").name or "fichier.yaml"
    contenu = await envoi.read(TAILLE_MAX + 1)  # one byte more: the loader then says it is too big
    with fichier_isole(contenu, "televerse.yaml") as chemin:
        try:
            donnees, _ = lire_yaml(chemin)
        except ErreursValidation as err:
            message = "\n".join(str(p).replace(str(chemin), nom) for p in err.problemes)
            return await accueil(request, etat, message, 422)
        problemes = _problemes(chemin, nom)
    return _page(request, etat, donnees, problemes=problemes)


# --- the form --------------------------------------------------------------------------


def _page(
    request: Request,
    etat: _Etat,
    donnees: dict[str, Any],
    *,
    problemes: list[Probleme] | None = None,
    montrer_erreurs: bool = True,
    ouvert: str = "",
    message: str = "",
    confirmer: str = "",
    statut: int = 200,
) -> Response:
    verifie = verifier_donnees(donnees, etat.aujourd_hui)
    racine = arbre(donnees)
    placement = placer(racine, problemes if problemes is not None else verifie.problemes)
    if not montrer_erreurs:
        placement = placer(racine, [])
    return etat.pages.TemplateResponse(
        request,
        "formulaire.html",
        {
            "jeton": etat.jeton,
            "pages": repartir(racine),
            "erreurs": placement.par_champ,
            "liste_erreurs": placement.liste,
            "panneau": panneau(verifie, donnees, _valeurs_communes(etat, donnees, ouvert)),
            "communes": depot.communes(etat.dossier),
            "ouvert": ouvert,
            "dossier": str(etat.dossier),
            "message": message,
            "alerte": statut >= 400,
            "confirmer": confirmer,
            "libreoffice": libreoffice_present(),
            "yaml": verifie.texte_yaml,
            "reference": texte_de(valeur_a(donnees, "marche", "reference")),
        },
        status_code=statut,
    )


def _valeurs_communes(etat: _Etat, donnees: dict[str, Any], ouvert: str) -> dict[str, Any]:
    """The values of the commune the contract will be saved beside (to say which values come from it)."""
    try:
        return depot.defauts_pour(depot.cible(etat.dossier, donnees, ouvert))[1]
    except ClauseKitError:
        return {}


async def reafficher(request: Request, etat: _Etat) -> Response:
    """The same form again: without JavaScript, to add or remove a list row and to see the messages."""
    formulaire = await _formulaire(request, etat)
    paires = _paires(formulaire)
    ajouter, retirer = str(formulaire.get("_ajouter") or ""), str(formulaire.get("_retirer") or "")
    if ajouter:
        paires.append((f"@{ajouter}.{len(paires)}", "1"))  # a number after all others: the row goes last
    if retirer:
        paires = [(n, v) for n, v in paires if n.lstrip("@") != retirer and not n.lstrip("@").startswith(retirer + ".")]
    return _page(request, etat, lire_saisie(paires), ouvert=str(formulaire.get("_fichier") or ""))


async def reprendre_commune(request: Request, etat: _Etat) -> Response:
    """Fill the form's empty values with those of a commune's ``_commune.yaml``, merged as the loader merges."""
    formulaire = await _formulaire(request, etat)
    donnees = lire_saisie(_paires(formulaire))
    try:
        chemin = depot.fichier_commune(etat.dossier, str(formulaire.get("_commune") or ""))
        defauts, _ = lire_yaml(chemin, vide_permis=True)
    except ClauseKitError as err:
        return _page(request, etat, donnees, message=f"Non repris : {err}", statut=422)
    fusion = fusion_communes(defauts, donnees)
    message = (
        f"Valeurs communes reprises de {chemin.parent.name}/{chemin.name} ; les valeurs déjà saisies sont gardées."
    )
    return _page(request, etat, fusion, message=message)


async def apercu(request: Request, etat: _Etat) -> Response:
    """Live check: each message with the id of its field, and the figures panel (HTML, autoescaped)."""
    formulaire = await _formulaire(request, etat)
    donnees = lire_saisie(_paires(formulaire))
    verifie = verifier_donnees(donnees, etat.aujourd_hui)
    placement = placer(arbre(donnees), verifie.problemes)
    valeurs = panneau(verifie, donnees, _valeurs_communes(etat, donnees, str(formulaire.get("_fichier") or "")))
    html = etat.pages.get_template("_panneau.html").render(panneau=valeurs)
    return JSONResponse(
        {
            "valide": verifie.valide,
            "erreurs": placement.par_champ,
            "liste": [{"champ": c, "message": m, "cible": i} for c, m, i in placement.liste],
            "panneau": html,
        }
    )


def _nom_fichier(donnees: dict[str, Any]) -> str:
    reference = texte_de(valeur_a(donnees, "marche", "reference"))
    try:
        return f"{slug(str(reference))}.yaml" if reference else "marche.yaml"
    except ValueError:
        return "marche.yaml"


async def telecharger_yaml(request: Request, etat: _Etat) -> Response:
    """The contract file, as ``clause-kit verifier`` reads it."""
    formulaire = await _formulaire(request, etat)
    donnees = lire_saisie(_paires(formulaire))
    entetes = {"content-disposition": f'attachment; filename="{_nom_fichier(donnees)}"'}
    return Response(ecrire_yaml(donnees), media_type="application/yaml; charset=utf-8", headers=entetes)


async def enregistrer(request: Request, etat: _Etat) -> Response:
    """Save into DOSSIER; an existing file is replaced only once the officer confirms."""
    formulaire = await _formulaire(request, etat)
    donnees = lire_saisie(_paires(formulaire))
    ouvert = str(formulaire.get("_fichier") or "")
    try:
        chemin = depot.cible(etat.dossier, donnees, ouvert)
        resultat = depot.enregistrer(chemin, donnees, remplacer=formulaire.get("_confirmer") == "1")
    except ClauseKitError as err:
        return _page(request, etat, donnees, ouvert=ouvert, message=f"Non enregistré : {err}", statut=422)
    relatif = resultat.chemin.relative_to(etat.dossier.resolve()).as_posix()
    if not resultat.ecrit:
        message = f"{relatif} existe déjà dans {etat.dossier} : confirmez pour le remplacer."
        return _page(request, etat, donnees, ouvert=ouvert, message=message, confirmer=relatif, statut=409)
    message = f"Enregistré dans {etat.dossier} : {relatif}"
    if resultat.defauts is not None:
        message += f" (sans les valeurs communes de {resultat.defauts.name}, qu'il reprend)"
    return _page(request, etat, donnees, ouvert=relatif, message=message)


async def generer(request: Request, etat: _Etat) -> Response:
    """The dossier's ZIP, made by ``clause-kit generer`` in a child process; its messages if it fails."""
    formulaire = await _formulaire(request, etat)
    donnees = lire_saisie(_paires(formulaire))
    archive = await generer_archive(
        ecrire_yaml(donnees), _nom_fichier(donnees), etat.verrou, brouillon=formulaire.get("_brouillon") == "1"
    )
    if archive.contenu is None:
        message = "La génération a échoué :\n" + archive.messages
        return _page(request, etat, donnees, ouvert=str(formulaire.get("_fichier") or ""), message=message, statut=422)
    entetes = {"content-disposition": f'attachment; filename="{archive.nom}"'}
    return Response(archive.contenu, media_type="application/zip", headers=entetes)


async def schema(request: Request, etat: _Etat) -> Response:
    """The JSON Schema of a contract file (the same as ``clause-kit schema``)."""
    return JSONResponse(schema_json())
