package dev.openclaw.twin.coordination;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.testing.TestConfigs;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RotationTest {

    private static Rotation rotation(String coordinationYaml) {
        TwinsConfig config = TestConfigs.parse("""
                twins:
                  tars: {hostname: h1}
                  case: {hostname: h2}
                  kipp: {hostname: h3}
                coordination:
                """ + coordinationYaml.indent(2));
        return new Rotation(config.coordination());
    }

    private static final Rotation DAILY = rotation("odd_primary: tars\neven_primary: case\ntimezone: UTC\n");

    @ParameterizedTest(name = "{0} → {1} ({2})")
    @CsvSource({
        "2026-01-30, case, even",
        "2026-01-31, tars, odd",
        // The 31st and the 1st are both odd: the seed's rule gives tars two days running.
        "2026-02-01, tars, odd",
        "2026-02-28, case, even",
        "2026-03-01, tars, odd",
        "2026-04-30, case, even",
        "2026-05-01, tars, odd",
        "2026-12-31, tars, odd",
        "2027-01-01, tars, odd",
        // Leap day: the 29th is odd, and so is the 1st after it.
        "2028-02-28, case, even",
        "2028-02-29, tars, odd",
        "2028-03-01, tars, odd",
    })
    void dailyOddEvenAcrossMonthEndsAndLeapDay(LocalDate date, String primary, String parity) {
        DayRoles roles = DAILY.rolesOn(date, Overrides.NONE);
        assertThat(roles.primary()).isEqualTo(primary);
        assertThat(roles.parity()).contains(parity);
        assertThat(roles.rule()).isEqualTo("odd-even");
    }

    @Test
    void dailyWithThreeTwinsRanksTheRestInConfiguredOrder() {
        Rotation r = rotation("odd_primary: tars\neven_primary: case\norder: [kipp, case, tars]\n");
        assertThat(r.rolesOn(LocalDate.parse("2026-03-01"), Overrides.NONE).order())
                .containsExactly("tars", "kipp", "case");
        DayRoles even = r.rolesOn(LocalDate.parse("2026-03-02"), Overrides.NONE);
        assertThat(even.order()).containsExactly("case", "kipp", "tars");
        assertThat(even.secondary()).isEqualTo("kipp");
    }

    @Test
    void roundRobinCyclesThroughTheOrderByEpochDay() {
        Rotation r = rotation("rotation: round-robin\norder: [tars, case, kipp]\n");
        // 2026-01-01 is epoch day 20454 = 3 × 6818, so it starts the cycle at order[0].
        assertThat(LocalDate.parse("2026-01-01").toEpochDay()).isEqualTo(20454);
        assertThat(r.rolesOn(LocalDate.parse("2026-01-01"), Overrides.NONE).order())
                .containsExactly("tars", "case", "kipp");
        assertThat(r.rolesOn(LocalDate.parse("2026-01-02"), Overrides.NONE).order())
                .containsExactly("case", "kipp", "tars");
        assertThat(r.rolesOn(LocalDate.parse("2026-01-03"), Overrides.NONE).order())
                .containsExactly("kipp", "tars", "case");
        assertThat(r.rolesOn(LocalDate.parse("2026-01-04"), Overrides.NONE).primary())
                .isEqualTo("tars");
        // Month ends do not disturb the cycle (unlike odd/even): Jan 31 → Feb 1 changes primary.
        String jan31 = r.rolesOn(LocalDate.parse("2026-01-31"), Overrides.NONE).primary();
        String feb1 = r.rolesOn(LocalDate.parse("2026-02-01"), Overrides.NONE).primary();
        assertThat(jan31).isNotEqualTo(feb1);
        assertThat(r.rolesOn(LocalDate.parse("2026-01-01"), Overrides.NONE).rule())
                .isEqualTo("round-robin");
    }

    @Test
    void manualKeepsThePinnedTwinEveryDay() {
        Rotation r = rotation("rotation: manual\nprimary: case\n");
        for (int day = 1; day <= 4; day++) {
            DayRoles roles = r.rolesOn(LocalDate.of(2026, 3, day), Overrides.NONE);
            assertThat(roles.primary()).isEqualTo("case");
            assertThat(roles.rule()).isEqualTo("manual");
        }
    }

    @Test
    void aPrimaryOverrideWinsOverEveryRotation() {
        Overrides pinKipp = new Overrides(
                false, Optional.empty(), Optional.of("kipp"), Optional.empty(), Optional.empty(), Optional.empty());
        for (Rotation r : new Rotation[] {DAILY, rotation("rotation: round-robin\n"), rotation("rotation: manual\n")}) {
            DayRoles roles = r.rolesOn(LocalDate.parse("2026-03-01"), pinKipp);
            assertThat(roles.primary()).isEqualTo("kipp");
            assertThat(roles.rule()).isEqualTo("override");
            assertThat(roles.order()).hasSize(3).startsWith("kipp");
        }
    }

    @ParameterizedTest(name = "{0} in {1} is {2}")
    @CsvSource({
        // 23:30 UTC on the 1st: still the 1st in London and Los Angeles, already the 2nd in Tokyo.
        "2026-03-01T23:30:00Z, Europe/London, 2026-03-01, tars",
        "2026-03-01T23:30:00Z, Asia/Tokyo, 2026-03-02, case",
        "2026-03-01T23:30:00Z, America/Los_Angeles, 2026-03-01, tars",
        // 00:30 UTC on the 2nd: the 2nd in UTC and Auckland, still the 1st in New York.
        "2026-03-02T00:30:00Z, UTC, 2026-03-02, case",
        "2026-03-02T00:30:00Z, America/New_York, 2026-03-01, tars",
        "2026-03-02T00:30:00Z, Pacific/Auckland, 2026-03-02, case",
        // London springs forward at 01:00 UTC on 2026-03-29: 22:59 UTC is 23:59 BST on the 29th,
        // 23:30 UTC is already 00:30 on the 30th.
        "2026-03-28T23:30:00Z, Europe/London, 2026-03-28, case",
        "2026-03-29T22:59:00Z, Europe/London, 2026-03-29, tars",
        "2026-03-29T23:30:00Z, Europe/London, 2026-03-30, case",
        // London falls back at 01:00 UTC on 2026-10-25: 23:30 UTC the day before is 00:30 BST on the
        // 25th; 23:30 UTC on the 25th is 23:30 GMT, still the 25th.
        "2026-10-24T22:30:00Z, Europe/London, 2026-10-24, case",
        "2026-10-24T23:30:00Z, Europe/London, 2026-10-25, tars",
        "2026-10-25T23:30:00Z, Europe/London, 2026-10-25, tars",
        "2026-10-26T00:30:00Z, Europe/London, 2026-10-26, case",
    })
    void todayIsTheCalendarDayOfTheConfiguredZone(Instant now, String zone, LocalDate expectedDay, String primary) {
        Rotation r = rotation("odd_primary: tars\neven_primary: case\ntimezone: " + zone + "\n");
        LocalDate today = r.today(Clock.fixed(now, ZoneOffset.UTC));
        assertThat(today).isEqualTo(expectedDay);
        assertThat(r.rolesOn(today, Overrides.NONE).primary()).isEqualTo(primary);
    }

    @Test
    void overridesLapseAtTheirDeadline() {
        Instant until = Instant.parse("2026-03-01T12:00:00Z");
        Overrides both = new Overrides(
                true, Optional.empty(), Optional.empty(), Optional.of(until), Optional.of("mark"), Optional.empty());
        assertThat(both.activeAt(until.minusSeconds(1))).isEqualTo(both);
        assertThat(both.activeAt(until)).isEqualTo(Overrides.NONE);
    }
}
