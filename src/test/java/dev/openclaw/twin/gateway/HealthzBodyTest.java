package dev.openclaw.twin.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a /healthz body says, read the one way doctor, connect and the peers' daemons read it. */
class HealthzBodyTest {

    @Test
    void aTwinDaemonsAnswerGivesItsNameAndWhatItSaysAboutTheStore() {
        assertThat(
                        HealthzBody.parse(
                                "{\"ok\":true,\"twin\":\"tars\",\"store\":\"unreachable\",\"claimant\":\"case\",\"incarnation\":\"x\"}"))
                .contains(new HealthzBody("tars", Optional.of(false), Optional.of("case")));
        assertThat(HealthzBody.parse("{\"ok\":true,\"twin\":\"tars\",\"store\":\"ok\"}"))
                .contains(new HealthzBody("tars", Optional.of(true), Optional.empty()));
    }

    @Test
    void anOlderVersionsAnswerOrOddFieldsSayNothingAboutTheStore() {
        assertThat(HealthzBody.parse("{\"ok\":true,\"twin\":\"tars\"}"))
                .contains(new HealthzBody("tars", Optional.empty(), Optional.empty()));
        assertThat(HealthzBody.parse("{\"twin\":\"tars\",\"store\":\"maybe\",\"claimant\":7}"))
                .contains(new HealthzBody("tars", Optional.empty(), Optional.empty()));
    }

    @Test
    void anythingButJsonWithAStringTwinIsNotATwinDaemonsHealthz() {
        assertThat(HealthzBody.parse("")).isEmpty();
        assertThat(HealthzBody.parse("<html>ok</html>")).isEmpty();
        assertThat(HealthzBody.parse("{\"ok\":true}")).isEmpty();
        assertThat(HealthzBody.parse("{\"twin\":42}")).isEmpty();
        assertThat(HealthzBody.parse("[\"tars\"]")).isEmpty();
    }
}
