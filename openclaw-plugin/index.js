// openclaw-twin plugin: the gateway side of the message protocol (see the repository's README).
//
// before_dispatch  -> POST /v1/decide   silent unless the daemon says respond (fail closed)
// message_sending  -> POST /v1/confirm  cancel the send unless this twin still holds the claim
// before_agent_reply (heartbeat, cron) -> POST /v1/duty  only the acting primary runs them
//
// Hooks answer in milliseconds: a pending hook blocks its conversation on the gateway, so every
// request has a short timeout and anything slow (a takeover) is done by the daemon afterwards.

const DEFAULTS = { daemonUrl: "http://127.0.0.1:7420", decideTimeoutMs: 800, confirmTimeoutMs: 5000 };
const WARN_EVERY_MS = 60_000;
// Bounds on what is remembered per session for confirm (a session answers its messages in order).
const IN_FLIGHT_PER_SESSION = 16;
const IN_FLIGHT_MS = 30 * 60_000;

export function createTwinClient(config, log, fetchImpl = globalThis.fetch) {
  const settings = { ...DEFAULTS, ...(config ?? {}) };
  let lastWarning = 0;
  // The messages each session is answering, oldest first: confirm names one by the same ids as its
  // decide. Two messages can be in flight in one session (the second arrives while the first turn
  // runs), and each keeps its own entry: the gateway gives message_sending only the session (and,
  // on some channels, the id replied to), so a reply is matched by that id, else to the oldest
  // message not yet confirmed (a session's turns reply in order), else to the last one confirmed
  // (more chunks of its reply).
  const answering = new Map();

  function remember(sessionKey, ids) {
    const now = Date.now();
    const inFlight = (answering.get(sessionKey) ?? []).filter((e) => now - e.at < IN_FLIGHT_MS);
    inFlight.push({ ids, at: now, confirmed: false });
    answering.set(sessionKey, inFlight.slice(-IN_FLIGHT_PER_SESSION));
  }

  function replyingTo(sessionKey, replyToId) {
    const inFlight = answering.get(sessionKey);
    if (!inFlight?.length) return undefined;
    let index = replyToId != null ? inFlight.findIndex((e) => e.ids.messageId === String(replyToId)) : -1;
    if (index < 0) index = inFlight.findIndex((e) => !e.confirmed);
    if (index < 0) index = inFlight.length - 1;
    const entry = inFlight[index];
    entry.confirmed = true;
    // Replies go out in order: older messages already confirmed are done.
    answering.set(sessionKey, inFlight.filter((e, i) => i >= index || !e.confirmed));
    return entry.ids;
  }

  function warn(message) {
    const now = Date.now();
    if (now - lastWarning >= WARN_EVERY_MS) {
      lastWarning = now;
      log?.warn?.(`openclaw-twin: ${message}; this twin stays silent until its daemon answers`);
    }
  }

  async function post(path, body, timeoutMs) {
    const headers = { "content-type": "application/json" };
    if (settings.token) headers.authorization = `Bearer ${settings.token}`;
    const response = await fetchImpl(new URL(path, settings.daemonUrl), {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`${path} answered HTTP ${response.status}`);
    return response.json();
  }

  return {
    /** True when this twin should answer the inbound message. */
    async decide(event, ctx) {
      const ids = {
        channel: String(ctx?.channelId ?? event?.channel ?? ""),
        conversationId: String(ctx?.conversationId ?? ""),
        messageId: String(event?.messageId ?? ctx?.messageId ?? ""),
      };
      const sessionKey = event?.sessionKey ?? ctx?.sessionKey ?? null;
      try {
        const answer = await post("/v1/decide", {
          ...ids,
          senderId: String(event?.senderId ?? ctx?.senderId ?? ""),
          text: String(event?.content ?? event?.body ?? ""),
          // When we asked (not when the message arrived): the daemon ignores a decide we gave up on.
          timestamp: String(Date.now()),
          sessionKey,
          replyTo: ids.conversationId,
        }, settings.decideTimeoutMs);
        if (answer.respond && sessionKey) remember(sessionKey, ids);
        return answer.respond === true;
      } catch (error) {
        warn(`decide failed (${error.message})`);
        return false;
      }
    },

    /** True when the reply about to be sent may go out ({@code event}: message_sending's, if any). */
    async confirm(ctx, event) {
      const sessionKey = ctx?.sessionKey ?? null;
      const ids = sessionKey ? replyingTo(sessionKey, event?.replyToId) : undefined;
      try {
        // A takeover turn (run by the daemon through /hooks/agent) was never decided here: the
        // daemon finds this twin's claim by the session.
        const answer = await post("/v1/confirm", {
          ...(ids ?? { channel: String(ctx?.channelId ?? ""), conversationId: String(ctx?.conversationId ?? "") }),
          messageId: ids?.messageId ?? "",
          sessionKey,
          timestamp: String(Date.now()),
        }, settings.confirmTimeoutMs);
        return answer.send === true;
      } catch (error) {
        warn(`confirm failed (${error.message})`);
        return false;
      }
    },

    /**
     * Forgets the message a session was answering: a takeover turn in it must be confirmed by the
     * session (the daemon knows which claim it took), not as the session's earlier message.
     */
    forget(sessionKey) {
      if (sessionKey) answering.delete(sessionKey);
    },

    /** True when this twin runs the scheduled job's slot. */
    async duty(job, slot) {
      try {
        const answer = await post("/v1/duty", { job, slot }, settings.decideTimeoutMs);
        return answer.run === true;
      } catch (error) {
        warn(`duty failed (${error.message})`);
        return false;
      }
    },
  };
}

/** The name the daemon gives its takeover turns (POST /hooks/agent): they are not duties. */
export const TAKEOVER_TURN_NAME = "openclaw-twin takeover";

/**
 * True for a turn the daemon started to take a message over: the gateway runs a /hooks/agent turn
 * as a one-off cron job named by the request, and shows the name as the prompt's
 * "[cron:<id> <name>]" tag or, for content it wraps as external, a "Task: <name>" line.
 */
export function isTakeoverTurn(event) {
  const body = String(event?.cleanedBody ?? "");
  const tag = /\[cron:[^\s\]]+ ([^\]]*)\]/.exec(body)?.[1]?.trim();
  const task = /^Task: (.*)$/m.exec(body)?.[1]?.trim();
  return tag === TAKEOVER_TURN_NAME || task === TAKEOVER_TURN_NAME;
}

