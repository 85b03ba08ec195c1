"""Rows to a streamed CSV or JSON body, in bounded memory: rows are written into a small buffer that
is handed out whenever it holds CHUNK_BYTES, so a year of a large fleet never sits in memory.

CSV is what Excel opens as it is: UTF-8 with a byte-order mark (else Excel guesses a legacy code
page), comma separated, CRLF line ends (the csv module's default), `.` as the decimal mark (numbers
are written as plain decimal text), ISO 8601 dates. A text cell that starts like a formula
(`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`, so an id tag sent by a station cannot become a
formula in the accountant's spreadsheet (OWASP "CSV injection"); numbers are never touched.
"""

import csv
import io
import json
from collections.abc import AsyncIterator, Callable, Iterable, Iterator

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, StreamingHttpResponse

CHUNK_BYTES = 32 * 1024
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = dict[str, object]
CellFormatter = Callable[[str, object], str]


def plain_cell(column: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def safe_text(value: str | None) -> str | None:
    """A user- or station-given text for a CSV cell, defused if it starts like a formula."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_chunks(columns: list[str], rows: Iterable[Row], cell: CellFormatter = plain_cell) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(column, row.get(column)) for column in columns])
        if buffer.tell() >= CHUNK_BYTES:
            yield _drain(buffer)
    yield _drain(buffer)


def json_chunks(columns: list[str], rows: Iterable[Row]) -> Iterator[bytes]:
    """A JSON array of objects with the CSV's columns as keys, streamed."""
    buffer = io.StringIO()
    buffer.write("[")
    separator = "\n"
    for row in rows:
        buffer.write(separator)
        json.dump({column: row.get(column) for column in columns}, buffer, ensure_ascii=False)
        separator = ",\n"
        if buffer.tell() >= CHUNK_BYTES:
            yield _drain(buffer)
    buffer.write("\n]\n")
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    return data


async def _async_chunks(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """Under ASGI, Django reads a sync iterator into a list before sending it; an async one is
    sent as it comes. Each chunk is made in the request's own thread (the database cursor's)."""
    done = object()
    step = sync_to_async(next, thread_sensitive=True)
    while (chunk := await step(chunks, done)) is not done:
        yield chunk


def streamed_response(request: HttpRequest, chunks: Iterator[bytes], *, content_type: str,
                      filename: str) -> StreamingHttpResponse:
    content = _async_chunks(chunks) if isinstance(request, ASGIRequest) else chunks
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
