package dev.openclaw.twin.coordination;

import dev.openclaw.twin.config.TwinsConfig.Twin;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds twins named in a message and recognises messages written by a twin.
 *
 * <p>A name or alias counts as a mention when it stands as a whole word, in any case, optionally
 * written {@code @name}: "Tars," and "tars?" name tars, "tarsier" does not. A name that is also an
 * everyday word ("case", "will", "friday", see {@link #COMMON_WORDS}) is <em>strict</em>: it names
 * the twin only when written {@code @case}, or when the message addresses it, at the start ("Case,
 * ...", "case: ...", "tars and case: ..."), after a greeting ("hey case"), or at the very end after a comma ("what do you
 * think, case?"). So "in any case" and "just in case" name nobody. A twin's
 * {@code strict_mentions} setting overrides the word list; aliases such as {@code TARS} let humans
 * name a twin unambiguously.
 */
public final class NameMatcher {

    /** Everyday words that people also pick as assistant names. */
    static final Set<String> COMMON_WORDS = Set.of(
            "ace",
            "agent",
            "air",
            "alpha",
            "amber",
            "april",
            "art",
            "assistant",
            "atlas",
            "august",
            "autumn",
            "backup",
            "bear",
            "beta",
            "bill",
            "black",
            "blue",
            "bolt",
            "bot",
            "box",
            "buddy",
            "captain",
            "case",
            "chief",
            "clever",
            "coral",
            "dash",
            "dawn",
            "delta",
            "doc",
            "echo",
            "eve",
            "faith",
            "flash",
            "fox",
            "frank",
            "friday",
            "friend",
            "ghost",
            "grace",
            "gray",
            "green",
            "grey",
            "happy",
            "hawk",
            "helper",
            "holly",
            "home",
            "hope",
            "iris",
            "ivy",
            "jack",
            "jade",
            "joy",
            "june",
            "link",
            "local",
            "lucky",
            "main",
            "major",
            "mark",
            "mate",
            "max",
            "may",
            "mini",
            "monday",
            "node",
            "office",
            "olive",
            "one",
            "orange",
            "pal",
            "pat",
            "pearl",
            "pilot",
            "primary",
            "pro",
            "raven",
            "ray",
            "red",
            "river",
            "robin",
            "rose",
            "ruby",
            "rusty",
            "sage",
            "saturday",
            "scout",
            "secondary",
            "server",
            "shadow",
            "sky",
            "smart",
            "spark",
            "spring",
            "stone",
            "storm",
            "studio",
            "summer",
            "sunday",
            "sunny",
            "swift",
            "tank",
            "thursday",
            "time",
            "tuesday",
            "two",
            "violet",
            "wednesday",
            "white",
            "will",
            "winter",
            "wolf",
            "zero");

    private static final String WORD_CHAR = "[\\p{L}\\p{N}_]";
    private static final Pattern ONLY_PREFIX =
            Pattern.compile("(?<!\\bnot\\s)\\b(?:just|only)\\s+", Pattern.CASE_INSENSITIVE);
    private static final Pattern LIST_SEPARATOR =
            Pattern.compile("\\s*(?:,|&|\\band\\b|\\+)\\s*", Pattern.CASE_INSENSITIVE);
    private static final Pattern GREETING_BEFORE = Pattern.compile(
            "(?:^|[\\s,.!?;])(?:hey|hi|hello|yo|ok|okay|oi|thanks|thank you|dear|morning|good morning|good evening"
                    + "|good night|evening)[,!]?\\s+$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ADDRESS_PUNCTUATION_AFTER = Pattern.compile("\\s*(?:[,:!?]|$)");
    private static final Pattern END_AFTER = Pattern.compile("\\s*[?!.]*\\s*$");
    private static final Pattern AFTER_ONLY_TARGET = Pattern.compile("\\s*(?:[,:!?.;]|$)");

    /** One way of writing one twin: its name, an alias or a bot id. */
    private record Identity(String twin, String text, Pattern pattern, boolean strict) {}

    private final List<Identity> identities = new ArrayList<>();
    private final List<Identity> senderIdentities = new ArrayList<>();
    /** Names listed at the start of a message ("tars and case: ..."), which address each of them. */
    private final Pattern addresseeListPrefix;

    public NameMatcher(Collection<Twin> twins) {
        for (Twin twin : twins) {
            List<String> words = new ArrayList<>();
            words.add(twin.name());
            words.addAll(twin.aliases());
            for (String word : words) {
                boolean strict = twin.strictMentions().orElse(COMMON_WORDS.contains(word.toLowerCase(Locale.ROOT)));
                identities.add(new Identity(twin.name(), word, mentionPattern(word), strict));
                senderIdentities.add(new Identity(twin.name(), word, senderPattern(word), false));
            }
            for (String botId : twin.botIds()) {
                identities.add(new Identity(twin.name(), botId, mentionPattern(botId), false));
                senderIdentities.add(new Identity(twin.name(), botId, senderPattern(botId), false));
            }
        }
        String anyIdentity = identities.stream()
                .map(i -> Pattern.quote(i.text()))
                .reduce((a, b) -> a + "|" + b)
                .orElse("(?!)");
        addresseeListPrefix = Pattern.compile(
                "\\s*(?:@?(?:" + anyIdentity + ")\\s*(?:,|&|\\band\\b|\\+)\\s*)+",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    private static Pattern mentionPattern(String word) {
        return Pattern.compile(
                "(?<![\\p{L}\\p{N}_@-])(@?)" + Pattern.quote(word) + "(?!" + WORD_CHAR + "|-" + WORD_CHAR + ")",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** A sender written as the identity itself or an IRC collision nick of it ({@code tars_}, {@code tars``}). */
    private static Pattern senderPattern(String word) {
        // IRC servers and clients resolve nick collisions with _ or ` and then digits: tars_, tars__,
        // tars_2 (OpenClaw's IRC plugin opens such a second connection to deliver a takeover's reply).
        return Pattern.compile(
                "@?" + Pattern.quote(word) + "([_`]+[0-9]*)?", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /**
     * The twin that wrote a message, if any. Understands IRC prefixes ({@code nick!user@host}),
     * {@code @name}, Discord mentions ({@code <@id>}) and collision nicks ({@code tars_}, {@code tars_2}).
     */
    public Optional<String> twinOfSender(String senderId) {
        if (senderId == null || senderId.isBlank()) {
            return Optional.empty();
        }
        String sender = senderId.strip();
        if (sender.startsWith("<@") && sender.endsWith(">")) {
            sender = sender.substring(2, sender.length() - 1).replaceFirst("^!", "");
        } else if (sender.indexOf('!') > 0) {
            sender = sender.substring(0, sender.indexOf('!'));
        }
        for (Identity identity : senderIdentities) {
            if (identity.pattern().matcher(sender).matches()) {
                return Optional.of(identity.twin());
            }
        }
        return Optional.empty();
    }

    /** Every twin the message names, in the order the flock lists them. */
    public Set<String> mentioned(String text) {
        Set<String> named = new LinkedHashSet<>();
        for (Identity identity : identities) {
            if (named.contains(identity.twin())) {
                continue;
            }
            Matcher m = identity.pattern().matcher(text);
            while (m.find()) {
                if (countsAsMention(identity, m, text)) {
                    named.add(identity.twin());
                    break;
                }
            }
        }
        return named;
    }

    private boolean countsAsMention(Identity identity, Matcher m, String text) {
        if (!identity.strict() || !m.group(1).isEmpty()) {
            return true;
        }
        String before = text.substring(0, m.start());
        String after = text.substring(m.end());
        boolean atStart =
                before.isBlank() || addresseeListPrefix.matcher(before).matches();
        if (atStart && ADDRESS_PUNCTUATION_AFTER.matcher(after).lookingAt()) {
            return true;
        }
        if (GREETING_BEFORE.matcher(before).find()) {
            return true;
        }
        return before.stripTrailing().endsWith(",") && END_AFTER.matcher(after).matches();
    }

    /**
     * The twins of an in-message "just X" / "only X" ("only tars and case" → both), or empty when
     * the message has no such request. "not just tars" is not a request.
     */
    public Optional<Set<String>> onlyRequested(String text) {
        Matcher prefix = ONLY_PREFIX.matcher(text);
        while (prefix.find()) {
            Set<String> targets = new LinkedHashSet<>();
            int position = prefix.end();
            while (true) {
                Optional<Match> match = identityAt(text, position);
                if (match.isEmpty()) {
                    break;
                }
                targets.add(match.get().twin());
                Matcher separator =
                        LIST_SEPARATOR.matcher(text).region(match.get().end(), text.length());
                if (!separator.lookingAt()) {
                    break;
                }
                position = separator.end();
            }
            if (!targets.isEmpty()) {
                return Optional.of(targets);
            }
        }
        return Optional.empty();
    }

    private record Match(String twin, int end) {}

    private Optional<Match> identityAt(String text, int position) {
        for (Identity identity : identities) {
            Matcher m = identity.pattern().matcher(text).region(position, text.length());
            m.useTransparentBounds(true);
            if (m.lookingAt()) {
                boolean explicit = !identity.strict()
                        || !m.group(1).isEmpty()
                        || AFTER_ONLY_TARGET
                                .matcher(text)
                                .region(m.end(), text.length())
                                .lookingAt();
                if (explicit) {
                    return Optional.of(new Match(identity.twin(), m.end()));
                }
            }
        }
        return Optional.empty();
    }
}
