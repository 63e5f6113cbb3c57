// IAM credential operations through @aws-sdk/client-iam against a real orgroot server: each
// operation at least once, with real TOTP codes for the MFA device.
import assert from 'node:assert/strict';
import { randomUUID, generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  IAMClient,
  ChangePasswordCommand, CreateAccessKeyCommand, CreateAccountAliasCommand, CreateLoginProfileCommand,
  CreateUserCommand, CreateVirtualMFADeviceCommand, DeactivateMFADeviceCommand, DeleteAccessKeyCommand,
  DeleteAccountAliasCommand, DeleteAccountPasswordPolicyCommand, DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand, DeleteVirtualMFADeviceCommand, EnableMFADeviceCommand,
  GenerateCredentialReportCommand, GetAccessKeyLastUsedCommand, GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand, GetCredentialReportCommand, GetLoginProfileCommand, GetMFADeviceCommand,
  ListAccessKeysCommand, ListAccountAliasesCommand, ListMFADevicesCommand, ListSigningCertificatesCommand,
  ListVirtualMFADevicesCommand, ResyncMFADeviceCommand, UpdateAccessKeyCommand,
  UpdateAccountPasswordPolicyCommand, UpdateLoginProfileCommand, UpdateSigningCertificateCommand,
  UploadSigningCertificateCommand, AttachUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  AKIA_RE, DEFAULT_ACCOUNT, SECRET_RE, base32Decode, clientConfig, expectServiceError, startServer, totp,
} from './harness.mjs';

