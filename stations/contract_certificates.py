"""Plug & Charge authorization: a 2.0.1 Authorize that carries an ISO 15118 contract certificate
(its PEM chain, or the hash data of a chain the station validated) is answered by whatever app
asks the PKI (the security app, docs/pki.md) - the core imports none. Without a provider such an
Authorize is answered by the id token's rules alone, as any other."""

from collections.abc import Callable

Answer = Callable[..., dict]  # (station=, payload=) -> the AuthorizeResponse
_answers: list[Answer] = []


def provide(answer: Answer) -> None:
    """Register the function that answers a contract Authorize (one: a second replaces it)."""
    _answers[:] = [answer]


def carries_contract(payload: dict) -> bool:
    return bool(_answers) and ("certificate" in payload or "iso15118CertificateHashData" in payload)


def authorize_answer(*, station, payload: dict) -> dict:
    """The AuthorizeResponse for a contract Authorize (call only when `carries_contract`)."""
    return _answers[0](station=station, payload=payload)
