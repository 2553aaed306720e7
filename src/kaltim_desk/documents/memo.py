"""Layout done once per text: a batch of agreements repeats the same letterhead, article texts, party
roles, signatory and signature captions in every document; only a few filled values (names, numbers,
amounts) differ. Laid out by ReportLab alone, each of 500 agreements pays again for all of it.

- `MemoParagraph` parses its markup once per (text, style) and breaks its lines once per (text,
  style, width), in process-wide bounded memos (single prints after a batch are quick too).
- `MemoTable` and `MemoKeepTogether` key themselves on what they hold (`content_key`); a table
  also replays cell by cell, so a recipient's details beside the same labels repeat the labels.
- `MemoFrame` (the frame of every aid paper, `styles.write_pdf`) places a flowable whose content is
  known at a place of the page where the same content was placed before by replaying what was drawn
  then, and moves on as it did then.

A drawing is recorded as the PDF operators it appended to the page (and the images it used and the
font and colour it left), the second time it is seen, and replayed from the third; a flowable draws
relative to its own origin (platypus translates the canvas around `draw`) and a placement is keyed on
its place, so a replay appends exactly what a fresh drawing would: the PDF is byte for byte the one
ReportLab builds without the memo (`tests/unit/test_document_memo.py`). Recordings live on the canvas,
because a TrueType font's subset codes belong to one PDF. Texts that differ per grant miss the memos
and are laid out as ReportLab always does.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from reportlab.platypus import Flowable, Frame, KeepTogether, Paragraph, Spacer, Table
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.rl_config import _FUZZ, listWrapOnFakeWidth

_PARSE_LIMIT = 512
_WRAP_LIMIT = 1024


class _Lru(OrderedDict[Hashable, Any]):
    """A small least-recently-used map: names and amounts that occur once make room for the next.
    Two prints may run at once (a batch in the background, a single print from a dialog), hence the
    lock."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.lock = threading.Lock()

    def get_recent(self, key: Hashable) -> Any:
        with self.lock:
            value = self.get(key)
            if value is not None:
                self.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self[key] = value
            if len(self) > self.limit:
                self.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            super().clear()


_parsed = _Lru(_PARSE_LIMIT)  # (text, style) -> (cleaned text, style, frags)
_wrapped = _Lru(_WRAP_LIMIT)  # (text, style, width) -> (width, height, attributes set by wrap)
_kept = _Lru(256)  # (content keys, width) -> (width, height, first flowable's height)
# what Paragraph.wrap (and its breakLines) set on the paragraph, kept for a later wrap at the same width
_WRAP_SETS = frozenset(
    {"width", "height", "blPara", "_wrapWidths", "_width_max", "_splitLongWordCount", "_hyphenations"}
)


def clear() -> None:
    """Forget every parsed and wrapped text (after fonts or styles change, and between tests)."""
    for memo in (_parsed, _wrapped, _kept, _plain):
        memo.clear()


def _parse(text: str, style: Any) -> tuple[str, Any, tuple[Any, ...]]:
    """(cleaned text, style, fragments) as Paragraph makes them. Text without markup or entities (most
    of a grant's values: names, numbers, addresses) is one fragment of the style's font, made by copying
    the fragment of a one-letter paragraph instead of running the XML parser again."""
    cleaned = cleanBlockQuotedText(text)
    if cleaned and "<" not in cleaned and "&" not in cleaned:
        proto = _plain_fragment(style)
        if proto is not None:
            frag = proto.clone(text=cleaned)
            for name, value in frag.__dict__.items():
                if isinstance(value, list):  # link, us_lines: a fragment's own lists, as the parser makes
                    frag.__dict__[name] = list(value)
            return cleaned, style, (frag,)
    paragraph = Paragraph(text, style)
    return paragraph.text, paragraph.style, tuple(paragraph.frags)


_plain = _Lru(256)  # style -> the fragment of a plain one-letter paragraph in it, or False


