"""Reading scenario input: one JSON document or JSON Lines, split on \\n only, bounded, every problem named."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corskit.tools.documents import MAX_DOCUMENT, Document, Input, InputError


def read(data: bytes, *, lines: bool = False, limit: int = MAX_DOCUMENT) -> tuple[bool, list[Document]]:
    batch = Input(io.BytesIO(data), lines=lines, limit=limit)
    return batch.many, list(batch)


def test_one_document_pretty_printed() -> None:
    many, docs = read(b'{\n  "a": [\n    {"b": 1}\n  ]\n}\n')
    assert not many
    assert docs == [Document(1, {"a": [{"b": 1}]})]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\r"])
def test_json_lines_split_on_newline_only(separator: str) -> None:
    text = "\n".join(json.dumps({"n": i, "s": f"a{separator}b"}, ensure_ascii=False) for i in range(3)) + "\n"
    many, docs = read(text.encode())
    assert many
    assert [d.data for d in docs] == [{"n": i, "s": f"a{separator}b"} for i in range(3)]


def test_bad_lines_are_reported_in_place_even_the_first() -> None:
    text = b'{broken\n{"n": 2}\n\n\xff\xfe\n{"n": 5}\n'
    many, docs = read(text)
    assert many
    assert [d.line for d in docs] == [1, 2, 4, 5]
    assert docs[0].problem is not None
    assert docs[0].problem.startswith("is not valid JSON: ")
    assert docs[1].data == {"n": 2}
    assert docs[2].problem is not None
    assert docs[2].problem.startswith("is not UTF-8 text")
    assert docs[3].data == {"n": 5}


def test_a_pretty_printed_document_with_an_error_is_one_error() -> None:
    with pytest.raises(InputError, match="line 3 column 5"):
        read(b'{\n  "a": 1,\n    }\n')


def test_an_over_long_line_is_skipped_without_being_kept() -> None:
    text = b'{"n": 1}\n' + b'{"x": "' + b"y" * 5000 + b'"}\n{"n": 3}\n'
    _, docs = read(text, lines=True, limit=1000)
    assert [(d.line, d.data, d.problem) for d in docs] == [
        (1, {"n": 1}, None),
        (2, None, "is longer than 1000 bytes"),
        (3, {"n": 3}, None),
    ]


class Endless(io.RawIOBase):
    """/dev/zero: never a newline, never an end."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        buffer[:] = bytes(len(buffer))
        return len(buffer)


def test_endless_input_without_a_newline_is_refused_after_the_bound() -> None:
    with pytest.raises(InputError, match="larger than 1000 bytes"):
        Input(io.BufferedReader(Endless()), limit=1000)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xef\xbb\xbf{}", None),
        (b"\xfe\xff\x00{\x00}", "UTF-16"),
        (b"\x80", "is not UTF-8 text (byte 0x80 at offset 0)"),
        (b"[" * 100_000, "nested too deeply"),
        (b"9" * 10_000, "thousands of digits"),
        (b"", "is empty"),
    ],
)
def test_whole_input_problems(data: bytes, words: str | None) -> None:
    if words is None:
        assert read(data)[1] == [Document(1, {})]
    else:
        with pytest.raises(InputError, match=words.replace("(", r"\(").replace(")", r"\)")):
            read(data)


@settings(max_examples=300)
@given(st.binary(max_size=400), st.booleans())
def test_any_bytes_are_documents_or_one_input_error(data: bytes, lines: bool) -> None:
    problems: list[str] = []
    try:
        _, docs = read(data, lines=lines, limit=200)
        problems = [doc.problem for doc in docs if doc.problem is not None]
    except InputError as error:
        problems = [str(error)]
    assert all("\n" not in problem for problem in problems)


def test_a_bad_json_line_is_placed_by_its_column_in_that_line() -> None:
    _, docs = read(b'{"n": 1}\n{"n": [\r\n{"n": 3}\n', lines=True)
    assert docs[1].problem == "is not valid JSON: Expecting value at column 8"  # not "line 2 column 1"
    assert docs[2].data == {"n": 3}
