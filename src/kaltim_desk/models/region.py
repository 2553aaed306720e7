"""Kemendagri region codes (province, regency/city, sub-district, village) for Kalimantan Timur."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kaltim_desk.models.base import Base


class Region(Base):
    __tablename__ = "region"

    # Dotted code: "64", "64.72", "64.72.05", "64.72.05.1001"
    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    level: Mapped[int] = mapped_column(Integer, nullable=False)  # 1 province .. 4 village
    kind: Mapped[str] = mapped_column(
        String(20), nullable=False
    )  # provinsi/kabupaten/kota/kecamatan/desa/kelurahan
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
