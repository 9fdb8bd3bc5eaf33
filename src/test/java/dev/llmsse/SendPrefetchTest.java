package dev.llmsse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The gateway sets Reactor Netty's send prefetch before Reactor Netty reads it (when it first sends): loading the
 * application class, as {@code main} and every test context do, is enough. The build passes no {@code -D} for it.
 */
class SendPrefetchTest {

    @Test
    void loadingTheApplicationSetsASmallSendPrefetch() throws Exception {
        Class.forName(GatewayApplication.class.getName(), true, getClass().getClassLoader());

        assertThat(System.getProperty(GatewayApplication.SEND_PREFETCH)).isEqualTo("16");
    }
}
