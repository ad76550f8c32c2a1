package dev.openclaw.twin.coordination;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.testing.TestConfigs;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every rule and reason code of DESIGN §4. On 2026-03-01 (odd) tars is the primary; case is second
 * in the takeover order and kipp (three-twin flock only) third. Takeover delay: 2 s.
 */
class ResponseRulesTest {

    private static final LocalDate ODD_DAY = LocalDate.parse("2026-03-01");

    private static final TwinsConfig TWO = TestConfigs.parse("""
            twins:
              tars: {hostname: h1, aliases: [TARS-9000]}
              case: {hostname: h2}
            coordination: {odd_primary: tars, even_primary: case, takeover_delay_seconds: 2}
            """);
    private static final TwinsConfig THREE = TestConfigs.parse("""
            twins:
              tars: {hostname: h1}
              case: {hostname: h2}
              kipp: {hostname: h3}
            coordination: {odd_primary: tars, even_primary: case, order: [tars, case, kipp]}
            """);

    private static FlockView view(TwinsConfig config, String override, boolean bothFlag, String offline) {
        Overrides overrides = switch (override == null ? "" : override) {
            case "" -> Overrides.NONE;
            case "both" ->
                new Overrides(
                        true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
            default ->
                new Overrides(
                        false,
                        Optional.of(override.substring("only ".length())),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty());
        };
        DayRoles roles = new Rotation(config.coordination()).rolesOn(ODD_DAY, Overrides.NONE);
        Set<String> down = offline == null ? Set.of() : Set.copyOf(Arrays.asList(offline.split(" ")));
        return new FlockView(roles, overrides, bothFlag, down);
    }

    @ParameterizedTest(name = "[{index}] {0} twins, {1} sees \"{2}\" from {3} → {6} {7}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # twins | twin | text                               | sender | override  | offline   | respond | reason           | claimant | waitMs
            # Rule 0: a twin never answers a twin (its nick, collision nick or alias).
            2 | case | what is the capital of Peru?             | tars!~t@h | -      | -         | false | from-twin        | -    | 0
            2 | tars | Lima.                                    | case_     | -      | -         | false | from-twin        | -    | 0
            2 | case | tars, is that right?                     | TARS-9000 | -      | -         | false | from-twin        | -    | 0
            # Rule 1: in-message "just X" / "only X" beats everything after it.
            2 | case | just case, what time is it?              | human  | -         | -         | true  | override-only    | case | 0
            2 | tars | just case, what time is it?              | human  | -         | -         | false | override-other   | case | 0
            2 | tars | only tars: both of you ignore this       | human  | -         | -         | true  | override-only    | tars | 0
            2 | case | just tars                                | human  | only case | -         | false | override-other   | tars | 0
            3 | kipp | only tars and case please                | human  | -         | -         | false | override-other   | tars | 0
            # Rule 2: persistent "only X".
            2 | case | what is the weather?                     | human  | only case | -         | true  | override-only    | case | 0
            2 | tars | what is the weather?                     | human  | only case | -         | false | override-other   | case | 0
            # Rule 3: "both of you", "you two", "all of you", "everyone".
            2 | tars | both of you, say hi                      | human  | -         | -         | true  | both-requested   | tars | 0
            2 | case | can you two agree?                       | human  | -         | -         | true  | both-requested   | case | 0
            3 | kipp | all of you: report                       | human  | -         | -         | true  | both-requested   | kipp | 0
            3 | case | good morning everyone                    | human  | only tars | -         | false | override-other   | tars | 0
            # Rule 4: persistent "both".
            2 | case | what is the weather?                     | human  | both      | -         | true  | both-flag        | case | 0
            3 | kipp | what is the weather?                     | human  | both      | -         | true  | both-flag        | kipp | 0
            # Rule 5: named twins answer, the others stay silent.
            2 | case | case, what do you think?                 | human  | -         | -         | true  | named            | case | 0
            2 | tars | case, what do you think?                 | human  | -         | -         | false | named-other      | case | 0
            3 | kipp | tars and case: thoughts?                 | human  | -         | -         | false | named-other      | tars | 0
            3 | case | tars and case: thoughts?                 | human  | -         | -         | true  | named            | case | 0
            2 | case | in any case, what is 2+2?                | human  | -         | -         | false | standby          | tars | 2000
            # Rule 6: machine-specific requests go to every twin.
            2 | case | check your disk space                    | human  | -         | -         | true  | machine-specific | case | 0
            3 | kipp | what is your uptime?                     | human  | -         | -         | true  | machine-specific | kipp | 0
            # Rule 7: exactly one; the primary claims at once, the others wait rank × delay.
            2 | tars | what is the capital of Peru?             | human  | -         | -         | true  | primary          | tars | 0
            2 | case | what is the capital of Peru?             | human  | -         | -         | false | standby          | tars | 2000
            3 | case | what is the capital of Peru?             | human  | -         | -         | false | standby          | tars | 2000
            3 | kipp | what is the capital of Peru?             | human  | -         | -         | false | standby          | tars | 4000
            # ... the primary known offline: the next live twin is acting primary.
            2 | case | what is the capital of Peru?             | human  | -         | tars      | true  | acting-primary   | case | 0
            3 | kipp | what is the capital of Peru?             | human  | -         | tars      | false | standby          | case | 2000
            3 | kipp | what is the capital of Peru?             | human  | -         | tars case | true  | acting-primary   | kipp | 0
            3 | kipp | what is the capital of Peru?             | human  | -         | case      | false | standby          | tars | 2000
            # Never silent while a twin lives: a singled-out twin that is down does not silence the rest.
            2 | case | tars, what do you think?                 | human  | -         | tars      | true  | acting-primary   | case | 0
            2 | case | just tars please                         | human  | -         | tars      | true  | acting-primary   | case | 0
            2 | case | what is the weather?                     | human  | only tars | tars      | true  | acting-primary   | case | 0
            """)
    void appliesTheRulesInOrder(
            int twins,
            String twin,
            String text,
            String sender,
            String override,
            String offline,
            boolean respond,
            String reason,
            String claimant,
            long waitMs) {
        TwinsConfig config = twins == 2 ? TWO : THREE;
        Decision d = new ResponseRules(config)
                .decide(twin, Message.ofText(sender, text), view(config, override, false, offline));
        assertThat(d.respond()).as("respond").isEqualTo(respond);
        assertThat(d.reason().code()).as("reason").isEqualTo(reason);
        assertThat(d.claimant()).as("claimant").isEqualTo(Optional.ofNullable(claimant));
        assertThat(d.takeoverWait().toMillis()).as("wait").isEqualTo(waitMs);
    }

    @ParameterizedTest(name = "[{index}] override {0}, down {1} → duties on {2}")
    @CsvSource(nullValues = "-", textBlock = """
            -,         -,         tars
            -,         tars,      case
            -,         tars case, kipp
            only kipp, -,         kipp
            only kipp, kipp,      tars
            both,      -,         tars
            """)
    void scheduledDutiesRunOnTheActingPrimaryOrTheOnlyTwin(String override, String offline, String owner) {
        assertThat(new ResponseRules(THREE).dutyOwner(view(THREE, override, false, offline)))
                .isEqualTo(owner);
    }

    @Test
    void aHandSetBothRespondFlagIsHonoured() {
        Decision d = new ResponseRules(TWO)
                .decide("case", Message.ofText("human", "what is the weather?"), view(TWO, null, true, null));
        assertThat(d.respond()).isTrue();
        assertThat(d.reason()).isEqualTo(Reason.BOTH_FLAG);
    }

    @Test
    void bothRequestedLeavesOutTwinsKnownToBeDown() {
        Decision d = new ResponseRules(THREE)
                .decide("tars", Message.ofText("human", "everyone: status"), view(THREE, null, false, "kipp"));
        assertThat(d.responders()).containsExactly("tars", "case");
    }

    /** Rule 7 is the guarantee: for any routine message, whatever each twin sees, exactly one claims. */
    @Test
    void aRoutineMessageHasExactlyOneClaimantForEveryLivenessView() {
        String[] twins = {"tars", "case", "kipp"};
        for (int mask = 0; mask < 7; mask++) { // every set of down twins that leaves one alive
            StringBuilder offline = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                if ((mask & (1 << i)) != 0) {
                    offline.append(twins[i]).append(' ');
                }
            }
            FlockView v = view(
                    THREE,
                    null,
                    false,
                    offline.toString().strip().isEmpty()
                            ? null
                            : offline.toString().strip());
            long claimants = Arrays.stream(twins)
                    .filter(v::isOnline)
                    .filter(t -> new ResponseRules(THREE)
                            .decide(t, Message.ofText("human", "hello?"), v)
                            .respond())
                    .count();
            assertThat(claimants).as("offline: %s", offline).isEqualTo(1);
        }
    }
}
