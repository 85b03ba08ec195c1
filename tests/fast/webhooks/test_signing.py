"""Webhook signatures (webhooks/signing.py) and the secret at rest (webhooks/crypto.py)."""

from webhooks.crypto import secret_decrypt, secret_encrypt, secret_new
from webhooks.signing import signature_header, signature_of, signature_verify

BODY = b'{"id":"evt","type":"webhook.test"}'
# Computed apart: printf '1700000000.<body>' | openssl dgst -sha256 -hmac whsec_known
KNOWN = "9de5d8ea9a96ce9bc3574157ff372c728c73266f1028b11276b692c9602cf945"


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    assert signature_of(secret="whsec_known", timestamp=1700000000, body=BODY) == KNOWN


def test_the_header_carries_the_timestamp_and_one_v1_per_secret():
    header = signature_header(secrets=["whsec_known", "whsec_old"], timestamp=1700000000, body=BODY)
    assert header.startswith(f"t=1700000000,v1={KNOWN},v1=")
    assert header.count("v1=") == 2


def test_a_receiver_accepts_either_secret_during_a_rotation():
    header = signature_header(secrets=["whsec_new", "whsec_old"], timestamp=1700000000, body=BODY)
    assert signature_verify(secret="whsec_new", header=header, body=BODY, now=1700000010)
    assert signature_verify(secret="whsec_old", header=header, body=BODY, now=1700000010)


def test_a_receiver_refuses_another_secret_a_changed_body_or_an_old_timestamp():
    header = signature_header(secrets=["whsec_known"], timestamp=1700000000, body=BODY)
    assert not signature_verify(secret="whsec_other", header=header, body=BODY, now=1700000000)
    assert not signature_verify(secret="whsec_known", header=header, body=BODY + b" ", now=1700000000)
    assert not signature_verify(secret="whsec_known", header=header, body=BODY, now=1700000000 + 301)


def test_a_malformed_header_is_refused():
    for header in ("", "v1=abc", "t=x,v1=" + KNOWN, "t=1700000000"):
        assert not signature_verify(secret="whsec_known", header=header, body=BODY, now=1700000000)


def test_the_secret_is_stored_encrypted_and_reads_back():
    secret = secret_new()
    stored = secret_encrypt(secret)
    assert secret.startswith("whsec_") and len(secret) > 40
    assert secret not in stored
    assert secret_decrypt(stored) == secret
