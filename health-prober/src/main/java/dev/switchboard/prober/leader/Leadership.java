package dev.switchboard.prober.leader;

/** Whether this replica is the one that probes. Read on every probe round; cheap. */
public interface Leadership {

    boolean isLeader();

    /** This replica's identity in the election. */
    String identity();
}
