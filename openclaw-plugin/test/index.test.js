// Unit tests of the plugin's pure parts and its fail-closed client: `node --test openclaw-plugin/test`
// (PluginNodeTestsIT runs them in ./mvnw verify with the Node that .ci/run installs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTwinClient, dutySlot, isTakeoverTurn } from "../index.js";

const at = new Date("2026-03-01T12:00:59.900Z");

test("a heartbeat is one job per agent, whatever its session", () => {
  assert.deepEqual(dutySlot("heartbeat", { agentId: "main", sessionKey: "agent:main:main" }, {}, at), {
    job: "heartbeat:main",
    slot: "2026-03-01T12:00",
  });
});

test("a cron job is known by its name, not the id each gateway gave it", () => {
  const tars = dutySlot("cron", { agentId: "main", jobId: "4f1c" }, { cleanedBody: "[cron:4f1c daily report] Summarise the day" }, at);
  const kase = dutySlot("cron", { agentId: "main", jobId: "9a0b" }, { cleanedBody: "[cron:9a0b daily report] Summarise the day" }, at);
  assert.equal(tars.job, "cron:main:daily report");
  assert.deepEqual(tars, kase);
});

test("a cron prompt without the tag falls back to the job id", () => {
  assert.equal(dutySlot("cron", { jobId: "4f1c" }, { cleanedBody: "Summarise" }, at).job, "cron:main:4f1c");
});

test("a takeover turn or another hook's turn is no duty: it runs where it was sent", () => {
  const takeover = { cleanedBody: "[cron:77aa openclaw-twin takeover] what is the capital of Peru?" };
  assert.equal(dutySlot("cron", { sessionKey: "agent:main:irc:group:#flock" }, takeover, at), null);
  assert.equal(dutySlot("cron", { sessionKey: "hook:gmail:1" }, { cleanedBody: "[cron:5 Hook] mail" }, at), null);
});

test("a takeover turn confirms by its session, not as the message the session answered before", async () => {
  assert.equal(isTakeoverTurn({ cleanedBody: "[cron:77aa openclaw-twin takeover] hi" }), true);
  assert.equal(isTakeoverTurn({ cleanedBody: "[cron:77aa daily report] hi" }), false);
  const wrapped = "Job ID: 77aa\n\nSECURITY NOTICE: ...\nSource: Webhook\nTask: openclaw-twin takeover\n---\nhi";
  assert.equal(isTakeoverTurn({ cleanedBody: wrapped }), true);
  const d = daemon({ "/v1/decide": { respond: true }, "/v1/confirm": { send: true } });
  const client = createTwinClient({}, null, d.fetchImpl);
  const ctx = { channelId: "irc", conversationId: "#flock", sessionKey: "agent:main:irc:group:#flock" };
  await client.decide({ content: "hi", messageId: "m1", sessionKey: ctx.sessionKey }, ctx);
  await client.confirm(ctx);
  assert.equal(d.calls.at(-1).body.messageId, "m1");
  client.forget(ctx.sessionKey);
  await client.confirm(ctx);
  assert.equal(d.calls.at(-1).body.messageId, "");
  assert.equal(d.calls.at(-1).body.sessionKey, ctx.sessionKey);
});

function daemon(answers) {
  const calls = [];
  const fetchImpl = async (url, init) => {
    calls.push({ path: new URL(url).pathname, body: JSON.parse(init.body), headers: init.headers });
    const answer = answers[new URL(url).pathname];
    if (answer instanceof Error) throw answer;
    return { ok: true, status: 200, json: async () => answer };
  };
  return { calls, fetchImpl };
}

test("duty runs only when the daemon says so, and is skipped when it cannot be asked", async () => {
  const warnings = [];
  const log = { warn: (m) => warnings.push(m) };
  const yes = daemon({ "/v1/duty": { run: true, owner: "tars" } });
  assert.equal(await createTwinClient({ token: "t0k" }, log, yes.fetchImpl).duty("heartbeat:main", "s"), true);
  assert.deepEqual(yes.calls[0].body, { job: "heartbeat:main", slot: "s" });
  assert.equal(yes.calls[0].headers.authorization, "Bearer t0k");
  const no = daemon({ "/v1/duty": { run: false, owner: "case" } });
  assert.equal(await createTwinClient({}, log, no.fetchImpl).duty("heartbeat:main", "s"), false);
  const down = daemon({ "/v1/duty": new Error("connect ECONNREFUSED") });
  assert.equal(await createTwinClient({}, log, down.fetchImpl).duty("heartbeat:main", "s"), false);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /stays silent/);
});

test("decide fails closed and warns at most once a minute", async () => {
  const warnings = [];
  const down = daemon({ "/v1/decide": new Error("timeout") });
  const client = createTwinClient({}, { warn: (m) => warnings.push(m) }, down.fetchImpl);
  for (let i = 0; i < 3; i++) {
    assert.equal(await client.decide({ content: "hi", messageId: "m" + i }, { channelId: "irc", conversationId: "#flock" }), false);
  }
  assert.equal(warnings.length, 1);
  assert.equal(down.calls.length, 3);
});

test("two messages in flight in one session each confirm as themselves", async () => {
  const d = daemon({ "/v1/decide": { respond: true }, "/v1/confirm": { send: true } });
  const client = createTwinClient({}, null, d.fetchImpl);
  const ctx = { channelId: "irc", conversationId: "#flock", sessionKey: "agent:main:irc:group:#flock" };
  // The second message arrives while the first one's turn is still running.
  await client.decide({ content: "first", messageId: "m1", sessionKey: ctx.sessionKey }, ctx);
  await client.decide({ content: "second", messageId: "m2", sessionKey: ctx.sessionKey }, ctx);
  await client.confirm(ctx, { to: "#flock", content: "reply to first" });
  assert.equal(d.calls.at(-1).body.messageId, "m1");
  await client.confirm(ctx, { to: "#flock", content: "reply to second" });
  assert.equal(d.calls.at(-1).body.messageId, "m2");
  // A further chunk of the last reply stays with its message.
  await client.confirm(ctx, { to: "#flock", content: "second chunk" });
  assert.equal(d.calls.at(-1).body.messageId, "m2");
});

test("a reply naming the message it answers confirms as that message, in any order", async () => {
  const d = daemon({ "/v1/decide": { respond: true }, "/v1/confirm": { send: true } });
  const client = createTwinClient({}, null, d.fetchImpl);
  const ctx = { channelId: "telegram", conversationId: "42", sessionKey: "agent:main:telegram:42" };
  const decides = ["m1", "m2", "m3"].map((id) =>
    client.decide({ content: id, messageId: id, sessionKey: ctx.sessionKey }, ctx),
  );
  await Promise.all(decides); // concurrent decides: none overwrites another
  await client.confirm(ctx, { to: "42", content: "re m2", replyToId: "m2" });
  assert.equal(d.calls.at(-1).body.messageId, "m2");
  await client.confirm(ctx, { to: "42", content: "re m1", replyToId: "m1" });
  assert.equal(d.calls.at(-1).body.messageId, "m1");
  await client.confirm(ctx, { to: "42", content: "re m3" });
  assert.equal(d.calls.at(-1).body.messageId, "m3");
});
