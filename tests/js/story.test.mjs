// The centralized-root-access story with the AWS SDK for JavaScript v3, against
// `orgroot server --demo` (docs/walkthrough.md): turn the features on, audit every member with
// AssumeRoot, delete one member's root credentials, unlock the locked bucket and queue. The steps
// run in order; each needs the ones before it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  EnableOrganizationsRootCredentialsManagementCommand, EnableOrganizationsRootSessionsCommand,
  GetAccountSummaryCommand, GetLoginProfileCommand, IAMClient, ListAccessKeysCommand,
  ListMFADevicesCommand, ListSigningCertificatesCommand, DeleteAccessKeyCommand,
  DeleteLoginProfileCommand, DeleteSigningCertificateCommand, DeactivateMFADeviceCommand,
} from '@aws-sdk/client-iam';
import {
  EnableAWSServiceAccessCommand, OrganizationsClient, RegisterDelegatedAdministratorCommand,
} from '@aws-sdk/client-organizations';
import {
  DeleteBucketPolicyCommand, GetBucketPolicyCommand, GetObjectCommand, ListBucketsCommand, S3Client,
} from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import {
  AssumeRoleCommand, AssumeRootCommand, GetCallerIdentityCommand, STSClient,
} from '@aws-sdk/client-sts';
import { ASIA_RE, clientConfig, expectServiceError, readText, startServer } from './harness.mjs';

const TASK = 'arn:aws:iam::aws:policy/root-task/';
const BUCKET = 'data-prod-reports';
const QUEUE = 'data-prod-orders';
const OBJECT_KEY = 'reports/2024-10-orders.csv';
// password, access key, MFA, signing certificate of each member's root as --demo seeds them
const ROOTS = {
  'payments-prod': [1, 1, 1, 1],
  'storefront-prod': [1, 0, 1, 0],
  'data-prod': [0, 0, 0, 0],
  'payments-dev': [1, 0, 0, 0],
  'storefront-dev': [0, 0, 0, 1],
  'sandbox-alice': [1, 1, 0, 0],
  'sandbox-bob': [0, 1, 0, 0],
};
/** STS's Credentials as SDK credentials. */
const sdkCreds = (c) => ({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken });

const SUMMARY_KEYS = ['AccountPasswordPresent', 'AccountAccessKeysPresent', 'AccountMFAEnabled',
  'AccountSigningCertificatesPresent'];

/** demo.txt: INI sections of `key = value`. */
function parseDemoFile(text) {
  const out = {};
  let section = null;
  for (const line of text.split('\n')) {
    const s = line.trim();
    if (!s || s.startsWith('#')) continue;
    const m = /^\[(.+)\]$/.exec(s);
    if (m) { section = out[m[1]] = {}; continue; }
    const eq = s.indexOf('=');
    if (section && eq > 0) section[s.slice(0, eq).trim()] = s.slice(eq + 1).trim();
  }
  return out;
}

