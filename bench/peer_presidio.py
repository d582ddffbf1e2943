"""Microsoft Presidio's analyzer as the peer, built without downloading a spaCy model.

Presidio's default AnalyzerEngine wants `en_core_web_lg`; its regex/checksum
recognizers (email, phone via phonenumbers, SSN, credit card, IBAN, bank
numbers, dates, URLs, ...) do not need it. We hand it a blank English spaCy
pipeline (tokenizer only), so what runs is exactly its pattern recognizers plus
context enhancement, with the NER recognizer finding nothing. tldextract's
public-suffix download is switched off so it uses its bundled snapshot.

Optional: `presidio-analyzer` is not a dependency of doxguard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def presidio_version() -> str | None:
    """The installed presidio-analyzer version, or None when it is not installed."""
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("presidio-analyzer")
    except PackageNotFoundError:
        return None


def build_presidio() -> Callable[[str], Any] | None:
    """A function analyzing one text with Presidio, or None when it is not installed."""
    if presidio_version() is None:
        return None
    import logging

    import spacy
    import tldextract
    import tldextract.tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    # no network: use the public suffix list bundled with tldextract
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())

    class BlankSpacy(SpacyNlpEngine):
        """SpacyNlpEngine over spacy.blank("en"): tokens and no model download."""

        def load(self) -> None:
            self.nlp = {"en": spacy.blank("en")}

    engine = BlankSpacy(models=[{"lang_code": "en", "model_name": "blank"}])
    engine.load()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])

    def analyze(text: str) -> Any:
        return analyzer.analyze(text, language="en")

    return analyze


def main(argv: list[str] | None = None) -> int:
    """`python bench/peer_presidio.py FILE.jsonl`: analyze every line's text, as a whole
    process (the whole-process benchmark times this beside `doxguard scan`)."""
    import sys

    import orjson

    args = sys.argv[1:] if argv is None else argv
    analyze = build_presidio()
    if analyze is None:
        print("presidio: not installed", file=sys.stderr)
        return 2
    found = 0
    with open(args[0], "rb") as fh:
        for line in fh:
            if line.strip():
                found += len(analyze(orjson.loads(line)["text"]))
    print(found)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
