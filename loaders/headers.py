"""The words people head their columns with, in English, Portuguese, Spanish, French, German and
Vietnamese.

Headers are compared by `header_key`: accents folded (é → e, ü → u, ß → ss), then case, spaces and
punctuation ignored, so `Responsável`, `responsavel` and `RESPONSÁVEL` are one key. Each *role* (a
column of the workbook format, or a column of one of the other sheet shapes of `loaders.mapping`)
has a list of headers; `WORKBOOK_ROLES` says which role's words a workbook column also answers to.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_NOT_KEY = re.compile(r"[^0-9a-z]")
# Letters Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans({"ß": "ss", "ẞ": "ss", "đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l"})


# No header is longer; a longer cell in the rows searched for a header (a 20 MB comment) is a value,
# and folding it character by character would take half a minute.
MAX_HEADER_CHARS = 200


def header_key(text: object) -> str:
    """`normalise_key` with accents folded: the key headers are compared by ("" for a cell too long
    to be a header)."""
    text = str(text)
    if len(text) > MAX_HEADER_CHARS:
        return ""
    return _folded_key(text)


# The same few hundred headers and candidate cells are folded again for every file, sheet and role.
@functools.lru_cache(maxsize=8192)
def _folded_key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NOT_KEY.sub("", folded.lower())


# role → headers (any language, any spelling; compared by header_key)
ROLE_HEADERS: dict[str, tuple[str, ...]] = {
    "team": (
        "team",
        "team name",
        "department",
        "squad",
        "equipe",
        "equipa",
        "área",
        "equipo",
        "departamento",
        "équipe",
        "abteilung",
        "bereich",
    ),
    "period": (
        "period",
        "quarter",
        "cycle",
        "time period",
        "session",
        "okr period",
        "okr cycle",
        "período",
        "trimestre",
        "ciclo",
        "période",
        "quartal",
        "zeitraum",
        "periode",
    ),
    "objective": (
        "objective",
        "objectives",
        "objective title",
        "objective name",
        "goal",
        "goal name",
        "goal title",
        "okr",
        "objetivo",
        "objetivos",
        "objectif",
        "objectifs",
        "ziel",
        "ziele",
        "objective description",
        "mục tiêu",
    ),
    "objective_id": ("objective id", "objective_id", "goal id", "id objetivo", "objective ref"),
    "key_result": (
        "key result",
        "key results",
        "kr",
        "kr title",
        "title",
        "key result title",
        "kr description",
        "key result description",
        "resultado chave",
        "resultados chave",
        "resultado-chave",
        "resultados-chave",
        "resultado clave",
        "resultados clave",
        "résultat clé",
        "résultats clés",
        "schlüsselergebnis",
        "schlüsselergebnisse",
        "schluesselergebnis",
        "kr name",
        "kết quả then chốt",
        "kết quả chính",
    ),
    "kr_id": ("kr_id", "kr id", "key result id", "id kr"),
    "owner": (
        "owner",
        "kr owner",
        "key result owner",
        "metric owner",
        "responsible",
        "assignee",
        "accountable",
        "responsável",
        "responsavel",
        "dono",
        "responsable",
        "propriétaire",
        "porteur",
        "verantwortlich",
        "verantwortliche",
        "verantwortlicher",
        "zuständig",
        "owner name",
        "người phụ trách",
        "phụ trách",
    ),
    "objective_owner": ("objective owner", "goal owner", "dono do objetivo", "responsable objectif"),
    "start_value": (
        "start",
        "start value",
        "starting value",
        "baseline",
        "initial value",
        "from",
        "valor inicial",
        "linha de base",
        "línea base",
        "linea de base",
        "valor de partida",
        "valeur initiale",
        "valeur de départ",
        "startwert",
        "ausgangswert",
        "basiswert",
        "giá trị ban đầu",
    ),
    "target_value": (
        "target",
        "target value",
        "goal value",
        "to",
        "meta",
        "alvo",
        "valor meta",
        "valor alvo",
        "valor objetivo",
        "cible",
        "valeur cible",
        "objectif chiffré",
        "zielwert",
        "soll",
        "ziel",
        "objetivo",
        "objectif",
        "chỉ tiêu",
        "sollwert",
    ),
    "current_value": (
        "current",
        "current value",
        "actual",
        "actual value",
        "actuals",
        "value",
        "achieved",
        "attained",
        "latest value",
        "progress value",
        "valor atual",
        "valor actual",
        "atual",
        "realizado",
        "atingido",
        "valor real",
        "valeur actuelle",
        "réalisé",
        "réel",
        "istwert",
        "ist",
        "aktueller wert",
        "giá trị hiện tại",
        "hiện tại",
        "thực tế",
    ),
    "progress": (
        "progress",
        "progress %",
        "% complete",
        "percent complete",
        "completion",
        "score",
        "progresso",
        "progreso",
        "avance",
        "avancement",
        "progression",
        "progrès",
        "fortschritt",
        "tiến độ",
    ),
    "status": (
        "status",
        "state",
        "progress status",
        "estado",
        "situação",
        "situacion",
        "statut",
        "état",
        "zustand",
        "trạng thái",
    ),
    "confidence": ("confidence", "confidence level", "confiança", "confianza", "confiance", "zuversicht", "konfidenz"),
    "due_date": (
        "due",
        "due date",
        "deadline",
        "end date",
        "target date",
        "prazo",
        "data limite",
        "data final",
        "vencimento",
        "fecha límite",
        "fecha limite",
        "plazo",
        "fecha fin",
        "échéance",
        "date limite",
        "date d'échéance",
        "date de fin",
        "fälligkeit",
        "fällig",
        "frist",
        "termin",
        "enddatum",
        "hạn",
        "hạn chót",
        "thời hạn",
    ),
    "start_date": (
        "start date",
        "data de início",
        "data inicio",
        "fecha de inicio",
        "fecha inicio",
        "date de début",
        "startdatum",
        "beginn",
    ),
    "date": (
        "date",
        "check-in date",
        "checkin date",
        "updated",
        "last updated",
        "as of",
        "data",
        "fecha",
        "datum",
        "date de mise à jour",
        "stand",
    ),
    "comment": (
        "comment",
        "comments",
        "note",
        "notes",
        "remarks",
        "comentário",
        "comentários",
        "comentario",
        "observações",
        "observaciones",
        "commentaire",
        "commentaires",
        "kommentar",
        "bemerkung",
        "anmerkung",
    ),
    "kr_type": ("kr type", "type", "tipo", "typ"),
    "measure": ("measure", "metric type", "measurement", "medida", "mesure", "messgröße"),
    "unit": ("unit", "units", "unidade", "unidad", "unité", "einheit"),
    "context": (
        "context",
        "description",
        "why",
        "strategic context",
        "contexto",
        "descrição",
        "descripción",
        "beschreibung",
        "kontext",
    ),
    "direction": ("direction", "direção", "dirección", "sens", "richtung"),
    "weight": ("weight", "peso", "poids", "gewicht", "gewichtung"),
    "metric": (
        "metric",
        "metric name",
        "kpi",
        "kpi name",
        "indicator",
        "measure name",
        "métrica",
        "indicador",
        "indicateur",
        "kennzahl",
        "kpi name",
    ),
    "month": ("month", "mês", "mes", "mois", "monat"),
    "updated_by": ("updated by", "author", "by", "autor", "auteur"),
}

# Workbook columns that also answer to a role's words: (table, column) → role.
WORKBOOK_ROLES: dict[tuple[str, str], str] = {
    ("teams", "team"): "team",
    ("objectives", "objective_id"): "objective_id",
    ("objectives", "period"): "period",
    ("objectives", "team"): "team",
    ("objectives", "title"): "objective",
    ("objectives", "context"): "context",
    ("objectives", "owner"): "owner",
    ("key_results", "kr_id"): "kr_id",
    ("key_results", "objective_id"): "objective",
    ("key_results", "title"): "key_result",
    ("key_results", "kr_type"): "kr_type",
    ("key_results", "measure"): "measure",
    ("key_results", "unit"): "unit",
    ("key_results", "start_value"): "start_value",
    ("key_results", "target_value"): "target_value",
    ("key_results", "direction"): "direction",
    ("key_results", "owner"): "owner",
    ("key_results", "start_date"): "start_date",
    ("key_results", "due_date"): "due_date",
    ("key_results", "weight"): "weight",
    ("check_ins", "kr_id"): "kr_id",
    ("check_ins", "date"): "date",
    ("check_ins", "value"): "current_value",
    ("check_ins", "status"): "status",
    ("check_ins", "confidence"): "confidence",
    ("check_ins", "comment"): "comment",
    ("check_ins", "updated_by"): "updated_by",
    ("initiatives", "owner"): "owner",
    ("initiatives", "due_date"): "due_date",
    ("company_targets", "period"): "period",
    ("company_targets", "metric"): "metric",
    ("company_targets", "start_value"): "start_value",
    ("company_targets", "target_value"): "target_value",
}

# A role's headers by key, and each key's role (the first role listing a key keeps it).
ROLE_KEYS: dict[str, set[str]] = {role: {header_key(h) for h in (role, *words)} for role, words in ROLE_HEADERS.items()}


_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def header_keys(header: object) -> list[str]:
    """The keys a header is looked up by: as written, then without what it says in brackets
    ("Confidence (1-10)", "Target [%]")."""
    keys = [header_key(header)]
    if not keys[0]:
        return []
    bare = header_key(_BRACKETED.sub("", str(header)))
    if bare and bare != keys[0]:
        keys.append(bare)
    return [k for k in keys if k]


def roles_of(header: object, roles: tuple[str, ...] | list[str] | None = None) -> list[str]:
    """The roles a header may name, among `roles` (all when None), likeliest first: `Ziel` is an
    objective, or a target where its values are numbers."""
    found: list[str] = []
    for key in header_keys(header):
        for role in roles if roles is not None else ROLE_HEADERS:
            if key in ROLE_KEYS[role] and role not in found:
                found.append(role)
    return found


def role_of(header: object, roles: tuple[str, ...] | list[str] | None = None) -> str | None:
    """The role a header names, among `roles` (all when None), the first listed winning."""
    found = roles_of(header, roles)
    return found[0] if found else None
