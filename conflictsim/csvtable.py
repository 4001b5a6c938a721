"""Reading CSV files that people export from spreadsheets, checked for shape.

The org chart reader (``conflictsim.orgchart``) and the incident record reader
(``conflictsim.incidents``) share these rules, so that both kinds of file are accepted and
refused alike (docs/org_csv.md, "What is accepted"): UTF-8 only (a byte-order mark is
fine), commas or, when the header says so, semicolons, strict double quotes, blank rows
skipped but counted, column names matched ignoring case and surrounding spaces.

Every problem is a ``ValueError`` whose message names the file, the row as a spreadsheet
shows it (the header is row 1) and, where there is one, the column. Where the rows are
checked one by one, every problem found is reported at once (``Problems``), up to
``MAX_PROBLEMS``, so a file with two mistakes does not take two uploads.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

#: How to fix a file that is not UTF-8, for messages.
UTF8_HINT = (
    "re-save it as UTF-8: in Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'; "
    "in LibreOffice tick 'Edit filter settings' and choose 'Unicode (UTF-8)'"
)


#: Most problems listed in one message (then "and N more").
MAX_PROBLEMS = 20


class Problems:
    """Every problem found in a file's rows, reported at once in the order of the file.

    ``add`` keeps a problem with its row; ``raise_all`` raises them as one ``ValueError``,
    each on a line of its own (one problem reads as it always has), the first
    ``MAX_PROBLEMS`` of them.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self.found: list[tuple[int, ValueError]] = []

    def add(self, row: int, problem: ValueError) -> None:
        """Keep ``problem``, found on spreadsheet row ``row``."""
        self.found.append((row, problem))

    def raise_all(self) -> None:
        """Raise what was found, if anything, sorted by row."""
        problems = [p for _, p in sorted(self.found, key=lambda found: found[0])]
        if not problems:
            return
        if len(problems) == 1:
            raise problems[0]
        shown = [f"- {p}" for p in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"- and {len(problems) - MAX_PROBLEMS} more")
        head = f"{self.label}: {len(problems)} problems; fix them all, then try again:"
        raise ValueError("\n".join([head, *shown]))


@dataclass
class Table:
    """The rows of a CSV file, checked for shape.

    Attributes:
        label: The file as named in messages.
        header_row: Spreadsheet row number of the header.
        columns: Normalised column name to field position (known columns only).
        rows: Spreadsheet row number and stripped fields of each non-blank data row.
        decimal_comma: Whether numbers may use a decimal comma (semicolon-separated files).
        header: The header's fields as written (stripped).
    """

    label: str
    header_row: int
    columns: dict[str, int]
    rows: list[tuple[int, list[str]]]
    decimal_comma: bool
    header: list[str] = field(default_factory=list)

    def error(self, message: str, row: int | None = None, column: str | None = None) -> ValueError:
        """A ``ValueError`` whose message names this file, the row and the column."""
        where = self.label
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column}"
        return ValueError(f"{where}: {message}")


def read_bytes(path: str | Path, max_bytes: int | None = None) -> bytes:
    """The bytes of a file; a missing file or a folder is a ``ValueError``.

    Args:
        path: The file.
        max_bytes: The largest file accepted, or None for no limit. A larger file is
            refused from its size on disk, before it is read.

    Raises:
        ValueError: If the file is missing, a folder, unreadable or too large.
    """
    p = Path(path)
    if p.is_dir():
        raise ValueError(f"{path}: is a folder, not a CSV file")
    if not p.exists():
        raise ValueError(f"{path}: no such file")
    try:
        if max_bytes is not None:
            check_size(p.stat().st_size, max_bytes, str(path))
        return p.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def check_size(size: int, max_bytes: int, label: str) -> None:
    """Refuse a file of more than ``max_bytes`` bytes (``ValueError`` naming the file)."""
    if size > max_bytes:
        raise ValueError(
            f"{label}: is {size:,} bytes, more than the {max_bytes:,} bytes a file may have; "
            "split it into smaller files"
        )


def decode(data: bytes | str, label: str) -> str:
    """Text of a UTF-8 file without its byte-order mark; anything else is refused.

    Non-UTF-8 files are refused rather than guessed at (say as Windows-1252): such a guess
    never fails, so a file in another encoding would load with garbled names, and ids
    that differ between the org chart and the edges file would no longer match.
    """
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError(f"{label}: is UTF-16 text, not UTF-8; {UTF8_HINT}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        raise ValueError(
            f"{label}, row {row}: is not UTF-8 text (byte 0x{byte:02X} at byte offset "
            f"{exc.start}); {UTF8_HINT}"
        ) from None


