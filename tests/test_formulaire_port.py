"""The free-port check of ``clause-kit formulaire``: a port left in TIME_WAIT by Ctrl-C is free again at once."""

from __future__ import annotations

import socket

import pytest

from clause_kit.formulaire.cli import ADRESSE, _verifier_port


def _port_en_time_wait() -> int:
    """A port whose listener is gone, its last connection closed by the server side first (TIME_WAIT)."""
    with socket.socket() as ecoute:
        ecoute.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ecoute.bind((ADRESSE, 0))
        ecoute.listen()
        port = int(ecoute.getsockname()[1])
        client = socket.create_connection((ADRESSE, port))
        cote_serveur, _ = ecoute.accept()
        cote_serveur.close()  # the side that closes first keeps TIME_WAIT
        client.close()
    return port


def test_le_port_est_libre_aussitot_apres_ctrl_c() -> None:
    port = _port_en_time_wait()
    with socket.socket() as naif:  # what the old check did: refused for about a minute
        with pytest.raises(OSError):
            naif.bind((ADRESSE, port))
    _verifier_port(port)  # no exit


def test_un_port_ou_l_on_ecoute_reste_refuse(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as ecoute:
        ecoute.bind((ADRESSE, 0))
        ecoute.listen()
        with pytest.raises(SystemExit) as sortie:
            _verifier_port(int(ecoute.getsockname()[1]))
    assert sortie.value.code == 1
    assert "est déjà utilisé" in capsys.readouterr().err
