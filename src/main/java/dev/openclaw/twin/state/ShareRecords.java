package dev.openclaw.twin.state;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Each kind of file on the share read into its record field by field: a missing or wrong-typed
 * field makes the file invalid with a precise problem, so nothing deeper in meets a null it did not
 * expect. Unknown fields are ignored (a newer version may add some); text is made printable.
 */
final class ShareRecords {

    /** What {@code ConfigBinder} accepts as a twin name: what may appear in a name field. */
    static final Pattern TWIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private ShareRecords() {}

    /** Why a file's content is not a valid record. */
    static final class Invalid extends Exception {
        Invalid(String problem) {
            super(problem, null, false, false);
        }
    }

    static Heartbeat heartbeat(JsonNode json) throws Invalid {
        Fields f = Fields.of(json);
        Optional<Fields> gateway = f.object("gateway");
        Heartbeat.GatewayHealth health = null;
        if (gateway.isPresent()) {
            Fields g = gateway.get();
            health = new Heartbeat.GatewayHealth(
                    g.flag("ready"),
                    g.instant("checkedAt").orElse(null),
                    g.text("detail").orElse(null),
                    g.text("problem").orElse(null));
        }
        return new Heartbeat(
                f.name("twin"),
                f.number("seq", 0, Long.MAX_VALUE),
                f.number("pid", 0, Long.MAX_VALUE),
                f.text("host").orElse(null),
                f.text("version").orElse(null),
                f.instant("startedAt").orElse(null),
                f.instant("writtenAt").orElse(null),
                f.word("state"),
                health,
                f.text("incarnation").orElse(null));
    }

    static Claim claim(JsonNode json) throws Invalid {
        Fields f = Fields.of(json);
        return new Claim(
                f.required("key"),
                f.name("twin"),
                f.text("reason").orElse(null),
                f.instant("claimedAt").orElse(null),
                (int) f.number("generation", 1, Integer.MAX_VALUE),
                f.text("incarnation").orElse(null));
    }

    /** More occurrences of one text than any channel will ever carry: a larger mark is corrupt. */
    static final int MAX_REPEAT_MARK = 100_000_000;

    static FileStateStore.RepeatMark repeatMark(JsonNode json) throws Invalid {
        Fields f = Fields.of(json);
        return new FileStateStore.RepeatMark(f.required("base"), (int) f.number("next", 0, MAX_REPEAT_MARK));
    }

    static ClaimEnd claimEnd(JsonNode json) throws Invalid {
        Fields f = Fields.of(json);
        String kind = f.word("kind");
        if (!kind.equals(ClaimEnd.SENT) && !kind.equals(ClaimEnd.REVOKED)) {
            throw new Invalid("field 'kind' is '" + kind + "', not sent or revoked");
        }
        return new ClaimEnd(kind, f.name("twin"), f.instant("at").orElse(null));
    }

    static OverrideRecord overrides(JsonNode json) throws Invalid {
        Fields f = Fields.of(json);
        return new OverrideRecord(
                f.optionalFlag("both").orElse(false),
                f.optionalName("only").orElse(null),
                f.optionalName("primary").orElse(null),
                f.instant("until").orElse(null),
                f.text("by").orElse(null),
                f.instant("at").orElse(null));
    }

    /** The seed's fields may be all a hand-written file has: only {@code date} is required. */
    static PrimaryState primaryState(JsonNode json) throws Invalid {
        Fields f = Fields.of(json);
        return new PrimaryState(
                f.required("date"),
                f.text("primary").orElse(null),
                f.text("secondary").orElse(null),
                f.optionalFlag("bothRespond").orElse(false),
                f.instant("lastUpdated").orElse(null),
                f.texts("order").orElse(null),
                f.text("timezone").orElse(null),
                f.text("rule").orElse(null),
                f.text("override").orElse(null),
                f.optionalNumber("schemaVersion", 0, Integer.MAX_VALUE)
                        .orElse(0L)
                        .intValue());
    }

    static FileStateStore.ManualRescue manualRescue(JsonNode json) throws Invalid {
        Fields f = Fields.of(json);
        return new FileStateStore.ManualRescue(
                f.name("twin"), f.instant("at").orElseThrow(() -> new Invalid("field 'at' is missing")));
    }

    /** One JSON object's fields, each read with the type it must have. */
    private record Fields(JsonNode node, String prefix) {

        static Fields of(JsonNode json) throws Invalid {
            if (json == null || !json.isObject()) {
                throw new Invalid("not a JSON object");
            }
            return new Fields(json, "");
        }

        /** The field, or empty when it is missing or null. */
        private Optional<JsonNode> field(String name) {
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
        }

