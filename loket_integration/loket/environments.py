"""Where Loket lives: the API base URL and the OAuth server of each environment."""

from dataclasses import dataclass


@dataclass(frozen=True)
class LoketEnvironment:
    name: str
    api_url: str  # ends in /v2, no trailing slash
    oauth_url: str  # serves /authorize and /token

    @classmethod
    def custom(cls, api_url, oauth_url):
        """An explicit pair of base URLs (Loket's other environments, simulators, tests)."""
        if not api_url or not oauth_url:
            raise ValueError("A custom Loket environment needs both an API and an OAuth URL")
        return cls("custom", api_url.rstrip("/"), oauth_url.rstrip("/"))

    @property
    def authorize_url(self):
        return f"{self.oauth_url}/authorize"

    @property
    def token_url(self):
        return f"{self.oauth_url}/token"


PRODUCTION = LoketEnvironment("production", "https://api.loket.nl/v2", "https://oauth.loket.nl")
ACCEPTANCE = LoketEnvironment("acceptance", "https://api.loket-acc.nl/v2", "https://oauth.loket-acc.nl")
ENVIRONMENTS = {env.name: env for env in (PRODUCTION, ACCEPTANCE)}
