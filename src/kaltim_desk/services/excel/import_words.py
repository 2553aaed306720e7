"""The words and patterns of the spreadsheets clerks really send, read by `import_validate`: total and
signature lines, sub-headings and dated lines under a table, the marks that mean "empty", role words,
how sex and yes/no are written, and the hint each problem shows beside its cell."""

from __future__ import annotations

import re

TOTAL_WORDS = {
    "JUMLAH",
    "TOTAL",
    "JUMLAH TOTAL",
    "GRAND TOTAL",
    "SUB TOTAL",
    "SUBTOTAL",
    "TOTAL KESELURUHAN",
}
SIGNATURE_WORDS = (
    "MENGETAHUI",
    "KEPALA DINAS",
    "KEPALA BIDANG",
    "KEPALA SEKSI",
    "DIBUAT OLEH",
    "DISUSUN OLEH",
    "TTD",
    "TANDA TANGAN",
    "PETUGAS",
    "PENDAMPING",
    "NIP ",
    "NIP.",
    "PEMBINA",
    "PENATA",
    "AN KEPALA",
    "A N KEPALA",
)
SUBHEADING = re.compile(r"^(KEC|KECAMATAN|DESA|KEL|KELURAHAN|KUBE|KELOMPOK|KAB|KABUPATEN|KOTA)\b")
DATE_LINE = re.compile(r"^[A-Z .]+,\s*\d{1,2}\s+[A-Z]+\s+\d{4}$")
SCIENTIFIC = re.compile(r"^\d([.,]\d+)?E\+?\d+$", re.IGNORECASE)
EMPTY_MARKS = {"-", "--", "0", "—", ".", "TIDAK ADA", "TDK ADA", "BELUM ADA", "NIHIL", "N A", "NA"}
# word prefix -> role ("Sekr.", "Bend.", "KETUA KUBE", "Ketua Kelompok"); "Wakil ..." is none of the three
ROLE_PREFIXES = (
    ("WAKIL", None),
    ("KETU", "ketua"),
    ("SEK", "sekretaris"),
    ("BEND", "bendahara"),
    ("BDH", "bendahara"),
    ("ANG", "anggota"),
    ("AGT", "anggota"),
)
SEX = {
    "P": "P",
    "PEREMPUAN": "P",
    "WANITA": "P",
    "PR": "P",
    "W": "P",
    "F": "P",
    "L": "L",
    "LAKI LAKI": "L",
    "LAKI": "L",
    "LK": "L",
    "PRIA": "L",
    "M": "L",
}
YES = {"YA", "Y", "1", "V", "YES", "BENAR", "KEPALA KELUARGA", "KK"}
NO = {"TIDAK", "T", "0", "N", "NO", "BUKAN", ""}
HINTS = {
    "nik_number": "Format kolom NIK sebagai Teks lalu ketik ulang NIK dari KTP/KK (atau awali dengan tanda petik ').",
    "kk_number": "Format kolom No. KK sebagai Teks lalu ketik ulang dari kartu keluarga.",
    "formula": "Ganti rumus dengan isian yang diketik (salin, lalu Tempel Khusus > Nilai), lalu impor lagi.",
    "date": "Tulis tanggal seperti 17-08-1980 atau 17 Agustus 1980.",
    "money": "Tulis jumlah rupiah utuh, mis. 2.000.000 atau Rp 2.000.000.",
    "village": "Periksa ejaan desa/kelurahan dan isi kolom kecamatan agar desa dapat dikenali.",
    "nik": "Periksa NIK pada KTP/KK: 16 digit angka.",
    "role": "Jabatan: Ketua, Sekretaris, Bendahara atau Anggota.",
    "phone": "Tulis nomor seperti 0812-3456-7890.",
    "nik_masked": "Minta ekspor lengkap (terenkripsi, dengan kata sandi) dari kantor pengirim.",
    "duplicate": "Hapus baris ganda atau perbaiki NIK salah satunya.",
    "required": "Kantor mewajibkan isian ini (Pengaturan impor); lengkapi lalu impor lagi.",
    "default": "Perbaiki isian ini pada berkas asli lalu impor lagi.",
}
