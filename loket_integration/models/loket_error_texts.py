"""Loket's failures in the reader's language.

The client (``loket/``) knows no Odoo: its errors carry an English text for the log and a
``kind``. Here each kind becomes a sentence of the reader's language (the environment's);
Loket's own words, when it gave any, follow unchanged (they are Loket's, in Dutch), and so
does, for the kinds that have one, what the client recorded (a status, a count of lines)."""

from odoo import models

# Kinds whose client text holds what the sentence cannot (Loket's status after the retries, the
# lines it left out): that text follows the sentence, as the technical record. The others' text
# only repeats the sentence in English.
DETAILED = {"failed", "refused", "not_found", "forbidden", "rate_limited", "server_error", "not_json", "partial_answer"}


class LoketIntegration(models.Model):
    # One concept per file: how Loket's failures are worded lives in a file of its own.
    _inherit = "loket.integration"  # pylint: disable=consider-merging-classes-inherited

    def _loket_error_reason(self, exc):
        """What failed, for a person: the sentence of ``exc``'s kind, then what Loket said."""
        texts = {
            "failed": self.env._("The request to Loket failed."),
            "credentials": self.env._("Loket rejected the login."),
            "client_rejected": self.env._("Loket rejected the client id or secret (Settings → Loket.nl)."),
            "refresh_token": self.env._("Loket rejected the refresh token; the integration must be connected again."),
            "no_refresh_token": self.env._("The integration has no Loket login; connect it first."),
            "forbidden": self.env._("The Loket user has no rights for this request."),
            "not_found": self.env._("Loket does not know what was asked."),
            "refused": self.env._("Loket refused the request."),
            "rate_limited": self.env._("Loket's limit of requests was reached; try again in a few minutes."),
            "server_error": self.env._("Loket had an internal error; try again later."),
            "unreachable": self.env._("Loket could not be reached. Check the internet connection or try again later."),
            "not_json": self.env._("Loket's answer was not what its API describes; try again later."),
            "partial_answer": self.env._("Loket answered only part of what was asked; try again later."),
        }
        kind = getattr(exc, "kind", None)
        reason = texts.get(kind) or exc.text
        if kind in DETAILED and exc.text != type(exc).default_text:
            reason = f"{reason} ({exc.text})"  # what the client saw (a status, a count): the record of it
        said = getattr(exc, "loket_text", "")
        return self.env._("%(reason)s Loket said: %(text)s", reason=reason, text=said) if said else reason
