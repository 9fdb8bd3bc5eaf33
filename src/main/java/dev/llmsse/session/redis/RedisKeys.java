package dev.llmsse.session.redis;

/**
 * The Redis key layout (see {@code docs/scaling.md}). Every key of one generation shares the hash tag
 * {@code {id}}, so that they land in one slot on a Redis Cluster and one script may touch them all.
 */
record RedisKeys(String prefix) {

    String session(String id) {
        return prefix + ":{" + id + "}:session";
    }

    String claimed(String id) {
        return prefix + ":{" + id + "}:claimed";
    }

    String lease(String id) {
        return prefix + ":{" + id + "}:lease";
    }

    String log(String id) {
        return prefix + ":{" + id + "}:log";
    }

    String remoteSubscribers(String id) {
        return prefix + ":{" + id + "}:remote";
    }

    /** An alias has no hash tag: it names a session, it is not one of the session's keys. */
    String alias(String alias) {
        return prefix + ":alias:" + alias;
    }

    /** A tool call's kept reasoning state: no hash tag, it belongs to the call, not to a session. */
    String reasoningState(String toolCallId) {
        return prefix + ":state:" + toolCallId;
    }

    String appended(String id) {
        return prefix + ":appended:" + id;
    }

    String stopChannel() {
        return prefix + ":stop";
    }

    String goneChannel() {
        return prefix + ":remote-gone";
    }
}
