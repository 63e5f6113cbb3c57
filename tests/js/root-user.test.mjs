// The root user's sign-in with the AWS SDK for JavaScript v3: a member root created by
// Organizations recovers its password through the local mailbox, signs in at
// /_orgroot/root/signin, and the console session's credentials drive STS and IAM as the root user
// (including EnableMFADevice without UserName, which the JS SDK does not validate).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateAccessKeyCommand, CreateVirtualMFADeviceCommand, DeleteAccessKeyCommand, EnableMFADeviceCommand,
  GetAccountSummaryCommand, GetUserCommand, IAMClient, ListMFADevicesCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAccountCommand, CreateOrganizationCommand, DescribeCreateAccountStatusCommand, OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AKIA_RE, ASIA_RE, clientConfig, expectServiceError, startServer, totp } from './harness.mjs';

const PASSWORD = 'Js-Root-Passw0rd';

describe('root user sign-in', () => {
  let server;
  let account;
  const email = 'js-root@example.com';

  async function post(path, body) {
    const res = await fetch(`${server.endpoint}${path}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }
  async function signIn(extra = {}) {
    return post('/_orgroot/root/signin', { email, password: PASSWORD, ...extra });
  }
  function asCredentials(c) {
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  }

  before(async () => {
    server = await startServer();
    const orgs = new OrganizationsClient(clientConfig(server));
    await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    let st = (await orgs.send(new CreateAccountCommand({ Email: email, AccountName: 'js-root' }))).CreateAccountStatus;
    for (let i = 0; i < 200 && st.State === 'IN_PROGRESS'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      st = (await orgs.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: st.Id })))
        .CreateAccountStatus;
    }
    assert.equal(st.State, 'SUCCEEDED');
    account = st.AccountId;
  });
  after(async () => { if (server) await server.stop(); });

  test('recovers the password through the mailbox, then acts as the root user', async () => {
    const denied = await signIn();
    assert.equal(denied.status, 401);
    assert.equal(denied.body.code, 'AuthenticationFailed');

    assert.equal((await post('/_orgroot/root/forgot-password', { email: email.toUpperCase() })).status, 200);
    const mail = await (await fetch(`${server.endpoint}/_orgroot/mailbox/${encodeURIComponent(email)}`)).json();
    assert.equal(mail.length, 1);
    assert.ok(mail[0].Body.includes(`/_orgroot/console/reset-password?token=${mail[0].Token}`));
    const reset = await post('/_orgroot/root/reset-password', { token: mail[0].Token, newPassword: PASSWORD });
    assert.equal(reset.status, 200, JSON.stringify(reset.body));

    const ok = await signIn();
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.match(ok.body.Credentials.AccessKeyId, ASIA_RE);
    const credentials = asCredentials(ok.body.Credentials);

    const sts = new STSClient(clientConfig(server, credentials));
    const who = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:iam::${account}:root`);
    assert.equal(who.Account, account);

    const iam = new IAMClient(clientConfig(server, credentials));
    const user = (await iam.send(new GetUserCommand({}))).User;
    assert.equal(user.Arn, `arn:aws:iam::${account}:root`);
    assert.equal(user.UserName, undefined);

    // A root access key, used and then deleted.
    const key = (await iam.send(new CreateAccessKeyCommand({}))).AccessKey;
    assert.match(key.AccessKeyId, AKIA_RE);
    assert.equal(key.UserName, undefined);
    const keySts = new STSClient(clientConfig(server, { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey }));
    assert.equal((await keySts.send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${account}:root`);
    await iam.send(new DeleteAccessKeyCommand({ AccessKeyId: key.AccessKeyId }));
    await expectServiceError(keySts.send(new GetCallerIdentityCommand({})), { name: 'InvalidClientTokenId', status: 403 }, assert);

    // A root MFA device: EnableMFADevice without UserName, then sign-in asks for the code.
    const dev = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'root-account-mfa-device' })))
      .VirtualMFADevice;
    const seed = Buffer.from(dev.Base32StringSeed).toString('ascii');
    const now = Date.now();
    await iam.send(new EnableMFADeviceCommand({
      SerialNumber: dev.SerialNumber, AuthenticationCode1: totp(seed, now, -2), AuthenticationCode2: totp(seed, now, -1),
    }));
    const devices = (await iam.send(new ListMFADevicesCommand({}))).MFADevices;
    assert.deepEqual(devices.map((d) => d.SerialNumber), [dev.SerialNumber]);
    assert.equal((await iam.send(new GetAccountSummaryCommand({}))).SummaryMap.AccountMFAEnabled, 1);

    const needsCode = await signIn();
    assert.equal(needsCode.status, 401);
    assert.equal(needsCode.body.code, 'MfaCodeRequired');
    const withCode = await signIn({ mfaCode: totp(seed, Date.now()) });
    assert.equal(withCode.status, 200, JSON.stringify(withCode.body));
    const again = new STSClient(clientConfig(server, asCredentials(withCode.body.Credentials)));
    assert.equal((await again.send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${account}:root`);
  });
});
