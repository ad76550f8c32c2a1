package dev.openclaw.twin.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OverrideChangeTest {

    /** 2026-03-28 22:30 UTC: 23:30 in Paris, the night before summer time starts there. */
    private static final Instant NOW = Instant.parse("2026-03-28T22:30:00Z");

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "90m, 2026-03-29T00:00:00Z",
        "2h, 2026-03-29T00:30:00Z",
        "1d, 2026-03-29T22:30:00Z",
        "45s, 2026-03-28T22:30:45Z",
        "2026-03-29T09:00:00Z, 2026-03-29T09:00:00Z",
        "2026-03-29T09:00+02:00, 2026-03-29T07:00:00Z",
        // local times are Paris time, on either side of the DST change at 02:00
        "2026-03-28T23:45, 2026-03-28T22:45:00Z",
        "2026-03-29 09:00, 2026-03-29T07:00:00Z",
        "23:45, 2026-03-28T22:45:00Z",
        // 08:00 has passed today in Paris, so it means tomorrow's, after the change
        "08:00, 2026-03-29T06:00:00Z",
        "7:30, 2026-03-29T05:30:00Z",
        "2026-03-30, 2026-03-29T22:00:00Z",
        "tomorrow, 2026-03-28T23:00:00Z",
    })
    void untilAcceptsTheDocumentedForms(String text, String expected) {
        assertThat(OverrideChange.parseUntil(text, NOW, PARIS)).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @CsvSource({"soon", "25:00", "2026-02-30", "-5m", "12 hours"})
    void otherTextIsRejectedWithTheAcceptedForms(String text) {
        assertThatThrownBy(() -> OverrideChange.parseUntil(text, NOW, PARIS))
                .isInstanceOf(OverrideChange.InvalidOverride.class)
                .hasMessageContaining(text);
    }
}
