"""CloudTrail LookupEvents over orgroot's audit trail: boto3 and the AWS CLI against the real binary.

Every call that passed authentication is recorded (successes, handler errors and authorization
denials); a call signed with an unknown key is recorded nowhere.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import unittest

from harness import (ASIA_RE, DEFAULT_ACCOUNT, UUID_RE, Creds, ServerTestCase,
                     random_access_key_id, random_secret)

from botocore.exceptions import ClientError  # noqa: E402  (after harness)

ATTRIBUTE_KEYS = ("EventId", "EventName", "ReadOnly", "Username", "ResourceType",
                  "ResourceName", "EventSource", "AccessKeyId")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class CloudTrailLookupTest(ServerTestCase):
    """One server; setUpClass makes the calls, the tests look them up."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        s = cls.server
        cls.started = utcnow().replace(microsecond=0) - dt.timedelta(seconds=1)
        sts = s.client("sts")
        iam = s.client("iam")
        cls.identity = sts.get_caller_identity()
        cls.session = Creds.from_sts(sts.get_session_token(DurationSeconds=900)["Credentials"])
        s.client("sts", cls.session).get_caller_identity()
        iam.create_user(UserName="ct-bob")
        key = iam.create_access_key(UserName="ct-bob")["AccessKey"]
        cls.bob = Creds(key["AccessKeyId"], key["SecretAccessKey"])
        cls.bob_secret = key["SecretAccessKey"]
        cls.denied = None
        for _ in range(20):  # a fresh key may take a moment to be usable
            try:
                s.client("sts", cls.bob).get_caller_identity()
                break
            except ClientError:
                time.sleep(0.1)
        try:
            s.client("iam", cls.bob).list_users()
        except ClientError as e:
            cls.denied = e.response["Error"]["Code"]
        # Handler error: a user that does not exist.
        try:
            iam.get_user(UserName="ct-nobody")
        except ClientError:
            pass
        # Unknown key: authentication fails, nothing is recorded.
        cls.unknown_key = random_access_key_id()
        try:
            s.client("sts", Creds(cls.unknown_key, random_secret())).get_caller_identity()
        except ClientError as e:
            cls.unknown_error = e.response["Error"]["Code"]

    def ct(self, creds=None):
        return self.server.client("cloudtrail", creds)

    def lookup(self, key=None, value=None, creds=None, **kw):
        if key is not None:
            kw["LookupAttributes"] = [{"AttributeKey": key, "AttributeValue": value}]
        events = []
        for page in self.ct(creds).get_paginator("lookup_events").paginate(**kw):
            events += page["Events"]
        return events

    @staticmethod
    def record(event) -> dict:
        return json.loads(event["CloudTrailEvent"])

    # -- what is recorded ---------------------------------------------------------------
    def test_get_caller_identity_record(self):
        events = self.lookup("EventName", "GetCallerIdentity")
        self.assertGreaterEqual(len(events), 2)
        mine = [e for e in events if e.get("AccessKeyId") == self.server.admin.access_key_id]
        self.assertTrue(mine, events)
        e = mine[-1]
        self.assertEqual(e["EventSource"], "sts.amazonaws.com")
        self.assertEqual(e["ReadOnly"], "true")
        self.assertEqual(e["Username"], "admin")
        self.assertIsInstance(e["EventTime"], dt.datetime)
        self.assertRegex(e["EventId"], UUID_RE)
        r = self.record(e)
        self.assertEqual(r["eventID"], e["EventId"])
        self.assertEqual(r["eventVersion"], "1.10")
        self.assertEqual(r["eventName"], "GetCallerIdentity")
        self.assertEqual(r["eventType"], "AwsApiCall")
        self.assertEqual(r["eventCategory"], "Management")
        self.assertIs(r["managementEvent"], True)
        self.assertIs(r["readOnly"], True)
        self.assertEqual(r["recipientAccountId"], DEFAULT_ACCOUNT)
        self.assertEqual(r["awsRegion"], "us-east-1")
        self.assertEqual(r["sourceIPAddress"], "127.0.0.1")
        self.assertIn("Boto3", r["userAgent"])
        self.assertRegex(r["eventTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        ui = r["userIdentity"]
        self.assertEqual(ui["type"], "IAMUser")
        self.assertEqual(ui["arn"], self.identity["Arn"])
        self.assertEqual(ui["principalId"], self.identity["UserId"])
        self.assertEqual(ui["accountId"], DEFAULT_ACCOUNT)
        self.assertEqual(ui["userName"], "admin")
        self.assertEqual(ui["accessKeyId"], self.server.admin.access_key_id)
        self.assertNotIn("sessionContext", ui)

    def test_get_session_token_record_has_no_secret(self):
        events = self.lookup("EventName", "GetSessionToken")
        self.assertEqual(len(events), 1)
        r = self.record(events[0])
        creds = r["responseElements"]["credentials"]
        self.assertEqual(creds["accessKeyId"], self.session.access_key_id)
        self.assertEqual(creds["sessionToken"], self.session.session_token)
        self.assertRegex(creds["expiration"], r"^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d:\d\d [AP]M$")
        self.assertNotIn("secretAccessKey", creds)
        self.assertNotIn(self.session.secret_access_key, events[0]["CloudTrailEvent"])
        self.assertEqual(r["requestParameters"], {"durationSeconds": 900})

    def test_session_calls_carry_the_session_key(self):
        events = self.lookup("AccessKeyId", self.session.access_key_id)
        self.assertEqual([e["EventName"] for e in events], ["GetCallerIdentity"])
        ui = self.record(events[0])["userIdentity"]
        self.assertRegex(ui["accessKeyId"], ASIA_RE)
        self.assertEqual(ui["type"], "IAMUser")
        attrs = ui["sessionContext"]["attributes"]
        self.assertEqual(attrs["mfaAuthenticated"], "false")
        created = dt.datetime.strptime(attrs["creationDate"], "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=dt.timezone.utc)
        self.assertLess(abs((created - utcnow()).total_seconds()), 300)

    def test_create_access_key_record_has_no_secret(self):
        events = self.lookup("EventName", "CreateAccessKey")
        self.assertEqual(len(events), 1)
        self.assertNotIn(self.bob_secret, events[0]["CloudTrailEvent"])
        self.assertNotIn("secretAccessKey", events[0]["CloudTrailEvent"])
        self.assertEqual(self.record(events[0])["requestParameters"], {"userName": "ct-bob"})

    def test_denied_call_is_recorded_with_error(self):
        self.assertEqual(self.denied, "AccessDenied")
        events = self.lookup("Username", "ct-bob")
        denied = [self.record(e) for e in events if e["EventName"] == "ListUsers"]
        self.assertEqual(len(denied), 1, [e["EventName"] for e in events])
        self.assertEqual(denied[0]["errorCode"], "AccessDenied")
        self.assertIn("errorMessage", denied[0])
        self.assertIsNone(denied[0]["responseElements"])

    def test_handler_error_is_recorded(self):
        events = self.lookup("EventName", "GetUser")
        self.assertEqual(len(events), 1)
        self.assertEqual(self.record(events[0])["errorCode"], "NoSuchEntity")

    def test_unknown_key_is_not_recorded(self):
        self.assertEqual(self.unknown_error, "InvalidClientTokenId")
        self.assertEqual(self.lookup("AccessKeyId", self.unknown_key), [])
        for e in self.lookup():
            if e["EventName"] != "LookupEvents":  # our own lookups name the key as a parameter
                self.assertNotIn(self.unknown_key, e["CloudTrailEvent"])

    # -- lookup attributes --------------------------------------------------------------
    def test_each_attribute(self):
        all_events = self.lookup()
        self.assertGreaterEqual(len(all_events), 8)
        some = all_events[0]
        self.assertEqual([e["EventId"] for e in self.lookup("EventId", some["EventId"])], [some["EventId"]])
        read_only = self.lookup("ReadOnly", "true")
        mutating = self.lookup("ReadOnly", "false")
        self.assertTrue(read_only and mutating)
        self.assertTrue(all(e["ReadOnly"] == "true" for e in read_only))
        self.assertTrue(all(e["ReadOnly"] == "false" for e in mutating))
        self.assertIn("CreateUser", [e["EventName"] for e in mutating])
        sts = self.lookup("EventSource", "sts.amazonaws.com")
        self.assertTrue(sts and all(e["EventSource"] == "sts.amazonaws.com" for e in sts))
        iam = self.lookup("EventSource", "iam.amazonaws.com")
        self.assertTrue(iam and all(e["EventSource"] == "iam.amazonaws.com" for e in iam))
        admin = self.lookup("Username", "admin")
        self.assertTrue(admin and all(e["Username"] == "admin" for e in admin))
        by_key = self.lookup("AccessKeyId", self.bob.access_key_id)
        self.assertTrue(by_key and all(e["AccessKeyId"] == self.bob.access_key_id for e in by_key))
        users = self.lookup("ResourceType", "AWS::IAM::User")
        self.assertIn("CreateUser", [e["EventName"] for e in users])
        bob = self.lookup("ResourceName", "ct-bob")
        self.assertEqual(sorted({e["EventName"] for e in bob}), ["CreateAccessKey", "CreateUser"])
        self.assertIn({"ResourceType": "AWS::IAM::User", "ResourceName": "ct-bob"}, bob[0]["Resources"])
        self.assertEqual(self.lookup("EventName", "NoSuchEventName"), [])

    def test_newest_first(self):
        times = [e["EventTime"] for e in self.lookup()]
        self.assertEqual(times, sorted(times, reverse=True))

    def test_time_range(self):
        everything = self.lookup(StartTime=self.started)
        self.assertGreaterEqual(len(everything), 8)
        self.assertEqual(self.lookup(StartTime=utcnow() + dt.timedelta(hours=1)), [])
        self.assertEqual(self.lookup(EndTime=self.started - dt.timedelta(hours=1)), [])
        with self.assertRaises(ClientError) as cm:
            self.ct().lookup_events(StartTime=utcnow(), EndTime=utcnow() - dt.timedelta(hours=1))
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidTimeRangeException")

    def test_pagination(self):
        full = self.ct().lookup_events(LookupAttributes=[
            {"AttributeKey": "EventSource", "AttributeValue": "iam.amazonaws.com"}])
        self.assertNotIn("NextToken", full)
        pages = list(self.ct().get_paginator("lookup_events").paginate(
            LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "iam.amazonaws.com"}],
            PaginationConfig={"PageSize": 2}))
        self.assertGreater(len(pages), 1)
        self.assertTrue(all(len(p["Events"]) <= 2 for p in pages))
        ids = [e["EventId"] for p in pages for e in p["Events"]]
        self.assertEqual(ids, [e["EventId"] for e in full["Events"]])
        first = self.ct().lookup_events(MaxResults=1)
        self.assertEqual(len(first["Events"]), 1)
        self.assertIn("NextToken", first)

    def test_errors(self):
        def code(**kw):
            with self.assertRaises(ClientError) as cm:
                self.ct().lookup_events(**kw)
            return cm.exception.response["Error"]["Code"]

        two = [{"AttributeKey": "EventName", "AttributeValue": "A"},
               {"AttributeKey": "Username", "AttributeValue": "B"}]
        self.assertEqual(code(LookupAttributes=two), "InvalidLookupAttributesException")
        self.assertEqual(code(LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "maybe"}]),
                         "InvalidLookupAttributesException")
        self.assertEqual(code(NextToken="garbage"), "InvalidNextTokenException")
        token = self.ct().lookup_events(MaxResults=1)["NextToken"]
        self.assertEqual(code(NextToken=token, LookupAttributes=[
            {"AttributeKey": "EventName", "AttributeValue": "CreateUser"}]), "InvalidNextTokenException")

    def test_lookup_needs_permission(self):
        with self.assertRaises(ClientError) as cm:
            self.ct(self.bob).lookup_events()
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDeniedException")
        denied = [self.record(e) for e in self.lookup("EventName", "LookupEvents")
                  if e.get("Username") == "ct-bob"]
        self.assertTrue(denied)
        self.assertEqual(denied[0]["errorCode"], "AccessDeniedException")

    # -- the AWS CLI ----------------------------------------------------------------------
    def test_cli_lookup_events(self):
        res = self.server.aws("cloudtrail", "lookup-events", "--lookup-attributes",
                              "AttributeKey=EventName,AttributeValue=CreateUser")
        self.assertEqual(res.returncode, 0, str(res))
        self.assertEqual([e["EventName"] for e in res.json["Events"]], ["CreateUser"])
        self.assertEqual(json.loads(res.json["Events"][0]["CloudTrailEvent"])["requestParameters"],
                         {"userName": "ct-bob"})
        # The CLI follows NextToken itself: a small page size still returns everything.
        paged = self.server.aws("cloudtrail", "lookup-events", "--page-size", "2",
                                "--start-time", self.started.strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.assertEqual(paged.returncode, 0, str(paged))
        self.assertGreaterEqual(len(paged.json["Events"]), 8)
        for key, value in (("ReadOnly", "false"), ("Username", "ct-bob"),
                           ("EventSource", "sts.amazonaws.com"), ("ResourceName", "ct-bob"),
                           ("ResourceType", "AWS::IAM::User"),
                           ("AccessKeyId", self.session.access_key_id)):
            r = self.server.aws("cloudtrail", "lookup-events", "--lookup-attributes",
                                f"AttributeKey={key},AttributeValue={value}")
            self.assertEqual(r.returncode, 0, str(r))
            self.assertTrue(r.json["Events"], f"{key}={value}")
        bad = self.server.aws("cloudtrail", "lookup-events", "--start-time", "2030-01-02T00:00:00Z",
                              "--end-time", "2030-01-01T00:00:00Z")
        self.assertCliError(bad, "InvalidTimeRangeException", "LookupEvents")
        two = self.server.aws("cloudtrail", "lookup-events", "--lookup-attributes",
                              "AttributeKey=EventName,AttributeValue=A",
                              "AttributeKey=Username,AttributeValue=B")
        self.assertCliError(two, "InvalidLookupAttributesException", "LookupEvents")
        mx = self.server.aws("cloudtrail", "lookup-events", "--max-items", "1")
        self.assertEqual(mx.returncode, 0, str(mx))
        self.assertEqual(len(mx.json["Events"]), 1)
        self.assertIn("NextToken", mx.json)


class CloudTrailDurabilityTest(ServerTestCase):
    """Records are durable before the call is answered: they survive kill -9."""

    def test_survives_kill(self):
        self.server.client("iam").create_user(UserName="ct-durable")
        self.server.restart(hard=True)
        events = self.server.client("cloudtrail").lookup_events(LookupAttributes=[
            {"AttributeKey": "EventName", "AttributeValue": "CreateUser"}])["Events"]
        self.assertEqual(len(events), 1)
        self.assertEqual(json.loads(events[0]["CloudTrailEvent"])["requestParameters"],
                         {"userName": "ct-durable"})


if __name__ == "__main__":
    unittest.main()
