"""An invoice PDF fetches nothing: logos are PNG or JPEG (by content), and WeasyPrint gets a URL
fetcher that refuses every URL but the logo this code inlined, so neither an SVG, nor HTML or CSS
in the seller's or customer's details, can make the server request a URL or embed a file."""

import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from billing.invoices.pdf import invoice_pdf_bytes, invoice_url_fetcher
from billing.invoices.services import invoice_run, seller_update
from billing.models import Seller
from tests.factories import api_client, make_tenant
from tests.fast.billing.invoices.test_invoices import customers_with_sessions, pdf_images, pdf_text, today


def image(size: tuple[int, int], kind: str = "PNG") -> bytes:
    data = BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(data, format=kind)
    return data.getvalue()


@contextmanager
def listener():
    """A local HTTP server that records every request made to it."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(image((11, 11)))

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", asked
    finally:
        server.shutdown()
        server.server_close()


def other_tenants_logo() -> str:
    """Another tenant's logo (77 x 33 px) on disk: its file path."""
    other = make_tenant("Other seller")
    seller = seller_update(tenant=other, logo=SimpleUploadedFile("logo.png", image((77, 33))))
    return seller.logo.path


def an_invoice(tenant):
    customers_with_sessions(tenant, 1, 1, stopped_at=datetime.now(UTC) - timedelta(hours=1))
    return invoice_run(tenant=tenant, period_start=today() - timedelta(days=1), period_end=today(),
                       render_pdf=False).issued[0]


async def test_an_svg_logo_is_refused_with_a_reason_whatever_its_name(server):
    tenant = make_tenant()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1:9/x"/></svg>'
    async with api_client(server, tenant) as api:
        as_svg = await api.put("/api/v1/seller/", data={"legal_name": "S"},
                               files={"logo": ("logo.svg", svg, "image/svg+xml")})
        as_png = await api.put("/api/v1/seller/", data={"legal_name": "S"},
                               files={"logo": ("logo.png", svg, "image/png")})
        jpeg = await api.put("/api/v1/seller/", data={"legal_name": "S"},
                             files={"logo": ("logo.jpg", image((30, 10), "JPEG"), "image/jpeg")})
    assert as_svg.status_code == 400 and "PNG or JPEG" in " ".join(as_svg.json()["logo"])
    assert as_png.status_code == 400 and as_png.json()["logo"] == [
        "The logo must be a PNG or JPEG image (SVG and other formats are not accepted on invoices)."]
    assert jpeg.status_code == 200, jpeg.text


def test_an_svg_logo_stored_before_is_left_out_and_fetches_nothing():
    tenant = make_tenant()
    foreign = other_tenants_logo()
    with listener() as (url, asked):
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
               f'width="200" height="50"><image href="{url}/svg-logo" width="10" height="10"/>'
               f'<image xlink:href="file://{foreign}" width="77" height="33"/></svg>').encode()
        stored = default_storage.save(f"sellers/{tenant.pk}/logo.svg", ContentFile(svg))
        Seller.objects.update_or_create(tenant=tenant, defaults={"logo": stored})
        pdf = invoice_pdf_bytes(an_invoice(tenant))
    assert asked == []
    assert pdf_images(pdf) == []


def test_html_and_css_in_the_details_are_printed_as_text_and_fetch_nothing():
    tenant = make_tenant()
    foreign = other_tenants_logo()
    with listener() as (url, asked):
        seller_update(tenant=tenant, logo=SimpleUploadedFile("own.png", image((120, 40))),
                      legal_name=f'<img src="{url}/name"> Nord GmbH',
                      address=f'<style>@import url({url}/import); body {{ background: url({url}/bg) }}'
                              f'</style><img src="file://{foreign}">')
        invoice = an_invoice(tenant)
        invoice.buyer_name = f'<link rel="stylesheet" href="{url}/buyer.css">ACME'
        pdf = invoice_pdf_bytes(invoice)
    assert asked == []
    assert pdf_images(pdf) == [(120, 40)]  # its own logo, not the other tenant's
    assert "<img" in pdf_text(pdf)


def test_the_invoice_fetcher_refuses_every_url_but_inlined_raster_data():
    from base64 import b64encode

    from weasyprint import HTML

    foreign = other_tenants_logo()
    inlined = f"data:image/png;base64,{b64encode(image((40, 20))).decode()}"
    with listener() as (url, asked):
        html = (f'<html><head><link rel="stylesheet" href="{url}/sheet.css">'
                f'<style>@import url("{url}/import.css"); p {{ background: url("{url}/bg.png") }}</style>'
                f'</head><body><p>x</p><img src="{url}/img.png"><img src="file://{foreign}">'
                f'<img src="{foreign}"><img src="{inlined}"></body></html>')
        pdf = HTML(string=html, url_fetcher=invoice_url_fetcher()).write_pdf()
    assert asked == []
    assert pdf_images(pdf) == [(40, 20)]
