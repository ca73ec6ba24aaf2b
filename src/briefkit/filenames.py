"""File names of briefs' PDFs, from any title: `<date>-<slug>.pdf` (docs/brief-format.md, File names).

Latin titles keep the names they always had, byte for byte. Letters and digits of other
scripts, which those names dropped, are spelled in ASCII by anyascii (ISC-licensed, one table
for every script; measured against Unidecode and text-unidecode in docs/archives.md)."""

from __future__ import annotations

import hashlib
import re
import unicodedata


def slug(text: str, limit: int = 60) -> str:
    """A file-name-safe slug: 'The Taliban-Russia Re-Connect' -> 'the-taliban-russia-re-connect',
    'Россия и талибы' -> 'rossiya-i-taliby' (docs/brief-format.md, File names)."""
    # Apostrophes join their word, straight or curly (the title is typeset with curly ones), so
    # a batch can tell the file name from brief.yaml as written: "Kabul's" -> kabuls either way.
    text = re.sub(r"(?<=\w)['’ʼ](?=\w)", "", text)
    ascii_text = "".join(_ascii(char) for char in unicodedata.normalize("NFC", text))
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-") or "brief"


def _ascii(char: str) -> str:
    """A character as today's Latin rule gives it (NFKD, accents dropped), or, for a letter,
    mark or digit of another script that rule would drop, its anyascii transliteration.
    Titles without such letters therefore keep their names byte for byte."""
    kept = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    if kept or unicodedata.category(char)[0] not in "LMN" or "LATIN" in unicodedata.name(char, ""):
        return kept
    from anyascii import anyascii

    # anyascii writes a soft sign, a nukta or a hamza as ' and an ayn as `: like an apostrophe
    # they join their word (правительство -> pravitelstvo, not pravitel-stvo).
    spelled = anyascii(char).replace("'", "").replace("`", "")
    # One Han character is one syllable (ELuoSi for 俄罗斯): a hyphen after each keeps them readable.
    return spelled + "-" if unicodedata.name(char, "").startswith("CJK") else spelled


def transliterated(title: str) -> bool:
    """Whether the title's slug spells letters of a script other than Latin (so is lossy)."""
    text = unicodedata.normalize("NFC", title)
    return any(_ascii(char) != unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
               for char in text)


#: What `slug:` in brief.yaml may be: words of ASCII letters and digits joined by single hyphens.
SLUG = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
SLUG_LIMIT = 100


def slug_problem(value: str) -> str | None:
    """Why `value` cannot be a `slug:` (with one that can), or None when it can: it becomes a
    file name and, in a published site, a URL, so only ASCII letters, digits and hyphens."""
    if SLUG.fullmatch(value) and len(value) <= SLUG_LIMIT:
        return None
    what = (f"is longer than {SLUG_LIMIT} characters" if SLUG.fullmatch(value) else
            "may hold only ASCII letters, digits and single hyphens between them")
    return f"{value!r} {what}, as it names the PDF and its URL; write e.g. slug: {slug(value, SLUG_LIMIT)}"


def file_name(title: str, date, override: str | None = None) -> str:
    """`<date>-<slug>.pdf`, THE name of a brief's PDF: for a single build (default_path), a
    batch and publish (freshness.expected_pdf). `slug:` wins; a slug spelled from another
    script gets a short hash of the title, since transliteration merges titles (अफ़गान and
    अफगान, Россия and россия) that are not the same title (docs/brief-format.md, File names)."""
    if override:
        return f"{date.isoformat()}-{override}.pdf"
    name = slug(title)
    if transliterated(title):
        same = unicodedata.normalize("NFC", title.strip())  # composed or not: one title
        name += "-" + hashlib.sha256(same.encode()).hexdigest()[:6]
    return f"{date.isoformat()}-{name}.pdf"
