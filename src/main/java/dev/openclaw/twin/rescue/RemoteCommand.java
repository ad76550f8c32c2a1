package dev.openclaw.twin.rescue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A command for the remote login shell, built from argument vectors: every word is quoted for a
 * POSIX shell, so a config value full of quotes, {@code ;}, {@code $()} or newlines reaches the
 * program as one literal argument and never runs anything. Only the fixed glue ({@code cd}, {@code
 * &&}, {@code "$HOME"}) is written unquoted, and none of it comes from config.
 */
public record RemoteCommand(String line) {

    /** {@code argv}, each word quoted. */
    public static RemoteCommand of(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a remote command needs a program");
        }
        return new RemoteCommand(argv.stream().map(RemoteCommand::quote).collect(Collectors.joining(" ")));
    }

    public static RemoteCommand of(String... argv) {
        return of(List.of(argv));
    }

    /**
     * A program and its arguments where some arguments are paths on the remote host: a leading
     * {@code ~/} becomes the remote user's home (quoted {@code "$HOME"}), the rest stays literal.
     */
    public static RemoteCommand withPaths(List<Word> words) {
        List<String> quoted = new ArrayList<>();
        for (Word word : words) {
            quoted.add(word.path() ? quotePath(word.text()) : quote(word.text()));
        }
        return new RemoteCommand(String.join(" ", quoted));
    }

    /** One word of a command: literal text, or a remote path whose {@code ~/} means the home. */
    public record Word(String text, boolean path) {
        public static Word text(String text) {
            return new Word(text, false);
        }

        public static Word path(String path) {
            return new Word(path, true);
        }
    }

    /** This command run in {@code directory} (a remote path), only if changing there works. */
    public RemoteCommand in(String directory) {
        return new RemoteCommand("cd -- " + quotePath(directory) + " && " + line);
    }

    /** This command, then {@code next} only if this one succeeded. */
    public RemoteCommand and(RemoteCommand next) {
        return new RemoteCommand(line + " && " + next.line);
    }

    /** This command's output and errors both on standard output (for diagnosis). */
    public RemoteCommand mergingErrors() {
        return new RemoteCommand("{ " + line + "; } 2>&1");
    }

    /**
     * {@code word} as one literal word for a POSIX shell: inside single quotes nothing is special
     * except the single quote itself, which is closed, escaped and reopened.
     */
    public static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** A remote path: {@code ~} and {@code ~/rest} expand to the remote home, nothing else does. */
    public static String quotePath(String path) {
        if (path.equals("~")) {
            return "\"$HOME\"";
        }
        if (path.startsWith("~/")) {
            return "\"$HOME\"/" + quote(path.substring(2));
        }
        return quote(path);
    }

    @Override
    public String toString() {
        return line;
    }
}
