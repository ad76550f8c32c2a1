package dev.openclaw.twin.coordination;

/** Why a twin answers or stays silent. The codes are a contract (DESIGN §4). */
public enum Reason {
    FROM_TWIN("from-twin"),
    OVERRIDE_ONLY("override-only"),
    OVERRIDE_OTHER("override-other"),
    BOTH_REQUESTED("both-requested"),
    BOTH_FLAG("both-flag"),
    NAMED("named"),
    NAMED_OTHER("named-other"),
    MACHINE_SPECIFIC("machine-specific"),
    PRIMARY("primary"),
    ACTING_PRIMARY("acting-primary"),
    TAKEOVER("takeover"),
    CLAIMED_BY_OTHER("claimed-by-other"),
    STANDBY("standby");

    private final String code;

    Reason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return code;
    }
}
