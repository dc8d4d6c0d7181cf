"""Convert the fontsource WOFF2 files that leaflets use into TTF files, once, into rightsinfo/fonts/.

WeasyPrint decodes WOFF2 in pure Python every time a FontConfiguration loads it (1–2 s), so the
leaflet fonts live in the package as plain TTF files, committed, and every machine renders the same PDF. Run
this only to update the fonts, from the tarballs ``npm pack`` downloads (outside the repository)::

    cd /tmp && npm pack @fontsource/noto-naskh-arabic @fontsource/noto-nastaliq-urdu @fontsource/noto-sans
    .venv/bin/python tools/convert_fontsource.py /tmp/fontsource-*.tgz

then update rightsinfo/fonts/README.md with the package versions it prints.

Noto Naskh Arabic 2.x draws dotted letters as a dotless base plus a dots mark (``ccmp`` turns ت into
ٮ + two dots, ج into ح + one dot). A PDF maps each glyph to one piece of text, so a base shared by
ب ت ث ن ی can stand for only one of them, and WeasyPrint's PDFs then read back as wrong letters (the
Dari asylum page lost 326 of its 515 words to ``pdftotext``). ``recompose_dotted_letters`` adds a
last ligature lookup that joins every base form and its dots again into one composite glyph (the
same outlines at the positions GPOS gave them), so each letter form is its own glyph and PDFs copy,
search and read aloud correctly, with the shapes unchanged.
"""

from __future__ import annotations

import collections
import copy
import io
import itertools
import json
import sys
import tarfile
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import otTables
from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

FONTS_DIR = Path(__file__).resolve().parent.parent / "rightsinfo" / "fonts"

# npm package → (subset, weight) files to convert; output name is <Family>-<subset>-<weight>.ttf
WANTED: dict[str, tuple[str, tuple[tuple[str, int], ...]]] = {
    "@fontsource/noto-naskh-arabic": ("NotoNaskhArabic", (("arabic", 400), ("arabic", 700))),
    "@fontsource/noto-nastaliq-urdu": ("NotoNastaliqUrdu", (("arabic", 400), ("arabic", 700))),
    "@fontsource/noto-sans": (
        "NotoSans",
        (("latin", 400), ("latin", 700), ("latin-ext", 400), ("latin-ext", 700), ("cyrillic", 400),
         ("cyrillic", 700)),
    ),
}  # fmt: skip


RECOMPOSE_FAMILIES = {"NotoNaskhArabic"}
MARK_CLASS = 3  # GDEF glyph class of marks
BASE_CLASS = 1
ROUND_XY_TO_GRID = 0x4


def woff2_to_ttf(data: bytes, destination: Path, recompose: bool) -> None:
    """Write a WOFF2 font as a TTF, keeping its timestamp so the output is reproducible."""
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    font.flavor = None
    if recompose:
        recompose_dotted_letters(font)
    font.save(str(destination), reorderTables=True)


def substitution_graph(gsub) -> dict[str, set[str]]:
    """Return glyph → glyphs it can become through one-to-one substitutions (forms, alternates)."""
    graph = collections.defaultdict(set)
    for lookup in gsub.LookupList.Lookup:
        for subtable in lookup.SubTable:
            if lookup.LookupType == 1:
                for source, target in subtable.mapping.items():
                    graph[source].add(target)
            elif lookup.LookupType == 2:
                for source, targets in subtable.mapping.items():
                    if len(targets) == 1:
                        graph[source].add(targets[0])
            elif lookup.LookupType == 3:
                for source, targets in subtable.alternates.items():
                    graph[source].update(targets)
    return graph


def variants(graph: dict[str, set[str]], glyph: str) -> set[str]:
    """Return a glyph and every glyph substitutions can turn it into."""
    seen, todo = {glyph}, [glyph]
    while todo:
        for following in graph.get(todo.pop(), ()):
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return seen


def decompositions(gsub, classes: dict[str, int]) -> set[tuple[str, tuple[str, ...]]]:
    """Return every (base, marks) sequence that a one-to-many substitution writes."""
    found = set()
    for lookup in gsub.LookupList.Lookup:
        if lookup.LookupType != 2:
            continue
        for subtable in lookup.SubTable:
            for out in subtable.mapping.values():
                marks = out[1:]
                if (
                    marks
                    and classes.get(out[0]) != MARK_CLASS
                    and all(classes.get(g) == MARK_CLASS for g in marks)
                ):
                    found.add((out[0], tuple(marks)))
    return found


