package dev.openclaw.twin.daemon;

import dev.openclaw.twin.health.FlockStatus;
import dev.openclaw.twin.state.ShareText;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /}: the flock at a glance, as {@code twin status} shows it, server-rendered HTML
 * that refreshes itself every few seconds. No scripts, no external resources.
 */
final class StatusPage {

    static final int REFRESH_SECONDS = 5;

    private StatusPage() {}

    static String render(FlockStatus status, String twin, Instant now) {
        StringBuilder rows = new StringBuilder();
        for (FlockStatus.TwinStatus t : status.twins()) {
            List<String> roles = new ArrayList<>();
            if (t.name().equals(status.primary())) {
                roles.add("primary");
            }
            if (t.name().equals(status.actingPrimary())) {
                roles.add("answering");
            }
            rows.append("<tr class=\"twin")
                    .append(t.name().equals(status.actingPrimary()) ? " acting" : "")
                    .append("\" data-twin=\"")
                    .append(escape(t.name()))
                    .append("\"><td class=\"name\">")
                    .append(escape(t.name()))
                    .append(
                            roles.isEmpty()
                                    ? ""
                                    : " <span class=\"role\">" + escape(String.join(", ", roles)) + "</span>")
                    .append("</td><td><span class=\"badge state-")
                    .append(escape(t.state()))
                    .append("\">")
                    .append(escape(t.state()))
                    .append("</span></td><td>")
                    .append(t.lastSeenSeconds() == null ? "never" : escape(seen(t.lastSeenSeconds())))
                    .append("</td><td><span class=\"badge gateway-")
                    .append(escape(t.gateway()))
                    .append("\">")
                    .append(escape(t.gateway()))
                    .append("</span></td><td>")
                    .append(t.version() == null ? "" : escape(t.version()))
                    .append(t.host() == null ? "" : " <span class=\"host\">on " + escape(t.host()) + "</span>")
                    .append("</td></tr>\n");
        }
        StringBuilder problems = new StringBuilder();
        for (String problem : status.problems()) {
            problems.append("<li>").append(escape(problem)).append("</li>");
        }
        FlockStatus.OverridesView o = status.overrides();
        String override = o.both()
                ? "every twin answers"
                : o.only() != null
                        ? "only " + o.only() + " answers"
                        : o.primary() != null ? o.primary() + " is pinned as primary" : "";
        if (!override.isEmpty() && o.by() != null) {
            override += " (set by " + o.by() + ")";
        }
        String headline = status.healthy() ? "healthy" : "degraded";
        return """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta http-equiv="refresh" content="%d">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>openclaw-twin: %s</title>
                <style>
                body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem; color: #1d2330; background: #f7f8fa; }
                h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
                .summary { margin: 0 0 1.5rem; color: #4a5263; }
                .health { font-weight: 600; padding: .1rem .6rem; border-radius: 1rem; color: #fff; }
                .health.healthy { background: #1f9d55; } .health.degraded { background: #d64545; }
                table { border-collapse: collapse; min-width: 40rem; background: #fff; }
                th, td { text-align: left; padding: .55rem 1rem; border-bottom: 1px solid #e3e6ec; }
                th { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: #6b7385; }
                tr.acting td { background: #fff4cc; }
                .name { font-weight: 600; } .role { font-weight: 400; font-size: .8rem; color: #8a6d00; }
                .badge { padding: .1rem .55rem; border-radius: .8rem; color: #fff; font-size: .85rem; }
                .state-online, .gateway-ready { background: #1f9d55; }
                .state-stale, .gateway-not-ready { background: #d9822b; }
                .state-offline, .gateway-unreachable { background: #d64545; }
                .state-stopped, .state-never-seen, .gateway-unknown { background: #7d8595; }
                .host { color: #8a91a0; font-size: .8rem; }
                .problems { color: #b42318; } footer { margin-top: 1.5rem; font-size: .8rem; color: #8a91a0; }
                </style>
                </head>
                <body>
                <h1>openclaw-twin <span class="health %s">%s</span></h1>
                <p class="summary">Primary today: <strong id="primary">%s</strong>%s — answering now: <strong id="acting">%s</strong>%s</p>
                <table>
                <thead><tr><th>twin</th><th>daemon</th><th>last seen</th><th>gateway</th><th>version</th></tr></thead>
                <tbody>
                %s</tbody>
                </table>
                %s
                <footer>As seen by %s at %s; refreshes every %d s. <a href="/v1/status">JSON</a> · <a href="/metrics">metrics</a></footer>
                </body>
                </html>
                """.formatted(
                        REFRESH_SECONDS,
                        headline,
                        headline,
                        headline,
                        escape(nullToDash(status.primary())),
                        status.parity() == null ? "" : " (" + escape(status.parity()) + " date)",
                        escape(nullToDash(status.actingPrimary())),
                        override.isEmpty() ? "" : " — override: " + escape(override),
                        rows,
                        problems.isEmpty() ? "" : "<ul class=\"problems\">" + problems + "</ul>",
                        escape(twin),
                        now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                        REFRESH_SECONDS);
    }

    private static String seen(double seconds) {
        if (seconds < 90) {
            return Math.round(seconds) + " s ago";
        }
        if (seconds < 90 * 60) {
            return Math.round(seconds / 60) + " min ago";
        }
        return Math.round(seconds / 3600) + " h ago";
    }

    private static String nullToDash(String text) {
        return text == null ? "—" : text;
    }

    /**
     * Text for HTML element content and quoted attribute values; control characters (text from the
     * share may carry any) are dropped.
     */
    static String escape(String text) {
        String printable = ShareText.printable(text, 500);
        StringBuilder out = new StringBuilder(printable.length());
        for (char c : printable.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
