package dev.openclaw.twin.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pruning a content key's claims leaves its base's repeat mark behind: counts survive pruning. */
class RepeatMarksTest {

    private static final String BASE = "content:irc:#flock:0123abcd";

    @TempDir
    Path dir;

    private FileStateStore store() {
        return new FileStateStore(dir, "twin-primary.json");
    }

    private void ageEverything(Path under, Instant to) throws Exception {
        try (Stream<Path> files = Files.walk(under)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(f, FileTime.from(to));
            }
        }
    }

    @Test
    void pruningRaisesTheMarkPastThePrunedOccurrencesOnly() throws Exception {
        FileStateStore store = store();
        Instant now = Instant.now();
        for (int n = 0; n < 3; n++) {
            store.createClaim(new Claim(BASE + "#" + n, "tars", "primary", now, 1, "run"));
        }
        store.createClaim(new Claim("duty:heartbeat:main:2026-03-01T12:00", "tars", "duty", now, 1, "run"));
        store.createClaim(new Claim("discord:chan:123", "tars", "primary", now, 1, "run"));
        assertThat(store.repeatsPrunedBelow(BASE)).isZero();

        ageEverything(dir.resolve("twin/claims"), now.minusSeconds(3600));
        store.createClaim(new Claim(BASE + "#3", "tars", "primary", now, 1, "run")); // recent: kept
        assertThat(store.pruneOlderThan(Duration.ofSeconds(60))).isEqualTo(5);
        assertThat(store.repeatsPrunedBelow(BASE)).isEqualTo(3);
        assertThat(store.readClaim(BASE + "#3")).isInstanceOf(ClaimState.Held.class);
        try (Stream<Path> marks = Files.list(dir.resolve("twin/repeats"))) {
            assertThat(marks).as("one mark, for the content base only").hasSize(1);
        }

        // The mark never goes down: pruning an older occurrence again (re-created) leaves it.
        store.createClaim(new Claim(BASE + "#1", "case", "primary", now, 1, "run"));
        ageEverything(dir.resolve("twin/claims"), now.minusSeconds(3600));
        store.pruneOlderThan(Duration.ofSeconds(60));
        assertThat(store.repeatsPrunedBelow(BASE)).isEqualTo(4);
    }

    @Test
    void aMarkNotRaisedForDaysIsPrunedAndABadOneCountsAsNone() throws Exception {
        FileStateStore store = store();
        Instant now = Instant.now();
        store.createClaim(new Claim(BASE + "#7", "tars", "primary", now, 1, "run"));
        ageEverything(dir.resolve("twin/claims"), now.minusSeconds(3600));
        store.pruneOlderThan(Duration.ofSeconds(60));
        assertThat(store.repeatsPrunedBelow(BASE)).isEqualTo(8);

        Path mark;
        try (Stream<Path> marks = Files.list(dir.resolve("twin/repeats"))) {
            mark = marks.findFirst().orElseThrow();
        }
        Files.writeString(mark, "{\"base\":\"" + BASE + "\",\"next\":-5}");
        assertThat(store.repeatsPrunedBelow(BASE)).as("negative").isZero();
        Files.writeString(mark, "{\"base\":\"content:other\",\"next\":5}");
        assertThat(store.repeatsPrunedBelow(BASE)).as("another base's").isZero();
        Files.writeString(mark, "{\"base\":");
        assertThat(store.repeatsPrunedBelow(BASE)).as("corrupt").isZero();

        Files.setLastModifiedTime(
                mark, FileTime.from(now.minus(FileStateStore.REPEAT_MARK_KEEP).minus(Duration.ofHours(2))));
        store.pruneOlderThan(Duration.ofSeconds(60));
        assertThat(mark).doesNotExist();
    }

    @Test
    void aContentKeyWhoseMarkCannotBeRaisedKeepsItsClaims() throws Exception {
        FileStateStore store = store();
        Instant now = Instant.now();
        store.createClaim(new Claim(BASE + "#0", "tars", "primary", now, 1, "run"));
        store.createClaim(new Claim("discord:chan:123", "tars", "primary", now, 1, "run"));
        ageEverything(dir.resolve("twin/claims"), now.minusSeconds(3600));
        // A share that deletes but cannot write the mark (here: a file where its directory goes).
        Files.writeString(dir.resolve("twin/repeats"), "in the way");

        try {
            store.pruneOlderThan(java.time.Duration.ofSeconds(60));
        } catch (StoreUnavailableException e) {
            // the marks' directory cannot be listed either: reported, after the claims were seen to
        }

        assertThat(store.readClaim(BASE + "#0"))
                .as("kept: pruned without its mark, the repeat would be numbered 0 again")
                .isInstanceOf(ClaimState.Held.class);
        assertThat(store.readClaim("discord:chan:123"))
                .as("a key with global ids needs no mark")
                .isInstanceOf(ClaimState.Unclaimed.class);
    }
}
