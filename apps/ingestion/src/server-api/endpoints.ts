import { flag, optionalInt, optionalText, requiredInt, requiredText, textList, type ParamSet } from './params';

/**
 * The Server API endpoints (RongCloud/Nexconn-compatible subset): path, parameters and answer.
 * Controllers validate with these definitions and the OpenAPI document is generated from them.
 */
export interface Endpoint<S extends ParamSet = ParamSet> {
  path: string;
  tag: 'user' | 'message' | 'status message' | 'group';
  summary: string;
  params: S;
  /** JSON Schema of the properties of a 200 answer besides `code`. */
  answer: Record<string, unknown>;
}

const ID = /^[A-Za-z0-9+=_|.@-]+$/;
const idHint = 'letters, digits and + = - _ | . @';
const userId = (description: string) => requiredText({ description, maxLength: 64, pattern: ID, patternHint: idHint });
const userIds = (description: string, maxItems: number, required = true) =>
  textList({ description, maxLength: 64, pattern: ID, patternHint: idHint, maxItems, required });
const groupId = (description = 'Group id.') => requiredText({ description, maxLength: 64, pattern: ID, patternHint: idHint });
const objectName = requiredText({ description: 'Message type, e.g. `RC:TxtMsg`, `RC:TypSts` or an app type.', maxLength: 32 });
/** The size limit of the content is the app setting `maxContentBytes` (checked with code 1508). */
const content = requiredText({ description: 'The message body: a JSON text, e.g. `{"content":"hi"}`. At most the app’s `maxContentBytes` (128 KiB by default; 1508 beyond).', maxLength: 1_000_000 });
const isIncludeSender = flag('1: the sender’s own devices get the message too (stored in the sender’s stream when multi-device sync is on).', false);
const isPersisted = flag('0: transient, delivered to devices online now only, never stored.', true);
const msgRandom = optionalText({ description: 'Idempotency key: a repeat with the same sender and value answers the first message’s UIDs and sends nothing.', maxLength: 40, pattern: /^[A-Za-z0-9_-]+$/ });
const ignored = (description: string) => optionalText({ description: `${description} Accepted and ignored (no push here).`, maxLength: 100_000 });

const ack = { type: 'object', properties: {} };
const uidEntries = (key: 'userId' | 'groupId') => ({
  type: 'object',
  properties: {
    messageUIDs: {
      type: 'array',
      description: `One entry per ${key === 'userId' ? 'recipient' : 'group'}. \`sentTime\` (epoch ms) is an extension (not in RongCloud) that \`message/recall\` can use.`,
      items: {
        type: 'object',
        properties: { [key]: { type: 'string' }, messageUID: { type: 'string' }, sentTime: { type: 'integer', format: 'int64' } },
        required: [key, 'messageUID', 'sentTime'],
      },
    },
  },
  required: ['messageUIDs'],
});

function endpoint<S extends ParamSet>(e: Endpoint<S>): Endpoint<S> {
  return e;
}

/** What every (non-status) publish endpoint takes besides its sender and targets. */
const messageParams = {
  objectName,
  content,
  isPersisted,
  isIncludeSender,
  msgRandom,
  pushContent: ignored('Push text.'),
  pushData: ignored('Push payload.'),
};