def _plain_fragment(style: Any) -> Any:
    proto = _plain.get_recent(style)
    if proto is None:
        paragraph = Paragraph("x", style)
        frags = paragraph.frags
        plain = len(frags) == 1 and paragraph.style is style and getattr(frags[0], "text", None) == "x"
        proto = frags[0] if plain else False
        _plain.put(style, proto)
    return proto or None


def replay_draw(flowable: Flowable, key: Hashable, draw: Callable[[], None]) -> None:
    """Run `draw` for `flowable` on its canvas once per `key`; later calls with the same key append the
    operators (and the images or forms they use) recorded the first time to the current page.

    `key` must name everything the drawing depends on besides the canvas's font state, which is added
    here (a text object starts from it). A drawing that adds links, annotations or spot colours is not
    recorded: those live outside the page's operators."""
    canv = flowable.canv
    memo = _canvas_memo(canv)
    full = ("draw", key, canv._fontname, canv._fontsize, canv._leading)
    recorded = memo.get(full)
    if isinstance(recorded, _Recording):
        recorded.replay(canv)
        return
    if recorded is not _SEEN:  # the first time (a grant's own values are drawn once), or not recordable
        draw()
        return
    mark = _Mark(canv)
    draw()
    memo.put(full, mark.recorded(canv))


# a drawing is recorded the second time it is seen: most of what is seen once (a grant's own name,
# number and amounts) is never seen again, and recording it would be work for nothing
_FIRST, _SEEN = object(), object()


class _CanvasMemo:
    """The drawings and placements recorded on one canvas, and the hashes of those seen once (plain
    numbers, which the garbage collector does not walk: a batch sees thousands of them)."""

    def __init__(self) -> None:
        self.kept: dict[Hashable, Any] = {}
        self.seen: set[int] = set()

    def get(self, key: Hashable) -> Any:
        """The recording for `key`; else `_SEEN` when it was seen once (record it now), `_FIRST` when
        never (it is remembered as seen), None when it cannot be recorded. Two keys of one hash only
        make a drawing recorded one sighting early."""
        value = self.kept.get(key, _FIRST)
        if value is not _FIRST:
            return value
        digest = hash(key)
        if digest in self.seen:
            return _SEEN
        self.seen.add(digest)
        return _FIRST

    def put(self, key: Hashable, value: Any) -> None:
        self.kept[key] = value


def _canvas_memo(canv: Any) -> _CanvasMemo:
    """The memo of drawings on `canv` (one PDF): its fonts' subset codes are valid in it only."""
    memo: _CanvasMemo | None = canv.__dict__.get("_kd_draw_memo")
    if memo is None:
        memo = canv.__dict__["_kd_draw_memo"] = _CanvasMemo()
    return memo


# the canvas's graphics state that a drawing may leave changed (a table cell sets the font and colour of
# the next one); the position, matrix and transparency are not: a drawing that changes those is not kept
_KEPT_STATE = (
    "_fontname",
    "_fontsize",
    "_leading",
    "_textMode",
    "_fillMode",
    "_charSpace",
    "_wordSpace",
    "_horizScale",
    "_textRenderMode",
    "_rise",
    "_lineCap",
    "_lineJoin",
    "_lineDash",
    "_lineWidth",
    "_mitreLimit",
    "_fillColorObj",
    "_strokeColorObj",
)


class _Recording:
    """What a drawing added to a page: its operators, the XObjects (images, forms) they use, and the
    graphics state it left."""

    __slots__ = ("code", "forms", "state")

    def __init__(self, code: list[str], forms: list[str], state: dict[str, Any]) -> None:
        self.code, self.forms, self.state = code, forms, state

    def replay(self, canv: Any) -> None:
        canv._code.extend(self.code)
        canv._formsinuse.extend(self.forms)
        if self.state:
            canv.__dict__.update(self.state)


