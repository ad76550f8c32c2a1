package dev.openclaw.twin.config;

import java.util.Comparator;
import java.util.List;

/** A configuration that cannot be used; {@link #problems()} lists every reason in file order. */
public final class ConfigException extends Exception {

    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.size() + " problem(s) in the configuration");
        this.problems = problems.stream()
                .sorted(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column))
                .toList();
    }

    /** No file was found or it could not be read; {@code message} says where we looked. */
    public ConfigException(String message) {
        super(message);
        this.problems = List.of();
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    /** What to print: one line per problem, or the message when there are none. */
    public List<String> lines() {
        return problems.isEmpty()
                ? List.of(getMessage())
                : problems.stream().map(ConfigProblem::toString).toList();
    }
}
