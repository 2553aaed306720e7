"""What each printed paper shows: the frozen input types of the document renderers.

A service assembles one of these (masked NIK, formatted names, the office's letterhead); a renderer in
this package turns it into a PDF and needs nothing else, so the documents never import a service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class SignatoryDoc:
    name: str
    position: str
    rank: str
    nip: str


@dataclass(frozen=True)
class CertificateDoc:
    """Everything one printed certificate shows; the document layer needs nothing else."""

    certificate_id: int
    number: str
    name: str
    nik_masked: str
    birth_place: str
    birth_date: date | None
    training_title: str
    topics: tuple[str, ...]
    organiser: str
    place: str
    start_date: date
    end_date: date
    hours: int
    attendance_percent: int | None
    post_score: int | None
    issued_on: date
    city: str
    government_name: str
    agency_name: str
    address: str
    logo_path: str
    signatory: SignatoryDoc
    verification_code: str
    qr_payload: str
    is_copy: bool


@dataclass(frozen=True)
class CertificateTemplate:
    """The layout choices an office can adjust without a new release (resources/templates/*.json).

    Text fields may use {training_title}, {organiser}, {place}, {dates}, {hours}, {result}, {number},
    {city}, {agency_name}."""

    name: str = "certificate"
    orientation: str = "landscape"  # or "portrait"
    title: str = "SURAT TANDA TAMAT PELATIHAN"
    subtitle: str = "Nomor: {number}"
    given_to: str = "Diberikan kepada:"
    body: str = (
        "telah mengikuti {training_title} yang diselenggarakan oleh {organiser} pada tanggal {dates} "
        "di {place} selama {hours} jam pelajaran (JP)"
    )
    result: str = "dengan hasil: {result}"
    signatory: str = "head"
    show_birth: bool = True
    show_nik: bool = True
    show_topics: bool = True
    show_logo: bool = True
    border_color: str = "#1f4e79"
    copy_mark: str = "SALINAN"
    qr_caption: str = "Kode verifikasi"
    # set from CertificateSettings, not the template file: print on pre-printed blanks at these positions
    preprinted: bool = False
    positions: tuple[tuple[str, float, float], ...] = ()
