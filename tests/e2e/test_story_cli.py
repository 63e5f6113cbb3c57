"""The whole centralized-root-access story with the unchanged AWS CLI (and curl for the root
user's JSON endpoints), against `orgroot server --demo`.

`CliStory` replays docs/walkthrough.md step by step with precise assertions (each step needs the
ones before it; a step whose predecessor failed is skipped). `WalkthroughAsWritten` runs the
walkthrough's own shell blocks, unchanged but for the endpoint and data directory, and checks that
exactly the commands it marks `# fails:` fail.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unittest
from pathlib import Path
import urllib.parse

from demo_story import BUCKET, IAM_SP, OBJECT_KEY, QUEUE, ROOTS, SUMMARY_KEYS, TASK, DemoStoryCase
from harness import REPO_ROOT, Creds, Server, aws_env

WALKTHROUGH = REPO_ROOT / "docs" / "walkthrough.md"


class CliStory(DemoStoryCase):
    # -- helpers ----------------------------------------------------------------------------
    def ok(self, *args: str, creds: Creds | None = None):
        res = self.server.aws(*args, creds=creds)
        self.assertEqual(res.returncode, 0, str(res))
        return res.json

    def fails(self, *args: str, code: str, message: str | None = None, creds: Creds | None = None):
        res = self.server.aws(*args, creds=creds)
        self.assertCliError(res, code, message=message)
        return res

    def role(self, profile: str) -> Creds:
        c = self.ok("sts", "assume-role", "--role-arn",
                    f"arn:aws:iam::{self.accounts[profile]}:role/OrganizationAccountAccessRole",
                    "--role-session-name", f"cli-{profile}")["Credentials"]
        return Creds.from_sts(c)

    def assume_root(self, profile: str, task: str, caller: Creds | None = None) -> Creds:
        out = self.ok("sts", "assume-root", "--target-principal", self.accounts[profile],
                      "--task-policy-arn", f"arn={TASK}{task}", creds=caller)
        self.assertRegex(out["Credentials"]["AccessKeyId"], r"^ASIA[A-Z0-9]{16}$")
        return Creds.from_sts(out["Credentials"])

    def summary(self, creds: Creds) -> tuple[int, ...]:
        m = self.ok("iam", "get-account-summary", creds=creds)["SummaryMap"]
        return tuple(m[k] for k in SUMMARY_KEYS)

    def curl(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        """The root user's JSON endpoints, with curl as docs/walkthrough.md calls them."""
        curl = shutil.which("curl")
        if curl is None:
            self.skipTest("curl is not installed")
        argv = [curl, "-s", "-w", "\n%{http_code}", "-X", method, self.server.endpoint + path]
        if body is not None:
            argv += ["-H", "Content-Type: application/json", "-d", json.dumps(body)]
        p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        text, _, status = p.stdout.rpartition("\n")
        return int(status), json.loads(text) if text.strip() else None

    def mailbox(self, profile: str) -> list:
        status, msgs = self.curl("GET", "/_orgroot/mailbox/" + urllib.parse.quote(self.email(profile)))
        self.assertEqual(status, 200)
        return msgs

    # -- the story --------------------------------------------------------------------------
    def test_01_look_around(self):
        org = self.ok("organizations", "describe-organization")["Organization"]
        self.assertEqual(org["Id"], self.org_id)
        self.assertEqual(org["FeatureSet"], "ALL")
        accounts = self.ok("organizations", "list-accounts")["Accounts"]
        self.assertEqual(len(accounts), 9)
        names = {a["Name"] for a in accounts}
        self.assertTrue({"Security", "Payments Prod", "Data Platform Prod", "Sandbox Bob"} <= names, names)
        self.fails("iam", "list-organizations-features", code="ServiceAccessNotEnabledException",
                   message=f"Trusted Access for IAM not enabled by organization of input account "
                           f"{self.server.account_id}.")
        self.passed.add("look")

    def test_02_enable_everything(self):
        self.needs("look")
        self.ok("organizations", "enable-aws-service-access", "--service-principal", IAM_SP)
        out = self.ok("iam", "enable-organizations-root-credentials-management")
        self.assertEqual(out["EnabledFeatures"], ["RootCredentialsManagement"])
        out = self.ok("iam", "enable-organizations-root-sessions")
        self.assertEqual(out, {"OrganizationId": self.org_id,
                               "EnabledFeatures": ["RootSessions", "RootCredentialsManagement"]})
        self.ok("organizations", "register-delegated-administrator", "--account-id",
                self.accounts["security"], "--service-principal", IAM_SP)
        admins = self.ok("organizations", "list-delegated-administrators")["DelegatedAdministrators"]
        self.assertEqual([a["Id"] for a in admins], [self.accounts["security"]])
        self.passed.add("enabled")

    def test_03_audit_every_member(self):
        self.needs("enabled")
        security = self.role("security")
        for profile, expected in ROOTS.items():
            with self.subTest(member=profile):
                sec = self.secrets[profile]
                audit = self.assume_root(profile, "IAMAuditRootUserCredentials", security)
                self.assertEqual(self.summary(audit), expected)
                keys = self.ok("iam", "list-access-keys", creds=audit)["AccessKeyMetadata"]
                self.assertEqual([k["AccessKeyId"] for k in keys], [sec["aws_access_key_id"]] if expected[1] else [])
                mfa = self.ok("iam", "list-mfa-devices", creds=audit)["MFADevices"]
                self.assertEqual([m["SerialNumber"] for m in mfa], [sec["root_mfa_serial"]] if expected[2] else [])
                certs = self.ok("iam", "list-signing-certificates", creds=audit)["Certificates"]
                self.assertEqual([c["CertificateId"] for c in certs],
                                 [sec["root_signing_certificate_id"]] if expected[3] else [])
                if expected[0]:
                    lp = self.ok("iam", "get-login-profile", creds=audit)["LoginProfile"]
                    self.assertNotIn("UserName", lp)
                else:
                    self.fails("iam", "get-login-profile", creds=audit, code="NoSuchEntity",
                               message="Login Profile for User null cannot be found.")
        self.passed.add("audited")

    def test_04_delete_root_credentials(self):
        self.needs("audited")
        sec = self.secrets["payments-prod"]
        old_key = Creds(sec["aws_access_key_id"], sec["aws_secret_access_key"])
        who = self.ok("sts", "get-caller-identity", creds=old_key)
        self.assertEqual(who["Arn"], f"arn:aws:iam::{self.accounts['payments-prod']}:root")

        delete = self.assume_root("payments-prod", "IAMDeleteRootUserCredentials")
        self.ok("iam", "delete-login-profile", creds=delete)
        self.ok("iam", "delete-access-key", "--access-key-id", sec["aws_access_key_id"], creds=delete)
        self.ok("iam", "delete-signing-certificate", "--certificate-id", sec["root_signing_certificate_id"],
                creds=delete)
        self.ok("iam", "deactivate-mfa-device", "--serial-number", sec["root_mfa_serial"], creds=delete)
        audit = self.assume_root("payments-prod", "IAMAuditRootUserCredentials")
        self.assertEqual(self.summary(audit), (0, 0, 0, 0))

        # Sign-in, password recovery and the old root access key all fail now.
        status, body = self.curl("POST", "/_orgroot/root/signin",
                                 {"email": self.email("payments-prod"), "password": sec["root_password"]})
        self.assertEqual((status, body["code"]), (403, "NoRootCredentials"), body)
        status, body = self.curl("POST", "/_orgroot/root/forgot-password", {"email": self.email("payments-prod")})
        self.assertEqual((status, body["code"]), (403, "PasswordRecoveryNotAllowed"), body)
        self.fails("sts", "get-caller-identity", creds=old_key, code="InvalidClientTokenId",
                   message="The security token included in the request is invalid.")
        self.passed.add("deleted")

    def test_05_allow_recovery(self):
        self.needs("deleted")
        create = self.assume_root("payments-prod", "IAMCreateRootUserPassword")
        lp = self.ok("iam", "create-login-profile", creds=create)["LoginProfile"]
        self.assertEqual(set(lp), {"CreateDate", "PasswordResetRequired"})
        status, body = self.curl("POST", "/_orgroot/root/forgot-password", {"email": self.email("payments-prod")})
        self.assertEqual(status, 200, body)
        token = self.mailbox("payments-prod")[-1]["Token"]
        status, body = self.curl("POST", "/_orgroot/root/reset-password",
                                 {"token": token, "newPassword": "Recovered-Root-2!"})
        self.assertEqual(status, 200, body)
        status, body = self.curl("POST", "/_orgroot/root/signin",
                                 {"email": self.email("payments-prod"), "password": "Recovered-Root-2!"})
        self.assertEqual(status, 200, body)
        who = self.ok("sts", "get-caller-identity", creds=Creds.from_sts(body["Credentials"]))
        self.assertEqual(who["Arn"], f"arn:aws:iam::{self.accounts['payments-prod']}:root")
        self.passed.add("recovered")

    def test_06_unlock_bucket_and_queue(self):
        self.needs("enabled")
        role = self.role("data-prod")
        self.fails("s3api", "get-bucket-policy", "--bucket", BUCKET, creds=role, code="AccessDenied")
        unlock = self.assume_root("data-prod", "S3UnlockBucketPolicy")
        policy = json.loads(self.ok("s3api", "get-bucket-policy", "--bucket", BUCKET, creds=unlock)["Policy"])
        self.assertEqual(policy["Statement"][0]["Effect"], "Deny")
        self.ok("s3api", "delete-bucket-policy", "--bucket", BUCKET, creds=unlock)
        self.fails("s3api", "get-bucket-policy", "--bucket", BUCKET, creds=unlock, code="NoSuchBucketPolicy")
        out = self.ok("s3api", "list-objects-v2", "--bucket", BUCKET, creds=role)
        self.assertEqual([o["Key"] for o in out["Contents"]], [OBJECT_KEY])

        url = self.secrets["data-prod"]["locked_queue_url"]
        self.fails("sqs", "receive-message", "--queue-url", url, creds=role, code="AccessDenied")
        unlock = self.assume_root("data-prod", "SQSUnlockQueuePolicy")
        self.assertEqual(self.ok("sqs", "get-queue-url", "--queue-name", QUEUE, creds=unlock)["QueueUrl"], url)
        self.ok("sqs", "set-queue-attributes", "--queue-url", url, "--attributes", '{"Policy":""}', creds=unlock)
        attrs = self.ok("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "Policy",
                        creds=unlock)
        self.assertNotIn("Policy", (attrs or {}).get("Attributes", {}))
        msgs = self.ok("sqs", "receive-message", "--queue-url", url, creds=role)["Messages"]
        self.assertEqual([json.loads(m["Body"])["orderId"] for m in msgs], [1003])
        self.passed.add("unlocked")

    def test_07_the_trail(self):
        self.needs("recovered", "unlocked")

        def lookup(name: str, creds: Creds | None = None) -> list[dict]:
            out = self.ok("cloudtrail", "lookup-events", "--lookup-attributes",
                          f"AttributeKey=EventName,AttributeValue={name}", creds=creds)
            return [json.loads(e["CloudTrailEvent"]) for e in out["Events"]]

        assumed = {(e["requestParameters"]["targetPrincipal"], e["requestParameters"]["taskPolicyArn"]["arn"])
                   for e in lookup("AssumeRoot")}
        self.assertIn((self.accounts["payments-prod"], TASK + "IAMDeleteRootUserCredentials"), assumed)
        self.assertIn((self.accounts["data-prod"], TASK + "S3UnlockBucketPolicy"), assumed)
        audited = {e["requestParameters"]["targetPrincipal"] for e in lookup("AssumeRoot", self.role("security"))}
        self.assertEqual(audited, {self.accounts[p] for p in ROOTS})

        payments = self.role("payments-prod")
        for name in ("DeleteLoginProfile", "DeleteAccessKey", "CreateLoginProfile"):
            roots = [e for e in lookup(name, payments) if e["userIdentity"]["type"] == "Root"
                     and e["userIdentity"].get("sessionContext", {}).get("assumedRoot") == "true"]
            self.assertEqual(len(roots), 1, name)
        logins = [e["responseElements"]["ConsoleLogin"] for e in lookup("ConsoleLogin", payments)]
        self.assertIn("Failure", logins)
        self.assertIn("Success", logins)
        data = self.role("data-prod")
        for name in ("DeleteBucketPolicy", "SetQueueAttributes"):
            roots = [e for e in lookup(name, data) if e["userIdentity"]["type"] == "Root"]
            self.assertEqual(len(roots), 1, name)