class Anchors:
    """Mark attachment points from GPOS: marks on bases ('mark') and marks on marks ('mkmk')."""

    def __init__(self, gpos):
        features = {
            record.FeatureTag: record.Feature.LookupListIndex for record in gpos.FeatureList.FeatureRecord
        }
        self.base = {}  # (base glyph, (lookup, subtable, class)) → (x, y)
        self.mark = collections.defaultdict(list)  # mark → [((lookup, subtable, class), (x, y))]
        self.mark2 = {}  # (mark below, key) → (x, y) in mkmk lookups
        self.mark1 = collections.defaultdict(list)  # mark on top → [(key, (x, y))] in mkmk lookups
        for index in sorted(set(features.get("mark", []))):
            for number, subtable in enumerate(gpos.LookupList.Lookup[index].SubTable):
                if gpos.LookupList.Lookup[index].LookupType != 4:
                    continue
                for glyph, record in zip(
                    subtable.MarkCoverage.glyphs, subtable.MarkArray.MarkRecord, strict=True
                ):
                    self.mark[glyph].append(((index, number, record.Class), xy(record.MarkAnchor)))
                for glyph, record in zip(
                    subtable.BaseCoverage.glyphs, subtable.BaseArray.BaseRecord, strict=True
                ):
                    for klass, anchor in enumerate(record.BaseAnchor):
                        if anchor is not None:
                            self.base[glyph, (index, number, klass)] = xy(anchor)
        for index in sorted(set(features.get("mkmk", []))):
            for number, subtable in enumerate(gpos.LookupList.Lookup[index].SubTable):
                if gpos.LookupList.Lookup[index].LookupType != 6:
                    continue
                for glyph, record in zip(
                    subtable.Mark1Coverage.glyphs, subtable.Mark1Array.MarkRecord, strict=True
                ):
                    self.mark1[glyph].append(((index, number, record.Class), xy(record.MarkAnchor)))
                for glyph, record in zip(
                    subtable.Mark2Coverage.glyphs, subtable.Mark2Array.Mark2Record, strict=True
                ):
                    for klass, anchor in enumerate(record.Mark2Anchor):
                        if anchor is not None:
                            self.mark2[glyph, (index, number, klass)] = xy(anchor)

    def place(self, base: str, marks: tuple[str, ...]) -> list[tuple[int, int]] | None:
        """Return each mark's offset from the base's origin, as GPOS would place it, or None."""
        placed: list[tuple[str, tuple[int, int]]] = []
        for mark in marks:
            offset = None
            for key, (mark_x, mark_y) in self.mark.get(mark, ()):
                if (base, key) in self.base:
                    base_x, base_y = self.base[base, key]
                    offset = (base_x - mark_x, base_y - mark_y)
            if offset is None:
                offset = self.on_mark(mark, placed)
            if offset is None:
                return None
            placed.append((mark, offset))
        return [offset for _mark, offset in placed]

    def on_mark(self, mark: str, placed: list[tuple[str, tuple[int, int]]]) -> tuple[int, int] | None:
        """Return where ``mark`` sits on the last placed mark that offers it an anchor, or None."""
        for below, (below_x, below_y) in reversed(placed):
            for key, (mark_x, mark_y) in self.mark1.get(mark, ()):
                if (below, key) in self.mark2:
                    anchor_x, anchor_y = self.mark2[below, key]
                    return (below_x + anchor_x - mark_x, below_y + anchor_y - mark_y)
        return None


def xy(anchor) -> tuple[int, int]:
    """Return an anchor's coordinates."""
    return (anchor.XCoordinate, anchor.YCoordinate)


def composite(parts: list[tuple[str, tuple[int, int]]]) -> Glyph:
    """Return a composite glyph drawing each part at its offset."""
    glyph = Glyph()
    glyph.numberOfContours = -1
    glyph.components = []
    for name, (x, y) in parts:
        component = GlyphComponent()
        component.glyphName, component.x, component.y, component.flags = name, x, y, ROUND_XY_TO_GRID
        glyph.components.append(component)
    return glyph


def recompose_dotted_letters(font: TTFont) -> int:
    """Join every base form and its dot marks into one glyph again, by a last ligature lookup."""
    gsub, gpos, gdef = font["GSUB"].table, font["GPOS"].table, font["GDEF"].table
    classes = gdef.GlyphClassDef.classDefs
    graph, anchors = substitution_graph(gsub), Anchors(gpos)
    glyf, hmtx, order = font["glyf"], font["hmtx"], list(font.getGlyphOrder())
    made: dict[tuple[str, tuple[str, ...]], tuple[str, list[tuple[int, int]]]] = {}
    for base, marks in sorted(decompositions(gsub, classes)):
        mark_forms = [sorted(g for g in variants(graph, m) if classes.get(g) == MARK_CLASS) for m in marks]
        for base_form in sorted(g for g in variants(graph, base) if classes.get(g) != MARK_CLASS):
            for mark_form in itertools.product(*mark_forms):
                offsets = anchors.place(base_form, mark_form)
                if (base_form, mark_form) in made or offsets is None:
                    continue
                name = ".".join(("rc", base_form, *mark_form))
                glyf.glyphs[name] = composite([(base_form, (0, 0)), *zip(mark_form, offsets, strict=True)])
                order.append(name)
                made[base_form, mark_form] = (name, offsets)
    font.setGlyphOrder(order)
    glyf.glyphOrder = order
    for (base_form, _marks), (name, _offsets) in made.items():
        glyf[name].recalcBounds(glyf)
        hmtx.metrics[name] = (hmtx.metrics[base_form][0], getattr(glyf[name], "xMin", 0))
        classes[name] = BASE_CLASS
    add_last_ligature_lookup(gsub, made)
    let_vowel_marks_attach(gpos, anchors, made)
    for record in font["name"].names:
        if record.nameID == 5:  # version string: say that this is a modified version (OFL 1.1)
            record.string = f"{record.toUnicode()}; dotted letters recomposed for PDF text by rightsinfo"
    return len(made)


