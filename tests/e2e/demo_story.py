"""What the two story suites share (test_story with boto3, test_story_cli with the AWS CLI): the
organization `orgroot server --demo` seeds (docs/walkthrough.md) and the step-by-step bookkeeping.
"""

from __future__ import annotations

from harness import ServerTestCase

TASK = "arn:aws:iam::aws:policy/root-task/"
IAM_SP = "iam.amazonaws.com"
BUCKET = "data-prod-reports"
QUEUE = "data-prod-orders"
OBJECT_KEY = "reports/2024-10-orders.csv"

# What --demo gives each member's root (docs/walkthrough.md): password, access key, MFA, signing certificate.
ROOTS = {
    "payments-prod": (1, 1, 1, 1),
    "storefront-prod": (1, 0, 1, 0),
    "data-prod": (0, 0, 0, 0),
    "payments-dev": (1, 0, 0, 0),
    "storefront-dev": (0, 0, 0, 1),
    "sandbox-alice": (1, 1, 0, 0),
    "sandbox-bob": (0, 1, 0, 0),
}
SUMMARY_KEYS = ("AccountPasswordPresent", "AccountAccessKeysPresent", "AccountMFAEnabled",
                "AccountSigningCertificatesPresent")


class DemoStoryCase(ServerTestCase):
    """One --demo server for the class and what its DIR/demo.txt says: `secrets` (section -> keys),
    `accounts` (member profile -> account id), `org_id` and `mgmt` (the management account).

    The tests are the story's steps in order: each marks its step done, and one whose earlier steps
    are not all done skips (so the first failure is the one to read)."""

    server_kwargs = {"demo": True}
    passed: set

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.passed = set()
        cls.secrets = cls.server.demo_secrets()
        cls.accounts = {name: sec["account_id"] for name, sec in cls.secrets.items()
                        if name != "organization"}
        cls.org_id = cls.secrets["organization"]["organization_id"]
        cls.mgmt = cls.secrets["organization"]["management_account_id"]

    # -- step bookkeeping ------------------------------------------------------------------
    def needs(self, *steps: str) -> None:
        missing = [s for s in steps if s not in self.passed]
        if missing:
            self.skipTest(f"needs the earlier step(s) {', '.join(missing)}")

    def done(self, step: str) -> None:
        self.passed.add(step)

    def email(self, profile: str) -> str:
        """The root user's email address of a member."""
        return self.secrets[profile]["root_email"]