        private Invalid wrong(String name, String expected, JsonNode found) {
            return new Invalid("field '" + prefix + name + "' must be " + expected + ", not " + typeOf(found));
        }

        private Invalid missing(String name) {
            return new Invalid("field '" + prefix + name + "' is missing");
        }

        /** Required text, exactly as written (a claim key must hash to its file's name). */
        String required(String name) throws Invalid {
            JsonNode value = field(name).orElseThrow(() -> missing(name));
            if (!value.isString()) {
                throw wrong(name, "text", value);
            }
            if (value.stringValue().isEmpty()) {
                throw new Invalid("field '" + prefix + name + "' is empty");
            }
            return value.stringValue();
        }

        /** Optional text, made printable. */
        Optional<String> text(String name) throws Invalid {
            Optional<JsonNode> value = field(name);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            if (!value.get().isString()) {
                throw wrong(name, "text", value.get());
            }
            return Optional.of(ShareText.printable(value.get().stringValue()));
        }

        /** A required twin name. */
        String name(String name) throws Invalid {
            return optionalName(name).orElseThrow(() -> missing(name));
        }

        Optional<String> optionalName(String name) throws Invalid {
            Optional<JsonNode> value = field(name);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            if (!value.get().isString()) {
                throw wrong(name, "a twin name", value.get());
            }
            String text = value.get().stringValue();
            if (!TWIN_NAME.matcher(text).matches()) {
                throw new Invalid(
                        "field '" + prefix + name + "' is not a twin name: '" + ShareText.printable(text, 64) + "'");
            }
            return Optional.of(text);
        }

        /** A required short lower-case word ({@code running}, {@code sent}). */
        String word(String name) throws Invalid {
            String text = required(name);
            if (!text.matches("[a-z][a-z0-9-]{0,31}")) {
                throw new Invalid(
                        "field '" + prefix + name + "' is not a known word: '" + ShareText.printable(text, 32) + "'");
            }
            return text;
        }

        long number(String name, long min, long max) throws Invalid {
            return optionalNumber(name, min, max).orElseThrow(() -> missing(name));
        }

        Optional<Long> optionalNumber(String name, long min, long max) throws Invalid {
            Optional<JsonNode> value = field(name);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            JsonNode n = value.get();
            if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                throw wrong(name, "a whole number", n);
            }
            long v = n.longValue();
            if (v < min || v > max) {
                throw new Invalid("field '" + prefix + name + "' is " + v + ", out of range");
            }
            return Optional.of(v);
        }

        boolean flag(String name) throws Invalid {
            return optionalFlag(name).orElseThrow(() -> missing(name));
        }

        Optional<Boolean> optionalFlag(String name) throws Invalid {
            Optional<JsonNode> value = field(name);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            if (!value.get().isBoolean()) {
                throw wrong(name, "true or false", value.get());
            }
            return Optional.of(value.get().booleanValue());
        }

        Optional<Instant> instant(String name) throws Invalid {
            Optional<JsonNode> value = field(name);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            if (!value.get().isString()) {
                throw wrong(name, "a time (ISO-8601 text)", value.get());
            }
            String text = value.get().stringValue();
            try {
                return Optional.of(Instant.parse(text));
            } catch (DateTimeParseException e) {
                try {
                    return Optional.of(OffsetDateTime.parse(text).toInstant());
                } catch (DateTimeParseException again) {
                    throw new Invalid(
                            "field '" + prefix + name + "' is not a time: '" + ShareText.printable(text, 40) + "'");
                }
            }
        }

        Optional<List<String>> texts(String name) throws Invalid {
            Optional<JsonNode> value = field(name);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            if (!value.get().isArray()) {
                throw wrong(name, "a list", value.get());
            }
            List<String> texts = new ArrayList<>();
            for (JsonNode element : value.get()) {
                if (!element.isString()) {
                    throw wrong(name + "[]", "text", element);
                }
                texts.add(ShareText.printable(element.stringValue()));
            }
            return Optional.of(List.copyOf(texts));
        }

        Optional<Fields> object(String name) throws Invalid {
            Optional<JsonNode> value = field(name);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            if (!value.get().isObject()) {
                throw wrong(name, "an object", value.get());
            }
            return Optional.of(new Fields(value.get(), prefix + name + "."));
        }

        private static String typeOf(JsonNode n) {
            if (n.isString()) {
                return "text";
            }
            if (n.isNumber()) {
                return "a number";
            }
            if (n.isBoolean()) {
                return n.booleanValue() ? "true" : "false";
            }
            if (n.isArray()) {
                return "a list";
            }
            if (n.isObject()) {
                return "an object";
            }
            return "null";
        }
    }
}