describe('the centralized root access story with the AWS SDK for JavaScript v3', () => {
  let server;
  let demo;
  const passed = new Set();
  const needs = (t, ...steps) => {
    const missing = steps.filter((s) => !passed.has(s));
    if (missing.length) t.skip(`needs the earlier step(s) ${missing.join(', ')}`);
    return missing.length === 0;
  };
  const account = (profile) => demo[profile].account_id;
  const sts = (c) => new STSClient(clientConfig(server, c));
  const iam = (c) => new IAMClient(clientConfig(server, c));
  const s3 = (c) => new S3Client(clientConfig(server, c, { forcePathStyle: true }));
  const sqs = (c) => new SQSClient(clientConfig(server, c, { useQueueUrlAsEndpoint: false }));
  const orgs = () => new OrganizationsClient(clientConfig(server));

  const roleSession = async (profile) => {
    const r = await sts().send(new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account(profile)}:role/OrganizationAccountAccessRole`,
      RoleSessionName: `js-story-${profile}`,
    }));
    return sdkCreds(r.Credentials);
  };
  const rootSession = async (profile, task, caller) => {
    const r = await sts(caller).send(new AssumeRootCommand({
      TargetPrincipal: account(profile), TaskPolicyArn: { arn: TASK + task },
    }));
    assert.match(r.Credentials.AccessKeyId, ASIA_RE);
    return sdkCreds(r.Credentials);
  };
  const summary = async (creds) => {
    const { SummaryMap: m } = await iam(creds).send(new GetAccountSummaryCommand({}));
    return SUMMARY_KEYS.map((k) => m[k]);
  };

  before(async () => {
    server = await startServer({ args: ['--demo'] });
    demo = parseDemoFile(readText(path.join(server.dataDir, 'demo.txt')));
  });
  after(async () => {
    if (server) {
      const code = await server.stop();
      assert.equal(code, 0, `orgroot exited with ${code} on SIGTERM\n${server.log()}`);
    }
  });

  test('1. enable trusted access, both features and a delegated administrator', async () => {
    await orgs().send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
    let r = await iam().send(new EnableOrganizationsRootCredentialsManagementCommand({}));
    assert.deepEqual(r.EnabledFeatures, ['RootCredentialsManagement']);
    r = await iam().send(new EnableOrganizationsRootSessionsCommand({}));
    assert.deepEqual(r.EnabledFeatures, ['RootSessions', 'RootCredentialsManagement']);
    assert.equal(r.OrganizationId, demo.organization.organization_id);
    await orgs().send(new RegisterDelegatedAdministratorCommand({
      AccountId: account('security'), ServicePrincipal: 'iam.amazonaws.com',
    }));
    passed.add('enabled');
  });

  test('2. the delegated administrator audits every member with AssumeRoot', async (t) => {
    if (!needs(t, 'enabled')) return;
    const security = await roleSession('security');
    for (const [profile, expected] of Object.entries(ROOTS)) {
      const audit = await rootSession(profile, 'IAMAuditRootUserCredentials', security);
      assert.deepEqual(await summary(audit), expected, profile);
      const who = await sts(audit).send(new GetCallerIdentityCommand({}));
      assert.equal(who.Arn, `arn:aws:iam::${account(profile)}:root`);
      const keys = await iam(audit).send(new ListAccessKeysCommand({}));
      assert.deepEqual(keys.AccessKeyMetadata.map((k) => k.AccessKeyId),
        expected[1] ? [demo[profile].aws_access_key_id] : [], profile);
      if (!expected[0]) {
        await expectServiceError(iam(audit).send(new GetLoginProfileCommand({})), {
          name: 'NoSuchEntityException', status: 404, message: 'Login Profile for User null cannot be found.',
        }, assert);
      }
    }
    passed.add('audited');
  });

  test('3. delete the root credentials of Payments Prod; its old root key stops working', async (t) => {
    if (!needs(t, 'audited')) return;
    const oldKey = {
      accessKeyId: demo['payments-prod'].aws_access_key_id,
      secretAccessKey: demo['payments-prod'].aws_secret_access_key,
    };
    const before = await sts(oldKey).send(new GetCallerIdentityCommand({}));
    assert.equal(before.Arn, `arn:aws:iam::${account('payments-prod')}:root`);

    const del = iam(await rootSession('payments-prod', 'IAMDeleteRootUserCredentials'));
    await del.send(new DeleteLoginProfileCommand({}));
    for (const k of (await del.send(new ListAccessKeysCommand({}))).AccessKeyMetadata) {
      await del.send(new DeleteAccessKeyCommand({ AccessKeyId: k.AccessKeyId }));
    }
    for (const c of (await del.send(new ListSigningCertificatesCommand({}))).Certificates) {
      await del.send(new DeleteSigningCertificateCommand({ CertificateId: c.CertificateId }));
    }
    for (const d of (await del.send(new ListMFADevicesCommand({}))).MFADevices) {
      await del.send(new DeactivateMFADeviceCommand({ SerialNumber: d.SerialNumber }));
    }
    const audit = await rootSession('payments-prod', 'IAMAuditRootUserCredentials');
    assert.deepEqual(await summary(audit), [0, 0, 0, 0]);
    await expectServiceError(sts(oldKey).send(new GetCallerIdentityCommand({})), {
      name: 'InvalidClientTokenId', status: 403, message: 'The security token included in the request is invalid.',
    }, assert);
  });

  test('4. unlock the bucket whose policy denies everyone', async (t) => {
    if (!needs(t, 'enabled')) return;
    const role = await roleSession('data-prod');
    await expectServiceError(s3(role).send(new GetObjectCommand({ Bucket: BUCKET, Key: OBJECT_KEY })),
      { name: 'AccessDenied', status: 403 }, assert);
    const unlock = s3(await rootSession('data-prod', 'S3UnlockBucketPolicy'));
    const { Buckets } = await unlock.send(new ListBucketsCommand({}));
    assert.ok(Buckets.some((b) => b.Name === BUCKET));
    const { Policy } = await unlock.send(new GetBucketPolicyCommand({ Bucket: BUCKET }));
    assert.equal(JSON.parse(Policy).Statement[0].Effect, 'Deny');
    const del = await unlock.send(new DeleteBucketPolicyCommand({ Bucket: BUCKET }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    await expectServiceError(unlock.send(new GetBucketPolicyCommand({ Bucket: BUCKET })),
      { name: 'NoSuchBucketPolicy', status: 404 }, assert);
    const obj = await s3(role).send(new GetObjectCommand({ Bucket: BUCKET, Key: OBJECT_KEY }));
    assert.match(await obj.Body.transformToString(), /^order_id,amount\n/);
  });

  test('5. unlock the queue whose policy denies everyone', async (t) => {
    if (!needs(t, 'enabled')) return;
    const role = await roleSession('data-prod');
    const unlock = sqs(await rootSession('data-prod', 'SQSUnlockQueuePolicy'));
    const { QueueUrl } = await unlock.send(new GetQueueUrlCommand({ QueueName: QUEUE }));
    assert.equal(QueueUrl, demo['data-prod'].locked_queue_url);
    await expectServiceError(sqs(role).send(new ReceiveMessageCommand({ QueueUrl })),
      { name: 'AccessDenied' }, assert);
    const { Attributes } = await unlock.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }));
    assert.equal(JSON.parse(Attributes.Policy).Statement[0].Effect, 'Deny');
    await unlock.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: '' } }));
    const after = await unlock.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }));
    assert.equal(after.Attributes?.Policy, undefined);
    const { Messages } = await sqs(role).send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual((Messages ?? []).map((m) => JSON.parse(m.Body).orderId), [1003]);
  });
});