# ---------------------------------------------------------------------------------------
# docs/walkthrough.md, run as written
# ---------------------------------------------------------------------------------------
DOC_ENDPOINT = "http://127.0.0.1:4570"
DOC_DATA_DIR = "./orgroot-data"
FAILS_MARK = re.compile(r"#\s*fails:\s*([A-Za-z]+)")


def depth_change(code: str) -> int:
    """How a line opens (+) or closes (-) a for/while/until/if block or a { } body."""
    d = 0
    if re.match(r"(for|while|until|if)\b", code):
        d += 1
    if code.endswith("{"):
        d += 1
    if re.search(r"(^|;\s*)(done|fi)\b", code):
        d -= 1
    if code.startswith("}"):
        d -= 1
    return d


def walkthrough_commands(path: Path = WALKTHROUGH) -> list[str]:
    """A document's ```bash blocks as top-level commands: a command goes on while a line
    ends with a backslash or a for/while/if/{ block is open."""
    text = path.read_text(encoding="utf-8")
    commands: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        current: list[str] = []
        depth = 0
        for line in block.splitlines():
            stripped = line.strip()
            if not current and (not stripped or stripped.startswith("#")):
                continue
            current.append(line)
            depth += depth_change(stripped.split(" #")[0].rstrip())
            if depth <= 0 and not line.rstrip().endswith("\\"):
                commands.append("\n".join(current))
                current, depth = [], 0
        if current:
            commands.append("\n".join(current))
    return commands


