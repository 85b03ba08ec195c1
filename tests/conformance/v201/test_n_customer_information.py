"""OCA OCPP 2.0.1 conformance scenarios of block N, Diagnostics: customer information (use cases
N09 Get and N10 Clear). The central system sends CustomerInformation through our API
(`customer-information/`) for the valid card, a customer identifier or a certificate; the
station (the bundled simulator, which keeps text per customer) answers and reports in
NotifyCustomerInformation parts, kept and shown as one text. Clearing a token's data also takes
it off the station's local list (N_46). See docs/ocpp201.md "Customer information"."""

from stations.simulator.v201 import SimulatedChargePoint201
from stations.simulator.v201.customer_information import customer_key
from tests.factories import eventually

DATA = "Sessions: 2 (12.5 kWh, 7.1 kWh); last seen 2026-12-06."
CERTIFICATE = {"hash_algorithm": "SHA256", "issuer_name_hash": "a1" * 32, "issuer_key_hash": "b2" * 32,
               "serial_number": "4f2a9c"}


def url(octt201, rest: str = "") -> str:
    return f"/api/v1/stations/{octt201.station.identity}/customer-information/{rest}"


async def ask(api, octt201, **body) -> dict:
    response = await api.post(url(octt201), json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def reported(api, octt201, asked: dict) -> dict:
    """The request once its report's last part came."""
    async def complete():
        body = (await api.get(url(octt201, f"{asked['id']}/"))).json()
        return body if body["complete"] else None

    return await eventually(complete)


def sent(cp) -> dict:
    [request] = [payload for action, payload in cp.received if action == "CustomerInformation"]
    return request


async def about_the_card(server, octt201, *, report: bool, clear: bool, data: str = "") -> tuple:
    """CustomerInformation for the valid card, the station holding `data` of it; the request
    as the station got it, as the API shows it once reported, and the station after."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        if data:
            cp.customer_data[customer_key(id_token=octt201.valid)] = data
        asked = await ask(api, octt201, id_token=octt201.valid, report=report, clear=clear)
        shown = await reported(api, octt201, asked)
    assert sent(cp) == {"request_id": asked["request_id"], "report": report, "clear": clear,
                        "id_token": {"id_token": octt201.valid, "type": "ISO14443"}}
    assert (asked["status"], shown["id_token_type"]) == ("Accepted", "ISO14443")
    return shown, cp


async def test_tc_n_27_get_customer_information_accepted_data(server, octt201):
    """Get Customer Information – Accepted + data"""
    shown, cp = await about_the_card(server, octt201, report=True, clear=False, data=DATA)
    assert shown["text"] == DATA and cp.customer_data  # kept


async def test_tc_n_28_get_customer_information_accepted_no_data(server, octt201):
    """Get Customer Information – Accepted + no data"""
    shown, _ = await about_the_card(server, octt201, report=True, clear=False)
    assert shown["text"] == "No data." and len(shown["parts"]) == 1


class Refusing(SimulatedChargePoint201):
    customer_information_answer = "Rejected"


async def test_tc_n_29_get_customer_information_not_accepted(server, octt201):
    """Get Customer Information – Not Accepted"""
    async with octt201.charge_point(server, cls=Refusing) as cp, octt201.api(server) as api:
        asked = await ask(api, octt201, id_token=octt201.valid)
    assert (sent(cp)["report"], sent(cp)["id_token"]["id_token"]) == (True, octt201.valid)
    assert (asked["status"], asked["parts"], asked["complete"]) == ("Rejected", [], False)


async def test_tc_n_30_clear_customer_information_clear_and_report_data(server, octt201):
    """Clear Customer Information – Clear and report + data"""
    shown, cp = await about_the_card(server, octt201, report=True, clear=True, data=DATA)
    assert shown["text"] == DATA and not cp.customer_data


async def test_tc_n_31_clear_customer_information_clear_and_report_no_data(server, octt201):
    """Clear Customer Information – Clear and report + no data"""
    shown, _ = await about_the_card(server, octt201, report=True, clear=True)
    assert shown["text"] == "No data."


async def test_tc_n_32_clear_customer_information_clear_and_no_report(server, octt201):
    """Clear Customer Information – Clear and no report"""
    shown, cp = await about_the_card(server, octt201, report=False, clear=True, data=DATA)
    assert shown["text"] == "Cleared." and not cp.customer_data


async def test_tc_n_46_clear_customer_information_update_local_authorization_list(server, octt201):
    """Clear Customer Information – Update Local Authorization List

    The station holds a list with the valid card; once it accepts to clear the card's data, the
    card goes off its list: a differential update, the next version, the card without
    idTokenInfo."""
    local_list = f"/api/v1/stations/{octt201.station.identity}/local-list/"
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        full = await api.post(local_list, json={"update_type": "Full"})
        assert full.status_code == 201, full.text
        held = (await api.get(local_list)).json()["version"]
        asked = await ask(api, octt201, id_token=octt201.valid, report=True, clear=True)
        await reported(api, octt201, asked)
    removal = [p for action, p in cp.received if action == "SendLocalList"][-1]
    assert (removal["update_type"], removal["version_number"]) == ("Differential", held + 1)
    assert removal["entries"] == [{"id_token": {"id_token": octt201.valid, "type": "ISO14443"}}]
    assert octt201.valid not in cp.local_list
    assert asked["local_list"] == f"Taken off the local list: version {held + 1}, Accepted."


async def test_tc_n_62_clear_customer_information_clear_and_report_customeridentifier(server, octt201):
    """Clear Customer Information – Clear and report – customerIdentifier"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        cp.customer_data[customer_key(identifier="OpenChargeAlliance")] = DATA
        asked = await ask(api, octt201, customer_identifier="OpenChargeAlliance", clear=True)
        shown = await reported(api, octt201, asked)
    assert sent(cp) == {"request_id": asked["request_id"], "report": True, "clear": True,
                        "customer_identifier": "OpenChargeAlliance"}  # no idToken, no certificate
    assert shown["text"] == DATA and not cp.customer_data


async def test_tc_n_63_clear_customer_information_clear_and_report_customercertificate(server, octt201):
    """Clear Customer Information – Clear and report – customerCertificate"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        cp.customer_data[customer_key(serial_number=CERTIFICATE["serial_number"])] = DATA
        asked = await ask(api, octt201, customer_certificate=CERTIFICATE, clear=True)
        shown = await reported(api, octt201, asked)
    assert sent(cp) == {"request_id": asked["request_id"], "report": True, "clear": True,
                        "customer_certificate": CERTIFICATE}
    assert asked["request"]["customerCertificate"]["issuerNameHash"] == "a1" * 32
    assert shown["text"] == DATA and not cp.customer_data
