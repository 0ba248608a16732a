"""One table between BCP 47 language tags and the ``langid`` names LaTeX knows.

:attr:`Reference.language` is a BCP 47 tag (``zh-CN``, ``ru``, ``en-US``), as
CSL-JSON and Zotero write it. biblatex's ``langid`` (and its ``language``
field) take babel/polyglossia language names instead: ``chinese``,
``russian``, ``american``. Every reader turns what it finds into a tag with
:func:`language_tag`, and every writer that needs a name asks
:func:`langid_name`; no other module keeps a language table.

``langid`` names a language, not a country: ``zh-CN`` and ``zh-TW`` are both
written ``chinese`` (read back as ``zh``), ``ru-RU`` is ``russian`` (read back
as ``ru``). Where babel and biblatex tell regions apart (``american``,
``british``, ``brazilian``, ``naustrian``) the region survives the round trip,
and so does the German spelling: babel's ``german`` (the 1901 orthography) is
``de-1901``, ``ngerman`` (the 1996 one) is ``de``.
Every name written is one that babel, polyglossia and biblatex accept (and the
ones biblatex-gb7714-2015 and biblatex-gost test for: ``chinese``,
``russian``, ``english``); tests/test_languages.py checks them with biber and
xelatex.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["LANGID_NAMES", "LANGUAGE_TAGS", "is_known", "langid_name", "language_tag"]

#: BCP 47 tag -> the ``langid`` name written for it (a tag not listed falls back to its
#: language subtag: ``zh-Hant-TW`` -> ``zh`` -> ``chinese``).
LANGID_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "en": "english",
        "en-US": "american",
        "en-GB": "british",
        "en-AU": "australian",
        "en-CA": "canadian",
        "en-NZ": "newzealand",
        "zh": "chinese",
        "ja": "japanese",
        "ko": "korean",
        "ru": "russian",
        "uk": "ukrainian",
        "be": "belarusian",
        "bg": "bulgarian",
        "sr": "serbian",
        "sr-Cyrl": "serbianc",
        "hr": "croatian",
        "sl": "slovene",
        "de": "ngerman",
        "de-AT": "naustrian",
        "de-CH": "nswissgerman",
        "de-1901": "german",
        "de-AT-1901": "austrian",
        "de-CH-1901": "swissgerman",
        "fr": "french",
        "es": "spanish",
        "ca": "catalan",
        "it": "italian",
        "pt": "portuguese",
        "pt-BR": "brazilian",
        "nl": "dutch",
        "pl": "polish",
        "cs": "czech",
        "sk": "slovak",
        "hu": "hungarian",
        "ro": "romanian",
        "sv": "swedish",
        "nb": "norsk",
        "nn": "nynorsk",
        "da": "danish",
        "fi": "finnish",
        "et": "estonian",
        "lv": "latvian",
        "lt": "lithuanian",
        "is": "icelandic",
        "el": "greek",
        "la": "latin",
        "tr": "turkish",
        "ar": "arabic",
        "he": "hebrew",
        "fa": "persian",
        "hi": "hindi",
        "vi": "vietnamese",
        "mn": "mongolian",
    }
)

#: What readers meet for a language (lower-cased) -> its BCP 47 tag: every name above,
#: the other babel/biblatex spellings, English names, ISO 639-2 codes and a few native names.
LANGUAGE_TAGS: Mapping[str, str] = MappingProxyType(
    {
        **{name: tag for tag, name in LANGID_NAMES.items()},
        "usenglish": "en-US",
        "ukenglish": "en-GB",
        "chinese-simplified": "zh-Hans",
        "chinese-traditional": "zh-Hant",
        "pinyin": "zh-Latn",
        "mandarin": "zh",
        "norwegian": "nb",
        "magyar": "hu",
        "portuges": "pt",
        "brazil": "pt-BR",
        "slovenian": "sl",
        "farsi": "fa",
        "eng": "en",
        "zho": "zh",
        "chi": "zh",
        "rus": "ru",
        "jpn": "ja",
        "kor": "ko",
        "ukr": "uk",
        "deu": "de",
        "ger": "de",
        "fra": "fr",
        "fre": "fr",
        "spa": "es",
        "中文": "zh",
        "汉语": "zh",
        "英文": "en",
        "英语": "en",
        "俄文": "ru",
        "俄语": "ru",
        "日文": "ja",
        "日语": "ja",
        "русский": "ru",
        "английский": "en",
        "китайский": "zh",
    }
)

_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
_LOWER_NAMES = {tag.lower(): tag for tag in LANGID_NAMES}


def language_tag(text: str) -> str:
    """A language as a BCP 47 tag: ``Russian`` -> ``ru``, ``zh_cn`` -> ``zh-CN``.

    A ``langid`` name, an English or native name, an ISO 639-2 code or a tag in
    any case; anything else comes back stripped but unchanged.
    """
    value = text.strip()
    known = LANGUAGE_TAGS.get(value.lower())
    if known is not None:
        return known
    if not _TAG.fullmatch(value):
        return value
    first, *rest = re.split("[-_]", value)
    parts = [first.lower()]
    for part in rest:
        if len(part) == 4 and part.isalpha():
            parts.append(part.title())  # script: Hans, Cyrl, Latn
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdecimal()):
            parts.append(part.upper())  # region: CN, RU, 419
        else:
            parts.append(part.lower())
    return "-".join(parts)


def is_known(text: str) -> bool:
    """True when ``text`` names a language this table knows (by name, code or tag)."""
    return _name_of(language_tag(text)) is not None


def langid_name(language: str) -> str:
    """The ``langid`` name for a language (``zh-CN`` -> ``chinese``, ``en-US`` -> ``american``).

    A language the table lacks comes back as its tag (polyglossia reads many tags).
    """
    tag = language_tag(language)
    name = _name_of(tag)
    return tag if name is None else name


def _name_of(tag: str) -> str | None:
    parts = tag.split("-")
    while parts:
        name = LANGID_NAMES.get(_LOWER_NAMES.get("-".join(parts).lower(), ""))
        if name is not None:
            return name
        parts.pop()
    return None
