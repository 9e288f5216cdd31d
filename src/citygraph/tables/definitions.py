"""The tables a city records (``citygraph template``): their columns and what each means.

Each definition becomes one CSV file and one table of the CSVW metadata ``csv-metadata.json``.
Every fact table has a required ``source`` column (the web page the row's facts come from).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from citygraph.namespaces import PREFIXES

CG, CGREL, CGROLE = PREFIXES["cg"], PREFIXES["cgrel"], PREFIXES["cgrole"]
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"


@dataclass(frozen=True)
class Col:
    name: str
    de: str  # German title (the header may use it instead of the name)
    prop: str | None = None  # prefixed property name
    datatype: str | None = None  # xsd local name or "partialDate"
    lang: str | None = None
    prefix: str | None = None  # value IRI = prefix + cell value (+ suffix); relative: under base
    suffix: str = ""
    separator: str | None = None
    required: bool = False
    about: str | None = None  # column-level subject template (a relation stated "backwards")
    also: str | None = None
    virtual_value: str | None = None  # a constant IRI for every row (e.g. rdf:type)
    key_fact: bool = False  # gets its own sources (cg:Statement): column "<name>_source"
    help_de: str = ""
    help_en: str = ""


@dataclass(frozen=True)
class TableDef:
    file: str
    about_prefix: str  # row subject = about_prefix + {id}
    title_de: str
    title_en: str
    columns: tuple[Col, ...] = field(default_factory=tuple)
    key: str = "id"


def _labels(prop: str = "rdfs:label") -> tuple[Col, ...]:
    return (Col("label_de", "Bezeichnung_de", prop, lang="de", also="skos:prefLabel"),
            Col("label_en", "Bezeichnung_en", prop, lang="en", also="skos:prefLabel"))


def _id(what_de: str, what_en: str) -> Col:
    return Col("id", "Kennung", required=True,
               help_de=f"Kurzname für {what_de}: Kleinbuchstaben, Ziffern, Bindestriche",
               help_en=f"short name for {what_en}: lowercase letters, digits, hyphens")


def _notes() -> tuple[Col, ...]:
    return (Col("note_de", "Anmerkung_de", "skos:note", lang="de"),
            Col("note_en", "Anmerkung_en", "skos:note", lang="en"))


SOURCE = Col("source", "Quelle", "dct:source", prefix="", separator=" ", required=True,
             help_de="Web-Adresse(n) der Quelle, durch Leerzeichen getrennt",
             help_en="web address(es) of the source, separated by spaces")


def _date(name: str, de: str, prop: str, required: bool = False, key_fact: bool = True) -> Col:
    return Col(name, de, prop, datatype="partialDate", required=required, key_fact=key_fact,
               help_de="JJJJ, JJJJ-MM oder JJJJ-MM-TT", help_en="YYYY, YYYY-MM or YYYY-MM-DD")


def _ref(name: str, de: str, prop: str, prefix: str = "id/", **kw: object) -> Col:
    return Col(name, de, prop, prefix=prefix, **kw)  # type: ignore[arg-type]


TABLES: tuple[TableDef, ...] = (
    TableDef("sources.csv", "", "Quellen", "Sources", key="url", columns=(
        Col("url", "Adresse", required=True, help_de="Web-Adresse der Seite",
            help_en="web address of the page"),
        Col("type", "", "rdf:type", virtual_value="schema:WebPage"),
        *_labels(),
        Col("title_de", "Titel_de", "dct:title", lang="de"),
        Col("title_en", "Titel_en", "dct:title", lang="en"),
        _ref("publisher", "Herausgeber", "dct:publisher", help_de="z. B. city/szczecin",
             help_en="e.g. organisation/deutscher-staedtetag"),
        _date("issued", "veröffentlicht", "dct:issued", key_fact=False),
        _ref("language", "Sprache", "dct:language", LANGUAGE, help_de="DEU, ENG …",
             help_en="DEU, ENG …"),
    )),
    TableDef("cities.csv", "id/city/", "Städte", "Cities", columns=(
        _id("die Stadt", "the city"),
        Col("type", "", "rdf:type", virtual_value="cg:City"),
        *_labels(),
        _ref("country", "Staat", "schema:containedInPlace", PREFIXES["country"], required=True,
             help_de="Ländercode, z. B. DEU", help_en="country code, e.g. DEU"),
        _ref("geonames", "GeoNames", "owl:sameAs", PREFIXES["gn"], suffix="/",
             help_de="GeoNames-Nummer", help_en="GeoNames ID"),
        Col("lat", "Breite", "wgs:lat", datatype="decimal"),
        Col("long", "Länge", "wgs:long", datatype="decimal"),
        SOURCE,
    )),
    TableDef("relations.csv", "id/relation/", "Beziehungen", "Relations", columns=(
        _id("die Beziehung", "the relation"),
        _ref("class", "Art", "rdf:type", CG, required=True,
             help_de="Partnership (Städtepartnerschaft), Friendship (Städtefreundschaft, auch "
                     "Projektpartnerschaft) oder Contact (Kontakt)",
             help_en="Partnership, Friendship (also a project partnership) or Contact"),
        _ref("relation_type", "Beziehungstyp", "cg:relationType", CGREL, required=True,
             help_de="partnership, friendship, project (Projektpartnerschaft) oder contact "
                     "(Kontakt)",
             help_en="partnership, friendship, project (project partnership) or contact"),
        _ref("partner_1", "Partner_1", "cg:partner", required=True,
             help_de="z. B. city/szczecin", help_en="e.g. city/szczecin"),
        _ref("partner_2", "Partner_2", "cg:partner", required=True),
        _ref("status", "Status", "cg:status", CGREL, key_fact=True,
             help_de="active, suspended oder ended",
             help_en="active, suspended or ended"),
        _date("start", "Beginn", "schema:startDate", required=True),
        _date("end", "Ende", "schema:endDate"),
        *_labels(), *_notes(),
        _ref("agreements", "Vereinbarungen", "cg:basedOnAgreement", "id/agreement/",
             separator=" "),
        SOURCE,
    )),
    TableDef("agreements.csv", "id/agreement/", "Vereinbarungen", "Agreements", columns=(
        _id("die Vereinbarung", "the agreement"),
        Col("type", "", "rdf:type", virtual_value="cg:Agreement"),
        *_labels(),
        Col("kind_de", "Art_de", "cg:agreementKind", lang="de", separator=";"),
        Col("kind_en", "Art_en", "cg:agreementKind", lang="en", separator=";"),
        _date("signing_date", "unterzeichnet", "cg:signingDate"),
        _ref("signing_place", "Ort", "cg:signingPlace", key_fact=True),
        *_notes(), SOURCE,
    )),
    TableDef("signatures.csv", "id/signature/", "Unterschriften", "Signatures", columns=(
        _id("die Unterschrift", "the signature"),
        Col("type", "", "rdf:type", virtual_value="cg:Signature"),
        _ref("agreement", "Vereinbarung", "cg:hasSignature", "id/signature/", required=True,
             about="id/agreement/{agreement}"),
        *_labels(),
        _ref("signatory", "Unterzeichner", "cg:signatory", "id/person/", key_fact=True),
        Col("office_de", "Amt_de", "cg:office", lang="de"),
        Col("office_en", "Amt_en", "cg:office", lang="en"),
        _ref("on_behalf_of", "für", "cg:onBehalfOf"),
    )),
    TableDef("memberships.csv", "id/membership/", "Mitgliedschaften", "Network memberships",
             columns=(
        _id("die Mitgliedschaft", "the membership"),
        Col("type", "", "rdf:type", virtual_value="org:Membership"),
        *_labels(),
        _ref("member", "Mitglied", "org:member", required=True),
        _ref("network", "Netzwerk", "org:organization", "id/network/", required=True),
        _ref("role", "Rolle", "org:role", CGROLE, key_fact=True,
             help_de="member, co-founder, host …",
             help_en="member, co-founder, host …"),
        _date("start", "Beginn", "schema:startDate"),
        _date("end", "Ende", "schema:endDate"),
        _ref("represented_by", "vertreten durch", "cg:representedBy", "id/organisation/"),
        SOURCE,
    )),
    TableDef("events.csv", "id/event/", "Veranstaltungen und Besuche", "Events and visits",
             columns=(
        _id("die Veranstaltung", "the event"),
        _ref("class", "Art", "rdf:type", CG, required=True,
             help_de="Event, DelegationVisit, Conference, Workshop, Meeting, Signing, "
                     "ProgrammeItem", help_en="Event, DelegationVisit, Conference, …"),
        *_labels(),
        _date("start", "Beginn", "schema:startDate", required=True),
        _date("end", "Ende", "schema:endDate"),
        _ref("location", "Ort", "schema:location", separator=" ", key_fact=True),
        _ref("organizer", "Veranstalter", "schema:organizer", separator=" ", key_fact=True),
        _ref("attendee", "Teilnehmende", "schema:attendee", separator=" "),
        _ref("funder", "Förderer", "schema:funder", separator=" ", key_fact=True),
        _ref("about", "betrifft", "schema:about", separator=" "),
        _ref("part_of", "Teil von", "schema:subEvent", "id/event/", about="id/event/{part_of}",
             help_de="Kennung der Hauptveranstaltung (Programm)",
             help_en="id of the main event (programme)"),
        *_notes(), SOURCE,
    )),
)
