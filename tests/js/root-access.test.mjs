// Centralized root access through the AWS SDK for JavaScript v3 against a real orgroot server
// (spec root-access.md §2.1, §2.2, §2.3, §7): enable the features, delegate, open root sessions
// with AssumeRootCommand, audit a member's root and find it all in the trail.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateLoginProfileCommand, CreateUserCommand, DisableOrganizationsRootCredentialsManagementCommand,
  DisableOrganizationsRootSessionsCommand, EnableOrganizationsRootCredentialsManagementCommand,
  EnableOrganizationsRootSessionsCommand, GetAccountSummaryCommand, GetLoginProfileCommand, GetUserCommand,
  IAMClient, ListAccessKeysCommand, ListMFADevicesCommand, ListOrganizationsFeaturesCommand, ListUsersCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAccountCommand, CreateOrganizationCommand, DescribeCreateAccountStatusCommand,
  EnableAWSServiceAccessCommand, ListDelegatedAdministratorsCommand, OrganizationsClient,
  RegisterDelegatedAdministratorCommand,
} from '@aws-sdk/client-organizations';
import {
  AssumeRoleCommand, AssumeRootCommand, GetCallerIdentityCommand, STSClient,
} from '@aws-sdk/client-sts';
import { ASIA_RE, DEFAULT_ACCOUNT, SECRET_RE, clientConfig, expectServiceError, startServer } from './harness.mjs';

const MGMT = DEFAULT_ACCOUNT;
const IAM_SP = 'iam.amazonaws.com';
const TASK = 'arn:aws:iam::aws:policy/root-task/';
const AUDIT = `${TASK}IAMAuditRootUserCredentials`;
const CREATE_PASSWORD = `${TASK}IAMCreateRootUserPassword`;
const S3_UNLOCK = `${TASK}S3UnlockBucketPolicy`;
const SQS_UNLOCK = `${TASK}SQSUnlockQueuePolicy`;
const MSG_CREDS_OFF = 'Root credentials management feature is not enabled for your AWS Organization.';
const MSG_SESSIONS_OFF = 'Root sessions feature is not enabled for your AWS Organization.';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rootArn = (account) => `arn:aws:iam::${account}:root`;
const denial = (caller, target) =>
  `User: ${caller} is not authorized to perform: sts:AssumeRoot on resource: ${rootArn(target)}`;
const roleSessionArn = (account, session) =>
  `arn:aws:sts::${account}:assumed-role/OrganizationAccountAccessRole/${session}`;

