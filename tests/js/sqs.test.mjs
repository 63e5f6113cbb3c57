// SQS through the AWS SDK for JavaScript v3 (json 1.0) against a real orgroot server.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  AddPermissionCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  RemovePermissionCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DEFAULT_ACCOUNT, clientConfig, expectServiceError, startServer } from './harness.mjs';

const md5 = (s) => createHash('md5').update(s).digest('hex');

describe('SQS with @aws-sdk/client-sqs', () => {
  let server;
  const sqs = () => new SQSClient(clientConfig(server, server.admin, { useQueueUrlAsEndpoint: false }));
  const arn = (name) => `arn:aws:sqs:us-east-1:${DEFAULT_ACCOUNT}:${name}`;

  before(async () => { server = await startServer(); });
  after(async () => {
    if (server) {
      const code = await server.stop();
      assert.equal(code, 0, `orgroot exited with ${code} on SIGTERM\n${server.log()}`);
    }
  });

  test('CreateQueue, GetQueueUrl, ListQueues, DeleteQueue', async () => {
    const { QueueUrl } = await sqs().send(new CreateQueueCommand({ QueueName: 'js-life', Attributes: { DelaySeconds: '0' } }));
    assert.equal(QueueUrl, `https://sqs.us-east-1.amazonaws.com/${DEFAULT_ACCOUNT}/js-life`);
    await expectServiceError(
      sqs().send(new CreateQueueCommand({ QueueName: 'js-life', Attributes: { DelaySeconds: '5' } })),
      { name: 'QueueNameExists', status: 400,
        message: 'A queue already exists with the same name and a different value for attribute DelaySeconds' }, assert);
    assert.equal((await sqs().send(new GetQueueUrlCommand({ QueueName: 'js-life' }))).QueueUrl, QueueUrl);
    const l = await sqs().send(new ListQueuesCommand({ QueueNamePrefix: 'js-' }));
    assert.deepEqual(l.QueueUrls, [QueueUrl]);
    await sqs().send(new DeleteQueueCommand({ QueueUrl }));
    const err = await expectServiceError(sqs().send(new GetQueueUrlCommand({ QueueName: 'js-life' })),
      { name: 'QueueDoesNotExist', status: 400, message: 'The specified queue does not exist.' }, assert);
    assert.equal(err.Code ?? err.name, 'AWS.SimpleQueueService.NonExistentQueue');
  });

  test('Get/SetQueueAttributes', async () => {
    const { QueueUrl } = await sqs().send(new CreateQueueCommand({ QueueName: 'js-attrs' }));
    const all = await sqs().send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    assert.equal(all.Attributes.QueueArn, arn('js-attrs'));
    assert.equal(all.Attributes.VisibilityTimeout, '30');
    await sqs().send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: '12' } }));
    const one = await sqs().send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['VisibilityTimeout'] }));
    assert.deepEqual(one.Attributes, { VisibilityTimeout: '12' });
    await expectServiceError(sqs().send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: 'nope' } })),
      { name: 'InvalidAttributeValue', status: 400, message: 'Invalid value for the parameter Policy.' }, assert);
  });

  test('AddPermission and RemovePermission', async () => {
    const { QueueUrl } = await sqs().send(new CreateQueueCommand({ QueueName: 'js-perm' }));
    await sqs().send(new AddPermissionCommand({
      QueueUrl, Label: 'p1', AWSAccountIds: ['222222222222'], Actions: ['SendMessage'],
    }));
    const { Attributes } = await sqs().send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }));
    const st = JSON.parse(Attributes.Policy).Statement;
    assert.equal(st.length, 1);
    assert.equal(st[0].Sid, 'p1');
    assert.deepEqual(st[0].Principal, { AWS: 'arn:aws:iam::222222222222:root' });
    assert.equal(st[0].Action, 'SQS:SendMessage');
    await sqs().send(new RemovePermissionCommand({ QueueUrl, Label: 'p1' }));
    await expectServiceError(sqs().send(new RemovePermissionCommand({ QueueUrl, Label: 'p1' })),
      { name: 'InvalidParameterValue', status: 400,
        message: "Value p1 for parameter Label is invalid. Reason: can't find label." }, assert);
  });

  test('SendMessage, ReceiveMessage, DeleteMessage', async () => {
    const { QueueUrl } = await sqs().send(new CreateQueueCommand({ QueueName: 'js-msgs' }));
    const s = await sqs().send(new SendMessageCommand({
      QueueUrl, MessageBody: 'hi js', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
    }));
    assert.equal(s.MD5OfMessageBody, md5('hi js'));
    assert.ok(s.MessageId);
    const r = await sqs().send(new ReceiveMessageCommand({
      QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], WaitTimeSeconds: 1,
    }));
    assert.equal(r.Messages.length, 1);
    assert.equal(r.Messages[0].Body, 'hi js');
    assert.equal(r.Messages[0].MessageAttributes.k.StringValue, 'v');
    await sqs().send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: r.Messages[0].ReceiptHandle }));
    await expectServiceError(sqs().send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'bogus' })),
      { name: 'ReceiptHandleIsInvalid', status: 400 }, assert);
    const none = await sqs().send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(none.Messages, undefined);
  });

  test('a deny-all queue policy locks out the admin', async () => {
    const { QueueUrl } = await sqs().send(new CreateQueueCommand({ QueueName: 'js-locked' }));
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: arn('js-locked') }],
    });
    await sqs().send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: policy } }));
    for (const cmd of [
      new SendMessageCommand({ QueueUrl, MessageBody: 'x' }),
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
      new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: '' } }),
    ]) {
      let err;
      try { await sqs().send(cmd); } catch (e) { err = e; }
      assert.ok(err, `${cmd.constructor.name} should be denied`);
      assert.match(err.name, /^AccessDenied/, `${cmd.constructor.name}: ${err.name} ${err.message}`);
    }
  });
});
