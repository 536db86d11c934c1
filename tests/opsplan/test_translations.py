"""The Simplified Chinese (zh-Hans) catalogue is complete, current with the code, and loaded."""

import gettext as gettext_module
import re
import shutil
from pathlib import Path

import polib
import pytest
from asgiref.local import Local
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from django.utils.translation import trans_real

from tests.conftest import require_service

ROOT = Path(settings.BASE_DIR)
LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
CATALOGUE = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
FIX_HINT = "Run `make messages`, then translate these strings in " + str(
    CATALOGUE.relative_to(ROOT)
) + "."

# What `make messages` ignores, plus a front-end toolchain if one ever appears.
IGNORE_PATTERNS = [".venv/*", "var/*", "node_modules/*"]
# Never copied into the scratch project: environments, caches, run-time data, compiled output.
NOT_COPIED = {".venv", "var", "node_modules", "__pycache__", "test-results"}

PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w+\}")


def _untranslated(catalogue):
    """msgids that have no translation, or only a fuzzy one."""
    missing = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            translated = bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
        else:
            translated = bool(entry.msgstr)
        if not translated or "fuzzy" in entry.flags:
            missing.append(entry.msgid)
    return missing


def _listing(msgids):
    return "\n".join(f"  - {msgid!r}" for msgid in msgids)


def _reset_translation_caches():
    """Forget every loaded catalogue, as Django's own setting_changed handler does."""
    trans_real._translations = {}
    trans_real._default = None
    trans_real._active = Local()
    for name in ("translation_catalog_exists", "check_for_language"):  # Django 6 / earlier
        cached = getattr(trans_real, name, None)
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()
    # Python's gettext keeps parsed .mo files by path; drop ours so a fresh compile is read.
    cache = getattr(gettext_module, "_translations", {})
    for key in list(cache):
        if str(key[-1]).startswith(str(LOCALE_DIR)):
            del cache[key]


def test_zh_hans_catalogue_header():
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.metadata.get("Language") == "zh_Hans"
    assert catalogue.metadata.get("Plural-Forms") == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in catalogue.metadata.get("Content-Type", "")
    assert not catalogue.metadata_is_fuzzy, "the catalogue header is still marked fuzzy"


def test_zh_hans_catalogue_is_fully_translated():
    catalogue = polib.pofile(str(CATALOGUE))
    assert len(catalogue) > 0, f"{CATALOGUE} has no entries"
    missing = _untranslated(catalogue)
    assert not missing, (
        f"{len(missing)} untranslated or fuzzy entr{'y' if len(missing) == 1 else 'ies'} in "
        f"{CATALOGUE.relative_to(ROOT)}:\n{_listing(missing)}\n"
        "Translate them and remove any 'fuzzy' flag."
    )


def test_zh_hans_translations_keep_their_placeholders():
    catalogue = polib.pofile(str(CATALOGUE))
    broken = []
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            pairs = [(entry.msgid_plural, text) for text in entry.msgstr_plural.values()]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, text in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                broken.append(f"{entry.msgid!r} -> {text!r}")
    assert not broken, "translations that lose or change placeholders:\n" + "\n".join(broken)


def test_zh_hans_catalogue_covers_every_string_in_the_code(tmp_path, monkeypatch):
    """Extract the messages afresh, as `make messages` would, and find any left untranslated.

    makemessages writes into whatever `locale` directories it finds below the working
    directory (and puts scratch files beside the templates), so it runs on a copy of the
    project: the working tree is never touched.
    """
    for tool in ("xgettext", "msgmerge", "msguniq"):
        if shutil.which(tool) is None:
            require_service("GNU gettext's xgettext (with msgmerge and msguniq) on PATH")

    project = tmp_path / "project"
    shutil.copytree(
        ROOT, project,
        ignore=lambda _dir, names: [
            n for n in names if n in NOT_COPIED or n.startswith(".") or n.endswith(".mo")
        ],
    )
    scratch_locale = project / LOCALE_DIR.relative_to(ROOT)
    scratch_catalogue = scratch_locale / "zh_Hans" / "LC_MESSAGES" / "django.po"
    before = CATALOGUE.read_bytes()

    monkeypatch.chdir(project)
    with override_settings(LOCALE_PATHS=[scratch_locale]):
        call_command(
            "makemessages", locale=["zh_Hans"], no_obsolete=True, no_location=True,
            ignore_patterns=IGNORE_PATTERNS, verbosity=0,
        )

    assert CATALOGUE.read_bytes() == before, "makemessages wrote into the working tree"
    assert scratch_catalogue.exists(), "makemessages did not write the scratch catalogue"

    catalogues = sorted(project.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))
    problems = []
    for path in catalogues:
        missing = _untranslated(polib.pofile(str(path)))
        if missing:
            problems.append(f"{path.relative_to(project)}:\n{_listing(missing)}")
    assert not problems, (
        "strings in the code have no zh-Hans translation:\n" + "\n".join(problems)
        + f"\n{FIX_HINT}"
    )


@pytest.fixture(scope="module")
def compiled_catalogues():
    """`make install` compiles the .mo files (they are git-ignored); do the same here."""
    call_command("compile_translations")
    _reset_translation_caches()
    yield
    _reset_translation_caches()


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [("Home", "首页"), ("Organisation", "组织架构"),
     ("Operations Planning Committee", "运营策划委员会")],
)
def test_zh_hans_catalogue_is_loaded(compiled_catalogues, msgid, expected):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == expected
    with translation.override("en"):
        assert translation.gettext(msgid) == msgid


