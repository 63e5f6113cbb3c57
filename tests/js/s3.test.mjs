// S3 through the AWS SDK for JavaScript v3 (path-style addressing) against a real orgroot server.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { clientConfig, expectServiceError, startServer } from './harness.mjs';

const denyAll = (b) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`] }],
});

describe('S3 with @aws-sdk/client-s3', () => {
  let server;
  const s3 = () => new S3Client(clientConfig(server, server.admin, { forcePathStyle: true }));

  before(async () => { server = await startServer(); });
  after(async () => {
    if (server) {
      const code = await server.stop();
      assert.equal(code, 0, `orgroot exited with ${code} on SIGTERM\n${server.log()}`);
    }
  });

  test('CreateBucket, HeadBucket, ListBuckets, DeleteBucket', async () => {
    const c = await s3().send(new CreateBucketCommand({ Bucket: 'js-life' }));
    assert.equal(c.Location, '/js-life');
    const h = await s3().send(new HeadBucketCommand({ Bucket: 'js-life' }));
    assert.equal(h.BucketRegion, 'us-east-1');
    const l = await s3().send(new ListBucketsCommand({}));
    assert.ok(l.Buckets.some((b) => b.Name === 'js-life'));
    assert.ok(l.Buckets[0].CreationDate instanceof Date);
    assert.match(l.Owner.ID, /^[0-9a-f]{64}$/);
    await s3().send(new PutObjectCommand({ Bucket: 'js-life', Key: 'k', Body: 'x' }));
    await expectServiceError(s3().send(new DeleteBucketCommand({ Bucket: 'js-life' })),
      { name: 'BucketNotEmpty', status: 409, message: 'The bucket you tried to delete is not empty' }, assert);
    await s3().send(new DeleteObjectCommand({ Bucket: 'js-life', Key: 'k' }));
    const d = await s3().send(new DeleteBucketCommand({ Bucket: 'js-life' }));
    assert.equal(d.$metadata.httpStatusCode, 204);
    await expectServiceError(s3().send(new HeadBucketCommand({ Bucket: 'js-life' })), { name: 'NotFound', status: 404 }, assert);
    await expectServiceError(s3().send(new CreateBucketCommand({ Bucket: 'Bad_Name' })),
      { name: 'InvalidBucketName', status: 400, message: 'The specified bucket is not valid.' }, assert);
  });

  test('PutObject, GetObject (with Range), HeadObject, DeleteObject', async () => {
    await s3().send(new CreateBucketCommand({ Bucket: 'js-objects' }));
    const body = 'hello from javascript';
    const p = await s3().send(new PutObjectCommand({
      Bucket: 'js-objects', Key: 'dir/file.txt', Body: body, ContentType: 'text/plain', Metadata: { team: 'blue' },
    }));
    assert.equal(p.ETag, `"${createHash('md5').update(body).digest('hex')}"`);
    const g = await s3().send(new GetObjectCommand({ Bucket: 'js-objects', Key: 'dir/file.txt' }));
    assert.equal(await g.Body.transformToString(), body);
    assert.equal(g.ContentType, 'text/plain');
    assert.equal(g.ContentLength, body.length);
    assert.deepEqual(g.Metadata, { team: 'blue' });
    assert.ok(g.LastModified instanceof Date);
    const r = await s3().send(new GetObjectCommand({ Bucket: 'js-objects', Key: 'dir/file.txt', Range: 'bytes=0-4' }));
    assert.equal(await r.Body.transformToString(), 'hello');
    assert.equal(r.ContentRange, `bytes 0-4/${body.length}`);
    const h = await s3().send(new HeadObjectCommand({ Bucket: 'js-objects', Key: 'dir/file.txt' }));
    assert.equal(h.ContentLength, body.length);
    assert.equal(h.ETag, p.ETag);
    await expectServiceError(s3().send(new GetObjectCommand({ Bucket: 'js-objects', Key: 'missing' })),
      { name: 'NoSuchKey', status: 404, message: 'The specified key does not exist.' }, assert);
    await expectServiceError(s3().send(new GetObjectCommand({ Bucket: 'js-none', Key: 'k' })),
      { name: 'NoSuchBucket', status: 404 }, assert);
    const d = await s3().send(new DeleteObjectCommand({ Bucket: 'js-objects', Key: 'dir/file.txt' }));
    assert.equal(d.$metadata.httpStatusCode, 204);
    await expectServiceError(s3().send(new HeadObjectCommand({ Bucket: 'js-objects', Key: 'dir/file.txt' })),
      { name: 'NotFound', status: 404 }, assert);
  });

  test('ListObjectsV2 with prefix, delimiter and pagination', async () => {
    await s3().send(new CreateBucketCommand({ Bucket: 'js-list' }));
    const keys = ['a/1', 'a/2', 'b/1', 'c', 'd e'];
    for (const Key of keys) await s3().send(new PutObjectCommand({ Bucket: 'js-list', Key, Body: Key }));
    const all = await s3().send(new ListObjectsV2Command({ Bucket: 'js-list' }));
    assert.deepEqual(all.Contents.map((o) => o.Key), keys);
    assert.equal(all.KeyCount, 5);
    const delim = await s3().send(new ListObjectsV2Command({ Bucket: 'js-list', Delimiter: '/' }));
    assert.deepEqual(delim.CommonPrefixes.map((p) => p.Prefix), ['a/', 'b/']);
    assert.deepEqual(delim.Contents.map((o) => o.Key), ['c', 'd e']);
    const pre = await s3().send(new ListObjectsV2Command({ Bucket: 'js-list', Prefix: 'a/' }));
    assert.deepEqual(pre.Contents.map((o) => o.Key), ['a/1', 'a/2']);
    const got = [];
    let token;
    do {
      const page = await s3().send(new ListObjectsV2Command({ Bucket: 'js-list', MaxKeys: 2, ContinuationToken: token }));
      got.push(...(page.Contents ?? []).map((o) => o.Key));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    assert.deepEqual(got, keys);
    const after = await s3().send(new ListObjectsV2Command({ Bucket: 'js-list', StartAfter: 'b/1' }));
    assert.deepEqual(after.Contents.map((o) => o.Key), ['c', 'd e']);
  });

  test('Put/Get/DeleteBucketPolicy', async () => {
    await s3().send(new CreateBucketCommand({ Bucket: 'js-policy' }));
    await expectServiceError(s3().send(new GetBucketPolicyCommand({ Bucket: 'js-policy' })),
      { name: 'NoSuchBucketPolicy', status: 404, message: 'The bucket policy does not exist' }, assert);
    await expectServiceError(s3().send(new PutBucketPolicyCommand({ Bucket: 'js-policy', Policy: '[]' })),
      { name: 'MalformedPolicy', status: 400 }, assert);
    const doc = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::js-policy/*' }],
    });
    await s3().send(new PutBucketPolicyCommand({ Bucket: 'js-policy', Policy: doc }));
    const g = await s3().send(new GetBucketPolicyCommand({ Bucket: 'js-policy' }));
    assert.deepEqual(JSON.parse(g.Policy), JSON.parse(doc));
    await s3().send(new PutObjectCommand({ Bucket: 'js-policy', Key: 'pub', Body: 'public' }));
    const anon = await fetch(`${server.endpoint}/js-policy/pub`);
    assert.equal(anon.status, 200);
    assert.equal(await anon.text(), 'public');
    const d = await s3().send(new DeleteBucketPolicyCommand({ Bucket: 'js-policy' }));
    assert.equal(d.$metadata.httpStatusCode, 204);
    assert.equal((await fetch(`${server.endpoint}/js-policy/pub`)).status, 403);
  });

  test('a deny-all bucket policy locks out the admin', async () => {
    await s3().send(new CreateBucketCommand({ Bucket: 'js-locked' }));
    await s3().send(new PutObjectCommand({ Bucket: 'js-locked', Key: 'k', Body: 'secret' }));
    await s3().send(new PutBucketPolicyCommand({ Bucket: 'js-locked', Policy: denyAll('js-locked') }));
    // Same account: S3 explains the denial, the resource in quotes.
    const denied = (action, resource) => ({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${server.adminArn} is not authorized to perform: ${action} on resource: ` +
        `"arn:aws:s3:::${resource}" with an explicit deny in a resource-based policy`,
    });
    await expectServiceError(s3().send(new GetObjectCommand({ Bucket: 'js-locked', Key: 'k' })),
      denied('s3:GetObject', 'js-locked/k'), assert);
    await expectServiceError(s3().send(new ListObjectsV2Command({ Bucket: 'js-locked' })),
      denied('s3:ListBucket', 'js-locked'), assert);
    await expectServiceError(s3().send(new GetBucketPolicyCommand({ Bucket: 'js-locked' })),
      denied('s3:GetBucketPolicy', 'js-locked'), assert);
    await expectServiceError(s3().send(new PutBucketPolicyCommand({ Bucket: 'js-locked', Policy: denyAll('js-locked') })),
      denied('s3:PutBucketPolicy', 'js-locked'), assert);
    await expectServiceError(s3().send(new DeleteBucketPolicyCommand({ Bucket: 'js-locked' })),
      denied('s3:DeleteBucketPolicy', 'js-locked'), assert);
  });
});
