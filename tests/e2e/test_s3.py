"""S3 against the real orgroot binary: boto3, the AWS CLI and unsigned (anonymous) requests."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import unittest
import urllib.request
import urllib.error

from harness import DEFAULT_ACCOUNT, ServerTestCase, http_request, parse_aws_error

from botocore.exceptions import ClientError  # noqa: E402  (after harness)

DENY_ALL = lambda b: json.dumps({  # noqa: E731
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                   "Resource": [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"]}],
})


class S3Test(ServerTestCase):
    def s3(self, **config):
        config.setdefault("s3", {"addressing_style": "path"})
        return self.server.client("s3", **config)

    def make_bucket(self, name: str) -> str:
        self.s3().create_bucket(Bucket=name)
        return name

    # -- buckets ------------------------------------------------------------------------
    def test_bucket_lifecycle(self):
        s3 = self.s3()
        r = s3.create_bucket(Bucket="e2e-life")
        self.assertEqual(r["Location"], "/e2e-life")
        s3.head_bucket(Bucket="e2e-life")
        names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
        self.assertIn("e2e-life", names)
        owner = s3.list_buckets()["Owner"]
        self.assertRegex(owner["ID"], r"^[0-9a-f]{64}$")
        s3.put_object(Bucket="e2e-life", Key="k", Body=b"x")
        self.assertClientError(lambda: s3.delete_bucket(Bucket="e2e-life"), "BucketNotEmpty", 409,
                               "The bucket you tried to delete is not empty")
        s3.delete_object(Bucket="e2e-life", Key="k")
        r = s3.delete_bucket(Bucket="e2e-life")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertClientError(lambda: s3.head_bucket(Bucket="e2e-life"), "404", 404)
        self.assertClientError(lambda: s3.delete_bucket(Bucket="e2e-life"), "NoSuchBucket", 404,
                               "The specified bucket does not exist")

    def test_bucket_errors(self):
        s3 = self.s3()
        self.assertClientError(lambda: s3.create_bucket(Bucket="Bad_Bucket"), "InvalidBucketName", 400,
                               "The specified bucket is not valid.")
        west = self.server.client("s3", region="eu-west-1", s3={"addressing_style": "path"})
        west.create_bucket(Bucket="e2e-west",
                           CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        self.assertClientError(
            lambda: west.create_bucket(Bucket="e2e-west",
                                       CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}),
            "BucketAlreadyOwnedByYou", 409,
            "Your previous request to create the named bucket succeeded and you already own it.")
        r = west.head_bucket(Bucket="e2e-west")
        self.assertEqual(r["ResponseMetadata"]["HTTPHeaders"].get("x-amz-bucket-region"), "eu-west-1")

    # -- objects ------------------------------------------------------------------------
    def test_objects_crud(self):
        s3 = self.s3()
        b = self.make_bucket("e2e-objects")
        body = b"hello, orgroot"
        r = s3.put_object(Bucket=b, Key="dir/a b.txt", Body=body, ContentType="text/plain",
                          Metadata={"color": "blue"})
        self.assertEqual(r["ETag"], '"%s"' % hashlib.md5(body).hexdigest())
        g = s3.get_object(Bucket=b, Key="dir/a b.txt")
        self.assertEqual(g["Body"].read(), body)
        self.assertEqual(g["ContentType"], "text/plain")
        self.assertEqual(g["ContentLength"], len(body))
        self.assertEqual(g["Metadata"], {"color": "blue"})
        self.assertEqual(g["ETag"], r["ETag"])
        rng = s3.get_object(Bucket=b, Key="dir/a b.txt", Range="bytes=0-4")
        self.assertEqual(rng["Body"].read(), b"hello")
        self.assertEqual(rng["ContentRange"], f"bytes 0-4/{len(body)}")
        h = s3.head_object(Bucket=b, Key="dir/a b.txt")
        self.assertEqual(h["ContentLength"], len(body))
        self.assertEqual(h["ETag"], r["ETag"])
        err = self.assertClientError(lambda: s3.get_object(Bucket=b, Key="nope"), "NoSuchKey", 404,
                                     "The specified key does not exist.")
        self.assertEqual(err.response["Error"].get("Key"), "nope")
        self.assertClientError(lambda: s3.head_object(Bucket=b, Key="nope"), "404", 404)
        self.assertClientError(lambda: s3.get_object(Bucket="e2e-none", Key="k"), "NoSuchBucket", 404)
        d = s3.delete_object(Bucket=b, Key="dir/a b.txt")
        self.assertEqual(d["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertClientError(lambda: s3.get_object(Bucket=b, Key="dir/a b.txt"), "NoSuchKey", 404)

    def test_multipart_upload(self):
        s3 = self.s3()
        b = self.make_bucket("e2e-multipart")
        up = s3.create_multipart_upload(Bucket=b, Key="mp", ContentType="application/x-test")
        first, last = os.urandom(5 * 1024 * 1024), b"the end"
        e1 = s3.upload_part(Bucket=b, Key="mp", UploadId=up["UploadId"], PartNumber=1, Body=first)["ETag"]
        e2 = s3.upload_part(Bucket=b, Key="mp", UploadId=up["UploadId"], PartNumber=2, Body=last)["ETag"]
        self.assertEqual(e1, '"%s"' % hashlib.md5(first).hexdigest())
        done = s3.complete_multipart_upload(
            Bucket=b, Key="mp", UploadId=up["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
        digest = hashlib.md5(hashlib.md5(first).digest() + hashlib.md5(last).digest()).hexdigest()
        self.assertEqual(done["ETag"], f'"{digest}-2"')
        g = s3.get_object(Bucket=b, Key="mp")
        self.assertEqual(g["Body"].read(), first + last)
        self.assertEqual(g["ContentType"], "application/x-test")
        up2 = s3.create_multipart_upload(Bucket=b, Key="gone")
        s3.abort_multipart_upload(Bucket=b, Key="gone", UploadId=up2["UploadId"])
        self.assertClientError(
            lambda: s3.upload_part(Bucket=b, Key="gone", UploadId=up2["UploadId"], PartNumber=1, Body=b"x"),
            "NoSuchUpload", 404,
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
            "aborted or completed.")

    def test_list_objects_v2(self):
        s3 = self.s3()
        b = self.make_bucket("e2e-list")
        keys = ["a/1", "a/2", "b/1", "c", "d e+f"]
        for k in keys:
            s3.put_object(Bucket=b, Key=k, Body=k.encode())
        r = s3.list_objects_v2(Bucket=b)
        self.assertEqual([o["Key"] for o in r["Contents"]], keys)
        self.assertEqual(r["KeyCount"], 5)
        self.assertFalse(r["IsTruncated"])
        r = s3.list_objects_v2(Bucket=b, Delimiter="/")
        self.assertEqual([p["Prefix"] for p in r["CommonPrefixes"]], ["a/", "b/"])
        self.assertEqual([o["Key"] for o in r["Contents"]], ["c", "d e+f"])
        self.assertEqual(r["KeyCount"], 4)
        r = s3.list_objects_v2(Bucket=b, Prefix="a/")
        self.assertEqual([o["Key"] for o in r["Contents"]], ["a/1", "a/2"])
        r = s3.list_objects_v2(Bucket=b, StartAfter="b/1")
        self.assertEqual([o["Key"] for o in r["Contents"]], ["c", "d e+f"])
        got, token = [], None
        while True:
            kw = {"ContinuationToken": token} if token else {}
            page = s3.list_objects_v2(Bucket=b, MaxKeys=2, **kw)
            got += [o["Key"] for o in page.get("Contents", [])]
            if not page["IsTruncated"]:
                break
            token = page["NextContinuationToken"]
        self.assertEqual(got, keys)
        paginated = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket=b, PaginationConfig={"PageSize": 1})
                     for o in p.get("Contents", [])]
        self.assertEqual(paginated, keys)

    def test_virtual_host_style(self):
        b = self.make_bucket("e2e-vhost")
        self.s3().put_object(Bucket=b, Key="v", Body=b"virtual")
        status, _, body = http_request(self.server.port, "GET", "/v",
                                       headers={"Host": f"{b}.s3.localhost:{self.server.port}"})
        # Anonymous without a bucket policy: denied, but routed to the bucket (not the service).
        self.assertEqual(status, 403, body)
        self.assertEqual(parse_aws_error(body)["Code"], "AccessDenied")

    # -- bucket policies ---------------------------------------------------------------
    def test_bucket_policy_crud(self):
        s3 = self.s3()
        b = self.make_bucket("e2e-policy")
        err = self.assertClientError(lambda: s3.get_bucket_policy(Bucket=b), "NoSuchBucketPolicy", 404,
                                     "The bucket policy does not exist")
        self.assertEqual(err.response["Error"].get("BucketName"), b)
        self.assertClientError(lambda: s3.put_bucket_policy(Bucket=b, Policy="not json"), "MalformedPolicy", 400,
                               "Policies must be valid JSON and the first byte must be '{'")
        doc = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{b}/*"}]})
        r = s3.put_bucket_policy(Bucket=b, Policy=doc)
        self.assertIn(r["ResponseMetadata"]["HTTPStatusCode"], (200, 204))
        self.assertEqual(json.loads(s3.get_bucket_policy(Bucket=b)["Policy"]), json.loads(doc))
        # The policy lets anonymous callers read objects, and nothing else.
        s3.put_object(Bucket=b, Key="pub.txt", Body=b"public data")
        status, _, body = http_request(self.server.port, "GET", f"/{b}/pub.txt")
        self.assertEqual((status, body), (200, b"public data"))
        status, _, body = http_request(self.server.port, "PUT", f"/{b}/other.txt", body=b"x")
        self.assertEqual(status, 403)
        self.assertEqual(parse_aws_error(body)["Code"], "AccessDenied")
        r = s3.delete_bucket_policy(Bucket=b)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertClientError(lambda: s3.get_bucket_policy(Bucket=b), "NoSuchBucketPolicy", 404)
        status, _, _ = http_request(self.server.port, "GET", f"/{b}/pub.txt")
        self.assertEqual(status, 403)

    def test_deny_all_bucket_policy_locks_out_the_admin(self):
        s3 = self.s3()
        b = self.make_bucket("e2e-locked")
        s3.put_object(Bucket=b, Key="secret", Body=b"s")
        s3.put_bucket_policy(Bucket=b, Policy=DENY_ALL(b))
        # Same account: S3 explains the denial (resource in quotes).
        for call, action, resource in (
                (lambda: s3.get_object(Bucket=b, Key="secret"), "s3:GetObject", f"{b}/secret"),
                (lambda: s3.put_object(Bucket=b, Key="x", Body=b"x"), "s3:PutObject", f"{b}/x"),
                (lambda: s3.list_objects_v2(Bucket=b), "s3:ListBucket", b),
                (lambda: s3.get_bucket_policy(Bucket=b), "s3:GetBucketPolicy", b),
                (lambda: s3.put_bucket_policy(Bucket=b, Policy=DENY_ALL(b)), "s3:PutBucketPolicy", b),
                (lambda: s3.delete_bucket_policy(Bucket=b), "s3:DeleteBucketPolicy", b),
                (lambda: s3.delete_bucket(Bucket=b), "s3:DeleteBucket", b)):
            self.assertClientError(call, "AccessDenied", 403,
                                   f"User: {self.server.admin_arn} is not authorized to perform: {action} on resource: "
                                   f'"arn:aws:s3:::{resource}" with an explicit deny in a resource-based policy')
        self.assertClientError(lambda: s3.head_object(Bucket=b, Key="secret"), "403", 403)
        # ListBuckets is not a bucket action: the admin still sees the bucket.
        self.assertIn(b, [x["Name"] for x in s3.list_buckets()["Buckets"]])

    # -- the AWS CLI --------------------------------------------------------------------
    def test_cli_s3api_and_s3(self):
        aws = self.server.aws
        r = aws("s3api", "create-bucket", "--bucket", "e2e-cli")
        self.assertEqual(r.returncode, 0, str(r))
        with tempfile.TemporaryDirectory() as d:
            small = os.path.join(d, "small.txt")
            with open(small, "wb") as f:
                f.write(b"cli body")
            r = aws("s3api", "put-object", "--bucket", "e2e-cli", "--key", "small.txt", "--body", small)
            self.assertEqual(r.returncode, 0, str(r))
            self.assertEqual(r.json["ETag"], '"%s"' % hashlib.md5(b"cli body").hexdigest())
            big = os.path.join(d, "big.bin")
            data = os.urandom(9 * 1024 * 1024)
            with open(big, "wb") as f:
                f.write(data)
            r = aws("s3api", "put-object", "--bucket", "e2e-cli", "--key", "big.bin", "--body", big)
            self.assertEqual(r.returncode, 0, str(r))
            out = os.path.join(d, "out.bin")
            r = aws("s3api", "get-object", "--bucket", "e2e-cli", "--key", "big.bin", out)
            self.assertEqual(r.returncode, 0, str(r))
            with open(out, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), hashlib.sha256(data).hexdigest())
            # `aws s3 cp` of the 9 MiB file: the CLI's default 8 MiB threshold makes it a multipart
            # upload (CreateMultipartUpload, UploadPart x2, CompleteMultipartUpload) ...
            r = aws("s3", "cp", "--quiet", big, "s3://e2e-cli/big-mp.bin")
            self.assertEqual(r.returncode, 0, str(r))
            head = aws("s3api", "head-object", "--bucket", "e2e-cli", "--key", "big-mp.bin")
            self.assertEqual(head.json["ContentLength"], len(data))
            self.assertRegex(head.json["ETag"], r'^"[0-9a-f]{32}-2"$')
            # ... and with the threshold raised, one aws-chunked PutObject.
            cfg = os.path.join(d, "config")
            with open(cfg, "w") as f:
                f.write("[default]\ns3 =\n  multipart_threshold = 64MB\n")
            r = aws("s3", "cp", "--quiet", small, "s3://e2e-cli/copied.txt", config_file=cfg)
            self.assertEqual(r.returncode, 0, str(r))
            r = aws("s3", "cp", "--quiet", big, "s3://e2e-cli/big-cp.bin", config_file=cfg)
            self.assertEqual(r.returncode, 0, str(r))
            for key in ("big-mp.bin", "big-cp.bin"):
                back = os.path.join(d, "back-" + key)
                r = aws("s3", "cp", "--quiet", f"s3://e2e-cli/{key}", back)
                self.assertEqual(r.returncode, 0, str(r))
                with open(back, "rb") as f:
                    self.assertEqual(hashlib.sha256(f.read()).hexdigest(), hashlib.sha256(data).hexdigest(), key)
            back = os.path.join(d, "back.txt")
            r = aws("s3", "cp", "--quiet", "s3://e2e-cli/copied.txt", back)
            self.assertEqual(r.returncode, 0, str(r))
            with open(back, "rb") as f:
                self.assertEqual(f.read(), b"cli body")
        r = aws("s3api", "list-objects-v2", "--bucket", "e2e-cli")
        self.assertEqual(r.returncode, 0, str(r))
        self.assertEqual(sorted(o["Key"] for o in r.json["Contents"]),
                         ["big-cp.bin", "big-mp.bin", "big.bin", "copied.txt", "small.txt"])
        r = aws("s3api", "get-bucket-policy", "--bucket", "e2e-cli")
        self.assertCliError(r, "NoSuchBucketPolicy", "GetBucketPolicy", "The bucket policy does not exist")
        r = aws("s3api", "put-bucket-policy", "--bucket", "e2e-cli", "--policy", DENY_ALL("e2e-cli"))
        self.assertEqual(r.returncode, 0, str(r))
        denied = (f"User: {self.server.admin_arn} is not authorized to perform: {{}} on resource: "
                  f'"arn:aws:s3:::{{}}" with an explicit deny in a resource-based policy')
        r = aws("s3api", "get-object", "--bucket", "e2e-cli", "--key", "small.txt", os.devnull)
        self.assertCliError(r, "AccessDenied", "GetObject", denied.format("s3:GetObject", "e2e-cli/small.txt"))
        r = aws("s3api", "delete-bucket-policy", "--bucket", "e2e-cli")
        self.assertCliError(r, "AccessDenied", "DeleteBucketPolicy", denied.format("s3:DeleteBucketPolicy", "e2e-cli"))
        r = aws("s3api", "put-bucket-policy", "--bucket", "e2e-cli", "--policy", "{}")
        self.assertCliError(r, "AccessDenied", "PutBucketPolicy")
        r = aws("s3api", "create-bucket", "--bucket", "Bad_Name")
        self.assertCliError(r, "InvalidBucketName", "CreateBucket", "The specified bucket is not valid.")

    def test_objects_survive_restart(self):
        s3 = self.s3()
        b = self.make_bucket("e2e-durable")
        data = os.urandom(256 * 1024)
        s3.put_object(Bucket=b, Key="blob", Body=data)
        files = os.listdir(self.server.data_dir / "s3" / "objects")
        self.assertTrue(files, "object bodies should be files under <data_dir>/s3/objects")
        self.server.restart(hard=True)
        s3 = self.s3()
        self.assertEqual(s3.get_object(Bucket=b, Key="blob")["Body"].read(), data)


if __name__ == "__main__":
    unittest.main()
