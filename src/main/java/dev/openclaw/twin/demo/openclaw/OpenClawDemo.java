package dev.openclaw.twin.demo.openclaw;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code twin demo --openclaw}: a person talks to two real OpenClaw gateways in one IRC channel and
 * the demo shows who answered each message, how fast and with how many model calls, then kills the
 * primary's gateway and shows the other twin taking over. Uncoordinated, this setup answers one
 * message dozens of times (both twins, then each other, in a loop).
 */
public final class OpenClawDemo {

    private static final Duration REPLY = Duration.ofSeconds(60);
    /** How long the channel must stay quiet after the expected replies (a loop would show). */
    private static final Duration QUIET = Duration.ofSeconds(5);

    /** One message and what came of it. */
    public record Exchange(String said, List<String> expected, List<String> answered, double seconds, int modelCalls) {
        public boolean ok() {
            return answered.size() == expected.size()
                    && answered.containsAll(expected)
                    && modelCalls == expected.size();
        }
    }

    private final OpenClawFlock flock;
    private final PrintWriter out;

    public OpenClawDemo(OpenClawFlock flock, PrintWriter out) {
        this.flock = flock;
        this.out = out;
    }

    /** Runs the script; true when every message got exactly the answers the rules ask for. */
    public boolean run() throws InterruptedException {
        String primary = flock.actingPrimary();
        String standby = OpenClawFlock.other(primary);
        out.printf("Primary today: %s. The person in %s says:%n%n", primary, OpenClawFlock.CHANNEL);
        out.printf("  %-36s %-14s %-14s %7s %6s%n", "message", "expected", "answered by", "seconds", "model");
        List<Exchange> exchanges = new ArrayList<>();
        exchanges.add(say("what is the capital of Peru?", List.of(primary)));
        exchanges.add(say(standby + ", what is two plus two?", List.of(standby)));
        exchanges.add(say("both of you, say hello", OpenClawFlock.TWINS));
        exchanges.add(say("just " + standby + ": what day is it?", List.of(standby)));
        exchanges.add(say("ping", List.of(primary)));
        exchanges.add(say("ping", List.of(primary)));
        out.printf("%n  SIGKILL of %s's gateway...%n", primary);
        out.flush();
        flock.gateway(primary).kill();
        exchanges.add(say("are you still there?", List.of(standby)));
        long ok = exchanges.stream().filter(Exchange::ok).count();
        out.printf(
                "%n%d of %d messages answered exactly as the rules ask (one model call per answer, no loop).%n",
                ok, exchanges.size());
        out.flush();
        return ok == exchanges.size();
    }

    private Exchange say(String text, List<String> expected) {
        IrcClient human = flock.human();
        MockLlm model = flock.model();
        long start = System.nanoTime();
        int callsBefore = model.calls();
        human.say(text);
        long deadline = start + REPLY.toNanos();
        while (human.since(start, "human").size() < expected.size() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        List<IrcClient.Line> replies = human.since(start, "human");
        double seconds = replies.isEmpty() ? Double.NaN : (replies.getLast().atNanos() - start) / 1e9;
        // Then the channel must stay quiet: a second answer or a twin answering a twin would show.
        long quietUntil = System.nanoTime() + QUIET.toNanos();
        while (System.nanoTime() < quietUntil) {
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        List<String> answered = human.since(start, "human").stream()
                .map(l -> OpenClawFlock.twinOf(l.nick()))
                .toList();
        Exchange exchange = new Exchange(text, expected, answered, seconds, model.calls() - callsBefore);
        out.printf(
                "  %-36s %-14s %-14s %7s %6d  %s%n",
                '"' + text + '"',
                String.join("+", expected),
                answered.isEmpty() ? "(nobody)" : String.join("+", answered),
                Double.isNaN(seconds) ? "-" : String.format("%.1f", seconds),
                exchange.modelCalls(),
                exchange.ok() ? "ok" : "WRONG");
        out.flush();
        return exchange;
    }

    /** The plugin shipped beside the launcher ({@code twin.home}), or in the working directory. */
    public static Path pluginDir() {
        String home = System.getProperty("twin.home");
        return (home != null ? Path.of(home) : Path.of(""))
                .resolve("openclaw-plugin")
                .toAbsolutePath();
    }
}
