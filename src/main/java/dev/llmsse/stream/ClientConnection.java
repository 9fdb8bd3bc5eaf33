package dev.llmsse.stream;

/**
 * What the stream core may know of a client's connection, without knowing HTTP or Netty: whether bytes are
 * waiting for the client to read them, and a way to end it so that the client cannot mistake a cut for a
 * complete answer. The web layer puts one in the Reactor context of the frames it writes.
 */
public interface ClientConnection {

    /** A stream without a socket under it (tests, the JSON answer): never backlogged, nothing to reset. */
    ClientConnection NONE = new ClientConnection() {
        @Override
        public long unsentBytes() {
            return 0;
        }

        @Override
        public boolean sentWithin(long millis) {
            return false;
        }

        @Override
        public void reset() {
        }
    };

    /** Bytes written for the client that its socket has not taken yet; above 0 the client is behind on reading. */
    long unsentBytes();

    /**
     * Whether the socket sent the client new data in the last {@code millis}: it can only when the client has
     * read, so this is how a slow but steady reader is told from one that reads nothing, even while the
     * kernel's buffers hide the pace from the bytes waiting here. False where the transport cannot tell.
     */
    boolean sentWithin(long millis);

    /** Ends the connection at once with a TCP reset: the client sees an error, never a clean end of the body. */
    void reset();
}