function makeCertificate(cn) {
  const dir = mkdtempSync(path.join(tmpdir(), 'orgroot-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '30', '-subj', `/CN=${cn}`],
    { stdio: 'ignore' });
    return readFileSync(path.join(dir, 'c.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const unique = (p) => `${p}-${randomUUID().slice(0, 8)}`;

describe('IAM credentials with @aws-sdk/client-iam', () => {
  let server;
  let iam;
  let user;

  before(async () => {
    server = await startServer();
    iam = new IAMClient(clientConfig(server));
    user = unique('js-user');
    await iam.send(new CreateUserCommand({ UserName: user }));
  });
  after(async () => {
    if (server) {
      const code = await server.stop();
      assert.equal(code, 0, `orgroot exited with ${code} on SIGTERM\n${server.log()}`);
    }
  });

  test('access keys: create, list, update, last used, delete; inactive keys fail', async () => {
    await iam.send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    const { AccessKey: k } = await iam.send(new CreateAccessKeyCommand({ UserName: user }));
    assert.match(k.AccessKeyId, AKIA_RE);
    assert.match(k.SecretAccessKey, SECRET_RE);
    assert.equal(k.UserName, user);
    await iam.send(new CreateAccessKeyCommand({ UserName: user }));
    await expectServiceError(iam.send(new CreateAccessKeyCommand({ UserName: user })),
      { name: 'LimitExceededException', status: 409, message: 'Cannot exceed quota for AccessKeysPerUser: 2' }, assert);
    const page = await iam.send(new ListAccessKeysCommand({ UserName: user, MaxItems: 1 }));
    assert.equal(page.AccessKeyMetadata.length, 1);
    assert.equal(page.IsTruncated, true);
    const rest = await iam.send(new ListAccessKeysCommand({ UserName: user, Marker: page.Marker }));
    assert.equal(rest.AccessKeyMetadata.length, 1);
    assert.equal(rest.IsTruncated, false);

    const never = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId }));
    assert.equal(never.AccessKeyLastUsed.ServiceName, 'N/A');
    const creds = { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey };
    const sts = new STSClient(clientConfig(server, creds));
    await sts.send(new GetCallerIdentityCommand({}));
    const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId }));
    assert.equal(used.AccessKeyLastUsed.ServiceName, 'sts');
    assert.ok(used.AccessKeyLastUsed.LastUsedDate instanceof Date);

    await iam.send(new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: k.AccessKeyId, Status: 'Inactive' }));
    await expectServiceError(sts.send(new GetCallerIdentityCommand({})), { name: 'InvalidClientTokenId', status: 403 }, assert);
    for (const m of [...page.AccessKeyMetadata, ...rest.AccessKeyMetadata]) {
      await iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: m.AccessKeyId }));
    }
    await expectServiceError(iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: k.AccessKeyId })),
      { name: 'NoSuchEntityException', status: 404, message: `The Access Key with id ${k.AccessKeyId} cannot be found.` }, assert);
  });

  test('login profile, password policy and ChangePassword', async () => {
    await expectServiceError(iam.send(new GetLoginProfileCommand({ UserName: user })),
      { name: 'NoSuchEntityException', status: 404, message: `Login Profile for User ${user} cannot be found.` }, assert);
    await expectServiceError(iam.send(new CreateLoginProfileCommand({ UserName: user, Password: 'short' })),
      { name: 'PasswordPolicyViolationException', status: 400 }, assert);
    const lp = await iam.send(new CreateLoginProfileCommand({ UserName: user, Password: 'Js-Passw0rd-1' }));
    assert.equal(lp.LoginProfile.UserName, user);
    assert.ok(lp.LoginProfile.CreateDate instanceof Date);
    await iam.send(new UpdateLoginProfileCommand({ UserName: user, PasswordResetRequired: true }));
    assert.equal((await iam.send(new GetLoginProfileCommand({ UserName: user }))).LoginProfile.PasswordResetRequired, true);

    await iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 12, RequireNumbers: true, PasswordReusePrevention: 1 }));
    const pol = (await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy;
    assert.equal(pol.MinimumPasswordLength, 12);
    assert.equal(pol.RequireNumbers, true);
    assert.equal(pol.ExpirePasswords, false);

    const { AccessKey: k } = await iam.send(new CreateAccessKeyCommand({ UserName: user }));
    const own = new IAMClient(clientConfig(server, { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey }));
    await own.send(new ChangePasswordCommand({ OldPassword: 'Js-Passw0rd-1', NewPassword: 'Js-Passw0rd-22' }));
    await expectServiceError(own.send(new ChangePasswordCommand({ OldPassword: 'Js-Passw0rd-22', NewPassword: 'Js-Passw0rd-22' })),
      { name: 'PasswordPolicyViolationException', status: 400 }, assert);
    await iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: k.AccessKeyId }));

    await iam.send(new DeleteAccountPasswordPolicyCommand({}));
    await expectServiceError(iam.send(new GetAccountPasswordPolicyCommand({})),
      { name: 'NoSuchEntityException', status: 404, message: `The Password Policy with domain name ${DEFAULT_ACCOUNT} cannot be found.` }, assert);
    await iam.send(new DeleteLoginProfileCommand({ UserName: user }));
  });

  test('virtual MFA: create, enable with TOTP codes, list, get, resync, deactivate, delete', async () => {
    const name = unique('js-mfa');
    const { VirtualMFADevice: dev } = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name }));
    assert.equal(dev.SerialNumber, `arn:aws:iam::${DEFAULT_ACCOUNT}:mfa/${name}`);
    const seed = Buffer.from(dev.Base32StringSeed).toString('ascii');
    assert.equal(base32Decode(seed).length, 20);
    assert.deepEqual([...Buffer.from(dev.QRCodePNG).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const now = Date.now();
    await expectServiceError(iam.send(new EnableMFADeviceCommand({
      UserName: user, SerialNumber: dev.SerialNumber, AuthenticationCode1: '000000', AuthenticationCode2: '000000',
    })), { name: 'InvalidAuthenticationCodeException', status: 403, message: 'Authentication code for device is not valid.' }, assert);
    await iam.send(new EnableMFADeviceCommand({
      UserName: user, SerialNumber: dev.SerialNumber,
      AuthenticationCode1: totp(seed, now, -1), AuthenticationCode2: totp(seed, now),
    }));
    const listed = await iam.send(new ListMFADevicesCommand({ UserName: user }));
    assert.deepEqual(listed.MFADevices.map((d) => d.SerialNumber), [dev.SerialNumber]);
    const got = await iam.send(new GetMFADeviceCommand({ SerialNumber: dev.SerialNumber }));
    assert.equal(got.UserName, user);
    const virt = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned' }));
    assert.equal(virt.VirtualMFADevices.find((d) => d.SerialNumber === dev.SerialNumber).User.UserName, user);
    await iam.send(new ResyncMFADeviceCommand({
      UserName: user, SerialNumber: dev.SerialNumber,
      AuthenticationCode1: totp(seed, Date.now(), 0), AuthenticationCode2: totp(seed, Date.now(), 1),
    }));
    await expectServiceError(iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: dev.SerialNumber })),
      { name: 'DeleteConflictException', status: 409 }, assert);
    await iam.send(new DeactivateMFADeviceCommand({ UserName: user, SerialNumber: dev.SerialNumber }));
    await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: dev.SerialNumber }));
  });

  test('signing certificates', async () => {
    await expectServiceError(iam.send(new UploadSigningCertificateCommand({ UserName: user, CertificateBody: 'nope' })),
      { name: 'MalformedCertificateException', status: 400,
        message: 'Unable to parse certificate. Please ensure the certificate is in PEM format.' }, assert);
    const pem = makeCertificate('js');
    const { Certificate: c } = await iam.send(new UploadSigningCertificateCommand({ UserName: user, CertificateBody: pem }));
    assert.equal(c.Status, 'Active');
    await expectServiceError(iam.send(new UploadSigningCertificateCommand({ UserName: user, CertificateBody: pem })),
      { name: 'DuplicateCertificateException', status: 409 }, assert);
    await iam.send(new UpdateSigningCertificateCommand({ UserName: user, CertificateId: c.CertificateId, Status: 'Inactive' }));
    const list = await iam.send(new ListSigningCertificatesCommand({ UserName: user }));
    assert.equal(list.Certificates[0].Status, 'Inactive');
    await iam.send(new DeleteSigningCertificateCommand({ UserName: user, CertificateId: c.CertificateId }));
    assert.equal((await iam.send(new ListSigningCertificatesCommand({ UserName: user }))).Certificates.length, 0);
  });

  test('account alias, summary and credential report', async () => {
    const alias = unique('js-org');
    await iam.send(new CreateAccountAliasCommand({ AccountAlias: alias }));
    assert.deepEqual((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases, [alias]);
    await iam.send(new DeleteAccountAliasCommand({ AccountAlias: alias }));
    await expectServiceError(iam.send(new DeleteAccountAliasCommand({ AccountAlias: alias })),
      { name: 'NoSuchEntityException', status: 404 }, assert);

    const { SummaryMap: m } = await iam.send(new GetAccountSummaryCommand({}));
    assert.equal(m.UsersQuota, 5000);
    assert.equal(m.AccountMFAEnabled, 0);
    assert.equal(m.AccountAccessKeysPresent, 0);
    assert.ok(m.Users >= 2);

    await expectServiceError(iam.send(new GetCredentialReportCommand({})), { name: 'CredentialReportNotPresentException', status: 410 }, assert);
    assert.equal((await iam.send(new GenerateCredentialReportCommand({}))).State, 'STARTED');
    const r = await iam.send(new GetCredentialReportCommand({}));
    assert.equal(r.ReportFormat, 'text/csv');
    const lines = Buffer.from(r.Content).toString('utf8').split('\n');
    assert.ok(lines[0].startsWith('user,arn,user_creation_time,password_enabled,'));
    assert.ok(lines[1].startsWith(`<root_account>,arn:aws:iam::${DEFAULT_ACCOUNT}:root,`));
    assert.ok(lines.some((l) => l.startsWith(`${user},`)));
  });
});