class _Mark:
    """Where a canvas's page was before a drawing, to take what the drawing added."""

    def __init__(self, canv: Any) -> None:
        self.code, self.forms = len(canv._code), len(canv._formsinuse)
        self.others = (len(canv._annotationrefs), len(canv._colorsUsed), len(canv._shadingUsed))
        self.matrix = canv._currentMatrix
        state = canv.__dict__
        self.state = [state[name] for name in _KEPT_STATE]

    def recorded(self, canv: Any) -> _Recording | None:
        """What the drawing added since, or None when it also added links, annotations, colour spaces
        or transparency (page resources a replay of the operators would not bring back) or left the
        coordinates moved."""
        if (len(canv._annotationrefs), len(canv._colorsUsed), len(canv._shadingUsed)) != self.others:
            return None
        if canv._currentMatrix != self.matrix:
            return None
        code = canv._code[self.code :]
        if any(op.endswith(" gs") for op in code):
            return None
        state = canv.__dict__
        changed = {
            name: state[name]
            for name, before in zip(_KEPT_STATE, self.state, strict=True)
            if state[name] is not before
        }
        return _Recording(code, canv._formsinuse[self.forms :], changed)


class MemoParagraph(Paragraph):
    """A Paragraph laid out and drawn once per text, style and width (see the module's docstring).

    Pieces made by splitting it across a page break are plain paragraphs of this class without a memo
    key: they are laid out as ReportLab always does."""

    _memo: tuple[str, Any] | None = None

    def __init__(
        self,
        text: str | None,
        style: Any = None,
        bulletText: str | None = None,
        frags: Any = None,
        caseSensitive: int = 1,
        encoding: str = "utf8",
    ) -> None:
        if (
            text is None
            or frags is not None
            or bulletText
            or style is None
            or getattr(style, "bulletText", None)
            or caseSensitive != 1
        ):
            super().__init__(text, style, bulletText, frags, caseSensitive, encoding)
            return
        key = (text, style)
        parsed = _parsed.get_recent(key)
        if parsed is None:
            parsed = _parse(text, style)
            _parsed.put(key, parsed)
        cleaned, parsed_style, parsed_frags = parsed
        # what Paragraph.__init__ sets, from the parse of the first paragraph with this text and style
        self.caseSensitive = caseSensitive
        self.encoding = encoding
        self.text = cleaned
        self.frags = list(parsed_frags)
        self.style = parsed_style
        self.bulletText = None
        self.debug = 0
        self._memo = key

    @property
    def memo_key(self) -> Hashable | None:
        """What this paragraph draws at a given width, or None for a piece split off another."""
        return self._memo

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._memo is None:
            return super().wrap(availWidth, availHeight)
        key = (*self._memo, availWidth)
        hit = _wrapped.get_recent(key)
        if hit is not None:
            width, height, attributes = hit
            self.__dict__.update(attributes)
            return width, height
        before = set(self.__dict__)
        width, height = super().wrap(availWidth, availHeight)
        after = self.__dict__
        attributes = {k: after[k] for k in (after.keys() - before) | (_WRAP_SETS & after.keys())}
        if height < 0x7FFFFFFF:  # a width too narrow to hold anything is not remembered
            _wrapped.put(key, (width, height, attributes))
        return width, height

    def draw(self) -> None:
        key = self._memo
        if key is None or self.__dict__.get("_splitpara") or "_offsets" in self.__dict__:
            super().draw()
            return
        replay_draw(self, (*key, self.width, self.height), super().draw)


def content_key(value: Any) -> Hashable | None:
    """What a table cell draws, as a hashable value; None when it cannot be told (then the table is
    drawn as usual). A flowable of ours names its content with a `memo_key` attribute."""
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, int | float):
        return (type(value).__name__, value)  # 1, 1.0 and True are equal keys but print differently
    if isinstance(value, list | tuple):
        parts = tuple(content_key(v) for v in value)
        return None if any(p is None for p in parts) else ("l", parts)
    if type(value) is Spacer:
        return ("Spacer", value.width, value.height)
    key = getattr(value, "memo_key", None)
    return None if key is None else (type(value).__name__, key)


