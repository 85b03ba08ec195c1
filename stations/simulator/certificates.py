"""Client keys and installed certificates as the simulated stations keep them, whatever OCPP
version they speak (the 1.6 Security extension and 2.0.1's A and M blocks do the same thing in
other words; docs/architecture.md: the simulator is the stations the tests talk to)."""


class CertificateStore:
    """What the 1.6 and 2.0.1 simulators do with certificates, in neither version's words; the
    station sets `client_key`, `client_certificate`, `certificate_signed` (an asyncio.Event),
    `certificates` (per type) and `received`."""

    def certificate_chain_take(self, certificate_chain: str) -> str:
        """A CertificateSigned's status: Accepted (and kept) when this station made a key."""
        if self.client_key is None:
            return "Rejected"
        self.client_certificate = certificate_chain
        self.certificate_signed.set()
        return "Accepted"

    def certificate_install(self, certificate_type: str, certificate: str) -> None:
        self.received.append(("InstallCertificate", {"certificate_type": certificate_type}))
        self.certificates[certificate_type].append(certificate)


def key_and_csr(*, organization: str, common_name: str):
    """A new EC P-256 private key and a PEM CSR for it (O: organization, CN: common_name)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([
               x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
               x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
           .sign(key, hashes.SHA256()))
    return key, csr.public_bytes(serialization.Encoding.PEM).decode()


def certificate_remove(certificates: dict[str, list[str]], certificate_hash_data: dict) -> bool:
    """Remove the installed certificate (of any type) with that certificateHashData; whether
    there was one."""
    from stations.security.ca import hash_data, load_certificate

    for pems in certificates.values():
        for pem in pems:
            if same_hash_data(hash_data(load_certificate(pem)), certificate_hash_data):
                pems.remove(pem)
                return True
    return False


def same_hash_data(a: dict, b: dict) -> bool:
    """certificateHashData compared whatever the key case (the ocpp package snake-cases them)."""
    def norm(data: dict) -> dict:
        return {k.replace("_", "").lower(): str(v).lower() for k, v in data.items()}
    return norm(a) == norm(b)