def add_last_ligature_lookup(gsub, made: dict) -> None:
    """Add the joining lookup to 'liga', after every other substitution, matching marks too."""
    subtable = otTables.LigatureSubst()
    subtable.Format, subtable.ligatures = 1, collections.defaultdict(list)
    for (base_form, marks), (name, _offsets) in sorted(made.items(), key=lambda item: -len(item[0][1])):
        ligature = otTables.Ligature()
        ligature.Component, ligature.LigGlyph, ligature.CompCount = list(marks), name, len(marks) + 1
        subtable.ligatures[base_form].append(ligature)
    subtable.ligatures = dict(subtable.ligatures)
    lookup = otTables.Lookup()
    lookup.LookupType, lookup.LookupFlag, lookup.SubTable, lookup.SubTableCount = 4, 0, [subtable], 1
    gsub.LookupList.Lookup.append(lookup)
    gsub.LookupList.LookupCount = len(gsub.LookupList.Lookup)
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag == "liga":
            record.Feature.LookupListIndex.append(gsub.LookupList.LookupCount - 1)
            record.Feature.LookupCount = len(record.Feature.LookupListIndex)


def let_vowel_marks_attach(gpos, anchors: Anchors, made: dict) -> None:
    """Give each new glyph its base's anchors, raised onto its dots where vowels stack on them."""
    for index, lookup in enumerate(gpos.LookupList.Lookup):
        if lookup.LookupType != 4:
            continue
        for number, subtable in enumerate(lookup.SubTable):
            glyphs, records = list(subtable.BaseCoverage.glyphs), list(subtable.BaseArray.BaseRecord)
            position = {glyph: i for i, glyph in enumerate(glyphs)}
            vowels = {
                record.Class: glyph
                for glyph, record in zip(
                    subtable.MarkCoverage.glyphs, subtable.MarkArray.MarkRecord, strict=True
                )
            }
            for (base_form, marks), (name, offsets) in made.items():
                if base_form not in position:
                    continue
                record = copy.deepcopy(records[position[base_form]])
                for klass, anchor in enumerate(record.BaseAnchor):
                    vowel = vowels.get(klass)
                    if anchor is None or vowel is None:
                        continue
                    raised = anchors.on_mark(vowel, list(zip(marks, offsets, strict=True)))
                    if raised is not None:
                        own = dict(anchors.mark[vowel]).get((index, number, klass), (0, 0))
                        anchor.XCoordinate, anchor.YCoordinate = raised[0] + own[0], raised[1] + own[1]
                glyphs.append(name)
                records.append(record)
            subtable.BaseCoverage.glyphs, subtable.BaseArray.BaseRecord = glyphs, records
            subtable.BaseArray.BaseCount = len(records)


def convert_package(tarball: Path) -> str:
    """Convert the wanted files of one fontsource tarball and copy its licence; return a summary."""
    with tarfile.open(tarball) as archive:
        package = json.load(archive.extractfile("package/package.json"))
        name = package["name"]
        if name not in WANTED:
            return f"skipped {tarball.name}: {name} is not a leaflet font"
        family, files = WANTED[name]
        slug = name.split("/", 1)[1]
        for subset, weight in files:
            member = f"package/files/{slug}-{subset}-{weight}-normal.woff2"
            destination = FONTS_DIR / f"{family}-{subset}-{weight}.ttf"
            woff2_to_ttf(archive.extractfile(member).read(), destination, family in RECOMPOSE_FAMILIES)
        licence = archive.extractfile("package/LICENSE").read()
        (FONTS_DIR / f"OFL-{family}.txt").write_bytes(licence)
    return f"{name} {package['version']} ({package.get('license')}) → {len(files)} TTF files"


def main(tarballs: list[str]) -> int:
    """Convert every tarball named on the command line."""
    if not tarballs:
        print(__doc__)
        return 2
    for tarball in tarballs:
        print(convert_package(Path(tarball)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