export const Endpoints = {
  getToken: endpoint({
    path: 'user/getToken',
    tag: 'user',
    summary: 'Issue a device token for a user (registers the user; every token issued stays valid until it expires or is expired).',
    params: {
      userId: userId('User id.'),
      name: optionalText({ description: 'Display name (not stored by this service).', maxLength: 128 }),
      portraitUri: optionalText({ description: 'Avatar URL (not stored by this service).', maxLength: 1024 }),
    },
    answer: { type: 'object', properties: { userId: { type: 'string' }, token: { type: 'string', description: 'Opaque; the device presents it to the WebSocket gateway.' } }, required: ['userId', 'token'] },
  }),
  checkOnline: endpoint({
    path: 'user/checkOnline',
    tag: 'user',
    summary: 'Whether the user has at least one connected device.',
    params: { userId: userId('User id.') },
    answer: { type: 'object', properties: { status: { type: 'string', enum: ['0', '1'], description: '"1" online, "0" offline.' } }, required: ['status'] },
  }),
  block: endpoint({
    path: 'user/block',
    tag: 'user',
    summary: 'Block users: every connected device is disconnected at once and logins are refused until the time runs out or user/unblock. Tokens stay valid for after the block.',
    params: { userId: userIds('Users to block.', 20), minute: requiredInt({ description: 'Minutes, 1-43200.', min: 1, max: 43_200 }) },
    answer: ack,
  }),
  unblock: endpoint({
    path: 'user/unblock',
    tag: 'user',
    summary: 'Lift a block.',
    params: { userId: userIds('Users to unblock.', 20) },
    answer: ack,
  }),
  blockQuery: endpoint({
    path: 'user/block/query',
    tag: 'user',
    summary: 'The users blocked now.',
    params: {},
    answer: {
      type: 'object',
      properties: {
        users: {
          type: 'array',
          items: {
            type: 'object',
            description: 'Both `userId` (newer docs) and `id` (3.x SDK docs) carry the user id.',
            properties: { userId: { type: 'string' }, id: { type: 'string' }, blockEndTime: { type: 'string', description: '`yyyy-MM-dd HH:mm:ss`, UTC.' } },
            required: ['userId', 'id', 'blockEndTime'],
          },
        },
      },
      required: ['users'],
    },
  }),
  expireTokens: endpoint({
    path: 'user/token/expire',
    tag: 'user',
    summary: 'Tokens issued before `time` stop working for new connections; connected devices stay connected.',
    params: { userId: userIds('Users whose tokens expire.', 20), time: requiredInt({ description: 'Epoch milliseconds.', min: 0, max: 8_640_000_000_000_000 }) },
    answer: ack,
  }),
  privatePublish: endpoint({
    path: 'message/private/publish',
    tag: 'message',
    summary: 'One-to-one message to each `toUserId` (one message, one UID per recipient). All or nothing: an invalid request sends nothing.',
    params: {
      fromUserId: userId('Sender.'),
      toUserId: userIds('Recipients.', 1000),
      ...messageParams,
    },
    answer: uidEntries('userId'),
  }),
  groupPublish: endpoint({
    path: 'message/group/publish',
    tag: 'message',
    summary: 'Group message to each `toGroupId` (the sender need not be a member); with `toUserId`, only those members of the one group get it.',
    params: {
      fromUserId: userId('Sender.'),
      toGroupId: userIds('Groups (at most 3; exactly one with toUserId).', 3),
      toUserId: userIds('Directed message: only these members receive it.', 1000, false),
      ...messageParams,
    },
    answer: uidEntries('groupId'),
  }),
  systemPublish: endpoint({
    path: 'message/system/publish',
    tag: 'message',
    summary: 'System message (conversation type system) to each `toUserId`.',
    params: {
      fromUserId: userId('Sender (the system account).'),
      toUserId: userIds('Recipients.', 100),
      ...messageParams,
    },
    answer: uidEntries('userId'),
  }),
  privateStatusPublish: endpoint({
    path: 'statusmessage/private/publish',
    tag: 'status message',
    summary: 'Status message: delivered to the recipients’ devices online now, never stored (isPersisted and isCounted are ignored).',
    params: { fromUserId: userId('Sender.'), toUserId: userIds('Recipients.', 1000), objectName, content, isIncludeSender },
    answer: uidEntries('userId'),
  }),
  groupStatusPublish: endpoint({
    path: 'statusmessage/group/publish',
    tag: 'status message',
    summary: 'Status message to the members of each group online now, never stored.',
    params: { fromUserId: userId('Sender.'), toGroupId: userIds('Groups (at most 3).', 3), objectName, content, isIncludeSender },
    answer: uidEntries('groupId'),
  }),
  recall: endpoint({
    path: 'message/recall',
    tag: 'message',
    summary: 'Recall a message of `fromUserId`: its content is dropped and every device holding it gets a recall event (offline ones on reconnect).',
    params: {
      fromUserId: userId('The original sender.'),
      conversationType: requiredInt({ description: '1 private, 3 group, 6 system.', min: 1, max: 10 }),
      targetId: userId('Peer user (private, system) or group (group).'),
      messageUID: requiredText({ description: 'UID from the publish answer.', maxLength: 64, pattern: /^[A-Z0-9-]{8,64}$/, patternHint: 'not a message UID' }),
      sentTime: optionalInt({ description: 'Original send time (ms). Advisory: the message is found by its UID.', min: 0, max: 8_640_000_000_000_000 }),
      isAdmin: flag('Accepted and ignored.', false),
      isDelete: flag('Accepted and ignored.', false),
    },
    answer: ack,
  }),
  groupCreate: endpoint({
    path: 'group/create',
    tag: 'group',
    summary: 'Create a group with members (on an existing group: the members join).',
    params: { userId: userIds('Members.', 1000), groupId: groupId(), groupName: optionalText({ description: 'Group name.', maxLength: 128 }) },
    answer: ack,
  }),
  groupJoin: endpoint({
    path: 'group/join',
    tag: 'group',
    summary: 'Add members (creates the group when it does not exist). Members get the messages sent from now on.',
    params: { userId: userIds('Users joining.', 1000), groupId: groupId(), groupName: optionalText({ description: 'Group name (used only when the group is created).', maxLength: 128 }) },
    answer: ack,
  }),
  groupQuit: endpoint({
    path: 'group/quit',
    tag: 'group',
    summary: 'Remove members; they keep what they received while in the group.',
    params: { userId: userIds('Users leaving.', 1000), groupId: groupId() },
    answer: ack,
  }),
  groupDismiss: endpoint({
    path: 'group/dismiss',
    tag: 'group',
    summary: 'Dismiss a group (every member leaves).',
    params: { userId: userId('Operator (any user id).'), groupId: groupId() },
    answer: ack,
  }),
  groupMembers: endpoint({
    path: 'group/user/query',
    tag: 'group',
    summary: 'The current members of a group.',
    params: { groupId: groupId() },
    answer: {
      type: 'object',
      properties: { id: { type: 'string' }, users: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } } },
      required: ['id', 'users'],
    },
  }),
} as const;

/** The route of an endpoint: `POST /{path}.json`. */
export const routeOf = (e: Endpoint) => `${e.path}.json`;