class WalkthroughAsWritten(unittest.TestCase):
    """Every command of docs/walkthrough.md (and of the README's story), in order, in one shell,
    against a fresh --demo server: the commands marked `# fails: CODE` must fail (and say CODE),
    all others succeed."""

    def test_every_command_of_the_walkthrough(self):
        self._run_as_written(WALKTHROUGH, 30)

    def test_every_command_of_the_readme_story(self):
        self._run_as_written(REPO_ROOT / "README.md", 25)

    def _run_as_written(self, path: Path, at_least: int):
        for tool in ("curl", "jq", "aws"):
            if shutil.which(tool) is None:
                self.skipTest(f"the walkthrough uses {tool}")
        commands = walkthrough_commands(path)
        self.assertGreater(len(commands), at_least)
        server = Server(demo=True, admin=None)
        try:
            server.start()
            script = ["set -u"]
            for i, c in enumerate(commands):
                c = c.replace(DOC_ENDPOINT, server.endpoint).replace(DOC_DATA_DIR, str(server.data_dir))
                script += [f"printf '\\n__CMD__ {i}\\n'; printf '\\n__CMD__ {i}\\n' >&2", c,
                           f"__rc=$?; printf '\\n__RC__ {i} %d\\n' $__rc >&2"]
            env = aws_env(None)
            for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION"):
                env.pop(k, None)
            p = subprocess.run(["bash", "-c", "\n".join(script)], capture_output=True, text=True,
                               timeout=900, cwd=str(server.data_dir.parent), env=env)
            rcs = {int(m.group(1)): int(m.group(2)) for m in re.finditer(r"^__RC__ (\d+) (\d+)$", p.stderr, re.M)}
            stderr_of = dict(zip(range(len(commands)), re.split(r"^__CMD__ \d+$", p.stderr, flags=re.M)[1:]))
            for i, c in enumerate(commands):
                with self.subTest(command=c.splitlines()[0][:100]):
                    self.assertIn(i, rcs, f"the script stopped before this command\n{p.stderr[-3000:]}")
                    mark = FAILS_MARK.search(c)
                    if mark:
                        self.assertNotEqual(rcs[i], 0, f"should fail with {mark.group(1)}")
                        self.assertIn(mark.group(1), stderr_of.get(i, "") + self._stdout_of(p.stdout, i))
                    else:
                        self.assertEqual(rcs[i], 0, stderr_of.get(i, "")[-2000:])
        finally:
            server.close()

    @staticmethod
    def _stdout_of(stdout: str, i: int) -> str:
        parts = re.split(r"^__CMD__ (\d+)$", stdout, flags=re.M)
        for k in range(1, len(parts) - 1, 2):
            if int(parts[k]) == i:
                return parts[k + 1]
        return ""


if __name__ == "__main__":
    unittest.main()
