package dev.openclaw.twin.protocol;

/** What the claim protocol reports for {@code /metrics}. */
public interface ProtocolMetrics {

    void decided(String reason, long nanos);

    void claimAttempt(boolean won, long nanos);

    void takeover(long sinceDecideNanos);

    void confirmed(boolean send);

    void storeUnavailable();

    /** A duty slot was asked for: {@code kind} is the job's kind (heartbeat, cron, ...). */
    void duty(String kind, boolean run);

    ProtocolMetrics NONE = new ProtocolMetrics() {
        @Override
        public void decided(String reason, long nanos) {}

        @Override
        public void claimAttempt(boolean won, long nanos) {}

        @Override
        public void takeover(long sinceDecideNanos) {}

        @Override
        public void confirmed(boolean send) {}

        @Override
        public void storeUnavailable() {}

        @Override
        public void duty(String kind, boolean run) {}
    };
}
