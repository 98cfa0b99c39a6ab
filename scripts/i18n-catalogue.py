#!/usr/bin/env python3
"""Write locales/en.json from the code: every `t!("…")` text, every
`plural("…", n)` text (as `…#one` / `…#other`, kept from the file when
already written by hand), and every reason-code explanation (`meaning` and
`meaning_in` in src/proto/reason.rs). The other languages translate the keys
of en.json; `tests/catalogue.rs` checks that they all agree.

    scripts/i18n-catalogue.py          # rewrite locales/en.json
    scripts/i18n-catalogue.py --check  # exit 1 if it is out of date
"""
import json
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CATALOGUE = os.path.join(ROOT, "locales", "en.json")
LITERAL = r'"((?:[^"\\]|\\.)*)"'
T_CALL = re.compile(r"(?<![A-Za-z0-9_])t!\(\s*" + LITERAL, re.S)
PLURAL_CALL = re.compile(r"(?<![A-Za-z0-9_])plural\(\s*" + LITERAL, re.S)


def unescape(raw):
    """A Rust string literal's text: escapes and line continuations resolved."""
    text = re.sub(r"\\\n\s*", "", raw)
    simple = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}
    return re.sub(
        r"\\(u\{([0-9a-fA-F]+)\}|.)",
        lambda m: chr(int(m.group(2), 16)) if m.group(2) else simple.get(m.group(1), m.group(0)),
        text,
    )


def rust_sources():
    for root, _, files in os.walk(os.path.join(ROOT, "src")):
        for name in sorted(files):
            if name.endswith(".rs"):
                path = os.path.join(root, name)
                text = open(path, encoding="utf-8").read()
                # Comments may show `t!` in an example; they are not shown.
                text = "\n".join(
                    "" if line.lstrip().startswith("//") else line for line in text.split("\n")
                )
                # Tests may use t! with texts of their own; they are not shown.
                cut = text.find("#[cfg(test)]")
                yield path, text if cut < 0 else text[:cut]


def keys_in_code():
    plain, plural = [], []
    for _, text in sorted(rust_sources()):
        for match in T_CALL.finditer(text):
            key = unescape(match.group(1))
            if key not in plain:
                plain.append(key)
        for match in PLURAL_CALL.finditer(text):
            key = unescape(match.group(1))
            if key not in plural:
                plural.append(key)
    reasons = open(os.path.join(ROOT, "src", "proto", "reason.rs"), encoding="utf-8").read()
    start = reasons.index("pub fn meaning(self)")
    end = reasons.find("#[cfg(test)]")
    for raw in re.findall(LITERAL, reasons[start:end if end > 0 else None], re.S):
        key = unescape(raw)
        if len(key) > 3 and key not in plain:
            plain.append(key)
    return plain, plural


def catalogue():
    old = {}
    if os.path.exists(CATALOGUE):
        old = json.load(open(CATALOGUE, encoding="utf-8"))
    plain, plural = keys_in_code()
    out = {key: key for key in plain}
    for key in plural:
        for category in ("one", "other"):
            variant = f"{key}#{category}"
            out[variant] = old.get(variant, key)
    return out


def main():
    text = json.dumps(catalogue(), ensure_ascii=False, indent=2) + "\n"
    if "--check" in sys.argv:
        current = open(CATALOGUE, encoding="utf-8").read() if os.path.exists(CATALOGUE) else ""
        if current != text:
            print("locales/en.json is out of date: run scripts/i18n-catalogue.py", file=sys.stderr)
            sys.exit(1)
        return
    open(CATALOGUE, "w", encoding="utf-8").write(text)
    print(f"locales/en.json: {len(json.loads(text))} texts", file=sys.stderr)


if __name__ == "__main__":
    main()
