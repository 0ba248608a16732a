"""Citation keys from a pattern, in lowercase ASCII, and a registry that keeps them stable.

A :class:`KeyPattern` is a template of bracketed tokens and literal text:
``"[auth][year][title]"`` (the default) gives ``acemoglu2022automation``.
Names and words in other scripts are transliterated to ASCII:

- Chinese (Han characters) to pinyin without tones, through :mod:`pypinyin`
  (欧阳向英 -> ``ouyang``; a name written as one literal unit is split off at a
  known compound surname, else after its first character);
- Cyrillic with the BGN/PCGN romanisation (Russian 1947, Ukrainian 1965) in
  its ASCII form: primes for ъ/ь are left out and ё is written as е
  (Горбачёв -> ``gorbachev``, Достоевский -> ``dostoyevskiy``);
- Latin letters with diacritics lose them (Gödel -> ``godel``, ß -> ``ss``).

:class:`KeyRegistry` issues keys: a key taken already gets ``a``, ``b``, ...
``z``, ``aa`` appended, and a key once issued for an identity is returned
again for it, whatever later references collide with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import attrs

from citations.errors import DuplicateKey, KeyPatternError
from citations.model import Contributor, Reference, Role, is_cjk

__all__ = [
    "DEFAULT_PATTERN",
    "KeyPattern",
    "KeyRegistry",
    "make_key",
    "transliterate",
]

_TOKENS = frozenset({"auth", "authors", "editor", "year", "title", "shorttitle", "key"})
_MODIFIERS = frozenset({"lower", "upper", "capitalize"})
_TOKEN = re.compile(r"\[([^\[\]]*)\]")
_LITERAL = re.compile(r"^[A-Za-z0-9_:.\-+/]*$")


@attrs.frozen
class KeyPattern:
    """A citation-key template such as ``"[auth][year][title]"``.

    Tokens: ``[auth]`` (first author's family name, else first editor's),
    ``[authors]`` (up to two family names, then ``etal``), ``[editor]``,
    ``[year]``, ``[title]`` (first significant title word), ``[shorttitle]``
    (first three), ``[key]`` (the reference's current key). A token may carry
    one modifier: ``[auth:upper]``, ``[title:capitalize]``; without one the
    text is lowercase. Text outside brackets is copied (ASCII letters,
    digits and ``_:.-+/`` only). Raises :class:`KeyPatternError` otherwise.
    """

    template: str

    def __attrs_post_init__(self) -> None:
        self.parts  # noqa: B018 - parse now so a bad template fails at construction

    @property
    def parts(self) -> tuple[tuple[str, str, str], ...]:
        """The template as ``(literal, token, modifier)`` triples."""
        parts: list[tuple[str, str, str]] = []
        position = 0
        for match in _TOKEN.finditer(self.template):
            literal = self.template[position : match.start()]
            token, _, modifier = match.group(1).partition(":")
            if token not in _TOKENS:
                raise KeyPatternError(
                    f"key pattern {self.template!r}: unknown token [{match.group(1)}] "
                    f"at column {match.start() + 1}; use one of {', '.join(sorted(_TOKENS))}"
                )
            if modifier and modifier not in _MODIFIERS:
                raise KeyPatternError(
                    f"key pattern {self.template!r}: unknown modifier {modifier!r} "
                    f"at column {match.start() + 1}; use one of {', '.join(sorted(_MODIFIERS))}"
                )
            parts.append((self._literal(literal, position), token, modifier or "lower"))
            position = match.end()
        parts.append((self._literal(self.template[position:], position), "", ""))
        if not any(token for _, token, _ in parts):
            raise KeyPatternError(f"key pattern {self.template!r} has no [token]")
        return tuple(parts)

    def _literal(self, text: str, position: int) -> str:
        if not _LITERAL.match(text):
            raise KeyPatternError(
                f"key pattern {self.template!r}: text {text!r} at column {position + 1} "
                "may hold only ASCII letters, digits and _:.-+/ (brackets must pair)"
            )
        return text


#: The default pattern: first author's family name, year, first significant title word.
DEFAULT_PATTERN = KeyPattern("[auth][year][title]")

# Words skipped when looking for the first significant title word.
_STOPWORDS = frozenset(
    """a an the of on in at to for and or with from by as is are be into about
    der die das des dem den ein eine einer und zur zum im am von
    le la les l un une des du de d et au aux en
    el los las del y lo il gli
    о об в во на и к ко с со по для из от у за""".split()  # noqa: SIM905
)

# BGN/PCGN Russian (1947) and Ukrainian (1965), ASCII form.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "w",
}  # fmt: skip
_YE_AFTER = frozenset("аеёиоуыэюяйъьіїє")
_LATIN_EXTRA = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
}

# Chinese compound surnames (复姓) that a literal name starts with.
_COMPOUND_SURNAMES = frozenset(
    """欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 司空 夏侯 轩辕 令狐
    钟离 闻人 澹台 濮阳 淳于 单于 太叔 申屠 呼延 端木 南宫 西门 万俟 百里 东郭 独孤
    歐陽 司馬 諸葛 東方 長孫 夏候 軒轅 鍾離""".split()  # noqa: SIM905
)


_HAN_RUN = re.compile(r"([\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+)")


def transliterate(text: str, separator: str | None = None) -> str:
    """``text`` in lowercase ASCII letters and digits (pinyin, BGN/PCGN, no diacritics).

    With ``separator``, words stay apart, joined by it, and so does each
    pinyin syllable: ``transliterate("珍宝岛 clash", "-") == "zhen-bao-dao-clash"``.
    """
    if separator is not None:
        words: list[str] = []
        for run in _HAN_RUN.split(text):
            if run and is_cjk(run[0]):
                syllables = _syllables(run)
                words.extend(transliterate(syllable) for syllable in syllables)
            else:
                words.extend(transliterate(word) for word in re.split(r"[\W_]+", run))
        return separator.join(word for word in words if word)
    out: list[str] = []
    previous = ""
    for run in _HAN_RUN.split(text.lower()):
        if run and is_cjk(run[0]):
            out.append(_pinyin(run))
            previous = ""
            continue
        for char in run:
            if char in "её" and (not previous.isalpha() or previous in _YE_AFTER):
                out.append("ye")
            elif char in _CYRILLIC:
                out.append(_CYRILLIC[char])
            else:
                out.append(_LATIN_EXTRA.get(char, char))
            previous = char
    decomposed = unicodedata.normalize("NFKD", "".join(out))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _syllables(text: str) -> list[str]:
    """Han characters as toneless pinyin syllables.

    pypinyin is imported here, on the first Chinese text: its dictionaries take a
    third of a second to load, which text in other scripts need not pay.
    """
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.NORMAL, errors="ignore")


def _pinyin(text: str) -> str:
    return "".join(_syllables(text)).lower()


def _family(person: Contributor) -> str:
    """The family name as lowercase ASCII."""
    if person.literal:
        if is_cjk(person.literal):
            name = person.literal.replace(" ", "")
            size = 2 if name[:2] in _COMPOUND_SURNAMES else 1
            return _pinyin(name[:size])
        words = [w for w in re.split(r"[\s\-]+", person.literal) if w]
        significant = [w for w in words if w.lower() not in _STOPWORDS] or words
        return transliterate(significant[0]) if significant else ""
    if is_cjk(person.family):
        return _pinyin(person.family)
    return transliterate(person.family)


def _title_words(title: str) -> list[str]:
    words: list[str] = []
    for word in re.split(r"[\s\-–—:;,.!?()\[\]{}\"'“”«»/]+", title):
        if not word:
            continue
        if is_cjk(word):
            han = "".join(c for c in word if is_cjk(c))
            words.extend(_pinyin(han[i : i + 2]) for i in range(0, min(len(han), 6), 2))
            continue
        if word.lower() in _STOPWORDS:
            continue
        ascii_word = transliterate(word)
        if ascii_word:
            words.append(ascii_word)
    return words


def _people(ref: Reference) -> tuple[Contributor, ...]:
    return ref.authors or ref.contributors_in(Role.EDITOR) or ref.contributors


def _token(ref: Reference, token: str) -> str:
    if token == "auth":
        people = _people(ref)
        return _family(people[0]) if people else ""
    if token == "authors":
        people = _people(ref)
        names = [_family(person) for person in people[:2]]
        return "".join(names) + ("etal" if len(people) > 2 else "")
    if token == "editor":
        editors = ref.contributors_in(Role.EDITOR)
        return _family(editors[0]) if editors else ""
    if token == "year":
        return ref.year.lstrip("-")
    if token == "title":
        return "".join(_title_words(ref.title)[:1])
    if token == "shorttitle":
        return "".join(_title_words(ref.title)[:3])
    return re.sub(r"[^A-Za-z0-9_:.\-+/]", "", ref.key)


def _apply(text: str, modifier: str) -> str:
    if modifier == "upper":
        return text.upper()
    if modifier == "capitalize":
        return text[:1].upper() + text[1:]
    return text


def make_key(ref: Reference, pattern: KeyPattern = DEFAULT_PATTERN) -> str:
    """A citation key for ``ref`` from ``pattern``, in ASCII (``"ref"`` when all is empty)."""
    out: list[str] = []
    for literal, token, modifier in pattern.parts:
        out.append(literal)
        if token:
            out.append(_apply(_token(ref, token), modifier))
    key = "".join(out)
    return key if any(c.isalnum() for c in key) else "ref"


def _suffix(number: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa, ..."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


class KeyRegistry:
    """Issues citation keys that never collide and never change once issued.

    Keys compare case-insensitively (as biber does). :meth:`issue` gives a
    new reference the key its pattern makes, with ``a``, ``b``, ... appended
    when that key is taken; given an ``identity`` (a DOI, a database id) it
    returns the key issued before for that identity. :meth:`reissue` is the
    one way to change a key: the user asks for it.
    """

    def __init__(self, pattern: KeyPattern = DEFAULT_PATTERN, taken: Iterable[str] = ()) -> None:
        self.pattern = pattern
        self._taken: dict[str, str] = {}
        self._by_identity: dict[str, str] = {}
        for key in taken:
            self.reserve(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._taken

    def __len__(self) -> int:
        return len(self._taken)

    @property
    def issued(self) -> tuple[str, ...]:
        """Every key taken, in the order issued or reserved."""
        return tuple(self._taken.values())

    def reserve(self, key: str, identity: str | None = None) -> None:
        """Mark an existing ``key`` as taken (a key from a loaded file, say).

        Raises :class:`DuplicateKey` when it is taken already by another identity.
        """
        if key in self:
            if identity is not None and self._by_identity.get(identity) == key:
                return
            raise DuplicateKey(f"citation key {key!r} is taken already")
        self._taken[key.lower()] = key
        if identity is not None:
            self._by_identity[identity] = key

    def issue(self, ref: Reference, identity: str | None = None) -> str:
        """A key for ``ref``: the one issued before for ``identity``, else a new free one."""
        if identity is not None and identity in self._by_identity:
            return self._by_identity[identity]
        base = make_key(ref, self.pattern)
        key = base
        number = 0
        while key in self:
            number += 1
            key = base + _suffix(number)
        self.reserve(key, identity)
        return key

    def reissue(self, old_key: str, ref: Reference, identity: str | None = None) -> str:
        """Release ``old_key`` and issue a fresh key for ``ref`` (on the user's request)."""
        if old_key not in self:
            raise KeyError(f"citation key {old_key!r} was never issued")
        del self._taken[old_key.lower()]
        for name, key in list(self._by_identity.items()):
            if key == old_key:
                del self._by_identity[name]
        return self.issue(ref, identity)

    def assign(self, ref: Reference, identity: str | None = None) -> Reference:
        """``ref`` with a key issued by :meth:`issue`."""
        return attrs.evolve(ref, key=self.issue(ref, identity))
