// CloudTrail LookupEvents through the AWS SDK for JavaScript v3 against a real orgroot server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CloudTrailClient,
  LookupEventsCommand,
  paginateLookupEvents,
} from '@aws-sdk/client-cloudtrail';
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import {
  DEFAULT_ACCOUNT, clientConfig, expectServiceError, randomAccessKeyId, randomSecret, startServer,
} from './harness.mjs';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('CloudTrail with @aws-sdk/client-cloudtrail', () => {
  let server;
  let session;
  let started;
  const trail = (credentials) => new CloudTrailClient(clientConfig(server, credentials));
  const byAttribute = async (key, value) => {
    const events = [];
    const input = key ? { LookupAttributes: [{ AttributeKey: key, AttributeValue: value }] } : {};
    for await (const page of paginateLookupEvents({ client: trail(), pageSize: 3 }, input)) {
      events.push(...page.Events);
    }
    return events;
  };

  before(async () => {
    server = await startServer();
    started = new Date(Date.now() - 2000);
    const sts = new STSClient(clientConfig(server));
    await sts.send(new GetCallerIdentityCommand({}));
    const { Credentials: c } = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    session = c;
    await new IAMClient(clientConfig(server)).send(new CreateUserCommand({ UserName: 'js-carol' }));
    const unknown = new STSClient(clientConfig(server, {
      accessKeyId: randomAccessKeyId(), secretAccessKey: randomSecret(),
    }));
    await assert.rejects(unknown.send(new GetCallerIdentityCommand({})));
  });
  after(async () => {
    if (server) {
      const code = await server.stop();
      assert.equal(code, 0, `orgroot exited with ${code} on SIGTERM\n${server.log()}`);
    }
  });

  test('events of the account, newest first, with the full record', async () => {
    const { Events } = await trail().send(new LookupEventsCommand({}));
    assert.ok(Events.length >= 3, JSON.stringify(Events.map((e) => e.EventName)));
    const times = Events.map((e) => e.EventTime.getTime());
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    const create = Events.find((e) => e.EventName === 'CreateUser');
    assert.ok(create);
    assert.match(create.EventId, UUID_RE);
    assert.equal(create.ReadOnly, 'false');
    assert.equal(create.Username, 'admin');
    assert.equal(create.EventSource, 'iam.amazonaws.com');
    assert.ok(create.EventTime instanceof Date);
    const record = JSON.parse(create.CloudTrailEvent);
    assert.equal(record.eventID, create.EventId);
    assert.equal(record.recipientAccountId, DEFAULT_ACCOUNT);
    assert.equal(record.userIdentity.type, 'IAMUser');
    assert.equal(record.userIdentity.arn, server.adminArn);
    assert.deepEqual(record.requestParameters, { userName: 'js-carol' });
    assert.deepEqual(create.Resources, [{ ResourceType: 'AWS::IAM::User', ResourceName: 'js-carol' }]);
  });

  test('GetSessionToken is recorded without the secret', async () => {
    const events = await byAttribute('EventName', 'GetSessionToken');
    assert.equal(events.length, 1);
    assert.ok(!events[0].CloudTrailEvent.includes(session.SecretAccessKey));
    const creds = JSON.parse(events[0].CloudTrailEvent).responseElements.credentials;
    assert.equal(creds.accessKeyId, session.AccessKeyId);
    assert.equal(creds.secretAccessKey, undefined);
  });

  test('each lookup attribute filters', async () => {
    const all = await byAttribute();
    assert.equal((await byAttribute('EventId', all[0].EventId)).length, 1);
    for (const [key, value, field] of [
      ['EventName', 'GetCallerIdentity', 'EventName'],
      ['ReadOnly', 'true', 'ReadOnly'],
      ['ReadOnly', 'false', 'ReadOnly'],
      ['Username', 'admin', 'Username'],
      ['EventSource', 'sts.amazonaws.com', 'EventSource'],
      ['AccessKeyId', server.admin.accessKeyId, 'AccessKeyId'],
    ]) {
      const events = await byAttribute(key, value);
      assert.ok(events.length > 0, `${key}=${value}`);
      for (const e of events) assert.equal(e[field], value, `${key}=${value}`);
    }
    assert.equal((await byAttribute('ResourceType', 'AWS::IAM::User')).length, 1);
    assert.equal((await byAttribute('ResourceName', 'js-carol')).length, 1);
    assert.equal((await byAttribute('AccessKeyId', session.AccessKeyId)).length, 0);
  });

  test('pagination visits every event once', async () => {
    const all = (await trail().send(new LookupEventsCommand({ StartTime: started }))).Events;
    const paged = [];
    for await (const page of paginateLookupEvents({ client: trail(), pageSize: 1 }, { StartTime: started })) {
      assert.ok(page.Events.length <= 1);
      paged.push(...page.Events.map((e) => e.EventId));
    }
    // The paginated calls are recorded too, after the first listing: compare the older part.
    const ids = all.map((e) => e.EventId);
    assert.deepEqual(paged.slice(paged.length - ids.length), ids);
  });

  test('errors', async () => {
    await expectServiceError(trail().send(new LookupEventsCommand({
      LookupAttributes: [
        { AttributeKey: 'EventName', AttributeValue: 'A' },
        { AttributeKey: 'Username', AttributeValue: 'B' },
      ],
    })), { name: 'InvalidLookupAttributesException', status: 400 }, assert);
    await expectServiceError(trail().send(new LookupEventsCommand({
      StartTime: new Date(), EndTime: new Date(Date.now() - 3600_000),
    })), { name: 'InvalidTimeRangeException', status: 400 }, assert);
    await expectServiceError(trail().send(new LookupEventsCommand({ NextToken: 'nope' })),
      { name: 'InvalidNextTokenException', status: 400 }, assert);
  });
});
