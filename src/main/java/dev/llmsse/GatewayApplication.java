package dev.llmsse;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the LLM SSE gateway. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    /** Reactor Netty's system property for how many items a response's writer takes ahead of the socket. */
    static final String SEND_PREFETCH = "reactor.netty.send.maxPrefetchSize";

    static {
        // Reactor Netty's default, 128, gives every response a 128-slot queue (528 bytes) that a stream holds for
        // its whole life, though its frames come one by one and leave at once; 16 still coalesces a burst of 16
        // frames into one flush (issue 14: memory per stream). Read once, when Reactor Netty first sends, which
        // is after this class is loaded (by main, or by a test's context); a -D given at start-up wins.
        if (System.getProperty(SEND_PREFETCH) == null) {
            System.setProperty(SEND_PREFETCH, "16");
        }
    }

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }
}
