"""Where the provider finds its API key and base URL, read at run time in the provider process.

Stack config (`telnyx:apiKey`, `telnyx:baseUrl`) wins over the environment (`TELNYX_API_KEY`,
`TELNYX_BASE_URL`). Nothing here is ever pickled into state: the provider keeps only the raw
config mapping the engine hands it in `configure`, and builds settings per operation.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from pulumi_bulknumbers.errors import UsageError

DEFAULT_BASE_URL = "https://api.telnyx.com/v2"


def is_sandbox_url(base_url: str) -> bool:
    """Whether `base_url` names the embedded sandbox (`sandbox` or `sandbox:PATH`)."""
    return base_url == "sandbox" or base_url.startswith("sandbox:")


@dataclass(frozen=True)
class ProviderSettings:
    """The API key (never shown) and the base URL the provider talks to."""

    base_url: str = DEFAULT_BASE_URL
    api_key: str | None = field(default=None, repr=False)

    @classmethod
    def load(
        cls, config: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None
    ) -> ProviderSettings:
        """Settings from stack config first, then the environment.

        >>> ProviderSettings.load({"telnyx:baseUrl": "sandbox"}, {}).base_url
        'sandbox'
        """
        config = config or {}
        environ = os.environ if environ is None else environ
        base_url = config.get("telnyx:baseUrl") or environ.get("TELNYX_BASE_URL") or ""
        api_key = config.get("telnyx:apiKey") or environ.get("TELNYX_API_KEY") or None
        return cls(base_url=base_url.strip() or DEFAULT_BASE_URL, api_key=api_key)

    def require_key(self) -> str:
        """The API key; the sandbox needs none. A missing key says how to set one."""
        if self.api_key:
            return self.api_key
        if is_sandbox_url(self.base_url):
            return "sandbox"
        raise UsageError(
            "No Telnyx API key: run `pulumi config set --secret telnyx:apiKey <key>` or set "
            "TELNYX_API_KEY in the environment (or set telnyx:baseUrl to 'sandbox' to try the "
            "embedded sandbox without an account)."
        )
