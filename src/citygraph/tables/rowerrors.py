"""Row-level problems of data tables: where (file:row:column), the value, and what is wrong,
in German and English, for the terminal and as a CSV report (``--report FILE``)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REPORT_HEADER = ("file", "row", "column", "value", "message_de", "message_en")


@dataclass(frozen=True, order=True)
class RowError:
    file: str
    row: int  # 1 is the header row, as a spreadsheet numbers it
    column: str
    value: str
    message_de: str
    message_en: str

    def text(self) -> str:
        value = f" „{self.value}“" if self.value else ""
        where = f"{self.file}:{self.row}:{self.column}" if self.row else self.file
        return (f"{where}:{value}\n"
                f"  de: {self.message_de}\n  en: {self.message_en}")


# Message templates, German first; {detail} is a technical detail from the parser.
MESSAGES: dict[str, tuple[str, str]] = {
    "missing-column": ("Die Pflichtspalte fehlt in der Kopfzeile.",
                       "The required column is missing from the header row."),
    "unknown-column": ("Diese Spalte ist in den Metadaten nicht beschrieben; bitte entfernen "
                       "oder umbenennen.",
                       "This column is not described in the metadata; remove or rename it."),
    "missing-value": ("Dieses Pflichtfeld ist leer.", "This required field is empty."),
    "bad-value": ("Der Wert ist kein gültiger Wert vom Typ {kind}{detail}.",
                  "The value is not a valid {kind}{detail}."),
    "unknown-code": ("Unbekannter Code: {iri} ist nirgends beschrieben.",
                     "Unknown code: {iri} is not described anywhere."),
    "conflict": ("Widerspruch: Zeile {other} beschreibt dasselbe ({subject}) mit einem anderen "
                 "Wert ({values}).",
                 "Conflict: row {other} describes the same thing ({subject}) with a different "
                 "value ({values})."),
    "unreadable": ("Die Tabelle kann nicht gelesen werden: {detail}",
                   "The table cannot be read: {detail}"),
}

KIND_NAMES = {"gYear": ("Jahr (JJJJ)", "year (YYYY)"),
              "date": ("Datum (JJJJ-MM-TT)", "date (YYYY-MM-DD)"),
              "partialDate": ("Jahr, Jahr-Monat oder Datum (JJJJ, JJJJ-MM, JJJJ-MM-TT)",
                              "year, year-month or date (YYYY, YYYY-MM, YYYY-MM-DD)"),
              "decimal": ("Dezimalzahl mit Punkt (54.09)", "decimal number with a dot (54.09)"),
              "integer": ("ganze Zahl", "whole number"),
              "boolean": ("Wahrheitswert (true/false)", "truth value (true/false)"),
              "anyURI": ("Web-Adresse (https://…)", "web address (https://…)")}


def row_error(file: str, row: int, column: str, value: str, key: str, **fields: str) -> RowError:
    de, en = MESSAGES[key]
    kind = fields.pop("kind", "")
    kind_de, kind_en = KIND_NAMES.get(kind, (kind, kind))
    return RowError(file, row, column, value, de.format(kind=kind_de, **fields),
                    en.format(kind=kind_en, **fields))


def write_report(errors: Iterable[RowError], path: Path) -> None:
    """The CSV report a clerk opens in a spreadsheet: one line per problem."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(REPORT_HEADER)
        for e in errors:
            writer.writerow((e.file, e.row, e.column, e.value, e.message_de, e.message_en))


def summary(errors: list[RowError]) -> str:
    head = (f"{len(errors)} Fehler in Tabellenzeilen / {len(errors)} problem(s) in table rows; "
            f"nichts gebaut / nothing built:")
    return "\n".join([head, *(e.text() for e in sorted(errors))])
