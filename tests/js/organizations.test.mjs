// AWS Organizations through the AWS SDK for JavaScript v3 against a real orgroot server.
// Every operation orgroot implements is called at least once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AttachPolicyCommand, CloseAccountCommand, CreateAccountCommand, CreateOrganizationCommand,
  CreateOrganizationalUnitCommand, CreatePolicyCommand, DeleteOrganizationCommand,
  DeleteOrganizationalUnitCommand, DeletePolicyCommand, DeregisterDelegatedAdministratorCommand,
  DescribeAccountCommand, DescribeCreateAccountStatusCommand, DescribeOrganizationCommand,
  DescribeOrganizationalUnitCommand, DescribePolicyCommand, DetachPolicyCommand,
  DisableAWSServiceAccessCommand, DisablePolicyTypeCommand, EnableAWSServiceAccessCommand,
  EnableAllFeaturesCommand, EnablePolicyTypeCommand, ListAWSServiceAccessForOrganizationCommand,
  ListAccountsForParentCommand, ListChildrenCommand, ListCreateAccountStatusCommand,
  ListDelegatedAdministratorsCommand, ListDelegatedServicesForAccountCommand,
  ListOrganizationalUnitsForParentCommand, ListParentsCommand, ListPoliciesCommand,
  ListPoliciesForTargetCommand, ListRootsCommand, ListTagsForResourceCommand,
  ListTargetsForPolicyCommand, MoveAccountCommand, OrganizationsClient,
  RegisterDelegatedAdministratorCommand, RemoveAccountFromOrganizationCommand, TagResourceCommand,
  UntagResourceCommand, UpdateOrganizationalUnitCommand, UpdatePolicyCommand, paginateListAccounts,
} from '@aws-sdk/client-organizations';
import { DEFAULT_ACCOUNT, clientConfig, expectServiceError, startServer } from './harness.mjs';