def test_zh_hans_plural_uses_the_single_form(compiled_catalogues):
    singular, plural = "%(counter)s member seated.", "%(counter)s members seated."
    with translation.override("zh-hans"):
        for n in (1, 5):
            text = translation.ngettext(singular, plural, n) % {"counter": n}
            assert text == f"委员会现有 {n} 名成员。"


# --- every template's visible text is marked for translation --------------------------------

TEMPLATES_DIR = ROOT / "templates"
# Brand names and the like that are the same in every language.
ALLOWED_WORDS = {"OpsPlan"}
TRANSLATED_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
# Rendered by Django's bare server_error when something is already broken, so written out in
# both languages without template tags: every line with English must carry the Chinese too.
BILINGUAL_BY_DESIGN = {"500.html"}
# Known and reported to their owners; listed here so that nothing new slips in meanwhile.
# A file that becomes clean fails the test until it is removed from this list.
KNOWN_UNTRANSLATED: dict[str, str] = {}
CJK = re.compile(r"[\u4e00-\u9fff]")
_TEXT_FILTER_ARGUMENT = re.compile(r"""\|(default|default_if_none|yesno):("[^"]*"|'[^']*')""")
HOLE = "\ue000"  # stands for a template tag or variable in the text being checked
_ELEMENTS_WITHOUT_TEXT = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>",
                                    re.DOTALL | re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\s(""" + "|".join(TRANSLATED_ATTRIBUTES)
                        + r""")\s*=\s*("[^"]*"|'[^']*')""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>", re.DOTALL)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|\w+);")
_WORD = re.compile(r"[^\W\d_]+")


def _blank(match):
    """The same number of lines, so that positions keep their line numbers."""
    return "\n" * match.group(0).count("\n")


def _template_text(source: str) -> str:
    """The template's literal text: tags, variables and comments become holes, and the text
    inside {% translate %} / {% blocktranslate %} … {% endblocktranslate %} and
    {% comment %} … {% endcomment %} is dropped."""
    from django.template.base import DebugLexer, TokenType

    parts = []
    skipping = None  # the tag that ends the block being skipped
    for token in DebugLexer(source).tokenize():  # DebugLexer: tokens know their position
        start, end = token.position
        newlines = "\n" * source.count("\n", start, end)
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(" ", 1)[0] if token.contents else ""
            if skipping is None and name in ("blocktranslate", "blocktrans"):
                skipping = ("endblocktranslate", "endblocktrans")
            elif skipping is None and name == "comment":
                skipping = ("endcomment",)
            elif skipping is not None and name in skipping:
                skipping = None
            parts.append(HOLE + newlines)
        elif token.token_type == TokenType.TEXT and skipping is None:
            parts.append(token.contents)
        elif token.token_type == TokenType.VAR and skipping is None:
            # literal text a filter shows ({{ x|default:"none" }}) counts as visible text
            shown = " ".join(m.group(2)[1:-1] for m in
                             _TEXT_FILTER_ARGUMENT.finditer(token.contents))
            parts.append(HOLE + shown + HOLE + newlines)
        else:
            parts.append((HOLE if skipping is None else "") + newlines)
    return "".join(parts)


def _words(text: str) -> list[str]:
    text = _ENTITY.sub(" ", text.replace(HOLE, " "))
    return [w for w in _WORD.findall(text) if w not in ALLOWED_WORDS]


def untranslated_text(source: str) -> list[tuple[int, str]]:
    """(line, text) of every piece of user-visible text not marked for translation."""
    text = _ELEMENTS_WITHOUT_TEXT.sub(_blank, _template_text(source))
    found = []
    for match in _ATTRIBUTE.finditer(text):
        words = _words(match.group(2)[1:-1])
        if words:
            line = text.count("\n", 0, match.start()) + 1
            found.append((line, f'{match.group(1)}={match.group(2)}'))
    text = _TAG.sub(_blank, text)
    for number, line in enumerate(text.split("\n"), start=1):
        if _words(line):
            found.append((number, " ".join(line.replace(HOLE, " ").split())))
    return found


def test_the_template_checker_finds_what_it_should():
    source = ("{% load i18n %}<h1>{% translate 'Plans' %}</h1>\n<p>Bare text</p>\n"
              "<input placeholder=\"Type here\" title=\"{% translate 'Ok' %}\">\n"
              "<script nonce=\"{{ n }}\">var words = 1;</script><!-- a note -->\n"
              "{% blocktranslate %}Hello {{ x }}{% endblocktranslate %} OpsPlan &amp; 42 ·\n"
              "{% comment %}Not shown{% endcomment %}{# nor this #}<img alt='A chart'>\n"
              "{{ when|date:'Y-m-d' }} {{ who|default:'nobody' }}")
    assert untranslated_text(source) == [(3, 'placeholder="Type here"'), (6, "alt='A chart'"),
                                         (2, "Bare text"), (7, "nobody")]


def test_every_template_text_is_marked_for_translation():
    problems, still_known = [], set()
    for path in sorted(TEMPLATES_DIR.rglob("*.html")):
        name = str(path.relative_to(TEMPLATES_DIR))
        for line, text in untranslated_text(path.read_text(encoding="utf-8")):
            if name in BILINGUAL_BY_DESIGN and CJK.search(text):
                continue
            if name in KNOWN_UNTRANSLATED:
                still_known.add(name)
                continue
            problems.append(f"  {path.relative_to(ROOT)}:{line}: {text[:100]}")
    fixed = set(KNOWN_UNTRANSLATED) - still_known
    assert not fixed, f"now fully marked for translation, drop from KNOWN_UNTRANSLATED: {fixed}"
    assert not problems, (
        "text in templates that is not marked for translation (use {% translate %} or "
        "{% blocktranslate %}):\n" + "\n".join(problems))