def _hashable(value: Any) -> Hashable | None:
    """`value` (lists made tuples) if it can be part of a key, else None."""
    try:
        hash(value)
    except TypeError:
        value = _tuple(value)
        try:
            hash(value)
        except TypeError:
            return None
    return value


class MemoTable(Table):
    """A Table drawn once per content, style and size on a canvas: the office signatory's details, a
    detail table with the same amounts, a meterai box. Its key is made from the cells it was given
    (`content_key`), the keyword arguments and every style command set on it, so two tables with the
    same key draw the same operators. Pieces made by splitting it over a page are drawn as usual."""

    def __init__(self, data: Any, *args: Any, **kwargs: Any) -> None:
        # `Table.__init__` may call `setStyle`, which extends the key; a table made by splitting
        # another (given its cell styles) is never remembered
        self._memo_parts: list[Hashable | None] = [
            content_key(data),
            _hashable(args),
            _hashable(tuple(sorted(kwargs.items()))),
            None if "cellStyles" in kwargs or kwargs.get("normalizedData") else "whole",
        ]
        super().__init__(data, *args, **kwargs)

    def setStyle(self, tblstyle: Any) -> None:
        commands = tblstyle.getCommands() if hasattr(tblstyle, "getCommands") else tblstyle
        self._memo_parts.append(_hashable(tuple(commands)))
        super().setStyle(tblstyle)

    @property
    def memo_key(self) -> Hashable | None:
        """What this table draws, or None when that cannot be told."""
        parts = self.__dict__.get("_memo_parts")
        if not parts or any(p is None for p in parts):
            return None
        return tuple(parts)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts = super().split(availWidth, availHeight)
        for part in parts:
            if part is not self:
                part.__dict__["_memo_parts"] = None
        return parts

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # measured again at the same width (a KeepTogether measures its content before the frame
        # places it): every row was measured, so the room below does not change the result
        done = self.__dict__.get("_kd_wrapped")
        if done is not None and done[0] == availWidth and self.__dict__.get("_hmax") == self._nrows:
            self.availWidth = availWidth
            return done[1]
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self.__dict__["_kd_wrapped"] = (availWidth, size)
        return size

    def draw(self) -> None:
        key = self.memo_key
        if key is None:
            super().draw()
            return
        size = (self._width, self._height, tuple(self._colWidths), tuple(self._rowHeights))
        replay_draw(self, (key, size), super().draw)

    def _drawCell(self, cellval: Any, cellstyle: Any, pos: Any, size: Any) -> None:
        """One cell, drawn once per content, style, place and the style of the cell before it (which
        decides whether the font and colour are set again): a table whose other cells differ (the
        recipient's details beside the same labels) still repeats the cells that do not."""
        content = content_key(cellval)
        if content is None or cellstyle.href or cellstyle.destination:
            super()._drawCell(cellval, cellstyle, pos, size)
            return
        canv = self.canv
        current = self.__dict__.get("_curcellstyle")
        before = (
            None
            if current is None
            else (current is cellstyle, current.color, current.leading, current.fontname, current.fontsize)
        )
        key = ("cell", content, _cell_style(cellstyle), before, tuple(pos), tuple(size))
        full = (key, canv._fontname, canv._fontsize, canv._leading)
        memo = _canvas_memo(canv)
        recorded = memo.get(full)
        if isinstance(recorded, _Recording):
            recorded.replay(canv)
            self._curcellstyle = cellstyle
            return
        if recorded is not _SEEN:
            super()._drawCell(cellval, cellstyle, pos, size)
            return
        mark = _Mark(canv)
        super()._drawCell(cellval, cellstyle, pos, size)
        memo.put(full, mark.recorded(canv))


