"""PDFs the tests need beyond clinidex.synthetic's scans: born-digital, mixed, encrypted, empty."""
from __future__ import annotations

from fpdf import FPDF

from clinidex import synthetic


def _pdf() -> FPDF:
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    return pdf


def _text_page(pdf: FPDF, lines: list[str]) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    y = 90
    for line in lines:
        pdf.text(54, y, line)
        y += 16


def _image_page(pdf: FPDF, lines: list[str], banner: str | None = None) -> None:
    pdf.add_page()
    pdf.image(synthetic.render_page(lines, (200, 200)).convert("L"), x=0, y=0, w=612, h=792)
    if banner:
        # A fax server's header line: real text, but in the top band only.
        pdf.set_font("Helvetica", size=8)
        pdf.text(20, 14, banner)


def born_digital_pdf(pages: list[list[str]]) -> bytes:
    pdf = _pdf()
    for lines in pages:
        _text_page(pdf, lines)
    return bytes(pdf.output())


def mixed_pdf(text_lines: list[str], scanned_lines: list[str], banner: str | None = None) -> bytes:
    """Page 1 born-digital, page 2 a scan (optionally with a fax banner text line on it)."""
    pdf = _pdf()
    _text_page(pdf, text_lines)
    _image_page(pdf, scanned_lines, banner)
    return bytes(pdf.output())


def encrypted_pdf(lines: list[str]) -> bytes:
    pdf = _pdf()
    pdf.set_encryption(owner_password="owner-secret", user_password="user-secret")
    _text_page(pdf, lines)
    return bytes(pdf.output())


def zero_page_pdf() -> bytes:
    """A well-formed PDF whose page tree is empty."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
