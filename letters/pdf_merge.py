"""Merging many PDFs into one without holding them in memory: each letter's objects are read, renumbered
and written straight to the output file, then dropped before the next letter is opened.

pypdf's PdfWriter keeps every page it was given (with its fonts and images) until it writes, so merging
1,000 letters held them all in memory at once (about 190 MB for 22 MB of letters, measured by
``manage.py bench_letters``). Here only the output's cross-reference table (one offset per object) and
the list of pages stay in memory. The output is an ordinary PDF 1.7 file: a catalog, one page tree
whose kids are every source page in order, and each page's objects as the source had them (the page's
/Parent now pointing at the one page tree; attributes a page inherited from its old tree are copied
onto it). Outlines and named destinations of the sources are not kept: a letter has none that matter
on paper.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, BinaryIO

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
CATALOG, PAGES = 1, 2


def _children(obj, *, is_page: bool):
    """The indirect references directly inside ``obj`` (a page's /Parent is not followed)."""
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            if is_page and key == "/Parent":
                continue
            yield from _children_of_value(value)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            yield from _children_of_value(value)


def _children_of_value(value):
    if isinstance(value, IndirectObject):
        yield value
    elif isinstance(value, DictionaryObject | ArrayObject):
        yield from _children(value, is_page=False)


def _renumber(obj, mapping: dict, done: set) -> None:
    """Point every indirect reference inside ``obj`` at its number in the output, in place (each
    reference object once, even if the parser shared it between two places)."""
    values = obj.values() if isinstance(obj, DictionaryObject) else obj
    for value in values:
        if isinstance(value, IndirectObject):
            if id(value) not in done:
                done.add(id(value))
                value.idnum, value.generation = mapping[(value.idnum, value.generation)], 0
        elif isinstance(value, DictionaryObject | ArrayObject):
            _renumber(value, mapping, done)


class StreamingMerger:
    """Append PDFs one at a time to ``out``; ``close()`` writes the page tree and the trailer."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.offsets: dict[int, int] = {}
        self.pages: list[int] = []
        self.next_number = PAGES + 1
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, number: int, obj) -> None:
        self.offsets[number] = self.out.tell()
        self.out.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")

    def append(self, source: IO[bytes]) -> int:
        """Add every page of the PDF ``source``; returns how many pages it had."""
        reader = PdfReader(source)
        page_refs = [page.indirect_reference for page in reader.pages]
        page_keys = {(ref.idnum, ref.generation) for ref in page_refs}
        objects: dict[tuple[int, int], object] = {}
        stack = list(reversed(page_refs))
        while stack:
            ref = stack.pop()
            key = (ref.idnum, ref.generation)
            if key in objects:
                continue
            obj = ref.get_object()
            if key in page_keys:
                for name in INHERITED:  # read through the old page tree before it is cut off
                    if name not in obj and (inherited := obj.get_inherited(name, None)) is not None:
                        obj[NameObject(name)] = inherited
            objects[key] = obj
            stack.extend(_children(obj, is_page=key in page_keys))
        mapping = {}
        for key in objects:
            mapping[key] = self.next_number
            self.next_number += 1
        page_numbers = [mapping[(ref.idnum, ref.generation)] for ref in page_refs]
        done: set[int] = set()
        for key, obj in objects.items():
            if key in page_keys:  # cut off from its old page tree first: it joins ours
                obj[NameObject("/Parent")] = IndirectObject(PAGES, 0, None)
                done.add(id(obj.raw_get("/Parent")))
            if isinstance(obj, DictionaryObject | ArrayObject):
                _renumber(obj, mapping, done)
        for key, obj in objects.items():
            self._write(mapping[key], obj)
        self.pages.extend(page_numbers)
        return len(page_numbers)

    def close(self) -> None:
        kids = " ".join(f"{number} 0 R" for number in self.pages)
        for number, body in (
            (PAGES, f"<< /Type /Pages /Kids [{kids}] /Count {len(self.pages)} >>"),
            (CATALOG, f"<< /Type /Catalog /Pages {PAGES} 0 R >>"),
        ):
            self.offsets[number] = self.out.tell()
            self.out.write(f"{number} 0 obj\n{body}\nendobj\n".encode())
        start = self.out.tell()
        size = self.next_number
        lines = [f"xref\n0 {size}\n", "0000000000 65535 f \n"]
        for number in range(1, size):
            offset = self.offsets.get(number)
            lines.append(f"{offset:010d} 00000 n \n" if offset is not None else "0000000000 65535 f \n")
        lines.append(f"trailer\n<< /Size {size} /Root {CATALOG} 0 R >>\nstartxref\n{start}\n%%EOF\n")
        self.out.write("".join(lines).encode())


def merge_pdfs(sources: Iterable[IO[bytes]], out: BinaryIO) -> int:
    """Write every page of ``sources`` (open binary files, read one at a time) to ``out``, in order;
    returns the number of pages."""
    merger = StreamingMerger(out)
    pages = sum(merger.append(source) for source in sources)
    merger.close()
    return pages
