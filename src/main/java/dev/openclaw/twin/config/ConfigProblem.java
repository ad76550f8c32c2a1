package dev.openclaw.twin.config;

import dev.openclaw.twin.config.YamlNode.Location;

/**
 * One thing wrong with a configuration file, printed as {@code file:line:col key.path: message}.
 *
 * @param keyPath dotted path of the key ({@code coordination.order[1]}), empty for the whole file
 */
public record ConfigProblem(String file, int line, int column, String keyPath, String message) {

    ConfigProblem(String file, Location location, String keyPath, String message) {
        this(file, location.line(), location.column(), keyPath, message);
    }

    @Override
    public String toString() {
        String where = file + ":" + line + ":" + column;
        return keyPath.isEmpty() ? where + " " + message : where + " " + keyPath + ": " + message;
    }
}