def separator(text: str) -> str:
    """The field separator: a semicolon if it splits the header into more columns.

    European Excel versions save "CSV" with semicolons (the comma being their decimal
    mark), so such files are read as they are rather than refused.
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    by_comma = next(csv.reader([first]), [])
    by_semicolon = next(csv.reader([first], delimiter=";"), [])
    return ";" if len(by_semicolon) > len(by_comma) else ","


def column_letter(position: int) -> str:
    """The spreadsheet letter of a 0-based column position (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def read_table(
    data: bytes | str,
    label: str,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    what: str = "ties",
    max_rows: int | None = None,
) -> Table:
    """Read a CSV into checked rows: a header with the required columns, no ragged rows.

    Args:
        data: The file's bytes (or text).
        label: The file as named in messages.
        required: Columns that must be present.
        optional: Columns that are used when present.
        what: What the data rows are, for the messages when there are none or too many.
        max_rows: The most data rows accepted, or None for no limit. Reading stops at the
            first row past it, so a huge file is refused without holding all its rows.

    Returns:
        The table; blank rows are left out but still counted in row numbers.
    """
    text = decode(data, label)
    if not text.strip():
        raise ValueError(f"{label}: is empty")
    sep = separator(text)
    # strict: an unclosed quote would otherwise swallow the rest of the file silently.
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=sep, strict=True, skipinitialspace=True
    )
    header: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, list[str]]] = []
    row = 0
    while True:
        row += 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ValueError(f"{label}, row {row}: {quote_problem(exc)}") from None
        fields = [f.strip() for f in fields]
        if not any(fields):
            continue  # blank lines, and rows of empty cells that Excel leaves, are skipped
        if header is None:
            header, header_row = fields, row
        elif len(fields) != len(header):
            raise ValueError(
                f"{label}, row {row}: has {len(fields)} fields but the header has "
                f"{len(header)} columns; a value that contains a '{sep}' must be in double "
                "quotes"
            )
        elif max_rows is not None and len(rows) >= max_rows:
            raise ValueError(
                f"{label}, row {row}: has more than {max_rows:,} {what}, the most a file may "
                "have; split it into smaller files"
            )
        else:
            rows.append((row, fields))

    assert header is not None  # the text is not blank, so some row has content
    columns = header_columns(label, header, header_row, required, optional, sep)
    if not rows:
        raise ValueError(f"{label}: has a header (row {header_row}) but no {what}")
    return Table(label, header_row, columns, rows, decimal_comma=sep == ";", header=header)


def quote_problem(exc: csv.Error) -> str:
    """Plain words for a CSV quoting error (the only kind the strict reader raises here)."""
    if "end of data" in str(exc):
        what = "a double quote opened on this row is never closed"
    elif "expected after" in str(exc):
        what = (
            "there is text (perhaps a space) between a closing double quote and the next separator"
        )
    else:
        what = str(exc)
    return f"cannot be read as CSV: {what}; check the double quotes on this row"


def header_columns(
    label: str,
    header: list[str],
    header_row: int,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    sep: str,
) -> dict[str, int]:
    """Positions of the known columns; refuses duplicate and missing columns.

    Names are matched ignoring case and surrounding spaces. Unknown columns are ignored so
    that an HR export can be used as it is.
    """
    seen: dict[str, int] = {}
    for pos, raw in enumerate(header):
        key = raw.lower()
        if not key:
            continue  # unnamed columns are unknown columns, ignored
        if key in seen:
            first = column_letter(seen[key])
            raise ValueError(
                f"{label}, row {header_row}: column {raw!r} appears twice (columns {first} "
                f"and {column_letter(pos)}); each column name may appear only once"
            )
        seen[key] = pos
    missing = [c for c in required if c not in seen]
    if missing:
        raise ValueError(
            f"{label}, row {header_row}: missing required column(s) {', '.join(missing)}; "
            f"{header_found(header)}"
        )
    return {c: seen[c] for c in required + optional if c in seen}


def header_found(header: list[str]) -> str:
    """What a header holds, for a message about missing columns ("the header has: ...")."""
    found = ", ".join(h for h in header if h) or "nothing"
    hint = ""
    if len(header) == 1 and "\t" in header[0]:
        hint = "; the file looks tab-separated: save it as comma-separated CSV"
    return f"the header has: {found}{hint}"


def parse_number(table: Table, text: str) -> float | None:
    """A number, or None if the text is not one (decimal comma in semicolon files)."""
    if table.decimal_comma and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None
