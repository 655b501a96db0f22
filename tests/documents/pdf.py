"""Reading the PDFs the documents app produces, for assertions: their text and their fonts."""
import io
import re

from pypdf import PdfReader

__all__ = ["pdf_reader", "pdf_text", "pdf_fonts", "pdf_unembedded_fonts", "pdf_image_count", "assert_cjk_pdf"]


def pdf_reader(data):
    return PdfReader(io.BytesIO(data))


def pdf_text(data):
    """The text of every page, pages separated by a newline."""
    return "\n".join(page.extract_text() or "" for page in pdf_reader(data).pages)


def _resources_fonts(resources, seen):
    # Fonts of a page and of the form XObjects it draws (WeasyPrint puts some drawing in
    # forms), each visited once.
    if resources is None:
        return
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        yield font.get_object()
    for xobject in (resources.get("/XObject") or {}).values():
        if _key(xobject) in seen:
            continue
        seen.add(_key(xobject))
        stream = xobject.get_object()
        if stream.get("/Subtype") == "/Form":
            yield from _resources_fonts(stream.get("/Resources"), seen)


def _key(reference):
    # An indirect object is identified by its number; a direct one by itself.
    return getattr(reference, "idnum", None) or id(reference)


def _fonts(data):
    seen = set()
    for page in pdf_reader(data).pages:
        yield from _resources_fonts(page.get("/Resources"), seen)


def pdf_fonts(data):
    """The base font names in the PDF, e.g. {"ABCDEF+Noto-Serif-CJK-SC"}; the six capitals
    and "+" mark an embedded subset."""
    return {str(font["/BaseFont"]).lstrip("/") for font in _fonts(data)}


def _descriptor(font):
    if "/DescendantFonts" in font:  # a composite (CID) font: the glyphs are in its child
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    return descriptor.get_object() if descriptor is not None else None


def pdf_unembedded_fonts(data):
    """Base names of fonts whose glyphs are not in the file (the reader's machine would
    substitute them)."""
    missing = set()
    for font in _fonts(data):
        descriptor = _descriptor(font)
        if descriptor is None or not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            missing.add(str(font["/BaseFont"]).lstrip("/"))
    return missing


def pdf_image_count(data):
    """How many image XObjects the pages draw (directly or through forms)."""
    count = 0
    seen = set()

    def walk(resources):
        nonlocal count
        if resources is None:
            return
        for xobject in (resources.get_object().get("/XObject") or {}).values():
            if _key(xobject) in seen:
                continue
            seen.add(_key(xobject))
            stream = xobject.get_object()
            if stream.get("/Subtype") == "/Image":
                count += 1
            elif stream.get("/Subtype") == "/Form":
                walk(stream.get("/Resources"))

    for page in pdf_reader(data).pages:
        walk(page.get("/Resources"))
    return count


# A base font name of an embedded subset of Noto CJK SC, as WeasyPrint writes it:
# six capitals, "+", then e.g. "Noto-Serif-CJK-SC" or "Noto-Sans-CJK-SC-Bold".
NOTO_CJK_SUBSET = re.compile(r"^[A-Z]{6}\+Noto-(Serif|Sans)-CJK-SC(-[A-Za-z]+)?$")


def assert_cjk_pdf(data, *expected):
    """Fail unless every font is an embedded Noto CJK SC subset and the text holds every
    expected string. A glyph missing from the font shows as either: the text is drawn with
    a fallback font (another name) or as a blank box (the text does not extract)."""
    fonts = pdf_fonts(data)
    assert fonts, "the PDF has no fonts"
    strangers = sorted(name for name in fonts if not NOTO_CJK_SUBSET.match(name))
    assert not strangers, "fonts other than embedded Noto CJK SC subsets: {}".format(strangers)
    assert not pdf_unembedded_fonts(data)
    text = pdf_text(data)
    for string in expected:
        assert string in text, "{!r} not in the PDF text:\n{}".format(string, text)
    return text