const SCP = 'SERVICE_CONTROL_POLICY';
const FULL = 'p-FullAWSAccess';
const DENY_S3 = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('Organizations with @aws-sdk/client-organizations', () => {
  let server;
  let org;
  let root;
  let orgId;
  const send = (cmd) => org.send(cmd);

  async function createAccount(name, extra = {}) {
    const r = await send(new CreateAccountCommand({ Email: `${name}@example.com`, AccountName: name, ...extra }));
    assert.equal(r.CreateAccountStatus.State, 'IN_PROGRESS');
    assert.match(r.CreateAccountStatus.Id, /^car-[a-z0-9]{32}$/);
    for (let i = 0; i < 50; i++) {
      const s = await send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: r.CreateAccountStatus.Id }));
      if (s.CreateAccountStatus.State !== 'IN_PROGRESS') return s.CreateAccountStatus;
      await sleep(200);
    }
    throw new Error('CreateAccount never finished');
  }

  before(async () => {
    server = await startServer();
    org = new OrganizationsClient(clientConfig(server));
  });
  after(async () => {
    if (server) {
      const code = await server.stop();
      assert.equal(code, 0, `orgroot exited with ${code} on SIGTERM\n${server.log()}`);
    }
  });

  test('no organization yet', async () => {
    await expectServiceError(send(new DescribeOrganizationCommand({})), {
      name: 'AWSOrganizationsNotInUseException', status: 400,
      message: 'Your account is not a member of an organization.',
    }, assert);
  });

  test('create, describe, enable all features', async () => {
    const o = (await send(new CreateOrganizationCommand({ FeatureSet: 'CONSOLIDATED_BILLING' }))).Organization;
    assert.match(o.Id, /^o-[a-z0-9]{10}$/);
    assert.equal(o.MasterAccountId, DEFAULT_ACCOUNT);
    orgId = o.Id;
    const hs = (await send(new EnableAllFeaturesCommand({}))).Handshake;
    assert.equal(hs.Action, 'ENABLE_ALL_FEATURES');
    const d = (await send(new DescribeOrganizationCommand({}))).Organization;
    assert.equal(d.FeatureSet, 'ALL');
    await expectServiceError(send(new CreateOrganizationCommand({})), { name: 'AlreadyInOrganizationException', status: 400 }, assert);
    const roots = (await send(new ListRootsCommand({}))).Roots;
    root = roots[0].Id;
    assert.match(root, /^r-[a-z0-9]{4}$/);
  });

  test('accounts, OUs and the tree', async () => {
    const st = await createAccount('js-dev', { Tags: [{ Key: 'team', Value: 'js' }] });
    assert.equal(st.State, 'SUCCEEDED');
    const acct = st.AccountId;
    const failed = await createAccount('js-dev');
    assert.equal(failed.State, 'FAILED');
    assert.equal(failed.FailureReason, 'EMAIL_ALREADY_EXISTS');
    const statuses = (await send(new ListCreateAccountStatusCommand({ States: ['SUCCEEDED'] }))).CreateAccountStatuses;
    assert.ok(statuses.some((s) => s.AccountId === acct));

    const a = (await send(new DescribeAccountCommand({ AccountId: acct }))).Account;
    assert.equal(a.Name, 'js-dev');
    assert.ok(a.JoinedTimestamp instanceof Date);
    const all = [];
    for await (const page of paginateListAccounts({ client: org, pageSize: 1 }, {})) all.push(...page.Accounts);
    assert.deepEqual(all.map((x) => x.Id).sort(), [DEFAULT_ACCOUNT, acct].sort());

    const ou = (await send(new CreateOrganizationalUnitCommand({ ParentId: root, Name: 'JsOu' }))).OrganizationalUnit;
    assert.match(ou.Id, /^ou-[a-z0-9]{4}-[a-z0-9]{8}$/);
    assert.equal((await send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: ou.Id }))).OrganizationalUnit.Name, 'JsOu');
    const upd = await send(new UpdateOrganizationalUnitCommand({ OrganizationalUnitId: ou.Id, Name: 'JsOu2' }));
    assert.equal(upd.OrganizationalUnit.Name, 'JsOu2');
    const ous = (await send(new ListOrganizationalUnitsForParentCommand({ ParentId: root }))).OrganizationalUnits;
    assert.deepEqual(ous.map((x) => x.Id), [ou.Id]);
    await send(new MoveAccountCommand({ AccountId: acct, SourceParentId: root, DestinationParentId: ou.Id }));
    const parents = (await send(new ListParentsCommand({ ChildId: acct }))).Parents;
    assert.deepEqual(parents, [{ Id: ou.Id, Type: 'ORGANIZATIONAL_UNIT' }]);
    const kids = (await send(new ListChildrenCommand({ ParentId: ou.Id, ChildType: 'ACCOUNT' }))).Children;
    assert.deepEqual(kids, [{ Id: acct, Type: 'ACCOUNT' }]);
    const inOu = (await send(new ListAccountsForParentCommand({ ParentId: ou.Id }))).Accounts;
    assert.deepEqual(inOu.map((x) => x.Id), [acct]);
    await expectServiceError(send(new DeleteOrganizationalUnitCommand({ OrganizationalUnitId: ou.Id })),
      { name: 'OrganizationalUnitNotEmptyException', status: 400 }, assert);
    await expectServiceError(send(new MoveAccountCommand({ AccountId: acct, SourceParentId: ou.Id, DestinationParentId: ou.Id })),
      { name: 'DuplicateAccountException', status: 400 }, assert);
    await send(new MoveAccountCommand({ AccountId: acct, SourceParentId: ou.Id, DestinationParentId: root }));
    await send(new DeleteOrganizationalUnitCommand({ OrganizationalUnitId: ou.Id }));

    await send(new TagResourceCommand({ ResourceId: acct, Tags: [{ Key: 'env', Value: 'dev' }] }));
    let tags = (await send(new ListTagsForResourceCommand({ ResourceId: acct }))).Tags;
    assert.deepEqual(tags, [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'js' }]);
    await send(new UntagResourceCommand({ ResourceId: acct, TagKeys: ['env', 'team'] }));
    tags = (await send(new ListTagsForResourceCommand({ ResourceId: acct }))).Tags;
    assert.deepEqual(tags, []);

    await send(new CloseAccountCommand({ AccountId: acct }));
    const closed = (await send(new DescribeAccountCommand({ AccountId: acct }))).Account;
    assert.ok(['PENDING_CLOSURE', 'SUSPENDED'].includes(closed.Status), closed.Status);
    await expectServiceError(send(new CloseAccountCommand({ AccountId: acct })),
      { name: 'AccountAlreadyClosedException', status: 400 }, assert);
    await send(new RemoveAccountFromOrganizationCommand({ AccountId: acct }));
    await expectServiceError(send(new DescribeAccountCommand({ AccountId: acct })),
      { name: 'AccountNotFoundException', status: 400, message: "You specified an account that doesn't exist." }, assert);
  });

  test('service control policies', async () => {
    const ou = (await send(new CreateOrganizationalUnitCommand({ ParentId: root, Name: 'ScpJs' }))).OrganizationalUnit.Id;
    const enabled = (await send(new EnablePolicyTypeCommand({ RootId: root, PolicyType: SCP }))).Root;
    assert.deepEqual(enabled.PolicyTypes, [{ Type: SCP, Status: 'ENABLED' }]);
    const p = (await send(new CreatePolicyCommand({ Name: 'DenyS3', Description: 'd', Type: SCP, Content: DENY_S3 }))).Policy;
    const pid = p.PolicySummary.Id;
    assert.match(pid, /^p-[a-z0-9]{8}$/);
    assert.equal((await send(new DescribePolicyCommand({ PolicyId: FULL }))).Policy.PolicySummary.AwsManaged, true);
    await send(new AttachPolicyCommand({ PolicyId: pid, TargetId: ou }));
    await send(new DetachPolicyCommand({ PolicyId: FULL, TargetId: ou }));
    const err = await expectServiceError(send(new DetachPolicyCommand({ PolicyId: pid, TargetId: ou })),
      { name: 'ConstraintViolationException', status: 400 }, assert);
    assert.equal(err.Reason, 'MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED');
    const forOu = (await send(new ListPoliciesForTargetCommand({ TargetId: ou, Filter: SCP }))).Policies;
    assert.deepEqual(forOu.map((x) => x.Id), [pid]);
    const targets = (await send(new ListTargetsForPolicyCommand({ PolicyId: pid }))).Targets;
    assert.deepEqual(targets.map((t) => [t.TargetId, t.Type]), [[ou, 'ORGANIZATIONAL_UNIT']]);
    const listed = (await send(new ListPoliciesCommand({ Filter: SCP }))).Policies;
    assert.deepEqual(listed.map((x) => x.Id), [FULL, pid]);
    const upd = (await send(new UpdatePolicyCommand({ PolicyId: pid, Description: 'changed' }))).Policy;
    assert.equal(upd.PolicySummary.Description, 'changed');
    await expectServiceError(send(new DeletePolicyCommand({ PolicyId: pid })), { name: 'PolicyInUseException', status: 400 }, assert);
    const disabled = (await send(new DisablePolicyTypeCommand({ RootId: root, PolicyType: SCP }))).Root;
    assert.deepEqual(disabled.PolicyTypes, []);
    await send(new DeletePolicyCommand({ PolicyId: pid }));
    await send(new DeleteOrganizationalUnitCommand({ OrganizationalUnitId: ou }));
  });

  test('trusted access and delegated administrators', async () => {
    const { AccountId: acct } = await createAccount('js-security');
    const sp = 'iam.amazonaws.com';
    const err = await expectServiceError(send(new RegisterDelegatedAdministratorCommand({ AccountId: acct, ServicePrincipal: sp })),
      { name: 'ConstraintViolationException', status: 400 }, assert);
    assert.equal(err.Reason, 'SERVICE_ACCESS_NOT_ENABLED');
    await send(new EnableAWSServiceAccessCommand({ ServicePrincipal: sp }));
    const access = (await send(new ListAWSServiceAccessForOrganizationCommand({}))).EnabledServicePrincipals;
    assert.deepEqual(access.map((x) => x.ServicePrincipal), [sp]);
    assert.ok(access[0].DateEnabled instanceof Date);
    await send(new RegisterDelegatedAdministratorCommand({ AccountId: acct, ServicePrincipal: sp }));
    const admins = (await send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: sp }))).DelegatedAdministrators;
    assert.deepEqual(admins.map((x) => x.Id), [acct]);
    const services = (await send(new ListDelegatedServicesForAccountCommand({ AccountId: acct }))).DelegatedServices;
    assert.deepEqual(services.map((x) => x.ServicePrincipal), [sp]);
    await expectServiceError(send(new DisableAWSServiceAccessCommand({ ServicePrincipal: sp })),
      { name: 'ConstraintViolationException', status: 400 }, assert);
    await send(new DeregisterDelegatedAdministratorCommand({ AccountId: acct, ServicePrincipal: sp }));
    await send(new DisableAWSServiceAccessCommand({ ServicePrincipal: sp }));
    await send(new RemoveAccountFromOrganizationCommand({ AccountId: acct }));
  });

  test('delete the organization', async () => {
    await send(new DeleteOrganizationCommand({}));
    await expectServiceError(send(new ListRootsCommand({})), { name: 'AWSOrganizationsNotInUseException', status: 400 }, assert);
    assert.ok(orgId);
  });
});
