package dev.openclaw.twin.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TakeoverDispatchEditTest {

    private static final String REF = "file:~/.config/openclaw-twin/hooks-token";

    /** The block twin init writes, with its commented-out hooks_token line. */
    private static final String INIT = """
            # written by twin init
            twins:
              tars: {hostname: h1}
              case: {hostname: h2}

            coordination:
              rotation: daily
              takeover_dispatch:             # a takeover runs as an agent turn on the twin's own gateway
                type: openclaw
                # hooks_token: ${OPENCLAW_HOOKS_TOKEN}  # the gateway's hooks.token: takeovers need it

            daemon:
              port: 7420
            """;

    @Test
    void theCommentedLineOfTwinInitBecomesTheRealOneAndNothingElseMoves() {
        TakeoverDispatchEdit edit = new TakeoverDispatchEdit(INIT);
        String after = edit.withHooksToken(Optional.of(REF));

        assertThat(after)
                .isEqualTo(INIT.replace(
                        "    # hooks_token: ${OPENCLAW_HOOKS_TOKEN}  # the gateway's hooks.token: takeovers need it",
                        "    hooks_token: \"" + REF + "\""));
        assertThat(edit.replacedLine())
                .contains("    # hooks_token: ${OPENCLAW_HOOKS_TOKEN}  # the gateway's hooks.token: takeovers need it");
        assertThat(new TakeoverDispatchEdit(after).current())
                .isEqualTo(new TakeoverDispatchEdit.Current("openclaw", Optional.of(REF)));
    }

    @Test
    void undoPutsTheReplacedLineBackByteForByte() {
        TakeoverDispatchEdit edit = new TakeoverDispatchEdit(INIT);
        String after = edit.withHooksToken(Optional.of(REF));

        String restored = new TakeoverDispatchEdit(after)
                .withLineRestored(REF, edit.replacedLine().orElseThrow());

        assertThat(restored).isEqualTo(INIT);
    }

    @Test
    void anExistingValueIsReplacedKeepingItsComment() {
        String yaml = INIT.replace(
                "    # hooks_token: ${OPENCLAW_HOOKS_TOKEN}  # the gateway's hooks.token: takeovers need it",
                "    hooks_token: ${OPENCLAW_HOOKS_TOKEN}   # from the environment");
        TakeoverDispatchEdit edit = new TakeoverDispatchEdit(yaml);
        assertThat(edit.current().hooksToken()).contains("${OPENCLAW_HOOKS_TOKEN}");

        String after = edit.withHooksToken(Optional.of(REF));

        assertThat(after).contains("    hooks_token: \"" + REF + "\"   # from the environment\n");
        assertThat(new TakeoverDispatchEdit(after).withHooksToken(Optional.empty()))
                .doesNotContain("hooks_token")
                .contains("    type: openclaw\n");
    }

    @Test
    void aOneLineFlowMappingKeepsItsOtherKeysAndTrailingComment() {
        String yaml = """
                coordination:
                  takeover_dispatch: {type: openclaw, url: "http://127.0.0.1:18789"}  # own gateway
                  offline_after_seconds: 20
                """;
        String after = new TakeoverDispatchEdit(yaml).withHooksToken(Optional.of(REF));

        assertThat(after).isEqualTo("""
                coordination:
                  takeover_dispatch: {type: openclaw, url: "http://127.0.0.1:18789", hooks_token: "%s"}  # own gateway
                  offline_after_seconds: 20
                """.formatted(REF));
        assertThat(new TakeoverDispatchEdit(after).withHooksToken(Optional.empty()))
                .contains("takeover_dispatch: {type: openclaw, url: \"http://127.0.0.1:18789\"}  # own gateway");
    }

    @Test
    void aQuotedValueWithBracesDoesNotEndTheFlowMapping() {
        String yaml = "coordination:\n  takeover_dispatch: {type: openclaw, hooks_token: \"${TOKEN}\"}\n";
        TakeoverDispatchEdit edit = new TakeoverDispatchEdit(yaml);

        assertThat(edit.current().hooksToken()).contains("${TOKEN}");
        assertThat(edit.withHooksToken(Optional.of(REF)))
                .isEqualTo("coordination:\n  takeover_dispatch: {type: openclaw, hooks_token: \"" + REF + "\"}\n");
    }

    @Test
    void aMissingKeyIsAddedUnderCoordinationWithItsIndentation() {
        String yaml = "twins: {}\ncoordination:\n    rotation: daily\ndaemon: {port: 1}\n";

        assertThat(new TakeoverDispatchEdit(yaml).withHooksToken(Optional.of(REF)))
                .isEqualTo("twins: {}\ncoordination:\n    takeover_dispatch: {type: openclaw, hooks_token: \"" + REF
                        + "\"}\n    rotation: daily\ndaemon: {port: 1}\n");
    }

    @Test
    void aMissingSectionIsAppended() {
        String yaml = "twins: {}\n";

        assertThat(new TakeoverDispatchEdit(yaml).withHooksToken(Optional.of(REF)))
                .isEqualTo("twins: {}\n\ncoordination:\n  takeover_dispatch: {type: openclaw, hooks_token: \"" + REF
                        + "\"}\n");
    }

    @Test
    void layoutsItCannotEditSafelyAreNamed() {
        assertThat(new TakeoverDispatchEdit("coordination: {rotation: daily}\n").unsupported())
                .isPresent();
        assertThat(new TakeoverDispatchEdit("coordination:\n  takeover_dispatch: {type: openclaw,\n    url: x}\n")
                        .unsupported())
                .isPresent();
        assertThat(new TakeoverDispatchEdit(INIT).unsupported()).isEmpty();
    }

    @Test
    void aWebhookDispatchIsReportedAsSuch() {
        String yaml = "coordination:\n  takeover_dispatch:\n    type: webhook\n    url: http://x/\n";

        assertThat(new TakeoverDispatchEdit(yaml).current().type()).isEqualTo("webhook");
    }
}
