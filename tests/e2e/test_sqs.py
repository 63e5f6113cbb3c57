"""SQS against the real orgroot binary: boto3 (json 1.0), the AWS CLI and the legacy query form."""

from __future__ import annotations

import hashlib
import json
import unittest

from harness import DEFAULT_ACCOUNT, ServerTestCase, xml_text

NON_EXISTENT = "AWS.SimpleQueueService.NonExistentQueue"
MSG_NON_EXISTENT = "The specified queue does not exist."


def deny_all(arn: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": arn}]})


class SqsTest(ServerTestCase):
    def sqs(self, **kw):
        return self.server.client("sqs", **kw)

    def url(self, name: str, region: str = "us-east-1") -> str:
        return f"https://sqs.{region}.amazonaws.com/{DEFAULT_ACCOUNT}/{name}"

    # -- queues ---------------------------------------------------------------------------
    def test_queue_lifecycle(self):
        sqs = self.sqs()
        r = sqs.create_queue(QueueName="e2e-life", Attributes={"VisibilityTimeout": "45"})
        self.assertEqual(r["QueueUrl"], self.url("e2e-life"))
        # Idempotent with the same attributes, an error with different ones.
        self.assertEqual(sqs.create_queue(QueueName="e2e-life", Attributes={"VisibilityTimeout": "45"})["QueueUrl"],
                         r["QueueUrl"])
        err = self.assertClientError(
            lambda: sqs.create_queue(QueueName="e2e-life", Attributes={"VisibilityTimeout": "46"}),
            "QueueAlreadyExists", 400,
            "A queue already exists with the same name and a different value for attribute VisibilityTimeout")
        self.assertEqual(err.response["Error"].get("QueryErrorCode"), "QueueNameExists")
        self.assertEqual(sqs.get_queue_url(QueueName="e2e-life")["QueueUrl"], r["QueueUrl"])
        self.assertIn(r["QueueUrl"], sqs.list_queues(QueueNamePrefix="e2e-li")["QueueUrls"])
        sqs.delete_queue(QueueUrl=r["QueueUrl"])
        err = self.assertClientError(lambda: sqs.get_queue_url(QueueName="e2e-life"), NON_EXISTENT, 400,
                                     MSG_NON_EXISTENT)
        self.assertEqual(err.response["Error"].get("QueryErrorCode"), "QueueDoesNotExist")
        self.assertClientError(lambda: sqs.delete_queue(QueueUrl=r["QueueUrl"]), NON_EXISTENT, 400)
        self.assertClientError(lambda: sqs.create_queue(QueueName="bad name"), "InvalidParameterValue", 400)

    def test_list_queues_pagination(self):
        sqs = self.sqs()
        names = [f"e2e-page-{i}" for i in range(5)]
        for n in names:
            sqs.create_queue(QueueName=n)
        got = [u.rsplit("/", 1)[1]
               for p in sqs.get_paginator("list_queues").paginate(QueueNamePrefix="e2e-page-",
                                                                  PaginationConfig={"PageSize": 2})
               for u in p.get("QueueUrls", [])]
        self.assertEqual(got, names)
        self.assertNotIn("QueueUrls", sqs.list_queues(QueueNamePrefix="e2e-nothing"))

    def test_attributes(self):
        sqs = self.sqs()
        url = sqs.create_queue(QueueName="e2e-attrs")["QueueUrl"]
        a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(a["QueueArn"], f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:e2e-attrs")
        self.assertEqual(a["VisibilityTimeout"], "30")
        self.assertEqual(a["MessageRetentionPeriod"], "345600")
        self.assertEqual(a["DelaySeconds"], "0")
        self.assertEqual(a["ReceiveMessageWaitTimeSeconds"], "0")
        self.assertEqual(a["ApproximateNumberOfMessages"], "0")
        self.assertRegex(a["CreatedTimestamp"], r"^\d{10}$")
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "10", "DelaySeconds": "1",
                                                           "MessageRetentionPeriod": "600",
                                                           "ReceiveMessageWaitTimeSeconds": "2"})
        a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout", "DelaySeconds",
                                                                    "MessageRetentionPeriod"])["Attributes"]
        self.assertEqual(a, {"VisibilityTimeout": "10", "DelaySeconds": "1", "MessageRetentionPeriod": "600"})
        self.assertClientError(lambda: sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": "{nope"}),
                               "InvalidAttributeValue", 400, "Invalid value for the parameter Policy.")
        self.assertClientError(lambda: sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "-1"}),
                               "InvalidAttributeValue", 400)
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "s", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
            "Action": "sqs:SendMessage", "Resource": f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:e2e-attrs"}]})
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
        got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"]
        self.assertEqual(json.loads(got), json.loads(policy))
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
        self.assertNotIn("Policy", sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"])

    def test_add_remove_permission(self):
        sqs = self.sqs()
        url = sqs.create_queue(QueueName="e2e-perm")["QueueUrl"]
        sqs.add_permission(QueueUrl=url, Label="cross", AWSAccountIds=["222222222222"],
                           Actions=["SendMessage", "ReceiveMessage"])
        doc = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"])
        st = doc["Statement"]
        self.assertEqual(len(st), 1)
        self.assertEqual(st[0]["Sid"], "cross")
        self.assertEqual(st[0]["Principal"], {"AWS": "arn:aws:iam::222222222222:root"})
        self.assertEqual(st[0]["Action"], ["SQS:SendMessage", "SQS:ReceiveMessage"])
        self.assertEqual(st[0]["Resource"], f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:e2e-perm")
        self.assertClientError(
            lambda: sqs.add_permission(QueueUrl=url, Label="cross", AWSAccountIds=["222222222222"],
                                       Actions=["SendMessage"]),
            "InvalidParameterValue", 400, "Value cross for parameter Label is invalid. Reason: Already exists.")
        sqs.remove_permission(QueueUrl=url, Label="cross")
        self.assertClientError(lambda: sqs.remove_permission(QueueUrl=url, Label="cross"), "InvalidParameterValue",
                               400, "Value cross for parameter Label is invalid. Reason: can't find label.")

    # -- messages -------------------------------------------------------------------------
    def test_send_receive_delete(self):
        sqs = self.sqs()
        url = sqs.create_queue(QueueName="e2e-msgs")["QueueUrl"]
        s = sqs.send_message(QueueUrl=url, MessageBody="hello",
                             MessageAttributes={"color": {"DataType": "String", "StringValue": "red"},
                                                "n": {"DataType": "Number", "StringValue": "7"}})
        self.assertEqual(s["MD5OfMessageBody"], hashlib.md5(b"hello").hexdigest())
        self.assertIn("MD5OfMessageAttributes", s)  # botocore checks both digests
        sqs.send_message(QueueUrl=url, MessageBody="second")
        r = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                                MessageSystemAttributeNames=["All"], WaitTimeSeconds=1)
        msgs = r["Messages"]
        self.assertEqual([m["Body"] for m in msgs], ["hello", "second"])
        self.assertEqual(msgs[0]["MessageAttributes"]["color"]["StringValue"], "red")
        self.assertEqual(msgs[0]["Attributes"]["ApproximateReceiveCount"], "1")
        self.assertNotIn("Messages", sqs.receive_message(QueueUrl=url))  # in flight
        for m in msgs:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "0"})
        self.assertNotIn("Messages", sqs.receive_message(QueueUrl=url))
        self.assertClientError(lambda: sqs.delete_message(QueueUrl=url, ReceiptHandle="garbage"),
                               "ReceiptHandleIsInvalid", 400,
                               'The input receipt handle "garbage" is not a valid receipt handle.')
        self.assertClientError(lambda: sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=11),
                               "InvalidParameterValue", 400,
                               "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 "
                               "and 10, if provided.")

    def test_query_protocol(self):
        sqs = self.sqs()
        url = sqs.create_queue(QueueName="e2e-query")["QueueUrl"]
        r = self.server.signed("POST", "/", {"Action": "SendMessage", "Version": "2012-11-05", "QueueUrl": url,
                                             "MessageBody": "via query"}, service="sqs")
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(xml_text(r.xml(), "MD5OfMessageBody"), hashlib.md5(b"via query").hexdigest())
        r = self.server.signed("POST", "/", {"Action": "GetQueueUrl", "Version": "2012-11-05",
                                             "QueueName": "e2e-no-such"}, service="sqs")
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(r.error["Code"], NON_EXISTENT)
        self.assertEqual(r.error["Message"], MSG_NON_EXISTENT)
        r = self.server.signed("POST", "/", {"Action": "GetQueueAttributes", "Version": "2012-11-05",
                                             "QueueUrl": url, "AttributeName.1": "All"}, service="sqs")
        self.assertEqual(r.status, 200, r.text)
        self.assertIn("ApproximateNumberOfMessages", r.text)

    # -- deny-all queue policy --------------------------------------------------------
    def test_deny_all_queue_policy_locks_out_the_admin(self):
        sqs = self.sqs()
        url = sqs.create_queue(QueueName="e2e-locked")["QueueUrl"]
        arn = f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:e2e-locked"
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": deny_all(arn)})
        for call in (lambda: sqs.send_message(QueueUrl=url, MessageBody="x"),
                     lambda: sqs.receive_message(QueueUrl=url),
                     lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]),
                     lambda: sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""}),
                     lambda: sqs.remove_permission(QueueUrl=url, Label="x"),
                     lambda: sqs.delete_queue(QueueUrl=url)):
            with self.assertRaises(Exception) as cm:
                call()
            err = cm.exception.response["Error"]  # type: ignore[attr-defined]
            self.assertIn(err["Code"], ("AccessDenied", "AccessDeniedException"), err)
        # The queue is still listed (ListQueues has no resource).
        self.assertIn(url, sqs.list_queues(QueueNamePrefix="e2e-locked").get("QueueUrls", []))

    # -- the AWS CLI ----------------------------------------------------------------------
    def test_cli(self):
        aws = self.server.aws
        r = aws("sqs", "create-queue", "--queue-name", "e2e-cli", "--attributes", "DelaySeconds=0")
        self.assertEqual(r.returncode, 0, str(r))
        url = r.json["QueueUrl"]
        r = aws("sqs", "send-message", "--queue-url", url, "--message-body", "from the cli")
        self.assertEqual(r.returncode, 0, str(r))
        self.assertEqual(r.json["MD5OfMessageBody"], hashlib.md5(b"from the cli").hexdigest())
        r = aws("sqs", "receive-message", "--queue-url", url)
        self.assertEqual(r.returncode, 0, str(r))
        self.assertEqual(r.json["Messages"][0]["Body"], "from the cli")
        r = aws("sqs", "delete-message", "--queue-url", url, "--receipt-handle",
                r.json["Messages"][0]["ReceiptHandle"])
        self.assertEqual(r.returncode, 0, str(r))
        r = aws("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "QueueArn")
        self.assertEqual(r.json["Attributes"]["QueueArn"], f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:e2e-cli")
        r = aws("sqs", "set-queue-attributes", "--queue-url", url, "--attributes",
                json.dumps({"Policy": deny_all(f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:e2e-cli")}))
        self.assertEqual(r.returncode, 0, str(r))
        r = aws("sqs", "send-message", "--queue-url", url, "--message-body", "x")
        self.assertNotEqual(r.returncode, 0, str(r))
        self.assertIn(r.error_code, ("AccessDenied", "AccessDeniedException"), str(r))
        r = aws("sqs", "get-queue-url", "--queue-name", "e2e-cli-none")
        self.assertCliError(r, NON_EXISTENT, "GetQueueUrl", MSG_NON_EXISTENT)
        r = aws("sqs", "list-queues", "--queue-name-prefix", "e2e-cli")
        self.assertEqual(r.returncode, 0, str(r))
        self.assertEqual(r.json["QueueUrls"], [url])


if __name__ == "__main__":
    unittest.main()