def _cell_style(style: Any) -> Hashable | None:
    """A table cell's style (font, padding, alignment, colours) as a key."""
    return _hashable(tuple(sorted(style.__dict__.items())))


def _tuple(value: Any) -> Any:
    """Lists (column widths, style commands) as tuples, so that they can be part of a key."""
    if isinstance(value, list | tuple):
        return tuple(_tuple(v) for v in value)
    return value


class MemoKeepTogether(KeepTogether):
    """KeepTogether that measures its content once per content and width: ReportLab measures it by
    wrapping every flowable in a copy of the frame each time, the same for every agreement."""

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        parts = tuple(content_key(f) for f in self._content)
        if any(p is None for p in parts):
            return super().wrap(aW, aH)  # type: ignore[no-any-return]
        key = (parts, aW)
        hit = _kept.get_recent(key)
        if hit is None:
            hit = self._measure(aW)
            _kept.put(key, hit)
        width, height, first = hit
        self.__dict__.update(_H=height, _H0=first, _wrapInfo=(aW, aH))
        return width, 0xFFFFFF  # as KeepTogether: always split, so the frame places the content

    def _measure(self, aW: float) -> tuple[float, float, float]:
        """(width, height, first flowable's height) of the content, as ReportLab's `_listWrapOn`
        measures it, without its copy of the frame (kept for content that adds flowables to the
        frame, which ours never does)."""
        width = height = space = 0.0
        first = 0.0
        at_top = True
        for i, f in enumerate(self._content):
            w, h = f.wrapOn(getattr(self, "canv", None), aW, 0xFFFFFFF)
            if i == 0:
                first = h
            if h <= _FUZZ:
                continue
            width = max(width, min(w, aW) if listWrapOnFakeWidth else w)
            height += h
            if at_top:
                at_top = False
            else:
                before = space if getattr(f, "_SPACETRANSFER", False) else f.getSpaceBefore()
                height += max(before - space, 0)
            space = space if getattr(f, "_SPACETRANSFER", False) else f.getSpaceAfter()
            height += space
        return width, height - space, first


class MemoFrame(Frame):
    """A frame that places a flowable once per content and place on a page: a flowable whose content
    is known (`content_key`) added where the same content was added before, at the same height of the
    frame and after the same space, writes the same operators, so they are replayed and the frame moves
    on as it did then. The first agreement of a batch is laid out by ReportLab; the next ones repeat
    its pages wherever their texts are the same."""

    def add(self, flowable: Flowable, canv: Any, trySplit: int = 0) -> int:
        content = content_key(flowable) if isinstance(flowable, Flowable) else None
        if content is None:
            return super()._add(flowable, canv, trySplit)  # type: ignore[no-any-return]
        state = self.__dict__
        key = (
            "frame",
            content,
            id(self),
            state["_x"],
            state["_y"],
            state["_y1p"],
            state["_atTop"],
            state["_prevASpace"],
            state["_leftExtraIndent"],
            state["_rightExtraIndent"],
            state["_aW"],
            trySplit,
            canv._fontname,
            canv._fontsize,
            canv._leading,
        )
        memo = _canvas_memo(canv)
        hit = memo.get(key)
        if isinstance(hit, tuple):
            y, at_top, space, recording = hit
            recording.replay(canv)
            state.update(_y=y, _atTop=at_top, _prevASpace=space)
            return 1
        if hit is not _SEEN or getattr(self, "_frameBGs", None):
            return super()._add(flowable, canv, trySplit)  # type: ignore[no-any-return]
        mark = _Mark(canv)
        placed = super()._add(flowable, canv, trySplit)
        if placed:
            recorded = mark.recorded(canv)
            after = (state["_y"], state["_atTop"], state["_prevASpace"])
            memo.put(key, None if recorded is None else (*after, recorded))
        return placed
