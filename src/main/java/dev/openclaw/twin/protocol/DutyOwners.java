package dev.openclaw.twin.protocol;

import dev.openclaw.twin.coordination.FlockView;
import dev.openclaw.twin.coordination.ResponseRules;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.util.function.Supplier;

/**
 * Which twin runs a periodic job's slot (backups, knowledge sync, pruning): the duty owner by the
 * rules, made exclusive by a claim of the slot, so a flock whose views differ for a moment still
 * runs it once.
 */
final class DutyOwners {

    private final String self;
    private final ResponseRules rules;
    private final Supplier<FlockView> view;
    private final ClaimFence fence;
    private final ProtocolMetrics metrics;

    DutyOwners(String self, ResponseRules rules, Supplier<FlockView> view, ClaimFence fence, ProtocolMetrics metrics) {
        this.self = self;
        this.rules = rules;
        this.view = view;
        this.fence = fence;
        this.metrics = metrics;
    }

    DutyAnswer duty(String job, String slot) {
        DutyAnswer answer = ownerOf(job, slot);
        metrics.duty(job.contains(":") ? job.substring(0, job.indexOf(':')) : job, answer.run());
        return answer;
    }

    private DutyAnswer ownerOf(String job, String slot) {
        String owner = rules.dutyOwner(view.get());
        if (!owner.equals(self)) {
            return new DutyAnswer(false, owner);
        }
        String key = ClaimKeys.dutyKey(job, slot);
        try {
            if (fence.create(key, "duty")) {
                return new DutyAnswer(true, self);
            }
            String holder = ClaimFence.holderOf(fence.read(key)).orElse("unknown");
            return new DutyAnswer(holder.equals(self), holder);
        } catch (StoreUnavailableException e) {
            metrics.storeUnavailable();
            return new DutyAnswer(true, self); // the owner by this twin's view, as for messages
        }
    }
}