describe('centralized root access with the AWS SDK for JavaScript v3', () => {
  let server;
  let orgId;
  let delegate;
  let member;
  let target;
  let delegateCreds;
  let memberCreds;
  const sts = (credentials) => new STSClient(clientConfig(server, credentials));
  const iam = (credentials) => new IAMClient(clientConfig(server, credentials));
  const orgs = () => new OrganizationsClient(clientConfig(server));
  const trail = (credentials) => new CloudTrailClient(clientConfig(server, credentials));
  const assumeRoot = (credentials, TargetPrincipal, arn, extra = {}) =>
    sts(credentials).send(new AssumeRootCommand({ TargetPrincipal, TaskPolicyArn: { arn }, ...extra }));

  async function createAccount(name) {
    let st = (await orgs().send(new CreateAccountCommand({ Email: `${name}@example.com`, AccountName: name })))
      .CreateAccountStatus;
    for (let i = 0; i < 100 && st.State === 'IN_PROGRESS'; i++) {
      await sleep(50);
      st = (await orgs().send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: st.Id })))
        .CreateAccountStatus;
    }
    assert.equal(st.State, 'SUCCEEDED', JSON.stringify(st));
    return st.AccountId;
  }

  async function usable(credentials) {
    for (let i = 0; i < 50; i++) {
      try {
        await sts(credentials).send(new GetCallerIdentityCommand({}));
        return credentials;
      } catch (e) {
        if (e.name !== 'InvalidClientTokenId') throw e;
        await sleep(100);
      }
    }
    throw new Error(`key ${credentials.accessKeyId} never became usable`);
  }

  const toCreds = (c) => ({
    accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken,
  });

  async function roleSession(account, session) {
    const { Credentials: c } = await sts().send(new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: session,
    }));
    return usable(toCreds(c));
  }

  before(async () => {
    server = await startServer();
    orgId = (await orgs().send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization.Id;
    delegate = await createAccount('delegate');
    member = await createAccount('member');
    delegateCreds = await roleSession(delegate, 'js-delegate');
    memberCreds = await roleSession(member, 'js-member');
  });
  after(async () => {
    if (server) {
      const code = await server.stop();
      assert.equal(code, 0, `orgroot exited with ${code} on SIGTERM\n${server.log()}`);
    }
  });

  test('feature operations need trusted access for IAM', async () => {
    for (const [Command, credentials, account] of [
      [ListOrganizationsFeaturesCommand, undefined, MGMT],
      [EnableOrganizationsRootSessionsCommand, undefined, MGMT],
      [DisableOrganizationsRootCredentialsManagementCommand, memberCreds, member],
    ]) {
      const err = await expectServiceError(iam(credentials).send(new Command({})), {
        name: 'ServiceAccessNotEnabledException', status: 400,
        message: `Trusted Access for IAM not enabled by organization of input account ${account}.`,
      }, assert);
      assert.equal(err.$fault, 'client');
    }
    await expectServiceError(assumeRoot(undefined, member, AUDIT), {
      name: 'AccessDenied', status: 403, message: 'Service not enabled for AWS Organizations.',
    }, assert);
  });

  test('enable trusted access, the features, and a delegated administrator', async () => {
    await orgs().send(new EnableAWSServiceAccessCommand({ ServicePrincipal: IAM_SP }));
    let r = await iam().send(new ListOrganizationsFeaturesCommand({}));
    assert.equal(r.OrganizationId, orgId);
    assert.deepEqual(r.EnabledFeatures, []);
    r = await iam().send(new EnableOrganizationsRootCredentialsManagementCommand({}));
    assert.deepEqual(r.EnabledFeatures, ['RootCredentialsManagement']);
    r = await iam().send(new EnableOrganizationsRootSessionsCommand({}));
    assert.deepEqual(r.EnabledFeatures, ['RootSessions', 'RootCredentialsManagement']);
    // Created while RootCredentialsManagement is on: its root has no credentials at all.
    target = await createAccount('target');

    await orgs().send(new RegisterDelegatedAdministratorCommand({ AccountId: delegate, ServicePrincipal: IAM_SP }));
    const admins = (await orgs().send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: IAM_SP })))
      .DelegatedAdministrators;
    assert.deepEqual(admins.map((a) => a.Id), [delegate]);

    r = await iam(delegateCreds).send(new ListOrganizationsFeaturesCommand({}));
    assert.deepEqual(r.EnabledFeatures, ['RootSessions', 'RootCredentialsManagement']);
    await expectServiceError(iam(delegateCreds).send(new EnableOrganizationsRootSessionsCommand({})), {
      name: 'CallerIsNotManagementAccountException', status: 400,
      message: `Caller account ${delegate} is not management account of the organization `
        + 'and cannot enable IAM features.',
    }, assert);
    await expectServiceError(iam(memberCreds).send(new ListOrganizationsFeaturesCommand({})), {
      name: 'AccountNotManagementOrDelegatedAdministratorException', status: 400,
      message: `Input account ${member} is neither management account nor delegated admin.`,
    }, assert);
  });

  test('AssumeRoot by the management account and by the delegate', async () => {
    const out = await assumeRoot(undefined, target, AUDIT);
    assert.match(out.Credentials.AccessKeyId, ASIA_RE);
    assert.match(out.Credentials.SecretAccessKey, SECRET_RE);
    assert.ok(out.Credentials.SessionToken);
    assert.ok(out.Credentials.Expiration instanceof Date);
    assert.equal(out.SourceIdentity, undefined);
    const root = await usable(toCreds(out.Credentials));
    const me = await sts(root).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([me.UserId, me.Account, me.Arn], [target, target, rootArn(target)]);

    const viaDelegate = await assumeRoot(delegateCreds, rootArn(target), SQS_UNLOCK, { DurationSeconds: 120 });
    assert.match(viaDelegate.Credentials.AccessKeyId, ASIA_RE);
  });

  test('AssumeRoot errors', async () => {
    await expectServiceError(assumeRoot(undefined, target, AUDIT, { DurationSeconds: 901 }), {
      name: 'ValidationError', status: 400,
      message: "1 validation error detected: Value '901' at 'durationSeconds' failed to satisfy constraint: "
        + 'Member must have value less than or equal to 900',
    }, assert);
    await expectServiceError(assumeRoot(undefined, target, 'arn:aws:iam::aws:policy/ReadOnlyAccess'), {
      name: 'ValidationError', status: 400, message: 'Request must contain valid AWS managed task policy ARN',
    }, assert);
    await expectServiceError(assumeRoot(undefined, `arn:aws:iam::${target}:user/alice`, AUDIT), {
      name: 'ValidationError', status: 400, message: 'Request must contain a valid target principal',
    }, assert);
    await expectServiceError(assumeRoot(undefined, MGMT, AUDIT), {
      name: 'AccessDenied', status: 403, message: denial(server.adminArn, MGMT),
    }, assert);
    await expectServiceError(assumeRoot(memberCreds, target, AUDIT), {
      name: 'AccessDenied', status: 403, message: denial(roleSessionArn(member, 'js-member'), target),
    }, assert);

    await iam(delegateCreds).send(new DisableOrganizationsRootSessionsCommand({}));
    await expectServiceError(assumeRoot(undefined, target, S3_UNLOCK), {
      name: 'AccessDenied', status: 403, message: MSG_SESSIONS_OFF,
    }, assert);
    await iam().send(new DisableOrganizationsRootCredentialsManagementCommand({}));
    await expectServiceError(assumeRoot(delegateCreds, target, CREATE_PASSWORD), {
      name: 'AccessDenied', status: 403, message: MSG_CREDS_OFF,
    }, assert);
    await iam().send(new EnableOrganizationsRootCredentialsManagementCommand({}));
    await iam().send(new EnableOrganizationsRootSessionsCommand({}));
  });

  test('audit, then allow password recovery, then find it in the trail', async () => {
    const audit = iam(await usable(toCreds((await assumeRoot(undefined, target, AUDIT)).Credentials)));
    const user = (await audit.send(new GetUserCommand({}))).User;
    assert.equal(user.UserId, target);
    assert.equal(user.Arn, rootArn(target));
    assert.equal(user.UserName, undefined);
    assert.deepEqual((await audit.send(new ListAccessKeysCommand({}))).AccessKeyMetadata, []);
    assert.deepEqual((await audit.send(new ListMFADevicesCommand({}))).MFADevices, []);
    let summary = (await audit.send(new GetAccountSummaryCommand({}))).SummaryMap;
    assert.equal(summary.AccountPasswordPresent, 0);
    assert.equal(summary.AccountAccessKeysPresent, 0);
    await expectServiceError(audit.send(new GetLoginProfileCommand({})), {
      name: 'NoSuchEntityException', status: 404, message: 'Login Profile for User null cannot be found.',
    }, assert);
    await expectServiceError(audit.send(new ListUsersCommand({})), {
      name: 'AccessDenied', status: 403,
      messagePrefix: `User: ${rootArn(target)} is not authorized to perform: iam:ListUsers `,
    }, assert);

    const recoveryOut = await assumeRoot(delegateCreds, target, CREATE_PASSWORD);
    const recovery = await usable(toCreds(recoveryOut.Credentials));
    const lp = (await iam(recovery).send(new CreateLoginProfileCommand({}))).LoginProfile;
    assert.equal(lp.PasswordResetRequired, false);
    assert.equal(lp.UserName, undefined);
    await expectServiceError(iam(recovery).send(new CreateLoginProfileCommand({})), {
      name: 'EntityAlreadyExistsException', status: 409,
      message: `Login Profile for account ${target} already exists.`,
    }, assert);
    await expectServiceError(iam(recovery).send(new CreateUserCommand({ UserName: 'mallory' })), {
      name: 'AccessDenied', status: 403,
      messagePrefix: `User: ${rootArn(target)} is not authorized to perform: iam:CreateUser `,
    }, assert);
    summary = (await audit.send(new GetAccountSummaryCommand({}))).SummaryMap;
    assert.equal(summary.AccountPasswordPresent, 1);

    // The delegate's AssumeRoot is in the delegate's trail ...
    const calls = (await trail(delegateCreds).send(new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRoot' }],
    }))).Events.map((e) => JSON.parse(e.CloudTrailEvent));
    const issued = calls.find((r) => r.responseElements?.credentials?.accessKeyId === recovery.accessKeyId);
    assert.ok(issued, JSON.stringify(calls));
    assert.equal(issued.userIdentity.arn, roleSessionArn(delegate, 'js-delegate'));
    assert.equal(issued.recipientAccountId, delegate);
    assert.deepEqual(issued.requestParameters, { targetPrincipal: target, taskPolicyArn: { arn: CREATE_PASSWORD } });
    assert.equal(issued.resources[0].accountId, target);

    // ... and what the session did is in the target's.
    const targetAdmin = await roleSession(target, 'js-auditor');
    const events = (await trail(targetAdmin).send(new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: recovery.accessKeyId }],
    }))).Events;
    // GetCallerIdentity: usable() checks a new key before it is used.
    assert.deepEqual(events.map((e) => e.EventName).sort(),
      ['CreateLoginProfile', 'CreateLoginProfile', 'CreateUser', 'GetCallerIdentity']);
    for (const e of events) {
      const r = JSON.parse(e.CloudTrailEvent);
      assert.equal(r.recipientAccountId, target);
      assert.equal(r.userIdentity.type, 'Root');
      assert.equal(r.userIdentity.arn, rootArn(target));
      assert.equal(r.userIdentity.accessKeyId, recovery.accessKeyId);
      assert.equal(r.userIdentity.sessionContext.assumedRoot, 'true');
    }
  });
});
