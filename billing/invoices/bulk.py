"""A ZIP of invoice PDFs, streamed (zipstream-ng): each PDF is read (or rendered first, if the task
has not yet) only when the archive reaches it, so a large selection never sits in memory."""

from collections.abc import Iterator

from zipstream import ZIP_STORED, ZipStream

from billing.invoices.pdf import invoice_pdf_render

ZIP_AT_MOST = 5000  # invoices in one archive
CHUNK = 64 * 1024


def invoices_zip(invoices: list[tuple[int, str]]) -> ZipStream:
    """The archive of these (id, number) invoices' PDFs, named by number (PDFs are compressed
    already: stored as they are)."""
    archive = ZipStream(compress_type=ZIP_STORED, sized=False)
    for invoice_id, number in invoices:
        archive.add(_pdf(invoice_id), f"{number.replace('/', '-')}.pdf")
    return archive


def _pdf(invoice_id: int) -> Iterator[bytes]:
    invoice = invoice_pdf_render(invoice_id=invoice_id)
    with invoice.pdf.open("rb") as document:
        while chunk := document.read(CHUNK):
            yield chunk