/**
 * The scheduled job a heartbeat or cron turn runs for, or null when the turn is not a duty: the
 * gateway runs a /hooks/agent turn (our takeovers, a webhook that reached this gateway alone) as a
 * one-off cron job, and such a turn must run where it was sent.
 *
 * Each gateway gives its cron jobs its own ids, so a cron job is known by the name in its prompt's
 * "[cron:<id> <name>]" tag: give a flock-wide job the same name on every twin. The daemon lets only
 * the acting primary run a duty; the slot (the minute it fires in) only keeps two twins from both
 * running it while their views of the flock disagree.
 */
export function dutySlot(trigger, ctx, event, now = new Date()) {
  const agent = ctx?.agentId ?? "main";
  let job = `${trigger}:${agent}`;
  if (trigger === "cron") {
    const tag = /\[cron:([^\s\]]+)(?: ([^\]]*))?\]/.exec(String(event?.cleanedBody ?? ""));
    const name = tag?.[2]?.trim();
    if (isTakeoverTurn(event) || String(ctx?.sessionKey ?? "").startsWith("hook:")) return null;
    job += `:${name || ctx?.jobId || tag?.[1] || ""}`;
  }
  return { job, slot: now.toISOString().slice(0, 16) };
}

export default {
  id: "openclaw-twin",
  name: "openclaw-twin",
  description: "Exactly one twin of the flock answers each message.",
  register(api) {
    const twin = createTwinClient(api.pluginConfig, api.logger);
    api.on("before_dispatch", async (event, ctx) => {
      return (await twin.decide(event, ctx)) ? undefined : { handled: true };
    });
    api.on("message_sending", async (event, ctx) => {
      return (await twin.confirm(ctx, event)) ? undefined : { cancel: true, cancelReason: "openclaw-twin: another twin answers" };
    });
    api.on(
      "before_agent_reply",
      async (event, ctx) => {
        if (isTakeoverTurn(event)) {
          twin.forget(ctx?.sessionKey);
          return undefined;
        }
        const duty = dutySlot(ctx?.trigger ?? "scheduled", ctx, event);
        if (duty === null) return undefined;
        return (await twin.duty(duty.job, duty.slot)) ? undefined : { handled: true };
      },
      { eligibleTriggers: ["heartbeat", "cron"] },
    );
  },
};
