// IAM core and STS AssumeRole through the AWS SDK for JavaScript v3 against a real orgroot server.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as I from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DEFAULT_ACCOUNT, clientConfig, expectServiceError, startServer } from './harness.mjs';

const A = DEFAULT_ACCOUNT;
const ALLOW_S3 = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
const ALLOW_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
const uniq = (p) => `${p}-${randomBytes(5).toString('hex')}`;
const trust = (principal, extra = {}) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole', ...extra }],
});
const decode = (doc) => JSON.parse(decodeURIComponent(doc));

describe('IAM core with @aws-sdk/client-iam', () => {
  let server;
  let iam;
  const send = (cmd) => iam.send(cmd);

  before(async () => {
    server = await startServer();
    iam = new I.IAMClient(clientConfig(server));
  });
  after(async () => {
    if (server) {
      const code = await server.stop();
      assert.equal(code, 0, `orgroot exited with ${code} on SIGTERM\n${server.log()}`);
    }
  });

  test('users: create, get, list, update, tags, delete', async () => {
    const name = uniq('u');
    const { User } = await send(new I.CreateUserCommand({ UserName: name, Path: '/js/', Tags: [{ Key: 'a', Value: '1' }] }));
    assert.equal(User.Arn, `arn:aws:iam::${A}:user/js/${name}`);
    assert.match(User.UserId, /^AIDA[A-Z2-7]{17}$/);
    assert.ok(User.CreateDate instanceof Date);
    assert.equal((await send(new I.GetUserCommand({ UserName: name }))).User.UserName, name);
    assert.equal((await send(new I.GetUserCommand({}))).User.UserName, 'admin');
    await expectServiceError(send(new I.CreateUserCommand({ UserName: name })),
      { name: 'EntityAlreadyExistsException', status: 409, message: `User with name ${name} already exists.` }, assert);
    const listed = await send(new I.ListUsersCommand({ PathPrefix: '/js/' }));
    assert.deepEqual(listed.Users.map((u) => u.UserName), [name]);
    assert.equal(listed.IsTruncated, false);
    await send(new I.TagUserCommand({ UserName: name, Tags: [{ Key: 'b', Value: '2' }] }));
    await send(new I.UntagUserCommand({ UserName: name, TagKeys: ['a'] }));
    assert.deepEqual((await send(new I.ListUserTagsCommand({ UserName: name }))).Tags, [{ Key: 'b', Value: '2' }]);
    const renamed = uniq('u2');
    await send(new I.UpdateUserCommand({ UserName: name, NewUserName: renamed }));
    await send(new I.DeleteUserCommand({ UserName: renamed }));
    await expectServiceError(send(new I.GetUserCommand({ UserName: renamed })),
      { name: 'NoSuchEntityException', status: 404, message: `The user with name ${renamed} cannot be found.` }, assert);
  });

  test('ListUsers paginates with Marker', async () => {
    const prefix = `/${uniq('pp')}/`;
    const names = [uniq('a'), uniq('b'), uniq('c')].sort();
    for (const n of names) await send(new I.CreateUserCommand({ UserName: n, Path: prefix }));
    const seen = [];
    for await (const page of I.paginateListUsers({ client: iam, pageSize: 2 }, { PathPrefix: prefix })) {
      seen.push(...page.Users.map((u) => u.UserName));
    }
    assert.deepEqual(seen, names);
  });

  test('groups and membership', async () => {
    const g = uniq('g');
    const u = uniq('gu');
    const { Group } = await send(new I.CreateGroupCommand({ GroupName: g }));
    assert.match(Group.GroupId, /^AGPA/);
    await send(new I.CreateUserCommand({ UserName: u }));
    await send(new I.AddUserToGroupCommand({ GroupName: g, UserName: u }));
    const got = await send(new I.GetGroupCommand({ GroupName: g }));
    assert.deepEqual(got.Users.map((x) => x.UserName), [u]);
    assert.deepEqual((await send(new I.ListGroupsForUserCommand({ UserName: u }))).Groups.map((x) => x.GroupName), [g]);
    assert.ok((await send(new I.ListGroupsCommand({}))).Groups.some((x) => x.GroupName === g));
    await expectServiceError(send(new I.DeleteGroupCommand({ GroupName: g })),
      { name: 'DeleteConflictException', status: 409, message: 'Cannot delete entity, must remove users from group first.' }, assert);
    await send(new I.RemoveUserFromGroupCommand({ GroupName: g, UserName: u }));
    const g2 = uniq('g2');
    await send(new I.UpdateGroupCommand({ GroupName: g, NewGroupName: g2 }));
    await send(new I.PutGroupPolicyCommand({ GroupName: g2, PolicyName: 'p', PolicyDocument: ALLOW_S3 }));
    assert.deepEqual(decode((await send(new I.GetGroupPolicyCommand({ GroupName: g2, PolicyName: 'p' }))).PolicyDocument), JSON.parse(ALLOW_S3));
    assert.deepEqual((await send(new I.ListGroupPoliciesCommand({ GroupName: g2 }))).PolicyNames, ['p']);
    await send(new I.DeleteGroupPolicyCommand({ GroupName: g2, PolicyName: 'p' }));
    await send(new I.AttachGroupPolicyCommand({ GroupName: g2, PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    assert.equal((await send(new I.ListAttachedGroupPoliciesCommand({ GroupName: g2 }))).AttachedPolicies.length, 1);
    await send(new I.DetachGroupPolicyCommand({ GroupName: g2, PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    await send(new I.DeleteGroupCommand({ GroupName: g2 }));
  });

  test('roles', async () => {
    const r = uniq('r');
    const doc = trust(`arn:aws:iam::${A}:root`);
    const { Role } = await send(new I.CreateRoleCommand({ RoleName: r, AssumeRolePolicyDocument: doc, MaxSessionDuration: 7200 }));
    assert.match(Role.RoleId, /^AROA/);
    assert.deepEqual(decode(Role.AssumeRolePolicyDocument), JSON.parse(doc));
    const got = (await send(new I.GetRoleCommand({ RoleName: r }))).Role;
    assert.equal(got.MaxSessionDuration, 7200);
    await send(new I.UpdateRoleCommand({ RoleName: r, Description: 'x' }));
    assert.equal((await send(new I.UpdateRoleDescriptionCommand({ RoleName: r, Description: 'y' }))).Role.Description, 'y');
    await send(new I.UpdateAssumeRolePolicyCommand({ RoleName: r, PolicyDocument: trust(`arn:aws:iam::${A}:user/admin`) }));
    await send(new I.TagRoleCommand({ RoleName: r, Tags: [{ Key: 'k', Value: 'v' }] }));
    assert.equal((await send(new I.ListRoleTagsCommand({ RoleName: r }))).Tags.length, 1);
    await send(new I.UntagRoleCommand({ RoleName: r, TagKeys: ['k'] }));
    assert.ok((await send(new I.ListRolesCommand({}))).Roles.some((x) => x.RoleName === r));
    await send(new I.PutRolePolicyCommand({ RoleName: r, PolicyName: 'i', PolicyDocument: ALLOW_S3 }));
    assert.equal((await send(new I.GetRolePolicyCommand({ RoleName: r, PolicyName: 'i' }))).PolicyName, 'i');
    assert.deepEqual((await send(new I.ListRolePoliciesCommand({ RoleName: r }))).PolicyNames, ['i']);
    await send(new I.DeleteRolePolicyCommand({ RoleName: r, PolicyName: 'i' }));
    await send(new I.AttachRolePolicyCommand({ RoleName: r, PolicyArn: 'arn:aws:iam::aws:policy/AmazonSQSFullAccess' }));
    assert.equal((await send(new I.ListAttachedRolePoliciesCommand({ RoleName: r }))).AttachedPolicies[0].PolicyName, 'AmazonSQSFullAccess');
    await expectServiceError(send(new I.DeleteRoleCommand({ RoleName: r })),
      { name: 'DeleteConflictException', status: 409, message: 'Cannot delete entity, must detach all policies first.' }, assert);
    await send(new I.DetachRolePolicyCommand({ RoleName: r, PolicyArn: 'arn:aws:iam::aws:policy/AmazonSQSFullAccess' }));
    await send(new I.PutRolePermissionsBoundaryCommand({ RoleName: r, PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' }));
    await send(new I.DeleteRolePermissionsBoundaryCommand({ RoleName: r }));
    await send(new I.DeleteRoleCommand({ RoleName: r }));
    await expectServiceError(send(new I.CreateRoleCommand({ RoleName: uniq('bad'), AssumeRolePolicyDocument: '{x' })),
      { name: 'MalformedPolicyDocumentException', status: 400, message: 'This policy contains invalid Json' }, assert);
  });

  test('managed policies and versions', async () => {
    const n = uniq('pol');
    const { Policy } = await send(new I.CreatePolicyCommand({ PolicyName: n, PolicyDocument: ALLOW_S3 }));
    const arn = Policy.Arn;
    assert.equal(arn, `arn:aws:iam::${A}:policy/${n}`);
    assert.equal((await send(new I.GetPolicyCommand({ PolicyArn: arn }))).Policy.DefaultVersionId, 'v1');
    const v2 = await send(new I.CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: ALLOW_ALL, SetAsDefault: true }));
    assert.equal(v2.PolicyVersion.VersionId, 'v2');
    const pv = (await send(new I.GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }))).PolicyVersion;
    assert.deepEqual(decode(pv.Document), JSON.parse(ALLOW_S3));
    assert.equal((await send(new I.ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions.length, 2);
    await send(new I.SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    await send(new I.DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
    await send(new I.TagPolicyCommand({ PolicyArn: arn, Tags: [{ Key: 't', Value: 'v' }] }));
    assert.equal((await send(new I.ListPolicyTagsCommand({ PolicyArn: arn }))).Tags.length, 1);
    await send(new I.UntagPolicyCommand({ PolicyArn: arn, TagKeys: ['t'] }));
    const u = uniq('pu');
    await send(new I.CreateUserCommand({ UserName: u }));
    await send(new I.AttachUserPolicyCommand({ UserName: u, PolicyArn: arn }));
    assert.equal((await send(new I.ListAttachedUserPoliciesCommand({ UserName: u }))).AttachedPolicies[0].PolicyArn, arn);
    const ents = await send(new I.ListEntitiesForPolicyCommand({ PolicyArn: arn }));
    assert.deepEqual(ents.PolicyUsers.map((x) => x.UserName), [u]);
    await expectServiceError(send(new I.DeletePolicyCommand({ PolicyArn: arn })),
      { name: 'DeleteConflictException', status: 409 }, assert);
    await send(new I.DetachUserPolicyCommand({ UserName: u, PolicyArn: arn }));
    await send(new I.PutUserPolicyCommand({ UserName: u, PolicyName: 'in', PolicyDocument: ALLOW_S3 }));
    assert.equal((await send(new I.GetUserPolicyCommand({ UserName: u, PolicyName: 'in' }))).UserName, u);
    assert.deepEqual((await send(new I.ListUserPoliciesCommand({ UserName: u }))).PolicyNames, ['in']);
    await send(new I.DeleteUserPolicyCommand({ UserName: u, PolicyName: 'in' }));
    await send(new I.PutUserPermissionsBoundaryCommand({ UserName: u, PermissionsBoundary: arn }));
    assert.equal((await send(new I.GetUserCommand({ UserName: u }))).User.PermissionsBoundary.PermissionsBoundaryArn, arn);
    await send(new I.DeleteUserPermissionsBoundaryCommand({ UserName: u }));
    await send(new I.DeletePolicyCommand({ PolicyArn: arn }));
    await expectServiceError(send(new I.GetPolicyCommand({ PolicyArn: arn })),
      { name: 'NoSuchEntityException', status: 404, message: `Policy ${arn} was not found.` }, assert);
  });

  test('AWS managed policies, including the root-task ones', async () => {
    const { Policies } = await send(new I.ListPoliciesCommand({ Scope: 'AWS', PathPrefix: '/root-task/' }));
    assert.deepEqual(Policies.map((p) => p.PolicyName).sort(), [
      'IAMAuditRootUserCredentials', 'IAMCreateRootUserPassword', 'IAMDeleteRootUserCredentials',
      'S3UnlockBucketPolicy', 'SQSUnlockQueuePolicy']);
    const arn = 'arn:aws:iam::aws:policy/root-task/SQSUnlockQueuePolicy';
    assert.equal((await send(new I.GetPolicyCommand({ PolicyArn: arn }))).Policy.PolicyId, 'ANPAZKAPJZG4HPZI4FDUV');
    const doc = decode((await send(new I.GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }))).PolicyVersion.Document);
    assert.equal(doc.Statement.length, 3);
  });

  test('AssumeRole and the session identity', async () => {
    const r = uniq('ar');
    const arn = (await send(new I.CreateRoleCommand({ RoleName: r, AssumeRolePolicyDocument: trust(`arn:aws:iam::${A}:root`) }))).Role.Arn;
    const sts = new STSClient(clientConfig(server));
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'js', DurationSeconds: 900 }));
    assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${A}:assumed-role/${r}/js`);
    assert.match(out.AssumedRoleUser.AssumedRoleId, /^AROA[A-Z2-7]{17}:js$/);
    const c = out.Credentials;
    const me = await new STSClient(clientConfig(server, {
      accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken,
    })).send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, out.AssumedRoleUser.Arn);
    await expectServiceError(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'js', DurationSeconds: 7200 })),
      { name: 'ValidationError', status: 400, message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' }, assert);
    await expectServiceError(sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${A}:role/none-${r}`, RoleSessionName: 'js' })),
      { name: 'AccessDenied', status: 403 }, assert);
  });
});
