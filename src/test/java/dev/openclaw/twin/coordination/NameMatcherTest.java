package dev.openclaw.twin.coordination;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.testing.TestConfigs;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NameMatcherTest {

    private static final TwinsConfig CONFIG = TestConfigs.parse("""
            twins:
              tars: {hostname: h1, aliases: [TARS-9000]}
              case: {hostname: h2, bot_ids: ["1234567890"]}
              agent-a: {hostname: h3}
              robot: {hostname: h4, strict_mentions: true}
            """);
    private static final NameMatcher NAMES = new NameMatcher(CONFIG.twins().values());

    private static Set<String> set(String names) {
        return names.isBlank() ? Set.of() : Set.copyOf(Arrays.asList(names.split(" ")));
    }

    @ParameterizedTest(name = "\"{0}\" names [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            tars, what do you think?               | tars
            what does Tars think?                  | tars
            TARS?                                  | tars
            @tars status please                    | tars
            ask tars-9000 then                     | tars
            the tarsier is a small primate         |
            tarsus and metatarsals                 |
            agent-a: restart please                | agent-a
            agent-ab is not a twin                 |
            agent-a's logs                         | agent-a
            tars and agent-a, hello                | tars agent-a
            hey <@1234567890> look                 | case
            in any case, what is 2+2?              |
            just in case it rains                  |
            this case is closed                    |
            Case, what is 2+2?                     | case
            case: summarise this                   | case
            hey case what's up                     | case
            thanks case!                           | case
            what do you think, case?               | case
            @case status?                          | case
            the robot vacuum is stuck              |
            Robot, vacuum please                   | robot
            """)
    void findsWholeWordMentions(String text, String expected) {
        assertThat(NAMES.mentioned(text)).containsExactlyInAnyOrderElementsOf(set(expected == null ? "" : expected));
    }

    @ParameterizedTest(name = "\"{0}\" asks only [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            just tars please                       | tars
            Only TARS: what time is it             | tars
            only tars and agent-a                  | tars agent-a
            just case                              | case
            just case, what is 2+2                 | case
            only @case                             | case
            the only case where it fails           |
            just in case                           |
            not just tars but everyone             |
            I just asked tars                      |
            """)
    void findsJustOrOnlyRequests(String text, String expected) {
        Optional<Set<String>> only = NAMES.onlyRequested(text);
        if (expected == null) {
            assertThat(only).isEmpty();
        } else {
            assertThat(only).contains(set(expected));
        }
    }

    @ParameterizedTest(name = "sender \"{0}\" is [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            tars!~tars@127.0.0.1                   | tars
            tars_!~tars@127.0.0.1                  | tars
            tars__                                 | tars
            tars_2!~tars@127.0.0.1                 | tars
            tars`                                  | tars
            TARS                                   | tars
            tars-9000                              | tars
            @case                                  | case
            1234567890                             | case
            <@1234567890>                          | case
            <@!1234567890>                         | case
            human!~human@127.0.0.1                 |
            tarsier                                |
            tars2                                  |
            """)
    void recognisesTwinsAsSenders(String sender, String expected) {
        assertThat(NAMES.twinOfSender(sender)).isEqualTo(Optional.ofNullable(expected));
    }
}
