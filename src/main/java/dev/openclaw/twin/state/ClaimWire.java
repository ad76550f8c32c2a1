package dev.openclaw.twin.state;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Claims, claim ends and claim states as JSON between two daemons (a cloud folder's arbiter and the
 * twins that ask it). What a peer sends is read exactly like a claim file on the share: field by
 * field, with the same checks ({@link ShareRecords}), so a peer is trusted no further than the share.
 */
public final class ClaimWire {

    private ClaimWire() {}

    /** What a peer sent is not a valid claim, end or state; the message names the field. */
    public static final class Invalid extends Exception {
        Invalid(String problem) {
            super(problem, null, false, false);
        }
    }

    public static Map<String, Object> claim(Claim claim) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", claim.key());
        json.put("twin", claim.twin());
        json.put("reason", claim.reason());
        json.put(
                "claimedAt",
                claim.claimedAt() == null ? null : claim.claimedAt().toString());
        json.put("generation", claim.generation());
        json.put("incarnation", claim.incarnation());
        return json;
    }

    public static Claim claim(JsonNode json) throws Invalid {
        try {
            return ShareRecords.claim(json);
        } catch (ShareRecords.Invalid e) {
            throw new Invalid("claim: " + e.getMessage());
        }
    }

    public static Map<String, Object> end(ClaimEnd end) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", end.kind());
        json.put("twin", end.twin());
        json.put("at", end.at() == null ? null : end.at().toString());
        return json;
    }

    public static ClaimEnd end(JsonNode json) throws Invalid {
        try {
            return ShareRecords.claimEnd(json);
        } catch (ShareRecords.Invalid e) {
            throw new Invalid("end: " + e.getMessage());
        }
    }

    public static Map<String, Object> state(ClaimState state) {
        Map<String, Object> json = new LinkedHashMap<>();
        switch (state) {
            case ClaimState.Unclaimed u -> json.put("state", "unclaimed");
            case ClaimState.Unreadable u -> {
                json.put("state", "unreadable");
                json.put("generation", u.generation());
                json.put("problem", u.problem());
            }
            case ClaimState.Held h -> {
                json.put("state", "held");
                json.put("claim", claim(h.claim()));
            }
            case ClaimState.Sent s -> {
                json.put("state", "sent");
                json.put("claim", claim(s.claim()));
                json.put("end", end(s.end()));
            }
            case ClaimState.Revoked r -> {
                json.put("state", "revoked");
                json.put("claim", claim(r.claim()));
                json.put("end", end(r.end()));
            }
        }
        return json;
    }

    public static ClaimState state(JsonNode json) throws Invalid {
        if (json == null
                || !json.isObject()
                || json.get("state") == null
                || !json.get("state").isString()) {
            throw new Invalid("not a claim state");
        }
        return switch (json.get("state").stringValue()) {
            case "unclaimed" -> new ClaimState.Unclaimed();
            case "unreadable" -> {
                JsonNode generation = json.get("generation");
                JsonNode problem = json.get("problem");
                if (generation == null || !generation.canConvertToInt() || generation.intValue() < 1) {
                    throw new Invalid("unreadable: field 'generation' must be a whole number ≥ 1");
                }
                yield new ClaimState.Unreadable(
                        generation.intValue(),
                        problem != null && problem.isString() ? ShareText.printable(problem.stringValue(), 300) : "");
            }
            case "held" -> new ClaimState.Held(claim(json.get("claim")));
            case "sent" -> {
                ClaimEnd end = end(json.get("end"));
                if (!end.sent()) {
                    throw new Invalid("sent: its end is '" + end.kind() + "'");
                }
                yield new ClaimState.Sent(claim(json.get("claim")), end);
            }
            case "revoked" -> {
                ClaimEnd end = end(json.get("end"));
                if (end.sent()) {
                    throw new Invalid("revoked: its end is 'sent'");
                }
                yield new ClaimState.Revoked(claim(json.get("claim")), end);
            }
            default ->
                throw new Invalid("unknown claim state '"
                        + ShareText.printable(json.get("state").stringValue(), 32) + "'");
        };
    }
}
