// STS through the AWS SDK for JavaScript v3 against a real orgroot server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  GetAccessKeyInfoCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import {
  AIDA_RE, ASIA_RE, DEFAULT_ACCOUNT, SECRET_RE, clientConfig, expectServiceError,
  randomAccessKeyId, randomSecret, startServer,
} from './harness.mjs';

const MSG_INVALID_TOKEN = 'The security token included in the request is invalid.';
const MSG_SIG_MISMATCH =
  'The request signature we calculated does not match the signature you provided.';

function durationError(v) {
  return v < 900
    ? `1 validation error detected: Value '${v}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`
    : `1 validation error detected: Value '${v}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600`;
}

function assertExpiresIn(expiration, seconds) {
  assert.ok(expiration instanceof Date, `Expiration should be a Date: ${expiration}`);
  const delta = Math.abs(expiration.getTime() - (Date.now() + seconds * 1000));
  assert.ok(delta < 120_000, `Expiration ${expiration.toISOString()} should be ~${seconds}s ahead`);
}

describe('STS with @aws-sdk/client-sts', () => {
  let server;
  const sts = (credentials) => new STSClient(clientConfig(server, credentials));

  before(async () => { server = await startServer(); });
  after(async () => {
    if (server) {
      const code = await server.stop();
      assert.equal(code, 0, `orgroot exited with ${code} on SIGTERM\n${server.log()}`);
    }
  });

  test('GetCallerIdentity returns the admin user', async () => {
    const r = await sts().send(new GetCallerIdentityCommand({}));
    assert.equal(r.Account, DEFAULT_ACCOUNT);
    assert.equal(r.Arn, `arn:aws:iam::${DEFAULT_ACCOUNT}:user/admin`);
    assert.match(r.UserId, AIDA_RE);
    assert.equal(r.$metadata.httpStatusCode, 200);
    assert.ok(r.$metadata.requestId, 'x-amzn-RequestId should reach the SDK');
  });

  test('GetSessionToken default duration and credential shapes', async () => {
    const { Credentials: c } = await sts().send(new GetSessionTokenCommand({}));
    assert.match(c.AccessKeyId, ASIA_RE);
    assert.equal(c.AccessKeyId.length, 20);
    assert.match(c.SecretAccessKey, SECRET_RE);
    assert.equal(c.SecretAccessKey.length, 40);
    assert.ok(c.SessionToken && c.SessionToken.length >= 16);
    assertExpiresIn(c.Expiration, 43200);
  });

  test('GetSessionToken credentials identify the same user', async () => {
    const admin = await sts().send(new GetCallerIdentityCommand({}));
    const { Credentials: c } = await sts().send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    assertExpiresIn(c.Expiration, 900);
    const temp = sts({
      accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken,
    });
    const r = await temp.send(new GetCallerIdentityCommand({}));
    assert.equal(r.Arn, admin.Arn);
    assert.equal(r.UserId, admin.UserId);
    assert.equal(r.Account, DEFAULT_ACCOUNT);
    const info = await temp.send(new GetAccessKeyInfoCommand({ AccessKeyId: c.AccessKeyId }));
    assert.equal(info.Account, DEFAULT_ACCOUNT);
  });

  test('GetSessionToken accepts the bounds 900 and 129600', async () => {
    for (const d of [900, 129600]) {
      const { Credentials: c } = await sts().send(new GetSessionTokenCommand({ DurationSeconds: d }));
      assertExpiresIn(c.Expiration, d);
    }
  });

  test('GetAccessKeyInfo for the admin key', async () => {
    const r = await sts().send(new GetAccessKeyInfoCommand({ AccessKeyId: server.admin.accessKeyId }));
    assert.equal(r.Account, DEFAULT_ACCOUNT);
  });

  test('unknown access key -> InvalidClientTokenId', async () => {
    const bad = sts({ accessKeyId: randomAccessKeyId(), secretAccessKey: randomSecret() });
    await expectServiceError(bad.send(new GetCallerIdentityCommand({})),
      { name: 'InvalidClientTokenId', status: 403, message: MSG_INVALID_TOKEN }, assert);
  });

  test('wrong secret -> SignatureDoesNotMatch', async () => {
    const bad = sts({ accessKeyId: server.admin.accessKeyId, secretAccessKey: randomSecret() });
    await expectServiceError(bad.send(new GetCallerIdentityCommand({})),
      { name: 'SignatureDoesNotMatch', status: 403, messagePrefix: MSG_SIG_MISMATCH }, assert);
  });

  test('session key with a wrong token -> InvalidClientTokenId', async () => {
    const { Credentials: c } = await sts().send(new GetSessionTokenCommand({}));
    const bad = sts({
      accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: `${c.SessionToken}x`,
    });
    await expectServiceError(bad.send(new GetCallerIdentityCommand({})),
      { name: 'InvalidClientTokenId', status: 403, message: MSG_INVALID_TOKEN }, assert);
  });

  test('DurationSeconds out of range -> ValidationError', async () => {
    for (const d of [899, 129601]) {
      await expectServiceError(sts().send(new GetSessionTokenCommand({ DurationSeconds: d })),
        { name: 'ValidationError', status: 400, message: durationError(d) }, assert);
    }
  });
});

describe('STS with --account-id', () => {
  let server;
  before(async () => { server = await startServer({ accountId: '111122223333' }); });
  after(async () => { if (server) assert.equal(await server.stop(), 0); });

  test('identity lives in the configured account', async () => {
    const r = await new STSClient(clientConfig(server)).send(new GetCallerIdentityCommand({}));
    assert.equal(r.Account, '111122223333');
    assert.equal(r.Arn, 'arn:aws:iam::111122223333:user/admin');
  });
});
