"""The translation template is Odoo's own export of the module's terms, and Dutch covers all of it."""

import re
from collections import Counter

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

from ..odoo_version import SERIES

MODULE = "loket_integration"
REDO = "run `python3 scripts/export_pot.py`, then translate the new terms in i18n/nl.po"
# The .pot is the union of the Odoo versions' exports (scripts/export_pot.py): a term only one
# version exports (an inherited help text, a template's tags written another way) is marked so.
ONLY_ON = "only on Odoo "

# What a translation carries over unchanged: printf placeholders, inline templates, HTML/QWeb tags.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdrf]|%[sdrf]|\{\{.*?\}\}|<[^>]*>", re.DOTALL)
# A named placeholder is code, not Dutch: %(mapping)s is no "mapp..." word.
NAMED_PLACEHOLDER = re.compile(r"%\(\w+\)[sdrf]")
# Attributes that are words for people (a tooltip, a screen reader's label): Dutch inside a tag.
WORDS_IN_TAG = re.compile(r'\b(title|aria-label|alt|placeholder)="[^"]*"')


def _carried(text):
    """The placeholders and tags a translation must keep, with the tags' words left out."""
    return Counter(WORDS_IN_TAG.sub(r'\1=""', found) for found in PLACEHOLDER.findall(text))


# One Dutch word for one thing: words that must not appear in a translation, and the word to use.
NOT_IN_DUTCH = {
    r"\bmedewerker": "werknemer (Odoo's word for employee)",
    r"\b(ge)?koppel(en|d|de|t)?\b": "verbinden (connect) or toewijzen (map); 'koppeling' is the integration",
    r"\bontkoppel": "verbinding verbreken (disconnect)",
    r"\bmapp": "toewijzen / toewijzing (map / mapping)",
    r"\buurcode": "urencode (hour code)",
    r"\bsalarisadministratie": "loonadministratie (payroll administration)",
    r"\bsalariscomponent|\bloonbestanddeel": "looncomponent (payroll or wage component)",
    r"\bsync\b": "synchronisatie (sync)",
    # "Taak" is Odoo's project task, beside which the runs are listed: a run is a verwerking.
    # (Odoo's task itself, "Taak", and the hour codes of a task and its project keep it.)
    r"^(?!Taak$)(?![^\n]*\b(project|urenstaat))[^\n]*\b(loket-|achtergrond|ophaal|toepassings)?(taak|taken)\b": (
        "verwerking (a Loket run)"
    ),
}


def _listed(title, terms):
    return f"{title} ({len(terms)}):\n" + "\n".join(f"  {term!r}" for term in terms)


@tagged("post_install", "-at_install")
class TestDutch(TransactionCase):
    module = MODULE  # an addon of this repository: the journal addon's tests check its own Dutch too

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pot = polib.pofile(file_path(f"{cls.module}/i18n/{cls.module}.pot"))
        cls.nl = polib.pofile(file_path(f"{cls.module}/i18n/nl.po"))
        cls.pot_ids = {entry.msgid for entry in cls.pot if not entry.obsolete}
        cls.other_versions_ids = {
            entry.msgid for entry in cls.pot if ONLY_ON in entry.comment and f"{ONLY_ON}{SERIES}" not in entry.comment
        }

    def test_pot_is_odoos_export_of_the_code(self):
        reader = TranslationModuleReader(self.env.cr, modules=[self.module])
        terms = {source for module, _type, _name, _res_id, source, _value, _comments in reader if module == self.module}
        self.assertGreater(len(terms), 100)  # the reader found the module's fields, views and messages
        missing = sorted(terms - self.pot_ids)
        obsolete = sorted(self.pot_ids - terms - self.other_versions_ids)
        self.assertFalse(
            missing or obsolete,
            f"i18n/{self.module}.pot is out of date with the code: {REDO}.\n"
            + _listed("Terms of the code missing from the .pot", missing)
            + "\n"
            + _listed("Terms of the .pot no longer in the code", obsolete),
        )

    def test_dutch_translates_every_term(self):
        dutch = {entry.msgid: entry for entry in self.nl if not entry.obsolete}
        untranslated = sorted(
            msgid
            for msgid in self.pot_ids
            if msgid not in dutch or not dutch[msgid].msgstr.strip() or dutch[msgid].fuzzy
        )
        stale = sorted(set(dutch) - self.pot_ids)
        self.assertFalse(
            untranslated or stale,
            f"i18n/nl.po does not match the .pot: {REDO}.\n"
            + _listed("Terms without a (non-fuzzy) Dutch translation", untranslated)
            + "\n"
            + _listed("Dutch terms the .pot no longer has", stale),
        )

    def test_dutch_keeps_placeholders_and_tags(self):
        broken = [
            f"{entry.msgid!r}\n    -> {entry.msgstr!r}"
            for entry in self.nl
            if entry.msgstr and _carried(entry.msgid) != _carried(entry.msgstr)
        ]
        self.assertFalse(broken, _listed("Translations that lose or change placeholders or tags", broken))

    def test_dutch_uses_one_word_for_one_thing(self):
        wrong = [
            f"{entry.msgstr!r}: use {word}"
            for entry in self.nl
            for pattern, word in NOT_IN_DUTCH.items()
            if re.search(pattern, NAMED_PLACEHOLDER.sub("", entry.msgstr), re.IGNORECASE)
        ]
        self.assertFalse(wrong, _listed("Words outside the glossary at the top of i18n/nl.po", wrong))

    def test_odoo_shows_the_dutch_of_every_term(self):
        """Loaded the way Odoo loads it, nl.po gives every record, view and message its Dutch text."""
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["ir.module.module"]._load_module_terms([self.module], ["nl_NL"], overwrite=True)
        expected = {entry.msgid: entry.msgstr for entry in self.nl if entry.msgstr and not entry.fuzzy}
        reader = TranslationModuleReader(self.env.cr, modules=[self.module], lang="nl_NL")
        not_shown = sorted(
            {
                f"{name} {res_id}: {source!r}"
                for module, _type, name, res_id, source, value, _comments in reader
                if module == self.module and source in expected and (value or source) != expected[source]
            }
        )
        self.assertFalse(not_shown, _listed("Terms Odoo does not show in Dutch after loading nl.po", not_shown))
