package dev.openclaw.twin.demo;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real daemon processes, each reaching the share through its own mount point (a symlink): the
 * primary's mount goes away while the other twin keeps its own, and routine messages keep coming.
 * The primary steps down (it cannot claim, and its peer reaches the store), the other twin answers
 * through claims: no message twice, none unanswered. Demo timings (heartbeat 300 ms, takeover 1 s).
 */
class OneMountLostIT {

    private static final int MESSAGES = 20;

    @TempDir
    Path dir;

    @Test
    void thePrimaryLosingItsMountWhileThePeerKeepsItAnswersEachMessageExactlyOnce() throws Exception {
        try (TwoTwinRoutineRun run = new TwoTwinRoutineRun(dir)) {
            String primary = run.start();

            run.flock().unmount(primary);
            long cut = System.nanoTime();
            run.sendAndAwaitAnswers(MESSAGES, "OneMountLostIT");
            long allAnswered = System.nanoTime();
            run.flock().remount(primary);

            run.assertEachAnsweredOnceBy(TwoTwinRoutineRun.other(primary), MESSAGES);
            System.out.printf(
                    "one mount lost: %d messages, each answered once by the twin that kept the store; "
                            + "last answered %d ms after the cut%n",
                    MESSAGES, (allAnswered - cut) / 1_000_000);
        }
    }
}
